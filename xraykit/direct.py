"""One request decided straight from the policy documents, checked as they are read.

:class:`~xraykit.engine.PolicySet` compiles policies once to decide many requests. A stream of
cases (``xraykit simulate --jsonl``) is the opposite: every case brings its own policies and asks
one question of them, so compiling is wasted work. :func:`decide_documents` reads each statement
once, checks it with :func:`xraykit.grammar.fast_statement` (the same one-pass check
:func:`~xraykit.policy.parse_policy` uses) and, where its Action fits the request, matches
Resource, Principal and Condition on the spot; what each layer said goes to
:func:`xraykit.engine.decide_layers`, the one home of the decision rule.

It answers only what it can answer exactly as the engine does. Anything outside the everyday shape
(a policy that needs the full check, an invalid or unusual request, a context value to convert)
returns ``None``, and the caller takes the engine's full path, which words every issue.
``tests/test_direct.py`` holds the two paths to the same decision, reason and layers.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from xraykit import catalog
from xraykit.arn import is_account_id
from xraykit.conditions import holds
from xraykit.engine import (
    _NO_RESOURCE_POLICY,
    LayerOutcome,
    _bypasses,
    _context_items,
    _names_session,
    _resource_account,
    action_facts,
    decide_layers,
)
from xraykit.grammar import PolicyKind, fast_header, fast_statement
from xraykit.matching import (
    PrincipalMatch,
    RequestView,
    _resource_pattern,
    classify_principal,
    principal_fit,
    resource_applies,
)
from xraykit.result import Decision, Layer, Reason
from xraykit.wildcards import Glob

__all__ = ["Answer", "decide_documents"]

Answer = tuple[Decision, Reason, Layer | None, tuple[Layer, ...]]
"""``(decision, reason, decided_by, blocked_by)``, as :func:`~xraykit.engine.decide_layers` says."""

_NONE = PrincipalMatch.NONE
_EXACT = PrincipalMatch.EXACT
_UNUSUAL_PRINCIPALS = ("unknown", "account")


@lru_cache(maxsize=8192)
def _action_glob(pattern: str) -> Any:
    """The test of one lowercased Action pattern with wildcards (patterns recur across cases)."""
    return Glob(pattern).matches


@lru_cache(maxsize=8192)
def _action_test(patterns: tuple[str, ...]) -> tuple[bool, frozenset[str], tuple[Any, ...]]:
    """An Action element read once: ``(has *, the exact names lowercased, the other wildcard tests)``.

    Cached, since the same lists of actions recur across the policies of a stream.
    """
    lowered = [pattern.lower() for pattern in patterns]
    wild = [low for low in lowered if "*" in low or "?" in low]
    exact = frozenset(low for low in lowered if low not in wild)
    return "*" in lowered, exact, tuple(_action_glob(low) for low in wild if low != "*")


def _action_fits(patterns: tuple[str, ...], action_lower: str) -> bool:
    """Whether an Action (or NotAction) element names the action; as :class:`~xraykit.matching.ActionSet`."""
    star, exact, globs = _action_test(patterns)
    if star or action_lower in exact:
        return True
    for test in globs:  # noqa: SIM110 (a loop: any() over a generator costs more, on the hot path)
        if test(action_lower):
            return True
    return False


@lru_cache(maxsize=8192)
def _resource_patterns(resources: tuple[str, ...], variables: bool) -> tuple[Any, ...]:
    """The compiled patterns of a Resource element (the same lists recur across a stream)."""
    return tuple(_resource_pattern(text, variables) for text in resources)


def _principal_values(fields: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Every principal named, as :meth:`~xraykit.policy.Principal.values` lists them."""
    if fields["wildcard"]:
        return [("*", "*")]
    return [
        *(("AWS", v) for v in fields["aws"]),
        *(("Service", v) for v in fields["service"]),
        *(("Federated", v) for v in fields["federated"]),
        *(("CanonicalUser", v) for v in fields["canonical_user"]),
    ]


def _scan(items: Any, kind: PolicyKind, view: RequestView, outcome: LayerOutcome) -> bool:
    """Check every policy of a layer and add what its applying statements say to ``outcome``.

    Returns False (nothing decided) when some policy needs the full path.
    """
    if type(items) is not list:
        return False
    action_lower = view.action_lower
    resource_layer = outcome.layer is Layer.RESOURCE
    for item in items:
        if type(item) is not dict:
            return False
        document = item.get("policy") if "policy" in item and "Statement" not in item else item
        header = fast_header(document, kind)
        if header is None:
            return False
        version, statements = header
        variables = version == "2012-10-17"
        sids: set[str] = set()
        for statement in statements:
            fields = fast_statement(statement, kind, sids)
            if fields is None:
                return False
            _, effect, principal, not_principal, actions, not_action, resources, not_resource, condition = (
                fields
            )
            if _action_fits(actions, action_lower) is not_action:
                continue  # the Action element does not name the request's action
            deny = effect == "Deny"
            if resources is not None and not resource_applies(
                _resource_patterns(resources, variables),
                "*" in resources,
                not_resource,
                deny,
                view,
            ):
                continue
            element = principal if principal is not None else not_principal
            found = (
                _EXACT
                if element is None
                else principal_fit(_principal_values(element), principal is None, deny, view)
            )
            if found is _NONE:
                continue
            if condition and not holds(condition, view.context, variables=variables):
                continue
            if deny:
                if found > outcome.deny:
                    outcome.deny = found
                continue
            if found > outcome.allow:
                outcome.allow = found
            if resource_layer and found is _EXACT:
                wildcard = element is not None and bool(element["wildcard"])
                outcome.bypass = outcome.bypass or _bypasses(view, wildcard)
                outcome.names_session = outcome.names_session or _names_session(
                    view, principal["aws"] if principal is not None else ()
                )
    return True


def _levels(items: Any) -> list[Any] | None:
    """SCP/RCP levels as ``engine._levels`` reads them; None for a shape only the full path handles."""
    if not items:
        return []
    if type(items) is not list:
        return None
    if all(type(level) is list for level in items):
        return list(items)
    if any(type(level) is not dict for level in items):
        return None
    return [items]


def decide_documents(
    *,
    action: Any,
    resource: Any,
    principal: Any,
    context: Mapping[str, Any] | None,
    resource_account: Any,
    identity_policies: Any = None,
    permission_boundaries: Any = None,
    scps: Any = None,
    rcps: Any = None,
    session_policy: Any = None,
    resource_policy: Any = None,
) -> Answer | None:
    """Decide one request from the policy documents as given, or None to take the full path.

    The arguments are those of :class:`~xraykit.engine.PolicySet` and
    :meth:`~xraykit.engine.PolicySet.evaluate`, with policies as parsed JSON documents (plain, or
    ``{"name": ..., "policy": {...}}``).

    Returns:
        ``(decision, reason, decided_by, blocked_by)``, the same as
        :meth:`~xraykit.engine.PolicySet.evaluate` gives; or None when the policies or the request
        need the full path (to be checked and worded, or converted).
    """
    if type(action) is not str or type(resource) is not str or type(principal) is not str:
        return None
    if resource_account is not None and not is_account_id(resource_account):
        return None
    facts = action_facts(action)
    if facts is None or not catalog.arn_fits_action(facts.info, resource):
        return None
    kind, principal_account = classify_principal(principal)
    if kind in _UNUSUAL_PRINCIPALS:
        return None
    ctx = _context_items(context, facts.supported) if context else {}
    if ctx is None:
        return None
    scp_levels = _levels(scps)
    rcp_levels = _levels(rcps)
    if scp_levels is None or rcp_levels is None:
        return None
    boundaries = permission_boundaries or []
    view = RequestView(
        principal,
        principal_account,
        kind,
        facts.full_name,
        facts.lower,
        resource,
        facts.wildcard_only,
        ctx,
        bool(boundaries),
    )
    identity = LayerOutcome(Layer.IDENTITY)
    if not _scan(identity_policies or [], PolicyKind.IDENTITY, view, identity):
        return None
    resource_outcome = _NO_RESOURCE_POLICY
    if resource_policy is not None:
        resource_outcome = LayerOutcome(Layer.RESOURCE)
        if not _scan([resource_policy], PolicyKind.RESOURCE, view, resource_outcome):
            return None
    boundary = None
    if permission_boundaries:
        boundary = LayerOutcome(Layer.BOUNDARY)
        if not _scan(boundaries, PolicyKind.BOUNDARY, view, boundary):
            return None
    session = None
    if session_policy is not None:
        session = LayerOutcome(Layer.SESSION)
        if not _scan([session_policy], PolicyKind.SESSION, view, session):
            return None
    scp_outcomes = []
    for level in scp_levels:
        outcome = LayerOutcome(Layer.SCP)
        if not _scan(level, PolicyKind.SCP, view, outcome):
            return None
        scp_outcomes.append(outcome)
    rcp_outcomes = []
    for level in rcp_levels:
        outcome = LayerOutcome(Layer.RCP, allow=_EXACT)  # RCPFullAWSAccess, attached at every level
        if not _scan(level, PolicyKind.RCP, view, outcome):
            return None
        rcp_outcomes.append(outcome)
    if not facts.rcp:
        rcp_outcomes = []  # RCPs apply only to the services that support them
    account = _resource_account(resource, resource_account, principal_account)
    same_account = principal_account is not None and principal_account == account
    return decide_layers(
        view,
        facts.service,
        same_account,
        identity,
        resource_outcome,
        boundary,
        session,
        scp_outcomes,
        rcp_outcomes,
    )
