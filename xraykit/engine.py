"""AWS's policy evaluation logic, with a record of why.

:class:`PolicySet` compiles every policy that takes part in a decision (identity-based policies,
a permissions boundary, a session policy, SCPs and RCPs as organization hierarchies, and the
resource-based policy, such as a KMS key policy) once, then decides as many requests as you like:
:meth:`PolicySet.evaluate` returns an :class:`~xraykit.result.Evaluation` with the full trace,
:meth:`PolicySet.decide` just the :class:`~xraykit.result.Decision` (same answer, much faster).
:func:`simulate` is the one-shot form.

The decision rule is :func:`decide_layers`; it reads like the flowchart in the IAM user guide
("Policy evaluation logic"). Service quirks sit beside it in :mod:`xraykit.kms` style overrides
(:data:`TRUST_RULES`), not sprinkled through it.

Taught in ``notebooks/00_index.ipynb`` (the flow) and ``notebooks/08_playground.ipynb``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, TypeAlias

from xraykit import catalog
from xraykit.arn import account_issues, is_account_id
from xraykit.errors import Issue, XrayKitError, json_type, snippet
from xraykit.grammar import PolicyKind
from xraykit.matching import CompiledStatement, PrincipalMatch, RequestView, action_set, classify_principal
from xraykit.operators import value_text
from xraykit.result import Decision, Evaluation, Layer, PolicyTrace, Reason, Request, StatementTrace

if TYPE_CHECKING:  # the models are loaded when a policy is first parsed, not on import
    from xraykit.policy import Policy

__all__ = ["DEFAULT_PRINCIPAL", "LayerOutcome", "PolicyInput", "PolicySet", "decide_layers", "simulate"]

DEFAULT_PRINCIPAL = "arn:aws:iam::123456789012:user/alice"

PolicyInput: TypeAlias = "Policy | Mapping[str, Any] | str"
_DIRECT = (PrincipalMatch.EXACT, PrincipalMatch.SESSION_ROLE, PrincipalMatch.SESSION_USER)


# ------------------------------------------------------------------------------------------
# what each layer says


@dataclass(slots=True)
class LayerOutcome:
    """What one layer (or one level of an SCP/RCP hierarchy) says about a request.

    ``allow`` and ``deny`` are the strongest :class:`PrincipalMatch` of an applying Allow or Deny
    statement (``EXACT`` for policies without a Principal element; ``NONE`` when none applies).
    """

    layer: Layer
    allow: PrincipalMatch = PrincipalMatch.NONE
    deny: PrincipalMatch = PrincipalMatch.NONE
    present: bool = True
    bypass: bool = False  # resource policy only: an allow that a permissions boundary cannot limit
    names_session: bool = False  # resource policy only: an allow that names the session ARN itself
    traces: list[PolicyTrace] | None = None

    @property
    def allows(self) -> bool:
        return self.allow is not PrincipalMatch.NONE

    @property
    def denies(self) -> bool:
        return self.deny is not PrincipalMatch.NONE


def _kms_trust(resource: str, key_policy: LayerOutcome) -> bool:
    # KMS: a key policy must allow. IAM policies count only where the key policy delegates to the
    # account ("Principal": {"AWS": "arn:aws:iam::ACCOUNT:root"}). Requests on "*" (ListKeys,
    # CreateKey) are ordinary same-account requests.
    if resource == "*" or not resource.split(":", 5)[-1].lower().startswith("key/"):
        return True
    return key_policy.allow is PrincipalMatch.ACCOUNT


def _sts_trust(resource: str, trust_policy: LayerOutcome) -> bool:
    # STS: with no trust policy IAM policies decide; with one, it must name the account or the principal.
    return not trust_policy.present or trust_policy.allow is PrincipalMatch.ACCOUNT


TRUST_RULES = {
    "kms": (_kms_trust, Reason.KEY_POLICY_REQUIRED),
    "sts": (_sts_trust, Reason.NO_ALLOW),
}
"""Services whose resource-based policy decides whether the principal's own IAM policies count in
its account: ``service -> (rule, reason)``. ``rule(resource, resource_policy_outcome)`` is True
when they count; ``reason`` is why a request fails when only an IAM policy allowed it."""


def decide_layers(
    view: RequestView,
    service: str,
    same_account: bool,
    identity: LayerOutcome,
    resource: LayerOutcome,
    boundary: LayerOutcome | None,
    session: LayerOutcome | None,
    scps: Sequence[LayerOutcome],
    rcps: Sequence[LayerOutcome],
) -> tuple[Decision, Reason, Layer | None, tuple[Layer, ...]]:
    """AWS's evaluation logic over what each layer said: ``(decision, reason, decided_by, blocked_by)``."""
    # 0. Every signed-in principal may ask who it is: no policy can deny sts:GetCallerIdentity.
    if view.action_lower == "sts:getcalleridentity" and view.principal_kind != "service":
        return Decision.ALLOWED, Reason.ALLOW_FOUND, Layer.IDENTITY, ()
    # 1. An explicit deny in any policy wins over every allow.
    for outcome in (*scps, *rcps, resource, identity, boundary, session):
        if outcome is not None and outcome.denies:
            return Decision.EXPLICIT_DENY, Reason.EXPLICIT_DENY, outcome.layer, ()
    blocked: list[Layer] = []
    # 2. SCPs only limit: every level of the organization, root first, must allow.
    if any(not level.allows for level in scps):
        blocked.append(Layer.SCP)
    # 3. RCPs only limit; RCPFullAWSAccess allows at every level, so only a deny (step 1) counts.
    # 4. A session policy limits what the role's policies grant, unless a resource-based policy
    #    names the session itself (its permissions are added after the session policy applies).
    if session is not None and not session.allows and not resource.names_session:
        blocked.append(Layer.SESSION)
    # 5. Who grants: a service principal needs the resource-based policy; within one account
    #    either the identity-based or the resource-based policy may grant; across accounts both.
    direct = resource.allow in _DIRECT
    rule = TRUST_RULES.get(service)
    untrusted: Reason | None = None
    if view.principal_kind == "service":
        granted, grantor = direct, Layer.RESOURCE
    elif same_account:
        # some services (TRUST_RULES) let the principal's IAM policies count only where their
        # resource-based policy says so (the KMS key policy, the STS trust policy)
        if rule is not None and not rule[0](view.resource, resource):
            untrusted = rule[1]
        by_identity = identity.allows and untrusted is None
        granted = direct or by_identity
        grantor = Layer.RESOURCE if (direct and not by_identity) or untrusted else Layer.IDENTITY
    else:
        granted = resource.allows and identity.allows
        grantor = Layer.IDENTITY
        if not granted and (resource.allows or identity.allows):
            return (
                Decision.IMPLICIT_DENY,
                Reason.CROSS_ACCOUNT_NEEDS_BOTH,
                None,
                (Layer.RESOURCE if identity.allows else Layer.IDENTITY, *blocked),
            )
    # 6. A permissions boundary limits identity-based grants; within one account a resource-based
    #    policy that names the user or session directly is not limited by it.
    if boundary is not None and not boundary.allows and not (same_account and resource.bypass):
        blocked.append(Layer.BOUNDARY)
    if not granted:
        # no layer that can grant did; name the one a learner would add an allow to
        reason = untrusted if untrusted is not None and identity.allows else Reason.NO_ALLOW
        return Decision.IMPLICIT_DENY, reason, None, (grantor, *blocked)
    if blocked:
        return Decision.IMPLICIT_DENY, Reason.NO_ALLOW, None, tuple(blocked)
    return Decision.ALLOWED, Reason.ALLOW_FOUND, grantor, ()


# ------------------------------------------------------------------------------------------
# policies as the engine holds them


class _CompiledPolicy:
    """A policy whose statements are compiled on first need (most never are, for one request)."""

    __slots__ = ("_actions", "_compiled", "by_action", "name", "policy")

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.name = policy.name
        self._actions = [
            (action_set(s.action if s.action is not None else s.not_action or ()), s.action is None)
            for s in policy.statements
        ]
        self._compiled: list[CompiledStatement | None] = [None] * len(policy.statements)
        self.by_action: dict[str, tuple[CompiledStatement, ...]] = {}

    def _statement(self, index: int) -> CompiledStatement:
        compiled = self._compiled[index]
        if compiled is None:
            compiled = CompiledStatement(self.policy.statements[index], index, self.policy.variables_enabled)
            self._compiled[index] = compiled
        return compiled

    @property
    def statements(self) -> tuple[CompiledStatement, ...]:
        return tuple(self._statement(i) for i in range(len(self._compiled)))

    def relevant(self, action_lower: str) -> tuple[CompiledStatement, ...]:
        found = self.by_action.get(action_lower)
        if found is None:
            found = tuple(
                self._statement(i)
                for i, (actions, negated) in enumerate(self._actions)
                if (actions.find(action_lower) is None) is negated
            )
            self.by_action[action_lower] = found
        return found


class ActionFacts:
    """What the catalog says of one action that every request for it needs, looked up once.

    Attributes:
        info: the catalog entry.
        full_name: ``service:Name`` as AWS spells it; ``lower``: the same, lowercased.
        service: the service prefix.
        wildcard_only: the action has no resource-level permissions (its resource is ``*``).
        supported: lowercased prefixes of the service condition keys its requests carry.
        rcp: resource control policies apply to its service.
    """

    __slots__ = ("full_name", "info", "lower", "rcp", "service", "supported", "wildcard_only")

    def __init__(self, info: catalog.Action) -> None:
        self.info = info
        self.full_name = info.full_name
        self.lower = info.full_name.lower()
        self.service = info.service
        self.wildcard_only = not info.resource_level
        self.supported = _supported_keys(info)
        self.rcp = catalog.rcp_supported(info.service)


@lru_cache(maxsize=4096)
def action_facts(action: str) -> ActionFacts | None:
    """The :class:`ActionFacts` of an action as a request names it (any letter case); None when unknown."""
    info = catalog.find_action(action)
    return None if info is None else ActionFacts(info)


class _Plan:
    """Everything about one action that does not change from request to request."""

    __slots__ = (
        "boundary",
        "decisions",
        "fitting",
        "fixed",
        "identity",
        "info",
        "lower",
        "rcp_applies",
        "rcps",
        "reads",
        "resource",
        "scps",
        "service",
        "session",
        "supported",
        "wildcard_only",
    )

    def __init__(self, owner: PolicySet, facts: ActionFacts) -> None:
        self.info = facts.info
        self.lower = facts.lower
        self.service = facts.service
        self.wildcard_only = facts.wildcard_only
        self.supported = facts.supported
        self.rcp_applies = facts.rcp

        def flat(policies: Sequence[_CompiledPolicy | None]) -> tuple[CompiledStatement, ...]:
            return tuple(st for p in policies if p is not None for st in p.relevant(self.lower))

        self.identity = _Part(flat(owner.identity), Layer.IDENTITY)
        self.resource = _Part(flat([owner.resource]), Layer.RESOURCE) if owner.resource is not None else None
        self.boundary = _Part(flat(owner.boundaries), Layer.BOUNDARY) if owner.boundaries else None
        self.session = _Part(flat([owner.session]), Layer.SESSION) if owner.session is not None else None
        self.scps = tuple(_Part(flat(level), Layer.SCP) for level in owner.scps)
        self.rcps = tuple(_Part(flat(level), Layer.RCP) for level in owner.rcps) if self.rcp_applies else ()
        parts = [self.identity, self.resource, self.boundary, self.session, *self.scps, *self.rcps]
        # the context keys that can change a decision on this action: those its statements read
        self.reads = tuple(
            dict.fromkeys(
                key for part in parts if part is not None for st in part.statements for key in _reads(st)
            )
        )
        # when no statement is left to match, what each layer says is fixed, and the decision
        # depends only on who asks (the kind of principal) and whether from the resource's account
        # (services with a trust rule also look at the resource, so they are never fixed)
        self.fixed = self.service not in TRUST_RULES and all(
            part is None or part.constant is not None for part in parts
        )
        self.decisions: dict[tuple[str, bool], Decision] = {}
        self.fitting: dict[str, str] = {}  # resources that fit the action -> the account their ARN names


class _Part:
    """One layer's statements for one action, with what holds for every request worked out once.

    A statement with ``Resource: "*"`` (or a wildcard Principal) and no Condition applies to every
    request for the action, so its layer's allow (or deny) is ``EXACT`` whatever the request; as
    ``EXACT`` is the strongest match, the layer's other statements of that effect cannot change
    what it says and are not matched at all. (Not for the resource-based policy, whose allows also
    say whether a permissions boundary is bypassed.) When nothing is left to match, the layer's
    outcome is one shared, never-changed :class:`LayerOutcome`.
    """

    __slots__ = ("allow", "constant", "deny", "layer", "outcomes", "statements")

    def __init__(self, statements: tuple[CompiledStatement, ...], layer: Layer) -> None:
        allow = deny = PrincipalMatch.NONE
        if layer is not Layer.RESOURCE:
            for statement in statements:
                if _always_applies(statement):
                    if statement.deny:
                        deny = PrincipalMatch.EXACT
                    else:
                        allow = PrincipalMatch.EXACT
            statements = tuple(
                st for st in statements if (deny if st.deny else allow) is not PrincipalMatch.EXACT
            )
        self.layer = layer
        self.allow = allow
        self.deny = deny
        self.statements = statements
        self.constant = None if statements else LayerOutcome(layer, allow, deny)
        # what the layer has said, each outcome built the first time it is said and then shared
        # (the resource-based policy's may say more, per request: those are never shared)
        self.outcomes: dict[tuple[PrincipalMatch, PrincipalMatch], LayerOutcome] = {}


def _always_applies(statement: CompiledStatement) -> bool:
    """Whether a statement whose Action fits applies, as ``EXACT``, to every request."""
    if not statement.star or statement.not_resource or statement.conditions is not None:
        return False
    principal = statement.principal
    if principal is None:
        return True
    return not statement.not_principal and any(
        kind == "*" or (kind == "AWS" and value == "*") for kind, value in principal.values()
    )


def _reads(statement: CompiledStatement) -> tuple[str, ...]:
    """The context keys (lowercased) a statement reads: its condition keys and every variable's key."""
    keys: list[str] = []
    if statement.conditions is not None:
        keys += statement.conditions.keys
        keys += statement.conditions.variable_keys
    for pattern in statement.resources or ():
        if pattern.template is not None:
            keys += (key.lower() for key in pattern.template.keys)
    return tuple(keys)


def _scan(part: _Part, view: RequestView) -> LayerOutcome:
    constant = part.constant
    if constant is not None:
        return constant
    allow, deny, layer = part.allow, part.deny, part.layer
    bypass = names_session = False
    for statement in part.statements:
        found = statement.applies_after_action(view)
        if found:
            if statement.deny:
                if found > deny:
                    deny = found
            else:
                if found > allow:
                    allow = found
                if layer is Layer.RESOURCE and found is PrincipalMatch.EXACT:
                    by, names = _resource_allow_flags(view, statement)
                    bypass, names_session = bypass or by, names_session or names
    if bypass or names_session:
        return LayerOutcome(layer, allow, deny, True, bypass, names_session)
    outcome = part.outcomes.get((allow, deny))
    if outcome is None:
        outcome = part.outcomes[allow, deny] = LayerOutcome(layer, allow, deny)
    return outcome


# what decide_layers is given when there is no resource-based policy (never changed by it)
_NO_RESOURCE_POLICY = LayerOutcome(Layer.RESOURCE, present=False)

_RCP_FULL_ACCESS = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "RCPFullAWSAccess", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}
    ],
}


@cache
def _rcp_full_access() -> Policy:
    """RCPFullAWSAccess, parsed once (a :class:`Policy` is frozen, so every set may share it)."""
    from xraykit.policy import parse_policy

    return parse_policy(_RCP_FULL_ACCESS, PolicyKind.RESOURCE, name="RCPFullAWSAccess")


def _load(item: PolicyInput, kind: PolicyKind, name: str) -> Policy:
    """A policy from a :class:`Policy`, a document, ``{"name", "policy"}``, JSON text or a managed name."""
    from xraykit.policy import Policy, parse_policy

    if isinstance(item, Policy):
        return item
    if isinstance(item, Mapping) and "policy" in item and "Statement" not in item:
        return parse_policy(
            item["policy"], kind, name=str(item.get("name", name)), source=str(item.get("name", name))
        )
    if isinstance(item, str) and not item.lstrip().startswith(("{", "[")):
        return parse_policy(catalog.managed_policy(item), kind, name=item, source=item)
    return parse_policy(item, kind, name=name, source=name)


def _levels(items: Sequence[Any] | None) -> list[list[Any]]:
    """SCPs/RCPs: a flat list is one level; a list of lists is one level per list, root first."""
    if not items:
        return []
    if all(isinstance(i, list | tuple) for i in items):
        return [list(level) for level in items]
    return [list(items)]


class PolicySet:
    """Every policy that takes part in a decision, compiled once to decide many requests.

    Args:
        identity_policies: policies attached to the principal (documents, JSON text, managed
            policy names, :class:`Policy` objects or ``{"name": ..., "policy": ...}``).
        permission_boundaries: the boundary (normally one policy); empty or None for none.
        scps: service control policies: a list is one level, a list of lists one level each.
        rcps: resource control policies, likewise; ``RCPFullAWSAccess`` is attached to every level.
        session_policy: the policy passed when the role session was created.
        resource_policy: the resource-based policy (a key policy, bucket policy, trust policy).

    Raises:
        XrayKitError: if any policy is invalid (every issue of every policy, each located).
    """

    def __init__(
        self,
        identity_policies: Iterable[PolicyInput] = (),
        permission_boundaries: Iterable[PolicyInput] | None = None,
        scps: Sequence[Any] | None = None,
        rcps: Sequence[Any] | None = None,
        session_policy: PolicyInput | None = None,
        resource_policy: PolicyInput | None = None,
    ) -> None:
        issues: list[Issue] = []
        for field_name, value in (
            ("identity_policies", identity_policies),
            ("permission_boundaries", permission_boundaries),
            ("scps", scps),
            ("rcps", rcps),
        ):
            if value is not None and (
                isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable)
            ):
                levels = field_name in ("scps", "rcps")
                issues.append(
                    Issue(
                        field_name,
                        f"`{field_name}` must be a list of policies, not {json_type(value)}",
                        "one level per list, root first: `[[root policies], [OU policies], ...]`"
                        if levels
                        else "put the policy in a list: `[policy]`",
                    )
                )
        if issues:
            raise XrayKitError(issues)

        def load(item: PolicyInput, kind: PolicyKind, name: str) -> _CompiledPolicy | None:
            try:
                return _CompiledPolicy(_load(item, kind, name))
            except XrayKitError as error:
                issues.extend(i if i.source else i.located(name) for i in error.issues)
                return None

        self.identity = [
            load(p, PolicyKind.IDENTITY, f"identity_policies[{i}]") for i, p in enumerate(identity_policies)
        ]
        self.boundaries = [
            load(p, PolicyKind.BOUNDARY, f"permission_boundaries[{i}]")
            for i, p in enumerate(permission_boundaries or ())
        ]
        self.session = (
            None if session_policy is None else load(session_policy, PolicyKind.SESSION, "session_policy")
        )
        self.resource = (
            None if resource_policy is None else load(resource_policy, PolicyKind.RESOURCE, "resource_policy")
        )
        self.scps = [
            [load(p, PolicyKind.SCP, f"scps[{lv}][{i}]") for i, p in enumerate(level)]
            for lv, level in enumerate(_levels(scps))
        ]
        rcp_levels = _levels(rcps)
        self.rcps = [
            [load(p, PolicyKind.RCP, f"rcps[{lv}][{i}]") for i, p in enumerate(level)]
            for lv, level in enumerate(rcp_levels)
        ]
        if issues:
            raise XrayKitError(issues)
        self._plans: dict[str, _Plan] = {}
        self._projected: dict[tuple[Any, ...], Decision] = {}
        self._principals: dict[str, tuple[str, str | None]] = {}
        for level in self.rcps:
            level.insert(0, _CompiledPolicy(_rcp_full_access()))

    # -- requests --------------------------------------------------------------------------
    def _view(
        self,
        principal: str,
        action: str,
        resource: str,
        context: Mapping[str, Any] | None,
        resource_account: str | None,
    ) -> tuple[RequestView, catalog.Action, str | None, tuple[str, ...], dict[str, str | tuple[str, ...]]]:
        info = _known_action(action)
        issues: list[Issue] = []
        if not isinstance(resource, str) or not resource:
            issues.append(Issue("resource", "the resource must be an ARN or `*`"))
            resource = "*"
        if not info.resource_level and resource != "*":
            issues.append(
                Issue(
                    "resource",
                    f"`{info.full_name}` has no resource-level permissions, "
                    f"so the request's resource is `*`, not `{resource}`",
                    "IAM authorizes this action only against `*`",
                )
            )
        elif resource != "*" and catalog.resource_type_of(resource, info) is None:
            names = " or ".join(f"`{r.name}`" for r in info.resource_types)
            issues.append(
                Issue(
                    "resource",
                    f"`{resource}` is not a {names} ARN, which `{info.full_name}` needs",
                    "formats: " + ", ".join(f"`{r.arn_format}`" for r in info.resource_types),
                )
            )
        kind, principal_account = classify_principal(principal)
        if kind in ("unknown", "account"):
            issues.append(
                Issue(
                    "principal",
                    f"`{principal}` is not a principal ARN" if principal else "the principal is empty",
                    "use e.g. `arn:aws:iam::123456789012:user/alice` or "
                    "`arn:aws:sts::123456789012:assumed-role/role/session`",
                )
            )
        ctx, shown, notes = _normalize_context(context or {}, info, issues)
        if issues:
            raise XrayKitError(issues)
        resource_account = _resource_account(resource, resource_account, principal_account)
        view = RequestView(
            principal,
            principal_account,
            kind,
            info.full_name,
            info.full_name.lower(),
            resource,
            not info.resource_level,
            ctx,
            bool(self.boundaries),
        )
        return view, info, resource_account, notes, shown

    def _outcome(
        self,
        policies: Sequence[_CompiledPolicy | None],
        layer: Layer,
        view: RequestView,
        explain: bool,
        level: int | None = None,
    ) -> LayerOutcome:
        outcome = LayerOutcome(layer)
        for policy in policies:
            assert policy is not None
            statements = policy.statements if explain else policy.relevant(view.action_lower)
            traces: list[StatementTrace] = []
            best_allow = best_deny = PrincipalMatch.NONE
            for statement in statements:
                if explain:
                    found, trace = statement.trace(view)
                    traces.append(trace)
                else:
                    found = statement.applies_after_action(view)  # `relevant` fits the action
                if found is PrincipalMatch.NONE:
                    continue
                if statement.deny:
                    best_deny = max(best_deny, found)
                else:
                    best_allow = max(best_allow, found)
                    if layer is Layer.RESOURCE and found is PrincipalMatch.EXACT:
                        by, names = _resource_allow_flags(view, statement)
                        outcome.bypass = outcome.bypass or by
                        outcome.names_session = outcome.names_session or names
            outcome.allow = max(outcome.allow, best_allow)
            outcome.deny = max(outcome.deny, best_deny)
            if explain:
                result = "deny" if best_deny else ("allow" if best_allow else "none")
                if outcome.traces is None:
                    outcome.traces = []
                outcome.traces.append(PolicyTrace(layer, policy.name, result, tuple(traces), level))
        return outcome

    def _run(
        self, view: RequestView, resource_account: str | None, explain: bool
    ) -> tuple[Decision, Reason, Layer | None, tuple[Layer, ...], list[LayerOutcome]]:
        same_account = view.principal_account is not None and view.principal_account == resource_account
        service = view.action_lower.split(":", 1)[0]
        identity = self._outcome(self.identity, Layer.IDENTITY, view, explain)
        resource = self._outcome([self.resource] if self.resource else [], Layer.RESOURCE, view, explain)
        resource.present = self.resource is not None
        boundary = self._outcome(self.boundaries, Layer.BOUNDARY, view, explain) if self.boundaries else None
        session = self._outcome([self.session], Layer.SESSION, view, explain) if self.session else None
        scps = [self._outcome(level, Layer.SCP, view, explain, i) for i, level in enumerate(self.scps)]
        rcps = (  # RCPs apply only to the services that support them: the others never read them
            [self._outcome(level, Layer.RCP, view, explain, i) for i, level in enumerate(self.rcps)]
            if catalog.rcp_supported(service)
            else []
        )
        decision, reason, by, blocked = decide_layers(
            view, service, same_account, identity, resource, boundary, session, scps, rcps
        )
        layers = [*scps, *rcps, resource, identity, *(x for x in (boundary, session) if x is not None)]
        return decision, reason, by, blocked, layers

    def _plan(self, action: str) -> _Plan:
        plan = self._plans.get(action)
        if plan is None:
            facts = action_facts(action) if type(action) is str else None
            if facts is None:
                _known_action(action)  # raises the error with suggestions
            assert facts is not None
            plan = self._plans[action] = _Plan(self, facts)
        return plan

    def decide(
        self,
        action: str,
        resource: str = "*",
        *,
        principal: str = DEFAULT_PRINCIPAL,
        context: Mapping[str, Any] | None = None,
        resource_account: str | None = None,
    ) -> Decision:
        """The decision alone (no trace): the fast path for matrices and bulk checks.

        Gives the same decision as :meth:`evaluate` (a property test holds it to that).

        Raises:
            XrayKitError: for an unknown action, a resource of the wrong type, a bad principal or context.
        """
        if not (type(action) is type(resource) is type(principal) is str) or (
            resource_account is not None and not is_account_id(resource_account)
        ):
            _check_request_types(action, resource, principal, resource_account)
        # A compiled set never changes, so neither does its decision for a request: repeated
        # requests (matrices, widgets, streams of similar calls) are answered from a table. Only
        # requests that pass every check the full path makes are looked up or stored, and only
        # with their context as the full path normalizes it: text alone, numbers and booleans
        # turned into the text policies compare (so True and 1 stay two requests, "true" and "1").
        plan = self._plans.get(action) or self._plan(action)
        fitting = plan.fitting
        in_arn = fitting.get(resource)  # the account the ARN names ("" for none), once it fits
        if in_arn is None and type(resource) is str and catalog.arn_fits_action(plan.info, resource):
            if len(fitting) >= _MEMO_SIZE:
                fitting.clear()
            in_arn = fitting[resource] = _arn_account(resource)
        who = self._principals.get(principal)
        if who is None:
            if len(self._principals) >= _MEMO_SIZE:
                self._principals.clear()
            who = self._principals[principal] = classify_principal(principal)
        kind, principal_account = who
        if in_arn is None or kind in ("unknown", "account"):  # something to report: the full path
            return self._decide_in_full(action, resource, principal, context, resource_account)
        # the resource's account: as given, else as its ARN says, else the principal's
        owner = resource_account if resource_account is not None else in_arn or principal_account
        same_account = principal_account is not None and principal_account == owner
        if plan.fixed:
            # No statement left to match: the decision depends only on who asks, and from where.
            # The context is still read (an everyday one needs no copy): an unusual one takes the
            # full path, which reports what is wrong with it or converts its values.
            if (
                context
                and not _everyday(context, plan.supported)
                and _fast_context(context, plan.supported) is None
            ):
                return self._decide_in_full(action, resource, principal, context, resource_account)
            decision = plan.decisions.get((kind, same_account))
            if decision is None:  # (no statement reads the context, so an empty one will do)
                decision = plan.decisions[kind, same_account] = self._decide_plan(
                    plan, principal, principal_account, kind, resource, {}, same_account
                )
            return decision
        ctx = _fast_context(context, plan.supported)
        if ctx is None:  # something to report (or an unusual context): the full path
            return self._decide_in_full(action, resource, principal, context, resource_account)
        # The decision depends on the context only through the keys the plan's statements read
        # (lowercased, with the values the full path gives them: a multivalued key's values are a
        # tuple, any other key's value a string), so requests that agree on those and on
        # everything else share one decision, however their other context keys differ.
        projected = self._projected
        key = (
            plan.lower,
            resource,
            principal,
            resource_account,
            tuple(map(ctx.get, plan.reads)) if plan.reads else (),
        )
        decision = projected.get(key)
        if decision is None:
            decision = self._decide_plan(
                plan, principal, principal_account, kind, resource, ctx, same_account
            )
            if len(projected) >= _MEMO_SIZE:
                projected.clear()
            projected[key] = decision
        return decision

    def _decide_in_full(
        self,
        action: str,
        resource: str,
        principal: str,
        context: Mapping[str, Any] | None,
        resource_account: str | None,
    ) -> Decision:
        """The decision by the full checks (``evaluate``'s, without the record): raises what they find."""
        view, _, account, _, _ = self._view(principal, action, resource, context, resource_account)
        return self._run(view, account, explain=False)[0]

    def _decide_plan(
        self,
        plan: _Plan,
        principal: str,
        principal_account: str | None,
        kind: str,
        resource: str,
        ctx: dict[str, str | tuple[str, ...]],
        same_account: bool,
    ) -> Decision:
        """What each layer of the plan says about a valid request, and the decision on that."""
        view = RequestView(
            principal,
            principal_account,
            kind,
            plan.info.full_name,
            plan.lower,
            resource,
            plan.wildcard_only,
            ctx,
            bool(self.boundaries),
        )
        identity = _scan(plan.identity, view)
        resource_policy = _scan(plan.resource, view) if plan.resource is not None else _NO_RESOURCE_POLICY
        boundary = _scan(plan.boundary, view) if plan.boundary is not None else None
        session = _scan(plan.session, view) if plan.session is not None else None
        scps = [_scan(level, view) for level in plan.scps]
        rcps = [_scan(level, view) for level in plan.rcps]
        return decide_layers(
            view, plan.service, same_account, identity, resource_policy, boundary, session, scps, rcps
        )[0]

    def evaluate(
        self,
        action: str,
        resource: str = "*",
        *,
        principal: str = DEFAULT_PRINCIPAL,
        context: Mapping[str, Any] | None = None,
        resource_account: str | None = None,
    ) -> Evaluation:
        """Decide one request and record why.

        Args:
            action: the action, e.g. ``xray:GetGroup`` (case-insensitive).
            resource: the resource ARN, or ``*`` for actions without resource-level permissions.
            principal: the requester's ARN (user, role, assumed-role session) or a service principal.
            context: condition keys and their values (a list for a multivalued key).
            resource_account: the account that owns the resource (default: from the ARN, else the
                principal's).

        Returns:
            The :class:`Evaluation`: decision, deciding layer, trace, missing context keys.

        Raises:
            XrayKitError: for an unknown action, a resource of the wrong type, a bad principal or context.
        """
        _check_request_types(action, resource, principal, resource_account)
        view, info, account, notes, shown = self._view(principal, action, resource, context, resource_account)
        decision, reason, by, blocked, layers = self._run(view, account, explain=True)
        traces = tuple(t for layer in layers for t in layer.traces or ())
        missing = sorted(_missing_keys(traces), key=str.lower)
        request = Request(
            principal,
            info.full_name,
            resource,
            account,
            tuple(sorted(shown.items(), key=lambda kv: kv[0].lower())),
        )
        if not catalog.rcp_supported(view.action_lower.split(":", 1)[0]) and self.rcps:
            notes = (
                *notes,
                f"resource control policies do not apply to `{view.action_lower.split(':', 1)[0]}`",
            )
        return Evaluation(request, decision, reason, by, blocked, traces, tuple(missing), notes)


def _names_session(view: RequestView, named: tuple[str, ...]) -> bool:
    """An allow whose Principal names this very session (an assumed-role or federated-user ARN).

    ``named``: the ``AWS`` principals of the statement's Principal element (none for NotPrincipal).
    """
    return view.principal_kind in ("assumed-role", "federated-user") and view.principal in named


def _bypasses(view: RequestView, wildcard: bool) -> bool:
    """A same-account resource-based allow that names a user or session is not limited by a boundary.

    ``wildcard``: the statement's Principal (or NotPrincipal) element is ``*``.
    """
    if view.principal_kind in ("user", "assumed-role", "federated-user"):
        return True
    return view.principal_kind == "role" and wildcard


def _resource_allow_flags(view: RequestView, statement: CompiledStatement) -> tuple[bool, bool]:
    """``(bypass, names_session)`` of a resource-based Allow that names the requester exactly."""
    element = statement.principal
    named = element.aws if element is not None and not statement.not_principal else ()
    return _bypasses(view, element is not None and element.wildcard), _names_session(view, named)


_MEMO_SIZE = 1 << 16


def _known_action(action: str) -> catalog.Action:
    """The catalog entry of the request's action; an unknown one raises with the closest names."""
    info = catalog.find_action(action)
    if info is None:
        catalog.action(action)  # raises the error with suggestions
        raise XrayKitError(Issue("action", f"unknown action `{action}`"))  # pragma: no cover
    return info


def _missing_keys(traces: Iterable[PolicyTrace]) -> set[str]:
    """The context keys the decision looked for and did not find: what a user would supply.

    A statement counts when every element matched, or failed only for a policy variable without a
    value (``${aws:PrincipalTag/team}`` in Resource): its absent condition keys count, and so do
    the keys of such variables, in Resource or in condition values.
    """
    missing: set[str] = set()
    for trace in traces:
        for statement in trace.statements:
            pending = [c for c in statement.checks if c.reason is Reason.VARIABLE_UNRESOLVED]
            if not all(c.matched or c.reason is Reason.VARIABLE_UNRESOLVED for c in statement.checks):
                continue
            variables = [c.value("variable") for c in pending]
            for condition in statement.conditions:
                if condition.request_values is None:
                    missing.add(condition.key)
                variables.append(condition.variable)
            missing.update(v[2:-1].split(",", 1)[0].strip() for v in variables if v)
    return missing


def _resource_account(resource: str, given: str | None, principal_account: str | None) -> str | None:
    """The account that owns the resource: as given, else from its ARN, else the principal's."""
    if given is not None:
        return given
    return _arn_account(resource) or principal_account


def _arn_account(resource: str) -> str:
    """The account an ARN names ("" when it names none, as for ``*`` or an S3 bucket)."""
    parts = resource.split(":", 5)
    return parts[4] if len(parts) == 6 else ""


def _check_request_types(action: Any, resource: Any, principal: Any, resource_account: Any) -> None:
    """Raise the located error for a request field of the wrong type (before anything hashes it)."""
    if not isinstance(action, str):  # worded as the catalog words it
        shown = snippet(action)
        raise XrayKitError(Issue("action", f"expected an action such as `xray:GetGroup`, got `{shown}`"))
    issues = [
        Issue(name, f"`{name}` must be a string, not {json_type(value)}")
        for name, value in (("action", action), ("resource", resource), ("principal", principal))
        if not isinstance(value, str)
    ]
    if resource_account is not None and not isinstance(resource_account, str):
        issues.append(
            Issue("resource_account", "`resource_account` must be a string (a 12-digit account ID)")
        )
    elif resource_account is not None:
        issues += account_issues(resource_account, "resource_account")
    if issues:
        raise XrayKitError(issues)


@lru_cache(maxsize=4096)
def _supported_keys(action: catalog.Action) -> frozenset[str]:
    """Lowercased prefixes (before any ``/``) of the service keys this action's requests carry."""
    supported = {k.lower().split("/", 1)[0] for k in action.condition_keys}
    if action.resource_types:
        wanted = {ref.name for ref in action.resource_types}
        for rtype in catalog.resource_types(action.service):
            if rtype.name in wanted:
                supported |= {k.lower().split("/", 1)[0] for k in rtype.condition_keys}
    return frozenset(supported)


_KEY_FACTS: dict[str, tuple[str, str, bool]] = {}


def _key_facts(key: str) -> tuple[str, str, bool]:
    """``(lowercased key, lowercased prefix, multivalued)``, cached."""
    facts = _KEY_FACTS.get(key)
    if facts is None:
        lower = key.lower()
        info = catalog.find_condition_key(key)
        if len(_KEY_FACTS) >= 4096:  # keys come from requests (tag names): keep the table bounded
            _KEY_FACTS.clear()
        facts = _KEY_FACTS[key] = (lower, lower.split("/", 1)[0], bool(info and info.multivalued))
    return facts


def _fast_context(
    raw: Mapping[str, Any] | None, supported: frozenset[str]
) -> dict[str, str | tuple[str, ...]] | None:
    """The context as :func:`_normalize_context` makes it, or None when anything needs a message."""
    if not raw:
        return {}
    names = _everyday(raw, supported)
    if names:  # (zip without strict: as many names as values, and strict= is a slow keyword call)
        return dict(zip(names, raw.values()))  # noqa: B905
    if type(raw) is not dict and not isinstance(raw, Mapping):
        return None
    return _context_items(raw, supported)


def _everyday(raw: Mapping[str, Any], supported: frozenset[str]) -> tuple[str, ...]:
    """The lowercased keys of an everyday context, else ``()``.

    Everyday: a dict of text values for single-valued keys the action supplies, its keys (in their
    order) seen before, so one lookup reads them all. :func:`_fast_context` reads any other
    context item by item.
    """
    if type(raw) is not dict:
        return ()
    keys = tuple(raw)
    names = _SHAPES.get((supported, keys))
    if names is None:
        names = _shape(keys, supported)
    return names if names and set(map(type, raw.values())) == _ONLY_STR else ()


_ONLY_STR = frozenset((str,))

# (supported prefixes, the context's keys in order) -> their lowercased names, when every key is a
# single-valued condition key the action supplies; () when the context needs the item-by-item path
_SHAPES: dict[tuple[frozenset[str], tuple[Any, ...]], tuple[str, ...]] = {}


def _shape(keys: tuple[Any, ...], supported: frozenset[str]) -> tuple[str, ...]:
    lowers: list[str] = []
    for key in keys:
        if type(key) is not str or ":" not in key:
            lowers = []
            break
        lower, prefix, multivalued = _key_facts(key)
        if multivalued or not (prefix.startswith("aws:") or prefix in supported):
            lowers = []
            break
        lowers.append(lower)
    if len(_SHAPES) >= 4096:
        _SHAPES.clear()
    shape = _SHAPES[supported, keys] = tuple(lowers)
    return shape


def _context_items(
    raw: Mapping[str, Any], supported: frozenset[str]
) -> dict[str, str | tuple[str, ...]] | None:
    """:func:`_fast_context`, one item at a time (any mapping, multivalued and unsupplied keys).

    Numbers and booleans become the text policies compare them as (``true``, ``10``), and a list
    of one value for a single-valued key is that value, as :func:`_normalize_context` has them.
    """
    out: dict[str, str | tuple[str, ...]] = {}
    known = _KEY_FACTS.get
    for key, value in raw.items():
        if type(key) is not str:
            return None
        facts = known(key)
        if facts is None:
            if ":" not in key:
                return None
            facts = _key_facts(key)
        lower, prefix, multivalued = facts
        if not (prefix.startswith("aws:") or prefix in supported):
            continue
        if type(value) is str:
            out[lower] = (value,) if multivalued else value
            continue
        strings: list[str] = []
        for item in value if type(value) in (list, tuple) else (value,):
            kind = type(item)
            if kind is str:
                strings.append(item)
            elif kind is bool or kind is int or kind is float:
                strings.append(value_text(item))
            else:
                return None  # null, an object, a nested list: the full path words the issue
        if multivalued:
            out[lower] = tuple(strings)
        elif len(strings) == 1:
            out[lower] = strings[0]
        else:
            return None  # several values, or none, for a single-valued key: an issue
    return out


def _normalize_context(
    raw: Mapping[str, Any], action: catalog.Action, issues: list[Issue]
) -> tuple[dict[str, str | tuple[str, ...]], dict[str, str | tuple[str, ...]], tuple[str, ...]]:
    """Context keys lowercased (and as given, for display), values as strings (tuples for multivalued keys).

    Service-specific keys the action does not support are left out, with a note: AWS never puts
    them in the request context.
    """
    if not isinstance(raw, Mapping):
        issues.append(Issue("context", "the context must map condition keys to values"))
        return {}, {}, ()
    supported = _supported_keys(action)
    out: dict[str, str | tuple[str, ...]] = {}
    shown: dict[str, str | tuple[str, ...]] = {}
    notes: list[str] = []
    for key, value in raw.items():
        path = f"context.{key}"
        if not isinstance(key, str) or ":" not in key:
            issues.append(Issue(path, f"`{key}` is not a condition key: expected `prefix:Name`"))
            continue
        lower = key.lower()
        if not lower.startswith("aws:") and lower.split("/", 1)[0] not in supported:
            notes.append(f"`{key}` is ignored: `{action.full_name}` does not supply it")
            continue
        multivalued = _key_facts(key)[2]
        values = value if isinstance(value, list | tuple) else [value]
        strings: list[str] = []
        for item in values:
            if isinstance(item, bool | int | float | str):
                strings.append(value_text(item))  # as policy values read: `10.0` is `10`
            else:
                issues.append(
                    Issue(
                        path,
                        f"context values must be strings, numbers or booleans, not {snippet(item, 40)}",
                    )
                )
        if multivalued:
            out[lower] = shown[key] = tuple(strings)
        elif len(values) == 1:  # one value, or a list of one (read as its value)
            if strings:
                out[lower] = shown[key] = strings[0]
        else:  # a list of several, or of none, counted as given
            issues.append(
                Issue(
                    path,
                    f"`{key}` is single-valued: give one value, not a list of {len(values)}"
                    if values
                    else f"`{key}` is single-valued: give one value, not an empty list",
                    "only multivalued keys such as `aws:TagKeys` take lists",
                )
            )
    return out, shown, tuple(notes)


def simulate(
    action: str,
    resource: str = "*",
    *,
    principal: str = DEFAULT_PRINCIPAL,
    context: Mapping[str, Any] | None = None,
    resource_account: str | None = None,
    identity_policies: Iterable[PolicyInput] = (),
    permission_boundaries: Iterable[PolicyInput] | None = None,
    scps: Sequence[Any] | None = None,
    rcps: Sequence[Any] | None = None,
    session_policy: PolicyInput | None = None,
    resource_policy: PolicyInput | None = None,
) -> Evaluation:
    """Decide one request the way IAM does, and say why.

    ``simulate("xray:GetGroup", group_arn, identity_policies=["AWSXrayReadOnlyAccess"])``

    Args:
        action: the action (case-insensitive).
        resource: the resource ARN, or ``*``.
        principal: who asks.
        context: condition keys and values.
        resource_account: the resource's account, if the ARN does not say.
        identity_policies: see :class:`PolicySet`; so are the other policy arguments.
        permission_boundaries: see :class:`PolicySet`.
        scps: see :class:`PolicySet`.
        rcps: see :class:`PolicySet`.
        session_policy: see :class:`PolicySet`.
        resource_policy: see :class:`PolicySet`.

    Returns:
        The :class:`Evaluation`.

    Raises:
        XrayKitError: for invalid policies or requests, with every issue located.
    """
    policies = PolicySet(
        identity_policies, permission_boundaries, scps, rcps, session_policy, resource_policy
    )
    return policies.evaluate(
        action, resource, principal=principal, context=context, resource_account=resource_account
    )
