"""The IAM policy language: validated models of policy documents.

A policy arrives as JSON text or a parsed object. :func:`parse_policy` checks it at the door,
collecting *every* problem with its JSON path and a hint, and raises one :class:`XrayKitError`
(never a traceback); what passes becomes a frozen :class:`Policy` in a normal form: every element
that IAM lets be "a string or a list" is a tuple, Condition values are tuples of strings.

The rules differ by the kind of policy (:class:`PolicyKind`): identity-based policies, permissions
boundaries and session policies may not name a principal; resource-based policies (bucket
policies, key policies, role trust policies) must; SCPs may not name one either; RCPs may only
deny, for the principal ``*``.

Taught in ``notebooks/08_playground.ipynb``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, model_validator

from xraykit import operators
from xraykit.errors import Issue, XrayKitError, did_you_mean, json_type, load_json, shown
from xraykit.grammar import (
    _ACTION_NAME_RE,
    _POLICY_KEYS,
    _PRINCIPAL_KEYS,
    _SERVICE_RE,
    _STATEMENT_KEYS,
    VERSIONS,
    PolicyKind,
    fast_header,
    fast_statement,
    policy_kind,
)

_M = TypeVar("_M", bound=BaseModel)

__all__ = [
    "VERSIONS",
    "Policy",
    "PolicyKind",
    "Principal",
    "Statement",
    "check_policy",
    "parse_policy",
]

_Frozen = ConfigDict(frozen=True, extra="forbid")


def _build(cls: type[_M], **fields: Any) -> _M:
    """Make a model from fields already checked by :func:`check_policy`, skipping re-validation.

    ``model_construct`` does the same but is several times slower; every field must be given.
    """
    obj = cls.__new__(cls)
    object.__setattr__(obj, "__dict__", fields)
    object.__setattr__(obj, "__pydantic_fields_set__", set(fields))
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj


class Principal(BaseModel):
    """A Principal or NotPrincipal element: ``"*"`` or principals by type (``AWS``, ``Service`` ...)."""

    model_config = _Frozen

    wildcard: bool = False
    aws: tuple[str, ...] = ()
    service: tuple[str, ...] = ()
    federated: tuple[str, ...] = ()
    canonical_user: tuple[str, ...] = ()

    def values(self) -> tuple[tuple[str, str], ...]:
        """Every named principal as ``(type, value)``; ``("*", "*")`` for the wildcard."""
        if self.wildcard:
            return (("*", "*"),)
        out: list[tuple[str, str]] = []
        out += [("AWS", v) for v in self.aws]
        out += [("Service", v) for v in self.service]
        out += [("Federated", v) for v in self.federated]
        out += [("CanonicalUser", v) for v in self.canonical_user]
        return tuple(out)


class Statement(BaseModel):
    """One statement in normal form: tuples everywhere, ``None`` for an absent element."""

    model_config = _Frozen

    sid: str | None = None
    effect: Literal["Allow", "Deny"]
    principal: Principal | None = None
    not_principal: Principal | None = None
    action: tuple[str, ...] | None = None
    not_action: tuple[str, ...] | None = None
    resource: tuple[str, ...] | None = None
    not_resource: tuple[str, ...] | None = None
    condition: tuple[tuple[str, tuple[tuple[str, tuple[str, ...]], ...]], ...] = ()

    @property
    def is_deny(self) -> bool:
        """True for ``"Effect": "Deny"``."""
        return self.effect == "Deny"


class Policy(BaseModel):
    """A validated policy document.

    ``Policy.model_validate(raw_document, context={"kind": PolicyKind.RESOURCE})`` also works
    and runs the same checks (raising pydantic's error); :func:`parse_policy` is the usual door.
    """

    model_config = _Frozen

    kind: PolicyKind = PolicyKind.IDENTITY
    version: str | None = None
    id: str | None = None
    statements: tuple[Statement, ...] = ()
    name: str = "policy"
    document: Any = None  # the document as given, for display

    @property
    def variables_enabled(self) -> bool:
        """Policy variables are substituted only under Version 2012-10-17."""
        return self.version == "2012-10-17"

    @model_validator(mode="before")
    @classmethod
    def _from_document(cls, data: Any, info: Any) -> Any:
        if isinstance(data, Mapping) and "Statement" in data:
            context = getattr(info, "context", None) or {}
            kind = PolicyKind(context.get("kind", PolicyKind.IDENTITY))
            issues = check_policy(data, kind)
            if issues:
                raise ValueError(str(XrayKitError(issues)))
            return _normalize(data, kind, str(context.get("name", "policy"))).model_dump()
        return data


def parse_policy(
    document: str | bytes | Mapping[str, Any] | Policy,
    kind: PolicyKind | str = PolicyKind.IDENTITY,
    *,
    name: str = "policy",
    source: str | None = None,
) -> Policy:
    """Check a policy document and return it as a :class:`Policy`.

    Args:
        document: JSON text, or an already parsed JSON object (a :class:`Policy` passes through).
        kind: where the policy is attached (decides which elements are allowed).
        name: a name to show in traces.
        source: where the document came from (a file name), used in error messages.

    Returns:
        The validated policy in normal form.

    Raises:
        XrayKitError: with every problem found, each with its JSON path and a hint.
    """
    if isinstance(document, Policy):
        return document
    kind = policy_kind(kind)
    if isinstance(document, str | bytes):
        try:
            document = load_json(document, source)
        except UnicodeDecodeError:
            raise XrayKitError(Issue("", "not valid JSON: the text is not UTF-8", None, source)) from None
    fast = _fast_policy(document, kind, name)
    if fast is not None:
        return fast
    issues = check_policy(document, kind)
    if issues:
        raise XrayKitError(issue.located(source) for issue in issues)
    assert isinstance(document, Mapping)
    return _normalize(document, kind, name)


def _an(noun: str) -> str:
    """``noun`` with its indefinite article."""
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


# --------------------------------------------------------------------------------------------
# checking


def _unknown_key(key: Any, allowed: tuple[str, ...], path: str) -> Issue:
    hint = did_you_mean(str(key), allowed) or "allowed here: " + ", ".join(f"`{k}`" for k in allowed)
    return Issue(path, f"unknown element `{key}`", hint)


def _strings(value: Any, path: str, element: str, issues: list[Issue]) -> list[str] | None:
    """A string or a non-empty list of strings; records an issue and returns None otherwise."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        if not value:
            issues.append(Issue(path, f"`{element}` is an empty list", "list at least one value"))
            return None
        out = []
        for i, item in enumerate(value):
            if isinstance(item, str):
                out.append(item)
            else:
                issues.append(
                    Issue(f"{path}[{i}]", f"`{element}` values must be strings, not {json_type(item)}")
                )
        return out if len(out) == len(value) else None
    issues.append(Issue(path, f"`{element}` must be a string or a list of strings, not {json_type(value)}"))
    return None


def _entries(
    statement: Mapping[str, Any], element: str, path: str, issues: list[Issue]
) -> Iterator[tuple[str, str]]:
    """``(path, value)`` of each string in a string-or-list element (type problems become issues)."""
    if element not in statement:
        return
    raw = statement[element]
    for i, value in enumerate(_strings(raw, f"{path}.{element}", element, issues) or ()):
        yield (f"{path}.{element}" if isinstance(raw, str) else f"{path}.{element}[{i}]"), value


def _check_action(value: str, path: str, issues: list[Issue]) -> None:
    if value == "*":
        return
    if value != value.strip() or " " in value:
        issues.append(Issue(path, f"the action `{value}` contains a space", "remove the spaces"))
        return
    service, sep, name = value.partition(":")
    if not sep or ":" in name:
        issues.append(
            Issue(
                path,
                f"`{value}` is not an action: expected `service:ActionName` or `*`",
                "for example `xray:GetGroup` or `xray:Get*`",
            )
        )
        return
    if not service:
        issues.append(Issue(path, f"`{value}` has no service prefix", "for example `xray:GetGroup`"))
    elif not _SERVICE_RE.match(service):
        issues.append(
            Issue(path, f"the service prefix `{service}` may only contain letters, digits and hyphens")
        )
    if not name:
        issues.append(
            Issue(path, f"`{value}` has no action name after the colon", f"for example `{service}:*`")
        )
    elif not _ACTION_NAME_RE.match(name):
        issues.append(
            Issue(path, f"the action name in `{value}` may only contain letters, digits, `*` and `?`")
        )


def _check_resource(value: str, path: str, issues: list[Issue]) -> None:
    if value == "*" or value.startswith("arn:"):
        if value.startswith("arn:") and value.count(":") < 5 and not value.endswith("*"):
            issues.append(
                Issue(
                    path,
                    f"`{value}` is not a complete ARN: it has {value.count(':') + 1} of 6 parts",
                    "an ARN reads `arn:partition:service:region:account:resource`",
                )
            )
        return
    issues.append(
        Issue(
            path,
            f"`{value}` is neither `*` nor an ARN",
            "resources are ARNs such as `arn:aws:xray:us-east-1:123456789012:group/name/*`",
        )
    )


def _check_principal(value: Any, path: str, element: str, issues: list[Issue]) -> None:
    if value == "*":
        return
    if isinstance(value, str):
        issues.append(
            Issue(
                path,
                f'`{element}` must be `"*"` or an object such as `{{"AWS": "..."}}`, not `{value}`',
                f'write `{{"AWS": "{value}"}}`' if value.isdigit() or value.startswith("arn:") else None,
            )
        )
        return
    if not isinstance(value, Mapping):
        issues.append(Issue(path, f'`{element}` must be `"*"` or an object, not {json_type(value)}'))
        return
    if not value:
        issues.append(Issue(path, f"`{element}` is an empty object", "name at least one principal"))
    for key, item in value.items():
        if key not in _PRINCIPAL_KEYS:
            issues.append(_unknown_key(key, _PRINCIPAL_KEYS, f"{path}.{key}"))
            continue
        names = _strings(item, f"{path}.{key}", f"{element}.{key}", issues)
        for i, name in enumerate(names or ()):
            if (
                key == "AWS"
                and name != "*"
                and not ((name.isdigit() and len(name) == 12) or name.startswith("arn:"))
            ):
                where = f"{path}.{key}" if isinstance(item, str) else f"{path}.{key}[{i}]"
                issues.append(
                    Issue(
                        where,
                        f"`{name}` is not an AWS principal",
                        "use a 12-digit account ID or an ARN such as `arn:aws:iam::123456789012:role/name`",
                    )
                )


def _check_condition(value: Any, path: str, issues: list[Issue]) -> None:
    if not isinstance(value, Mapping):
        issues.append(
            Issue(
                path,
                f"`Condition` must be an object, not {json_type(value)}",
                'write `{"StringEquals": {"aws:username": "alice"}}`',
            )
        )
        return
    for op_name, block in value.items():
        op_path = f"{path}.{op_name}"
        if not op_name:
            issues.append(Issue(path, "the condition operator is empty", "for example `StringEquals`"))
            continue
        try:
            operators.parse_operator(op_name)
        except XrayKitError as error:
            issues.extend(
                issue.located(prefix=op_path) if issue.path else Issue(op_path, issue.message, issue.hint)
                for issue in error.issues
            )
            continue
        if not isinstance(block, Mapping):
            issues.append(
                Issue(
                    op_path,
                    f"the operator `{op_name}` must map condition keys to values, not {json_type(block)}",
                    f'write `{{"{op_name}": {{"aws:username": "alice"}}}}`',
                )
            )
            continue
        if not block:
            issues.append(Issue(op_path, f"the operator `{op_name}` has no condition keys"))
        for key, raw in block.items():
            key_path = f"{op_path}.{key}"
            if not key:
                issues.append(
                    Issue(op_path, "a condition key is empty", "for example `aws:ResourceTag/team`")
                )
            elif not isinstance(key, str) or ":" not in key:
                issues.append(
                    Issue(
                        key_path,
                        f"`{key}` is not a condition key: expected `prefix:Name`",
                        "for example `aws:ResourceTag/team`",
                    )
                )
            try:
                operators.normalize_values(raw)
            except XrayKitError as error:
                issues.extend(Issue(key_path, i.message, i.hint) for i in error.issues)
            else:
                if isinstance(raw, list) and not raw:
                    issues.append(
                        Issue(
                            key_path, "the condition has an empty list of values", "list at least one value"
                        )
                    )


def check_policy(document: Any, kind: PolicyKind | str = PolicyKind.IDENTITY) -> list[Issue]:
    """Every problem with ``document`` as a policy of ``kind``; an empty list when it is valid.

    Args:
        document: a parsed JSON value.
        kind: where the policy is attached.

    Returns:
        The issues, each with the JSON path of the offending element.
    """
    kind = policy_kind(kind)
    issues: list[Issue] = []
    if not isinstance(document, Mapping):
        return [
            Issue(
                "",
                f"a policy must be a JSON object, not {json_type(document)}",
                'a policy looks like `{"Version": "2012-10-17", "Statement": [...]}`',
            )
        ]
    for key in document:
        if key not in _POLICY_KEYS:
            issues.append(_unknown_key(key, _POLICY_KEYS, str(key)))
    version = document.get("Version")
    if "Version" in document:
        if not isinstance(version, str):
            issues.append(
                Issue(
                    "Version",
                    f"`Version` must be a string, not {json_type(version)}",
                    'write `"Version": "2012-10-17"`',
                )
            )
        elif version not in VERSIONS:
            issues.append(
                Issue(
                    "Version",
                    f"unsupported version `{version}`",
                    "use `2012-10-17` (the current language version)",
                )
            )
    if kind is PolicyKind.RCP and version != "2012-10-17":
        issues.append(Issue("Version", 'a resource control policy needs `"Version": "2012-10-17"`'))
    if "Id" in document and not isinstance(document["Id"], str):
        issues.append(Issue("Id", f"`Id` must be a string, not {json_type(document['Id'])}"))
    if "Statement" not in document:
        issues.append(
            Issue("", "the policy has no `Statement`", 'add `"Statement": [...]` with at least one statement')
        )
        return issues
    statements = document["Statement"]
    if isinstance(statements, Mapping):
        items: list[tuple[str, Any]] = [("Statement", statements)]
    elif isinstance(statements, list):
        items = [(f"Statement[{i}]", s) for i, s in enumerate(statements)]
    else:
        issues.append(
            Issue(
                "Statement",
                f"`Statement` must be an object or a list of objects, not {json_type(statements)}",
            )
        )
        return issues
    sids: dict[str, str] = {}
    for path, statement in items:
        _check_statement(statement, path, kind, issues, sids)
    return issues


def _check_statement(
    statement: Any, path: str, kind: PolicyKind, issues: list[Issue], sids: dict[str, str]
) -> None:
    if not isinstance(statement, Mapping):
        issues.append(Issue(path, f"a statement must be a JSON object, not {json_type(statement)}"))
        return
    for key in statement:
        if key not in _STATEMENT_KEYS:
            issues.append(_unknown_key(key, _STATEMENT_KEYS, f"{path}.{key}"))
    if "Sid" in statement:
        sid = statement["Sid"]
        if not isinstance(sid, str):
            issues.append(Issue(f"{path}.Sid", f"`Sid` must be a string, not {json_type(sid)}"))
        elif sid in sids:
            issues.append(
                Issue(
                    f"{path}.Sid",
                    f"duplicate Sid `{sid}` (also in {sids[sid]})",
                    "each statement in a policy needs its own Sid",
                )
            )
        else:
            sids[sid] = path
    effect = statement.get("Effect")
    if "Effect" not in statement:
        issues.append(
            Issue(path, "the statement has no `Effect`", 'add `"Effect": "Allow"` or `"Effect": "Deny"`')
        )
    elif effect not in ("Allow", "Deny"):
        hint = did_you_mean(str(effect), ("Allow", "Deny")) if isinstance(effect, str) else None
        issues.append(
            Issue(
                f"{path}.Effect",
                f"`Effect` must be `Allow` or `Deny`, not {shown(effect)}",
                hint or "IAM knows only `Allow` and `Deny`",
            )
        )
    elif kind is PolicyKind.RCP and effect != "Deny":
        issues.append(
            Issue(
                f"{path}.Effect",
                "a resource control policy may only deny",
                "AWS attaches `RCPFullAWSAccess` to allow; write Deny statements",
            )
        )
    for first, second in (
        ("Action", "NotAction"),
        ("Resource", "NotResource"),
        ("Principal", "NotPrincipal"),
    ):
        if first in statement and second in statement:
            issues.append(
                Issue(path, f"a statement cannot have both `{first}` and `{second}`", "keep one of them")
            )
    if "Action" not in statement and "NotAction" not in statement:
        issues.append(
            Issue(
                path,
                "the statement has neither `Action` nor `NotAction`",
                'add `"Action": "xray:GetGroup"` (or a list)',
            )
        )
    for element in ("Action", "NotAction"):
        for where, action in _entries(statement, element, path, issues):
            _check_action(action, where, issues)
            if kind is PolicyKind.RCP and action == "*":
                issues.append(
                    Issue(
                        where,
                        "a resource control policy cannot use the action `*`",
                        "name the service, e.g. `s3:*`",
                    )
                )
    if kind is PolicyKind.RCP and "NotAction" in statement:
        issues.append(Issue(f"{path}.NotAction", "`NotAction` is not allowed in a resource control policy"))
    needs_resource = kind is not PolicyKind.RESOURCE
    if needs_resource and "Resource" not in statement and "NotResource" not in statement:
        issues.append(
            Issue(
                path,
                "the statement has neither `Resource` nor `NotResource`",
                'add `"Resource": "*"` or the ARNs it applies to',
            )
        )
    for element in ("Resource", "NotResource"):
        for where, resource in _entries(statement, element, path, issues):
            _check_resource(resource, where, issues)
    has_principal = "Principal" in statement or "NotPrincipal" in statement
    if kind.names_principal and not has_principal:
        issues.append(
            Issue(
                path,
                f"the statement has neither `Principal` nor `NotPrincipal`, which {_an(kind.value)} needs",
                'add `"Principal": "*"`'
                if kind is PolicyKind.RCP
                else 'add `"Principal": {"AWS": "arn:aws:iam::123456789012:root"}`',
            )
        )
    elif not kind.names_principal and has_principal:
        element = "Principal" if "Principal" in statement else "NotPrincipal"
        issues.append(
            Issue(
                f"{path}.{element}",
                f"`{element}` is not allowed in {_an(kind.value)}",
                "the principal is whoever the policy is attached to; remove the element",
            )
        )
    if kind is PolicyKind.RCP:
        if "NotPrincipal" in statement:
            issues.append(
                Issue(f"{path}.NotPrincipal", "`NotPrincipal` is not allowed in a resource control policy")
            )
        elif "Principal" in statement and statement["Principal"] != "*":
            issues.append(Issue(f"{path}.Principal", 'a resource control policy needs `"Principal": "*"`'))
    for element in ("Principal", "NotPrincipal"):
        if element in statement:
            _check_principal(statement[element], f"{path}.{element}", element, issues)
    if "Condition" in statement:
        _check_condition(statement["Condition"], f"{path}.Condition", issues)


# --------------------------------------------------------------------------------------------
# normal form


def _tuple(value: Any) -> tuple[str, ...] | None:
    if value is None:
        return None
    return (value,) if isinstance(value, str) else tuple(value)


def _principal(value: Any) -> Principal | None:
    if value is None:
        return None
    kwargs: dict[str, Any] = {
        "wildcard": False,
        "aws": (),
        "service": (),
        "federated": (),
        "canonical_user": (),
    }
    if value == "*" or value == {"AWS": "*"}:
        kwargs["wildcard"] = True
    else:
        fields = {
            "AWS": "aws",
            "Service": "service",
            "Federated": "federated",
            "CanonicalUser": "canonical_user",
        }
        kwargs.update({fields[k]: _tuple(v) for k, v in value.items()})
    return _build(Principal, **kwargs)


def _normalize(document: Mapping[str, Any], kind: PolicyKind, name: str) -> Policy:
    raw = document["Statement"]
    raw_statements = [raw] if isinstance(raw, Mapping) else list(raw)
    statements = []
    for s in raw_statements:
        condition = tuple(
            (op, tuple((key, operators.normalize_values(values)) for key, values in block.items()))
            for op, block in (s.get("Condition") or {}).items()
        )
        # already checked by check_policy: build without validating twice
        statements.append(
            _build(
                Statement,
                sid=s.get("Sid"),
                effect=s["Effect"],
                principal=_principal(s.get("Principal")),
                not_principal=_principal(s.get("NotPrincipal")),
                action=_tuple(s.get("Action")),
                not_action=_tuple(s.get("NotAction")),
                resource=_tuple(s.get("Resource")),
                not_resource=_tuple(s.get("NotResource")),
                condition=condition,
            )
        )
    return _build(
        Policy,
        kind=kind,
        version=document.get("Version"),
        id=document.get("Id"),
        statements=tuple(statements),
        name=name,
        document=document,
    )


# --------------------------------------------------------------------------------------------
# the fast path: grammar.fast_header and grammar.fast_statement check a document of the everyday
# shape in one pass; the models are built from what they give, skipping the full check.


def _fast_statement(raw: Any, kind: PolicyKind, sids: set[str]) -> Statement | None:
    fields = fast_statement(raw, kind, sids)
    if fields is None:
        return None
    sid, effect, principal, not_principal, actions, not_action, resources, not_resource, condition = fields
    return _build(
        Statement,
        sid=sid,
        effect=effect,
        principal=None if principal is None else _build(Principal, **principal),
        not_principal=None if not_principal is None else _build(Principal, **not_principal),
        action=None if not_action else actions,
        not_action=actions if not_action else None,
        resource=None if not_resource else resources,
        not_resource=resources if not_resource else None,
        condition=condition,
    )


def _fast_policy(document: Any, kind: PolicyKind, name: str) -> Policy | None:
    """The policy, when it has the everyday shape and is valid; None when it needs the full check."""
    header = fast_header(document, kind)
    if header is None:
        return None
    version, items = header
    sids: set[str] = set()
    statements = []
    for item in items:
        statement = _fast_statement(item, kind, sids)
        if statement is None:
            return None
        statements.append(statement)
    return _build(
        Policy,
        kind=kind,
        version=version,
        id=document.get("Id"),
        statements=tuple(statements),
        name=name,
        document=document,
    )
