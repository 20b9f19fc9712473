"""The X-Ray domain of a set of policies: every request worth deciding, enumerated.

The domain is finite, so it can be enumerated rather than sampled:

- every X-Ray action (or the actions asked for);
- for each action, every kind of resource it can name: ``*``, and for actions with resource-level
  permissions a group ARN and a sampling-rule ARN (a generic one, and one made from each Resource
  or NotResource pattern in the policies that fits the action, so ``group/local-users/*`` gives a
  ``local-users`` group);
- every situation of the condition keys the policies test: each tag key named in
  ``aws:ResourceTag/…``, ``aws:RequestTag/…`` or ``aws:TagKeys`` absent, or set to each value the
  conditions name, or to another value (plus one unnamed request tag); other keys likewise,
  absent or set to each value the conditions compare with and one value they do not. A key is
  offered only where AWS supplies it: request tags for the actions that take them, resource tags
  for requests on an ARN of a type that has tags.

Every request of the domain is decided the one way :class:`Decider` says: as the principal's own
IAM policies decide it when the resource side lets them (the resource in the caller's account; a
KMS key with a key policy that delegates to IAM). :func:`xraykit.compare.compare`, the lint
(redundant statements, statements that never apply), the least-privilege proofs and the task
check all decide through it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from xraykit import catalog
from xraykit.compare.resources import ACCOUNT, REGION, is_key, key_policy_for, resources_for, witness
from xraykit.compare.situations import OTHER, collect_keys, situations, substitute
from xraykit.engine import PolicyInput, PolicySet
from xraykit.policy import Policy, parse_policy
from xraykit.result import Decision, Evaluation

__all__ = [
    "ACCOUNT",
    "OTHER",
    "REGION",
    "Decider",
    "Domain",
    "DomainBuilder",
    "DomainRequest",
    "domain",
    "is_key",
    "key_policy_for",
    "load_policies",
    "resources_for",
    "witness",
]


@dataclass(frozen=True, slots=True)
class DomainRequest:
    """One request: action, resource and context (keys as the policies spell them).

    A request of the domain, and of a task (:data:`xraykit.least_privilege.TaskRequest`), whose
    context may hold numbers and booleans too.
    """

    action: str
    resource: str = "*"
    context: tuple[tuple[str, Any], ...] = ()

    def context_dict(self) -> dict[str, Any]:
        """The context as a dict."""
        return dict(self.context)

    def __str__(self) -> str:
        text = f"{self.action} on {self.resource}"
        if self.context:
            shown = [f"{k}=[{', '.join(v)}]" if isinstance(v, tuple) else f"{k}={v}" for k, v in self.context]
            text += " with " + ", ".join(shown)
        return text

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "action": self.action,
            "resource": self.resource,
            "context": {k: list(v) if isinstance(v, tuple) else v for k, v in self.context},
        }


@dataclass(frozen=True, slots=True)
class Domain:
    """An enumerated domain of requests, and what it was built from."""

    requests: tuple[DomainRequest, ...]
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    keys: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.requests)

    def describe(self) -> str:
        """One line: how many requests, actions, resources and condition keys."""
        keys = ", ".join(f"`{k}`" for k in self.keys) if self.keys else "none"
        return (
            f"{len(self.requests)} requests: {len(self.actions)} actions × {len(self.resources)} "
            f"resources (`*` and ARNs) × the situations of the condition keys ({keys})"
        )


# ------------------------------------------------------------------------------------------
# building the domain


def load_policies(policies: PolicyInput | Sequence[PolicyInput], *, first: int = 1) -> list[Policy]:
    """Policies as :class:`Policy` objects (a single policy, or a list of them).

    Args:
        policies: documents, JSON text, managed policy names or :class:`Policy` objects.
        first: the number in the name of the first policy (a document is named ``policy N`` by
            its place; :func:`~xraykit.compare.compare` numbers the second side on from the first).

    Returns:
        The validated policies, in order.

    Raises:
        XrayKitError: for an invalid policy or an unknown managed policy.
    """
    items: Sequence[Any] = policies if isinstance(policies, list | tuple) else [policies]
    out = []
    for i, item in enumerate(items, start=first):
        if isinstance(item, Policy):
            out.append(item)
        elif isinstance(item, str) and not item.lstrip().startswith("{"):
            out.append(parse_policy(catalog.managed_policy(item), name=item, source=item))
        else:
            out.append(parse_policy(item, name=f"policy {i}", source=f"policy {i}"))
    return out


class Decider:
    """Decides the domain's requests with a set of identity-based policies, the one way the domain
    means them: as the principal's own IAM policies decide when the resource side lets them.

    - the resource is taken to be in the principal's account (``account``), whatever account its
      ARN names, so what the policies say about it is what decides;
    - a request on a KMS key is decided with :func:`key_policy_for` beside the policies (KMS needs
      a key policy that allows: without one every request on a key is denied).

    One :class:`~xraykit.engine.PolicySet` is compiled for the requests on ``*`` and other
    resources, and one per KMS key, on first use.

    Args:
        policies: the identity-based policies (documents, JSON text, managed policy names or
            :class:`Policy` objects).
        account: the principal's account, which owns every resource of the domain.
        principal: who asks (default: the user ``alice`` of ``account``).

    Raises:
        XrayKitError: for an invalid policy.
    """

    def __init__(
        self, policies: Sequence[PolicyInput], *, account: str = ACCOUNT, principal: str | None = None
    ) -> None:
        self.policies = tuple(policies)
        self.account = account
        self.principal = principal if principal is not None else f"arn:aws:iam::{account}:user/alice"
        self._sets: dict[str | None, PolicySet] = {None: PolicySet(self.policies)}

    def policy_set(self, resource: str) -> PolicySet:
        """The compiled policies that decide requests on ``resource``.

        Args:
            resource: a request's resource.

        Returns:
            The set for a KMS key (with its key policy), or the one for every other resource.
        """
        key = resource if is_key(resource) else None
        found = self._sets.get(key)
        if found is None:
            found = self._sets[key] = PolicySet(
                self.policies, resource_policy=key_policy_for(resource, self.account)
            )
        return found

    def decide(self, action: str, resource: str = "*", context: Mapping[str, Any] | None = None) -> Decision:
        """The decision for one request.

        Args:
            action: the action.
            resource: the resource (``*`` or an ARN).
            context: the condition keys and their values.

        Returns:
            The decision.

        Raises:
            XrayKitError: for an unknown action, a resource of the wrong type or a bad context.
        """
        return self.policy_set(resource).decide(
            action, resource, principal=self.principal, context=context, resource_account=self.account
        )

    def evaluate(
        self, action: str, resource: str = "*", context: Mapping[str, Any] | None = None
    ) -> Evaluation:
        """The decision for one request, with the record of why (see :meth:`decide`).

        Args:
            action: the action.
            resource: the resource (``*`` or an ARN).
            context: the condition keys and their values.

        Returns:
            The evaluation.

        Raises:
            XrayKitError: for an unknown action, a resource of the wrong type or a bad context.
        """
        return self.policy_set(resource).evaluate(
            action, resource, principal=self.principal, context=context, resource_account=self.account
        )

    def request(self, request: DomainRequest) -> Decision:
        """The decision for one request of the domain.

        Args:
            request: the request.

        Returns:
            The decision.
        """
        return self.decide(request.action, request.resource, request.context_dict())


class DomainBuilder:
    """The domain of ``policies`` an action at a time: what the policies test and name is read
    once, and each action's requests are made once (the lint asks for them statement by statement).

    Args:
        policies: the policies whose resources and conditions shape the domain.
        account: the account of the generic ARNs.
        region: the region of the generic ARNs.
        limit: the most condition situations allowed for one action and resource.
    """

    def __init__(
        self, policies: Sequence[Policy], *, account: str = ACCOUNT, region: str = REGION, limit: int = 20_000
    ) -> None:
        self.keys = collect_keys(policies)
        self.patterns = tuple(
            dict.fromkeys(
                substitute(p, self.keys.variables, policy.variables_enabled)
                for policy in policies
                for s in policy.statements
                for p in (*(s.resource or ()), *(s.not_resource or ()))
            )
        )
        self.account, self.region, self.limit = account, region, limit
        self._made: dict[str, tuple[tuple[str, ...], tuple[DomainRequest, ...]]] = {}

    def _action(self, act: catalog.Action) -> tuple[tuple[str, ...], tuple[DomainRequest, ...]]:
        """The resources of one action and its requests."""
        found = self._made.get(act.full_name)
        if found is None:
            arns = resources_for(act, self.patterns, account=self.account, region=self.region)
            requests = tuple(
                DomainRequest(act.full_name, arn, context)
                for arn in arns
                for context in situations(act, arn, self.keys, self.limit)
            )
            found = self._made[act.full_name] = (arns, requests)
        return found

    def requests(self, actions: Iterable[catalog.Action]) -> tuple[DomainRequest, ...]:
        """Every request of the domain for ``actions``, in their order.

        Args:
            actions: the actions (repeats are dropped).

        Returns:
            For each action, ``*`` first, then its ARNs, each with every condition situation.

        Raises:
            XrayKitError: for conditions with too many situations.
        """
        return tuple(r for act in dict.fromkeys(actions) for r in self._action(act)[1])

    def domain(self, actions: Iterable[catalog.Action]) -> Domain:
        """The :class:`Domain` of ``actions`` (see :func:`domain`).

        Args:
            actions: the actions (repeats are dropped).

        Returns:
            The domain.

        Raises:
            XrayKitError: for conditions with too many situations.
        """
        acts = tuple(dict.fromkeys(actions))
        resources: dict[str, None] = {"*": None}
        for act in acts:
            resources.update(dict.fromkeys(self._action(act)[0]))
        return Domain(
            self.requests(acts), tuple(a.full_name for a in acts), tuple(resources), self.keys.names
        )


def domain(
    policies: Sequence[Policy],
    *,
    actions: Iterable[str | catalog.Action] | None = None,
    account: str = ACCOUNT,
    region: str = REGION,
    limit: int = 20_000,
) -> Domain:
    """Every request of the X-Ray domain of ``policies`` (see the module docstring).

    Args:
        policies: the policies whose resources and conditions shape the domain.
        actions: the actions (default: every X-Ray action).
        account: the account of the generic ARNs.
        region: the region of the generic ARNs.
        limit: the most condition situations allowed for one action and resource.

    Returns:
        The :class:`Domain`, in a fixed order (actions in catalog order, ``*`` first).

    Raises:
        XrayKitError: for an unknown action, or conditions with too many situations.
    """
    builder = DomainBuilder(policies, account=account, region=region, limit=limit)
    acts = (
        [a if isinstance(a, catalog.Action) else catalog.action(a) for a in actions]
        if actions is not None
        else list(catalog.actions("xray"))
    )
    return builder.domain(acts)
