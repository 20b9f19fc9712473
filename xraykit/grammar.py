"""The grammar of IAM policy documents, and the one-pass check of a document of the everyday shape.

What AWS's "IAM JSON policy element grammar" fixes: the element names of a document and of a
statement, the Versions, and the kinds of policy (:class:`PolicyKind`), whose rules differ. Also
the fast half of checking at the door: :func:`fast_header` and :func:`fast_statement` accept a
document of the everyday shape in one pass and give its values as plain data; anything unusual
(or wrong) gets None, and :func:`xraykit.policy.check_policy` then finds and words every issue.
``tests/test_policy_fastpath.py`` holds the two to the same answers.

This module does not need pydantic, so the JSON Lines stream (:mod:`xraykit.direct`), which checks
every document this way, starts without loading the models of :mod:`xraykit.policy`.
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache
from typing import Any

from xraykit import operators
from xraykit.errors import Issue, XrayKitError, did_you_mean, json_type

__all__ = [
    "KIND_NAMES",
    "VERSIONS",
    "PolicyKind",
    "StatementFields",
    "fast_header",
    "fast_statement",
    "policy_kind",
]

VERSIONS = ("2012-10-17", "2008-10-17")
_POLICY_KEYS = ("Version", "Id", "Statement")
_STATEMENT_KEYS = (
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
)
_PRINCIPAL_KEYS = ("AWS", "Service", "Federated", "CanonicalUser")
_SERVICE_RE = re.compile(r"^[a-zA-Z0-9-]+\Z")
_ACTION_NAME_RE = re.compile(r"^[a-zA-Z0-9*?-]+\Z")


class PolicyKind(StrEnum):
    """Where a policy is attached, which decides the rules it must follow."""

    IDENTITY = "identity-based policy"
    BOUNDARY = "permissions boundary"
    SESSION = "session policy"
    RESOURCE = "resource-based policy"
    SCP = "service control policy"
    RCP = "resource control policy"

    @property
    def names_principal(self) -> bool:
        """True when statements of this kind must name a principal."""
        return self in (PolicyKind.RESOURCE, PolicyKind.RCP)


#: Short names for the kinds of policy, as the command line spells them.
KIND_NAMES: dict[str, PolicyKind] = {
    "identity": PolicyKind.IDENTITY,
    "boundary": PolicyKind.BOUNDARY,
    "session": PolicyKind.SESSION,
    "resource": PolicyKind.RESOURCE,
    "scp": PolicyKind.SCP,
    "rcp": PolicyKind.RCP,
}


def policy_kind(value: Any, path: str = "kind") -> PolicyKind:
    """A :class:`PolicyKind` from itself, its value (``"session policy"``) or its short name (``"scp"``).

    Raises:
        XrayKitError: for anything else, with the closest short name.
    """
    if isinstance(value, PolicyKind):
        return value
    if isinstance(value, str):
        found = KIND_NAMES.get(value.lower())
        if found is not None:
            return found
        for kind in PolicyKind:
            if value.lower() == kind.value:
                return kind
        shown = f"`{value}`"
    else:
        shown = json_type(value)
    names = list(KIND_NAMES)
    hint = did_you_mean(value, names) if isinstance(value, str) else None
    raise XrayKitError(
        Issue(
            path, f"{shown} is not a kind of policy", hint or "one of " + ", ".join(f"`{n}`" for n in names)
        )
    )


# --------------------------------------------------------------------------------------------
# the one-pass check of the everyday shape

_FAST_ACTION = re.compile(r"^[a-zA-Z0-9-]+:[a-zA-Z0-9*?-]+\Z")
_POLICY_KEY_SET = frozenset(_POLICY_KEYS)
_STATEMENT_KEY_SET = frozenset(_STATEMENT_KEYS)
_PRINCIPAL_FIELDS = {
    "AWS": "aws",
    "Service": "service",
    "Federated": "federated",
    "CanonicalUser": "canonical_user",
}


def _fast_strings(value: Any) -> tuple[str, ...] | None:
    if type(value) is str:
        return (value,)
    if type(value) is not list or not value:
        return None
    for item in value:
        if type(item) is not str:
            return None
    return tuple(value)


@lru_cache(maxsize=8192)
def _action_entries(actions: tuple[str, ...]) -> int:
    """How an Action or NotAction element's entries read: 0 malformed, 1 well formed, 2 with ``*``.

    Cached: the same lists of actions recur across the policies of a stream.
    """
    star = False
    for action in actions:
        if action == "*":
            star = True
        elif not _FAST_ACTION.match(action):
            return 0
    return 2 if star else 1


@lru_cache(maxsize=8192)
def _resource_entries(resources: tuple[str, ...]) -> bool:
    """Whether every entry of a Resource or NotResource element is ``*`` or has an ARN's shape."""
    for resource in resources:
        if resource != "*" and not (
            resource.startswith("arn:") and (resource.count(":") >= 5 or resource.endswith("*"))
        ):
            return False
    return True


_NO_PRINCIPALS: dict[str, Any] = {
    "wildcard": False,
    "aws": (),
    "service": (),
    "federated": (),
    "canonical_user": (),
}
_WILDCARD_PRINCIPAL: dict[str, Any] = {**_NO_PRINCIPALS, "wildcard": True}


def _fast_principal(value: Any, rcp: bool) -> dict[str, Any] | None:
    """The fields of a :class:`Principal` (never to be mutated), or None when it needs the full check."""
    if value == "*" or value == {"AWS": "*"}:
        return _WILDCARD_PRINCIPAL
    if rcp or type(value) is not dict or not value:
        return None
    fields = dict(_NO_PRINCIPALS)
    for key, raw in value.items():
        field = _PRINCIPAL_FIELDS.get(key)
        names = _fast_strings(raw)
        if field is None or names is None:
            return None
        if key == "AWS" and not all(
            n == "*" or n.startswith("arn:") or (len(n) == 12 and n.isdigit()) for n in names
        ):
            return None
        fields[field] = names
    return fields


def _fast_condition(value: Any) -> tuple[tuple[str, tuple[tuple[str, tuple[str, ...]], ...]], ...] | None:
    if type(value) is not dict:
        return None
    out = []
    for op, block in value.items():
        try:
            operators.parse_operator(op)
        except XrayKitError:
            return None
        if type(block) is not dict or not block:
            return None
        keys = []
        for key, raw in block.items():
            if type(key) is not str or ":" not in key or (type(raw) is list and not raw):
                return None
            try:
                keys.append((key, operators.normalize_values(raw)))
            except XrayKitError:
                return None
        out.append((op, tuple(keys)))
    return tuple(out)


StatementFields = tuple[
    str | None,  # Sid
    str,  # Effect
    dict[str, Any] | None,  # Principal, as the fields of a Principal
    dict[str, Any] | None,  # NotPrincipal, likewise
    tuple[str, ...],  # the patterns of Action or NotAction
    bool,  # True for NotAction
    tuple[str, ...] | None,  # the patterns of Resource or NotResource (None: neither)
    bool,  # True for NotResource
    tuple[tuple[str, tuple[tuple[str, tuple[str, ...]], ...]], ...],  # Condition, normalized
]
"""One valid statement of the everyday shape, as plain values (what :func:`fast_statement` gives)."""


def fast_statement(raw: Any, kind: PolicyKind, sids: set[str]) -> StatementFields | None:
    """Check one statement of the everyday shape in a single pass; None when it needs the full check.

    What it accepts, :func:`check_policy` accepts too, and :class:`Statement` holds the same values
    (``tests/test_policy_fastpath.py``). Used by :func:`parse_policy` and by the one-request
    evaluator (:mod:`xraykit.direct`), which needs the values and not the model.

    Args:
        raw: the statement as parsed from JSON.
        kind: the kind of policy it belongs to.
        sids: the Sids seen so far in the policy (this statement's is added).

    Returns:
        The statement's fields (see :data:`StatementFields`), or None.
    """
    if type(raw) is not dict or not _STATEMENT_KEY_SET.issuperset(raw):
        return None
    sid = raw.get("Sid")
    if sid is not None:
        if type(sid) is not str or sid in sids:
            return None
        sids.add(sid)
    elif "Sid" in raw:
        return None
    effect = raw.get("Effect")
    if effect not in ("Allow", "Deny") or (kind is PolicyKind.RCP and effect != "Deny"):
        return None
    # Action / NotAction: exactly one, every entry well formed
    if ("Action" in raw) == ("NotAction" in raw) or (kind is PolicyKind.RCP and "NotAction" in raw):
        return None
    not_action = "Action" not in raw
    actions = _fast_strings(raw["NotAction"] if not_action else raw["Action"])
    if actions is None:
        return None
    entries = _action_entries(actions)
    if entries == 0 or (entries == 2 and kind is PolicyKind.RCP):
        return None
    # Resource / NotResource
    has_resource = "Resource" in raw
    if has_resource and "NotResource" in raw:
        return None
    resources = None
    if has_resource or "NotResource" in raw:
        resources = _fast_strings(raw["Resource"] if has_resource else raw["NotResource"])
        if resources is None or not _resource_entries(resources):
            return None
    elif kind is not PolicyKind.RESOURCE:
        return None
    # Principal / NotPrincipal
    has_principal = "Principal" in raw
    if has_principal and "NotPrincipal" in raw:
        return None
    principal = not_principal = None
    if kind is PolicyKind.RESOURCE or kind is PolicyKind.RCP:  # kind.names_principal, inlined
        if has_principal:
            principal = _fast_principal(raw["Principal"], kind is PolicyKind.RCP)
            if principal is None:
                return None
        elif "NotPrincipal" in raw and kind is not PolicyKind.RCP:
            not_principal = _fast_principal(raw["NotPrincipal"], False)
            if not_principal is None:
                return None
        else:
            return None
    elif has_principal or "NotPrincipal" in raw:
        return None
    condition: tuple[tuple[str, tuple[tuple[str, tuple[str, ...]], ...]], ...] = ()
    if "Condition" in raw:
        found = _fast_condition(raw["Condition"])
        if found is None:
            return None
        condition = found
    return (
        sid,
        effect,
        principal,
        not_principal,
        actions,
        not_action,
        resources,
        resources is not None and not has_resource,
        condition,
    )


def fast_header(document: Any, kind: PolicyKind) -> tuple[str | None, list[Any]] | None:
    """``(Version, statements)`` of a document of the everyday shape, or None for the full check.

    The document-level half of the one-pass check (:func:`fast_statement` is the other): a JSON
    object with only ``Version``, ``Id`` and ``Statement``, a known Version (2012-10-17 for an
    RCP), a string Id, and a Statement that is one object or a list (returned as a list).
    """
    if type(document) is not dict or not _POLICY_KEY_SET.issuperset(document):
        return None
    version = document.get("Version")
    if (version is not None and version not in VERSIONS) or ("Version" in document and version is None):
        return None
    if kind is PolicyKind.RCP and version != "2012-10-17":
        return None
    policy_id = document.get("Id")
    if policy_id is not None and type(policy_id) is not str:
        return None
    raw = document.get("Statement")
    items = [raw] if type(raw) is dict else raw
    if type(items) is not list:
        return None
    return version, items
