"""Compare two policies over the X-Ray domain: which requests one allows and the other does not.

:func:`compare` builds the X-Ray domain of both policy sets (:func:`~xraykit.compare.domain.domain`:
every X-Ray action × the resources it can name × the condition situations that matter to the
policies) and decides every request of it with both (:class:`~xraykit.compare.domain.Decider`: a
request on a KMS key with a key policy that lets IAM policies decide), so its answer is complete
for the domain, not a sample.

Taught in ``notebooks/05_managed_policies.ipynb`` (what changed between two policies).
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from xraykit.compare.domain import (
    ACCOUNT,
    OTHER,
    REGION,
    Decider,
    Domain,
    DomainRequest,
    domain,
    load_policies,
    resources_for,
)
from xraykit.engine import PolicyInput
from xraykit.result import Decision

__all__ = [
    "ACCOUNT",
    "OTHER",
    "REGION",
    "Comparison",
    "Decider",
    "Difference",
    "Domain",
    "DomainRequest",
    "compare",
    "decide_all",
    "domain",
    "load_policies",
    "resources_for",
]


@dataclass(frozen=True, slots=True)
class Difference:
    """A request the two policy sets decide differently (one allows it, the other does not)."""

    request: DomainRequest
    a: Decision
    b: Decision


@dataclass(frozen=True)
class Comparison:
    """What two policy sets allow over their X-Ray domain.

    Attributes:
        a_name: a label for the first policy set.
        b_name: a label for the second.
        domain: every request that was decided.
        only_a: the requests the first allows and the second does not.
        only_b: the requests the second allows and the first does not.
    """

    a_name: str
    b_name: str
    domain: Domain
    only_a: tuple[Difference, ...]
    only_b: tuple[Difference, ...]

    @property
    def same(self) -> bool:
        """True when both allow exactly the same requests of the domain."""
        return not self.only_a and not self.only_b

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""

        def rows(items: tuple[Difference, ...]) -> list[dict[str, Any]]:
            return [{**d.request.to_dict(), "a": d.a.value, "b": d.b.value} for d in items]

        return {
            "a": self.a_name,
            "b": self.b_name,
            "requests": len(self.domain),
            "same": self.same,
            "actions": list(self.domain.actions),
            "resources": list(self.domain.resources),
            "condition_keys": list(self.domain.keys),
            "only_a": rows(self.only_a),
            "only_b": rows(self.only_b),
        }

    def text(self) -> str:
        """The comparison as plain text (deterministic)."""
        lines = [
            f"`{self.a_name}` against `{self.b_name}` over the X-Ray domain",
            f"  {self.domain.describe()}",
        ]
        if self.same:
            lines.append("Both allow exactly the same requests.")
        for name, other, items in (
            (self.a_name, self.b_name, self.only_a),
            (self.b_name, self.a_name, self.only_b),
        ):
            if not items:
                continue
            lines.append(f"Only `{name}` allows ({len(items)} requests; `{other}` denies them):")
            for action, group in itertools.groupby(items, key=lambda d: d.request.action):
                rows = list(group)
                if len(rows) == 1:
                    lines.append(f"  {rows[0].request}")
                    continue
                lines.append(f"  {action} ({len(rows)}):")
                lines += ["    " + str(d.request).split(" ", 1)[1] for d in rows]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        esc = html.escape
        parts = [
            f"<div class='xraykit-compare'><p><b>{esc(self.a_name)}</b> against <b>{esc(self.b_name)}</b>: "
            f"{esc(self.domain.describe())}</p>"
        ]
        if self.same:
            parts.append("<p style='color:#1a7f37'>Both allow exactly the same requests.</p>")
        for name, items in ((self.a_name, self.only_a), (self.b_name, self.only_b)):
            if not items:
                continue
            parts.append(
                f"<p>Only <b>{esc(name)}</b> allows ({len(items)}):</p><table><tr><th>action</th>"
                "<th>resource</th><th>context</th></tr>"
            )
            for d in items:
                ctx = ", ".join(f"{k}={v}" for k, v in d.request.context)
                parts.append(
                    f"<tr><td><code>{esc(d.request.action)}</code></td><td><code>{esc(d.request.resource)}"
                    f"</code></td><td>{esc(ctx)}</td></tr>"
                )
            parts.append("</table>")
        parts.append("</div>")
        return "".join(parts)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(self.text())


def decide_all(decider: Decider, requests: Iterable[DomainRequest]) -> list[Decision]:
    """Decide every request of a domain with one set of policies.

    Args:
        decider: the policies, compiled (with a key policy for the requests on a KMS key).
        requests: the requests of a domain.

    Returns:
        One decision per request, in order.
    """
    return [decider.request(r) for r in requests]


def compare(
    a: PolicyInput | Sequence[PolicyInput],
    b: PolicyInput | Sequence[PolicyInput],
    *,
    a_name: str | None = None,
    b_name: str | None = None,
    actions: Iterable[str] | None = None,
    account: str = ACCOUNT,
    region: str = REGION,
) -> Comparison:
    """The requests of the X-Ray domain that one policy set allows and the other does not.

    ``compare("AWSXrayReadOnlyAccess", my_policy)``

    Args:
        a: a policy (document, JSON text, managed policy name, :class:`Policy`) or a list of them,
            attached together as identity-based policies.
        b: the same for the other side.
        a_name: a label for ``a`` (default: its name; documents are named ``policy 1``,
            ``policy 2``… across both sides, so the two labels differ).
        b_name: a label for ``b``.
        actions: the actions to compare over (default: every X-Ray action).
        account: the account of the generic ARNs and of the principal (every resource is decided
            as if in it: see :class:`~xraykit.compare.domain.Decider`).
        region: the region of the generic ARNs.

    Returns:
        The :class:`Comparison`: complete for the domain, not a sample.

    Raises:
        XrayKitError: for an invalid policy or action.
    """
    left = load_policies(a)
    right = load_policies(b, first=len(left) + 1)
    space = domain([*left, *right], actions=actions, account=account, region=region)
    da = decide_all(Decider(left, account=account), space.requests)
    db = decide_all(Decider(right, account=account), space.requests)
    only_a = tuple(
        Difference(r, x, y)
        for r, x, y in zip(space.requests, da, db, strict=True)
        if x.allowed and not y.allowed
    )
    only_b = tuple(
        Difference(r, x, y)
        for r, x, y in zip(space.requests, da, db, strict=True)
        if y.allowed and not x.allowed
    )
    label_a = a_name or " + ".join(p.name for p in left)
    label_b = b_name or " + ".join(p.name for p in right)
    return Comparison(label_a, label_b, space, only_a, only_b)
