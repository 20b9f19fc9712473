"""Compiled matchers: does a statement's Action, Resource, Principal and Condition fit a request?

A :class:`CompiledStatement` is built once per statement and answers two ways:
:meth:`~CompiledStatement.applies_after_action` (how it applies, no record: the engine's plans have
already picked the statements whose Action fits; the path for matrices and bulk decisions) and
:meth:`~CompiledStatement.trace` (a
:class:`~xraykit.result.StatementTrace` that says why, element by element). Both give the same
answer; a test holds them to it.

The rules follow the IAM user guide:

- actions compare case-insensitively, with ``*`` and ``?`` wildcards;
- resources compare as ARNs, segment by segment (a wildcard in the first five segments stays
  within its segment), case-sensitively; for an action without resource-level permissions the
  request's resource is ``*`` and only a ``*`` in Resource matches it;
- principals in resource-based policies match exactly, by account (``123456789012`` or its
  ``:root`` ARN, which *delegates* to the account's IAM policies), or as the role (or federated
  user) behind a session.

Taught in ``notebooks/01_actions_and_wildcards.ipynb`` and ``notebooks/02_resources_and_arns.ipynb``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from enum import IntEnum
from functools import lru_cache
from typing import TYPE_CHECKING

from xraykit import conditions as _conditions
from xraykit import variables
from xraykit.result import Check, ConditionCheck, Reason, StatementTrace
from xraykit.wildcards import ArnPattern, Glob

if TYPE_CHECKING:
    from xraykit.policy import Principal, Statement

__all__ = ["CompiledStatement", "PrincipalMatch", "RequestView", "classify_principal"]

Context = Mapping[str, "str | tuple[str, ...]"]


class PrincipalMatch(IntEnum):
    """How a Principal element names the requester, weakest first (iam-simulate's vocabulary)."""

    NONE = 0
    ACCOUNT = 1  # the account (ID or :root ARN): delegates to the account's IAM policies
    SESSION_ROLE = 2  # the role behind an assumed-role session
    SESSION_USER = 3  # the IAM user behind a federated-user session
    EXACT = 4  # the principal itself, or "*"


class RequestView:
    """What the matchers need to know about a request, precomputed once per request.

    A plain slotted class (not a frozen dataclass): one is built per decision, on the hot path.
    """

    __slots__ = (
        "action",
        "action_lower",
        "context",
        "has_boundary",
        "principal",
        "principal_account",
        "principal_kind",
        "resource",
        "wildcard_only",
    )

    def __init__(
        self,
        principal: str,
        principal_account: str | None,
        principal_kind: str,
        action: str,
        action_lower: str,
        resource: str,
        wildcard_only: bool,
        context: Context,
        has_boundary: bool = False,
    ) -> None:
        self.principal = principal
        self.principal_account = principal_account
        self.principal_kind = (
            principal_kind  # user, role, assumed-role, federated-user, root, service, unknown
        )
        self.action = action  # canonical "xray:GetGroup"
        self.action_lower = action_lower
        self.resource = resource
        self.wildcard_only = wildcard_only  # the action has no resource-level permissions
        self.context = context  # lowercased keys
        self.has_boundary = has_boundary

    def lookup(self, key: str) -> str | tuple[str, ...] | None:
        """A context value by key name (case-insensitive)."""
        return self.context.get(key.lower())


# ------------------------------------------------------------------------------------------
# principals

_ARN_PRINCIPAL = re.compile(r"^arn:([^:]+):(iam|sts)::(\d{12}|aws):(.*)\Z", re.ASCII)


@lru_cache(maxsize=4096)
def classify_principal(principal: str) -> tuple[str, str | None]:
    """``(kind, account)`` of a request principal.

    Kinds: ``user``, ``role``, ``assumed-role``, ``federated-user``, ``root``, ``service``,
    ``account`` (a bare account ID) or ``unknown``.
    """
    if len(principal) == 12 and principal.isascii() and principal.isdigit():
        return "account", principal
    match = _ARN_PRINCIPAL.match(principal)
    if match:
        service, account, rest = match.group(2), match.group(3), match.group(4)
        head = rest.split("/", 1)[0]
        if rest == "root":
            return "root", account
        if service == "iam" and head in ("user", "role"):
            return head, account
        if service == "sts" and head in ("assumed-role", "federated-user"):
            return head, account
        return "unknown", account
    if principal.endswith(".amazonaws.com") or principal.endswith(".amazonaws.com.cn"):
        return "service", None
    return "unknown", None


def _session_role(session_arn: str) -> tuple[str, str] | None:
    """``(account, role name)`` behind an assumed-role session ARN."""
    parts = session_arn.split(":", 5)
    pieces = parts[5].split("/")
    return (parts[4], pieces[1]) if len(pieces) >= 3 else None


def _match_one(kind: str, value: str, request: RequestView) -> PrincipalMatch:
    if kind == "*" or (kind == "AWS" and value == "*"):
        return PrincipalMatch.EXACT
    principal = request.principal
    if kind != "AWS":
        return PrincipalMatch.EXACT if value == principal else PrincipalMatch.NONE
    if value == principal:
        return PrincipalMatch.EXACT
    account = request.principal_account
    if value.isascii() and value.isdigit():
        return PrincipalMatch.ACCOUNT if value == account else PrincipalMatch.NONE
    if value.endswith(":root"):
        vk, va = classify_principal(value)
        return PrincipalMatch.ACCOUNT if vk == "root" and va == account else PrincipalMatch.NONE
    if request.principal_kind == "assumed-role":
        vk, va = classify_principal(value)
        behind = _session_role(principal)
        if vk == "role" and behind and va == behind[0] and value.rsplit("/", 1)[-1] == behind[1]:
            return PrincipalMatch.SESSION_ROLE
    elif request.principal_kind == "federated-user":
        parts = principal.split(":", 5)
        user = f"arn:{parts[1]}:iam::{parts[4]}:user/{parts[5].split('/', 1)[1]}"
        if value == user:
            return PrincipalMatch.SESSION_USER
    return PrincipalMatch.NONE


def principal_fit(
    values: Iterable[tuple[str, str]], negated: bool, deny: bool, request: RequestView
) -> PrincipalMatch:
    """How a Principal (or, ``negated``, NotPrincipal) element lets its statement apply.

    The fast form of ``CompiledStatement.principal_match`` (the same rules, no record), shared by
    compiled statements and the one-request evaluator; ``values`` as :meth:`Principal.values`.
    """
    best = PrincipalMatch.NONE
    for kind, value in values:
        found = _match_one(kind, value, request)
        if found > best:
            best = found
    if not negated:
        return best
    # NotPrincipal: a Deny with NotPrincipal always applies to a principal with a boundary (AWS docs)
    if best is PrincipalMatch.NONE or (deny and request.has_boundary):
        return PrincipalMatch.EXACT
    return PrincipalMatch.NONE


def match_principal(element: Principal, request: RequestView) -> tuple[PrincipalMatch, str | None]:
    """The strongest way ``element`` names the requester, and the value that did it."""
    best, which = PrincipalMatch.NONE, None
    for kind, value in element.values():
        found = _match_one(kind, value, request)
        if found > best:
            best, which = found, value
    return best, which


# ------------------------------------------------------------------------------------------
# resources


@lru_cache(maxsize=8192)
def _compiled_arn(parts: tuple[str | variables.Literal, ...]) -> Callable[[str], bool]:
    """The test for one Resource entry (its variables already resolved into literal parts)."""
    text = "".join(parts)
    if "*" not in text and "?" not in text and not any(isinstance(p, variables.Literal) for p in parts):
        return text.__eq__
    return ArnPattern.from_parts(parts, expand_short=True, literal_type=True).matches


class _ResourcePattern:
    """One entry of a Resource or NotResource element."""

    __slots__ = ("is_star", "matcher", "template", "text")

    def __init__(self, text: str, use_variables: bool) -> None:
        self.text = text
        self.is_star = text == "*"
        template = variables.parse(text) if use_variables and variables.has_variables(text) else None
        self.template = template
        self.matcher = None if template is not None else _compiled_arn((text,))

    def test(self, resource: str, request: RequestView) -> tuple[bool | None, str]:
        """``(matched, resolved text)``; ``matched`` is None when a variable cannot be resolved."""
        if self.matcher is not None:
            return bool(self.matcher(resource)), self.text
        assert self.template is not None
        parts = self.template.resolve(request.lookup)
        if parts is None:
            return None, self.text
        return bool(_compiled_arn(tuple(parts))(resource)), "".join(parts)

    def could_match(self, resource: str, request: RequestView) -> bool:
        """Whether some value of each variable without one would make this entry match ``resource``.

        The variables that have a value (or a default) take it; the others stand for any text.
        """
        assert self.template is not None
        parts: list[str | variables.Literal] = []
        for part in self.template.parts:
            if not isinstance(part, variables.Var):
                parts.append(part)
                continue
            value = request.lookup(part.key.lower())
            if isinstance(value, str):
                parts.append(variables.Literal(value))
            elif part.default is not None:
                parts.append(variables.Literal(part.default))
            else:
                parts.append("*")
        return bool(_compiled_arn(tuple(parts))(resource))


def resource_applies(
    patterns: tuple[_ResourcePattern, ...] | None,
    star: bool,
    negated: bool,
    deny: bool,
    request: RequestView,
) -> bool:
    """Whether a Resource (or, ``negated``, NotResource) element lets its statement apply.

    The fast form of ``CompiledStatement._resource_applies`` (the same rules, no record), shared
    by compiled statements and the one-request evaluator; ``star`` says whether an entry is ``*``.
    On a request for ``*``, an action without resource-level permissions fits only through
    ``*``; for other actions an Allow naming ARNs still applies and a Deny naming ARNs does not.
    An entry whose variable has no value matches nothing, and keeps NotResource from applying.
    """
    if patterns is None:  # a resource-based policy statement without Resource
        return True
    if star:  # `*` matches every resource (`*` included), whatever the other entries say
        return not negated
    resource = request.resource
    if resource == "*":
        return (request.wildcard_only or not deny) if negated else (not request.wildcard_only and not deny)
    unresolved = False
    for pattern in patterns:
        matcher = pattern.matcher
        if matcher is not None:
            if matcher(resource):
                return not negated
            continue
        matched, _ = pattern.test(resource, request)
        if matched is None:
            unresolved = True
        elif matched:
            return not negated
    return negated and not unresolved


@lru_cache(maxsize=16384)
def _resource_pattern(text: str, use_variables: bool) -> _ResourcePattern:
    return _ResourcePattern(text, use_variables)


# ------------------------------------------------------------------------------------------
# actions


class ActionSet:
    """The patterns of an Action or NotAction element, compiled (case-insensitive)."""

    __slots__ = ("exact", "globs", "star")

    def __init__(self, patterns: tuple[str, ...]) -> None:
        lowered = [p.lower() for p in patterns]
        self.star = "*" in lowered
        self.exact = {low: patterns[i] for i, low in enumerate(lowered) if "*" not in low and "?" not in low}
        self.globs = tuple(
            (Glob(low), patterns[i])
            for i, low in enumerate(lowered)
            if ("*" in low or "?" in low) and low != "*"
        )

    def find(self, action_lower: str) -> str | None:
        """The pattern that matches the (lowercased) action, or None."""
        if self.star:
            return "*"
        found = self.exact.get(action_lower)
        if found is not None:
            return found
        for glob, original in self.globs:
            if glob.matches(action_lower):
                return original
        return None


@lru_cache(maxsize=16384)
def action_set(patterns: tuple[str, ...]) -> ActionSet:
    """A compiled, shared :class:`ActionSet` for these patterns."""
    return ActionSet(patterns)


@lru_cache(maxsize=16384)
def _conditions_for(
    condition: tuple[tuple[str, tuple[tuple[str, tuple[str, ...]], ...]], ...], use_variables: bool
) -> _conditions.Conditions:
    return _conditions.compile_conditions({op: dict(keys) for op, keys in condition}, variables=use_variables)


# ------------------------------------------------------------------------------------------
# statements


class CompiledStatement:
    """A statement ready to be matched against many requests."""

    __slots__ = (
        "actions",
        "conditions",
        "deny",
        "index",
        "not_action",
        "not_principal",
        "not_resource",
        "principal",
        "principal_values",
        "resources",
        "sid",
        "star",
        "statement",
    )

    def __init__(self, statement: Statement, index: int, use_variables: bool) -> None:
        self.statement = statement
        self.index = index
        self.sid = statement.sid
        self.deny = statement.is_deny
        self.actions = action_set(
            statement.action if statement.action is not None else statement.not_action or ()
        )
        self.not_action = statement.action is None
        patterns = statement.resource if statement.resource is not None else statement.not_resource
        self.not_resource = statement.resource is None and statement.not_resource is not None
        self.resources = (
            None if patterns is None else tuple(_resource_pattern(p, use_variables) for p in patterns)
        )
        self.star = self.resources is not None and any(p.is_star for p in self.resources)
        self.principal = statement.principal or statement.not_principal
        self.principal_values = () if self.principal is None else self.principal.values()
        self.not_principal = statement.principal is None and statement.not_principal is not None
        self.conditions = _conditions_for(statement.condition, use_variables) if statement.condition else None

    # -- action ----------------------------------------------------------------------------
    def action_pattern(self, action_lower: str) -> str | None:
        """The pattern in the element that matches the action, or None."""
        return self.actions.find(action_lower)

    # -- resource --------------------------------------------------------------------------
    def _resource_applies(self, request: RequestView) -> tuple[bool, Check]:
        if self.resources is None:  # a resource-based policy statement without Resource
            return True, Check(
                "Resource",
                True,
                Reason.RESOURCE_MATCHED,
                (("pattern", "(none)"), ("value", request.resource)),
            )
        element = "NotResource" if self.not_resource else "Resource"
        resource = request.resource
        if resource == "*":
            star = next((p for p in self.resources if p.is_star), None)
            if not self.not_resource:
                if star is not None:
                    return True, Check(
                        element, True, Reason.RESOURCE_MATCHED, (("pattern", "*"), ("value", "*"))
                    )
                if request.wildcard_only:
                    return False, Check(
                        element, False, Reason.RESOURCE_NEEDS_STAR, (("action", request.action),)
                    )
                ok = not self.deny
                return ok, Check(
                    element,
                    ok,
                    Reason.RESOURCE_MATCHED if ok else Reason.RESOURCE_NOT_MATCHED,
                    (("pattern", self.resources[0].text), ("value", "*")),
                )
            if star is not None:
                return False, Check(
                    element, False, Reason.NOT_RESOURCE_EXCLUDES, (("pattern", "*"), ("value", "*"))
                )
            ok = request.wildcard_only or not self.deny
            return ok, Check(
                element,
                ok,
                Reason.NOT_RESOURCE_ALLOWS if ok else Reason.NOT_RESOURCE_EXCLUDES,
                (("pattern", self.resources[0].text), ("value", "*")),
            )
        unresolved: _ResourcePattern | None = None
        for pattern in self.resources:
            matched, resolved = pattern.test(resource, request)
            if matched is None:
                # In Resource, an entry no value could make match is simply not matched (the
                # statement does not apply either way); in NotResource it keeps the statement out.
                if self.not_resource or pattern.could_match(resource, request):
                    unresolved = unresolved or pattern
                continue
            if matched:
                values: tuple[tuple[str, str], ...] = (("pattern", pattern.text), ("value", resource))
                if resolved != pattern.text:
                    values += (("resolved", resolved),)
                if self.not_resource:
                    return False, Check(element, False, Reason.NOT_RESOURCE_EXCLUDES, values)
                return True, Check(element, True, Reason.RESOURCE_MATCHED, values)
        if unresolved is not None:
            assert unresolved.template is not None
            missing = next(
                (k for k in unresolved.template.keys if request.lookup(k) is None),
                unresolved.template.keys[0],
            )
            return False, Check(
                element,
                False,
                Reason.VARIABLE_UNRESOLVED,
                (("pattern", unresolved.text), ("variable", "${" + missing + "}"), ("value", resource)),
            )
        if self.not_resource:
            return True, Check(element, True, Reason.NOT_RESOURCE_ALLOWS, (("value", resource),))
        return False, Check(element, False, Reason.RESOURCE_NOT_MATCHED, (("value", resource),))

    # -- principal -------------------------------------------------------------------------
    def principal_match(self, request: RequestView) -> tuple[PrincipalMatch, Check | None]:
        """How this statement's Principal/NotPrincipal names the requester (EXACT when absent)."""
        if self.principal is None:
            return PrincipalMatch.EXACT, None
        found, value = match_principal(self.principal, request)
        if not self.not_principal:
            if found is PrincipalMatch.NONE:
                return found, Check(
                    "Principal", False, Reason.PRINCIPAL_NOT_MATCHED, (("value", request.principal),)
                )
            reason = (
                Reason.PRINCIPAL_ACCOUNT_MATCHED
                if found is PrincipalMatch.ACCOUNT
                else Reason.PRINCIPAL_MATCHED
            )
            values = (
                ("pattern", value or ""),
                ("value", request.principal),
                ("account", request.principal_account or ""),
            )
            return found, Check("Principal", True, reason, values)
        # NotPrincipal: a Deny with NotPrincipal always applies to a principal with a boundary (AWS docs)
        if found is PrincipalMatch.NONE or (self.deny and request.has_boundary):
            return PrincipalMatch.EXACT, Check(
                "NotPrincipal", True, Reason.NOT_PRINCIPAL_ALLOWS, (("value", request.principal),)
            )
        return PrincipalMatch.NONE, Check(
            "NotPrincipal",
            False,
            Reason.NOT_PRINCIPAL_EXCLUDES,
            (("pattern", value or ""), ("value", request.principal)),
        )

    # -- fast path (no Check records; must agree with the traced path above) -----------------
    def applies_after_action(self, request: RequestView) -> PrincipalMatch:
        """How the statement applies (NONE: not at all) to a request whose action already fits it."""
        if not resource_applies(self.resources, self.star, self.not_resource, self.deny, request):
            return PrincipalMatch.NONE
        principal = self.principal
        found = (
            PrincipalMatch.EXACT
            if principal is None
            else principal_fit(self.principal_values, self.not_principal, self.deny, request)
        )
        if found is PrincipalMatch.NONE:
            return found
        if self.conditions is not None and not self.conditions.matches(request.context):
            return PrincipalMatch.NONE
        return found

    # -- whole statement -------------------------------------------------------------------
    def trace(self, request: RequestView) -> tuple[PrincipalMatch, StatementTrace]:
        """The whole statement, Action included, with every check recorded.

        Agrees with :meth:`applies_after_action` wherever the action fits (a property test of the
        engine holds ``decide`` and ``evaluate`` to the same decisions).
        """
        checks: list[Check] = []
        pattern = self.action_pattern(request.action_lower)
        if self.not_action:
            ok = pattern is None
            checks.append(
                Check(
                    "NotAction",
                    ok,
                    Reason.NOT_ACTION_ALLOWS if ok else Reason.NOT_ACTION_EXCLUDES,
                    (("pattern", pattern or ""), ("value", request.action)),
                )
            )
        else:
            ok = pattern is not None
            checks.append(
                Check(
                    "Action",
                    ok,
                    Reason.ACTION_MATCHED if ok else Reason.ACTION_NOT_MATCHED,
                    (("pattern", pattern or ""), ("value", request.action)),
                )
            )
        resource_ok, resource_check = self._resource_applies(request)
        checks.append(resource_check)
        found, principal_check = self.principal_match(request)
        if principal_check is not None:
            checks.append(principal_check)
        condition_checks: tuple[ConditionCheck, ...] = ()
        conditions_ok = True
        if self.conditions is not None:
            conditions_ok, condition_checks = self.conditions.explain(request.context)
        applies = ok and resource_ok and found is not PrincipalMatch.NONE and conditions_ok
        trace = StatementTrace(
            self.index, self.sid, self.statement.effect, applies, tuple(checks), condition_checks
        )
        return (found if applies else PrincipalMatch.NONE), trace
