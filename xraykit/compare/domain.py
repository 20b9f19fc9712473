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

Used by :func:`xraykit.compare.compare`, by the lint (redundant statements, statements that never
apply) and by the least-privilege proofs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from xraykit import catalog
from xraykit.compare.resources import ACCOUNT, REGION, is_key, key_policy_for, resources_for, witness
from xraykit.compare.situations import OTHER, Context, collect_keys, situations, substitute
from xraykit.engine import PolicyInput
from xraykit.policy import Policy, parse_policy

__all__ = [
    "ACCOUNT",
    "OTHER",
    "REGION",
    "Domain",
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
    """One request of the domain: action, resource and context (keys as the policies spell them)."""

    action: str
    resource: str = "*"
    context: Context = ()

    def context_dict(self) -> dict[str, str | tuple[str, ...]]:
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


def load_policies(policies: PolicyInput | Sequence[PolicyInput]) -> list[Policy]:
    """Policies as :class:`Policy` objects (a single policy, or a list of them).

    Args:
        policies: documents, JSON text, managed policy names or :class:`Policy` objects.

    Returns:
        The validated policies, in order.

    Raises:
        XrayKitError: for an invalid policy or an unknown managed policy.
    """
    items: Sequence[Any] = policies if isinstance(policies, list | tuple) else [policies]
    out = []
    for i, item in enumerate(items):
        if isinstance(item, Policy):
            out.append(item)
        elif isinstance(item, str) and not item.lstrip().startswith("{"):
            out.append(parse_policy(catalog.managed_policy(item), name=item, source=item))
        else:
            out.append(parse_policy(item, name=f"policy {i + 1}", source=f"policy {i + 1}"))
    return out


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
    keys = collect_keys(policies)
    acts = (
        [a if isinstance(a, catalog.Action) else catalog.action(a) for a in actions]
        if actions is not None
        else list(catalog.actions("xray"))
    )
    patterns = list(
        dict.fromkeys(
            substitute(p, keys.variables, policy.variables_enabled)
            for policy in policies
            for s in policy.statements
            for p in (*(s.resource or ()), *(s.not_resource or ()))
        )
    )
    requests: list[DomainRequest] = []
    resources: dict[str, None] = {"*": None}
    for act in dict.fromkeys(acts):
        for arn in resources_for(act, patterns, None, account=account, region=region):
            resources[arn] = None
            for context in situations(act, arn, keys, limit):
                requests.append(DomainRequest(act.full_name, arn, context))
    return Domain(
        tuple(requests), tuple(a.full_name for a in dict.fromkeys(acts)), tuple(resources), keys.names
    )
