"""Operation bundles: a task that needs several actions, evaluated as a whole.

The daemon needs five actions; viewing the service map needs three; switching X-Ray to a customer
managed key needs ``xray:PutEncryptionConfig`` and two KMS actions X-Ray takes on the caller's
behalf. A task succeeds only if every member is allowed, so the answer names the first member that
is not. The bundles are data (``xraykit/data/bundles.json``), each with the doc page and section
it comes from.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from xraykit.account.records import combine
from xraykit.arn import EXAMPLE_ACCOUNT
from xraykit.errors import Issue, XrayKitError, did_you_mean, json_type
from xraykit.kms import KmsKey, kms_context
from xraykit.render import decision_summary
from xraykit.result import Decision, Evaluation

__all__ = [
    "Bundle",
    "BundleMember",
    "BundleResult",
    "bundle",
    "bundle_names",
    "evaluate_bundle",
    "run_members",
]


@dataclass(frozen=True, slots=True)
class BundleMember:
    """One action of a task: on ``*`` or on the task's KMS key (``resource == "key"``)."""

    action: str
    why: str
    resource: str = "*"


@dataclass(frozen=True, slots=True)
class Bundle:
    """A named task: its members and the doc page and section it comes from."""

    name: str
    title: str
    page: str
    section: str
    anchor: str
    members: tuple[BundleMember, ...]

    @property
    def needs_key(self) -> bool:
        """Whether some member acts on a KMS key."""
        return any(m.resource == "key" for m in self.members)

    @property
    def actions(self) -> tuple[str, ...]:
        """The members' actions, in order."""
        return tuple(m.action for m in self.members)


@cache
def _bundles() -> dict[str, Bundle]:
    data = json.loads(resources.files("xraykit.data").joinpath("bundles.json").read_text("utf-8"))
    out = {}
    for name, raw in data["bundles"].items():
        members = tuple(BundleMember(m["action"], m["why"], m.get("resource", "*")) for m in raw["members"])
        out[name] = Bundle(
            name,
            raw["title"],
            raw["source"]["page"],
            raw["source"]["section"],
            raw["source"]["anchor"],
            members,
        )
    return out


def bundle_names() -> tuple[str, ...]:
    """The names of the known bundles."""
    return tuple(_bundles())


def bundle(name: str | Bundle) -> Bundle:
    """A bundle by name.

    Raises:
        XrayKitError: for an unknown name, with the closest ones.
    """
    if isinstance(name, Bundle):
        return name
    found = _bundles().get(name) if isinstance(name, str) else None
    if found is None:
        raise XrayKitError(
            Issue(
                "bundle",
                f"unknown bundle `{name}`"
                if isinstance(name, str)
                else f"a bundle is named by text, not {json_type(name)}",
                did_you_mean(name, bundle_names()) or "known: " + ", ".join(f"`{n}`" for n in bundle_names()),
            )
        )
    return found


@dataclass(frozen=True, slots=True)
class BundleResult:
    """A task evaluated as a whole: one evaluation per member, and the first member that fails."""

    bundle: Bundle
    principal: str
    evaluations: tuple[Evaluation, ...]

    @property
    def decision(self) -> Decision:
        """Explicit deny if any member is explicitly denied, else implicit deny if any is denied."""
        return combine([e.decision for e in self.evaluations])

    @property
    def allowed(self) -> bool:
        """Whether every member is allowed."""
        return self.decision is Decision.ALLOWED

    @property
    def failing(self) -> tuple[BundleMember, ...]:
        """Every member that is not allowed, in order."""
        return tuple(m for m, e in zip(self.bundle.members, self.evaluations, strict=True) if not e.allowed)

    @property
    def first_failure(self) -> BundleMember | None:
        """The first member that is not allowed."""
        return self.failing[0] if self.failing else None

    def failure_text(self) -> str | None:
        """One sentence on the first failing member, or ``None`` when all are allowed."""
        for member, evaluation in zip(self.bundle.members, self.evaluations, strict=True):
            if not evaluation.allowed:
                return f"`{member.action}` ({member.why}): {decision_summary(evaluation)}"
        return None

    def __str__(self) -> str:
        verdict = "allowed" if self.allowed else f"{self.decision.value}"
        lines = [f"{self.bundle.title} as {self.principal}: {verdict}"]
        for member, evaluation in zip(self.bundle.members, self.evaluations, strict=True):
            mark = "✓" if evaluation.allowed else "✗"
            lines.append(
                f"  {mark} {member.action} on {evaluation.request.resource} ({member.why}): "
                f"{decision_summary(evaluation)}"
            )
        if not self.allowed and self.first_failure is not None:
            lines.append(f"  first failing member: {self.first_failure.action}")
        lines.append(f"  source: {self.bundle.page} § {self.bundle.section}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        items = []
        for member, evaluation in zip(self.bundle.members, self.evaluations, strict=True):
            colour = "#1a7f37" if evaluation.allowed else "#cf222e"
            items.append(
                f'<li><span style="color:{colour}">{"✓" if evaluation.allowed else "✗"}</span> '
                f"<code>{html.escape(member.action)}</code> ({html.escape(member.why)})"
                f"<details><summary>{evaluation.decision.value}</summary>{evaluation._repr_html_()}</details></li>"
            )
        verdict = (
            "allowed"
            if self.allowed
            else f"{self.decision.value}; first failing member: "
            f"<code>{html.escape(self.first_failure.action if self.first_failure else '')}</code>"
        )
        return (
            f"<div class='xraykit-bundle'><b>{html.escape(self.bundle.title)}</b> as "
            f"<code>{html.escape(self.principal)}</code>: {verdict}<ul>{''.join(items)}</ul>"
            f"<small>source: {html.escape(self.bundle.page)} § {html.escape(self.bundle.section)}</small>"
            "</div>"
        )


Decide = Callable[[BundleMember, str, Mapping[str, Any]], Evaluation]


def run_members(
    task: Bundle,
    principal: str,
    key: KmsKey | None,
    caller_account: str,
    region: str,
    base_context: Mapping[str, Any],
    decide: Decide,
) -> BundleResult:
    """Evaluate every member with ``decide(member, resource, context)`` (shared by both entry points)."""
    if task.needs_key and key is None:
        raise XrayKitError(
            Issue(
                "key",
                f"the bundle `{task.name}` needs a KMS key",
                "give the key (alias, ID or ARN) the task uses",
            )
        )
    evaluations = []
    for member in task.members:
        context = dict(base_context)
        resource = "*"
        if member.resource == "key" and key is not None:
            resource = key.arn
            context.update(
                kms_context(key, caller_account=caller_account, region=region, action=member.action)
            )
        evaluations.append(decide(member, resource, context))
    return BundleResult(task, principal, tuple(evaluations))


def evaluate_bundle(
    task: str | Bundle,
    *,
    identity_policies: Iterable[Any] = (),
    permission_boundaries: Iterable[Any] | None = None,
    scps: Sequence[Any] | None = None,
    session_policy: Any | None = None,
    principal: str = "arn:aws:iam::123456789012:user/alice",
    context: Mapping[str, Any] | None = None,
    key: KmsKey | None = None,
    region: str = "us-east-1",
) -> BundleResult:
    """Evaluate a task for a set of policies, without an account model.

    Args:
        task: the bundle or its name (``daemon``, ``console-service-map`` ...).
        identity_policies: the principal's policies (documents, managed policy names ...).
        permission_boundaries: a permissions boundary, if any.
        scps: service control policies, if any.
        session_policy: a session policy, if any.
        principal: the requester's ARN.
        context: extra condition keys for every request.
        key: the KMS key, for bundles with key members (its policy is the resource policy).
        region: the region of the X-Ray endpoint.

    Returns:
        The :class:`BundleResult`.

    Raises:
        XrayKitError: for an unknown bundle, invalid policies, or a missing key.
    """
    from xraykit.engine import PolicySet
    from xraykit.matching import classify_principal

    found = bundle(task)
    identity = list(identity_policies)
    plain = PolicySet(identity, permission_boundaries, scps, None, session_policy)
    keyed = (
        PolicySet(identity, permission_boundaries, scps, None, session_policy, key.policy_input())
        if key
        else plain
    )
    caller_account = classify_principal(principal)[1] or EXAMPLE_ACCOUNT

    def decide(member: BundleMember, resource: str, ctx: Mapping[str, Any]) -> Evaluation:
        policies = keyed if member.resource == "key" else plain
        return policies.evaluate(member.action, resource, principal=principal, context=ctx)

    return run_members(found, principal, key, caller_account, region, dict(context or {}), decide)
