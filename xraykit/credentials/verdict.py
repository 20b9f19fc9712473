"""May the daemon's identity upload? The daemon bundle checked against that identity's policies.

The daemon calls ``PutTraceSegments`` and ``PutTelemetryRecords`` itself and signs the sampling
calls (``GetSamplingRules``, ``GetSamplingTargets``, ``GetSamplingStatisticSummaries``) that the
X-Ray SDK sends through its TCP proxy, so the identity it resolved needs all five actions
(what ``AWSXRayDaemonWriteAccess`` grants).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from xraykit.credentials import facts
from xraykit.credentials.resolution import IdentityKind, Resolution

__all__ = ["ActionCheck", "DaemonVerdict", "daemon_actions", "daemon_verdict"]


def daemon_actions() -> tuple[str, ...]:
    """The five actions the daemon needs: the ``daemon`` operation bundle (``bundles.json``)."""
    return facts.daemon_bundle()


@dataclass(frozen=True)
class ActionCheck:
    """One action of the bundle.

    Attributes:
        action: e.g. ``xray:PutTraceSegments``.
        allowed: True, False, or ``None`` when it could not be asked.
        decision: the decision's name (``Allowed``, ``ImplicitlyDenied``, ...) or a reason.
    """

    action: str
    allowed: bool | None
    decision: str


@dataclass(frozen=True)
class DaemonVerdict:
    """Whether the resolved identity may do what the daemon does.

    Attributes:
        principal: the caller ARN the checks were made for, or ``None``.
        iam_arn: the IAM user or role whose policies were used.
        checks: one per action of the bundle.
        summary: one sentence.
    """

    principal: str | None
    iam_arn: str | None
    checks: tuple[ActionCheck, ...]
    summary: str

    @property
    def allowed(self) -> bool | None:
        """True if every action is allowed, False if one is denied, ``None`` if it could not be asked."""
        values = [c.allowed for c in self.checks]
        if any(v is False for v in values):
            return False
        if not values or any(v is None for v in values):
            return None
        return True

    @property
    def missing(self) -> tuple[str, ...]:
        """The actions denied."""
        return tuple(c.action for c in self.checks if c.allowed is False)

    def __str__(self) -> str:
        return self.to_text()

    def to_text(self) -> str:
        """The deterministic plain-text view."""
        from xraykit.credentials.render import verdict_text

        return verdict_text(self)

    def _repr_html_(self) -> str:
        from xraykit.credentials.render import verdict_html

        return verdict_html(self)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "principal": self.principal,
            "iam_arn": self.iam_arn,
            "allowed": self.allowed,
            "missing": list(self.missing),
            "summary": self.summary,
            "checks": [
                {"action": c.action, "allowed": c.allowed, "decision": c.decision} for c in self.checks
            ],
        }


Decide = Callable[[str, str], bool]


def _engine_decide(
    policies_for_identity: Callable[[str], Sequence[Any]],
    iam_arn: str,
    context: Mapping[str, Any] | None,
) -> Callable[[str, str], tuple[bool, str]]:
    from xraykit.engine import simulate  # the simulator is heavy: load it only when asked

    policies = policies_for_identity(iam_arn)

    def decide(principal: str, action: str) -> tuple[bool, str]:
        evaluation = simulate(
            identity_policies=policies,
            principal=principal,
            action=action,
            resource="*",
            context=dict(context or {}),
        )
        return bool(evaluation.allowed), str(evaluation.decision)

    return decide


def daemon_verdict(
    resolution: Resolution,
    policies_for_identity: Callable[[str], Sequence[Any]] | None = None,
    *,
    decide: Decide | None = None,
    context: Mapping[str, Any] | None = None,
) -> DaemonVerdict:
    """Check the daemon bundle for the identity a resolution found.

    Args:
        resolution: from :func:`~xraykit.credentials.resolve_daemon` (or ``resolve_sdk``).
        policies_for_identity: given the IAM ARN of the user or role (``identity.iam_arn``), the
            identity-based policies attached to it (documents, or managed policy names such as
            ``AWSXRayDaemonWriteAccess``); these go to the simulator
            (``xraykit.engine.simulate``) with the caller ARN as principal.
        decide: instead of the simulator, a callable ``decide(principal_arn, action) -> bool``.
        context: extra request context for the simulator (``aws:SourceIp``, ...).

    Returns:
        The verdict, one check per action. With no credentials, or keys the model cannot attribute,
        every check is ``None`` and the summary says why.

    Raises:
        TypeError: neither ``policies_for_identity`` nor ``decide`` was given.
    """
    actions = daemon_actions()
    identity = resolution.identity
    if not resolution.ok:
        reason = facts.say("verdict-no-credentials")
        return DaemonVerdict(None, None, tuple(ActionCheck(a, None, reason) for a in actions), reason)
    if identity.kind is IdentityKind.UNKNOWN or identity.arn is None or identity.iam_arn is None:
        reason = facts.say("verdict-unknown-identity")
        return DaemonVerdict(
            identity.arn, identity.iam_arn, tuple(ActionCheck(a, None, reason) for a in actions), reason
        )
    if decide is not None:
        checks = tuple(
            ActionCheck(a, ok, "Allowed" if ok else "ImplicitlyDenied")
            for a in actions
            for ok in [bool(decide(identity.arn, a))]
        )
    elif policies_for_identity is not None:
        ask = _engine_decide(policies_for_identity, identity.iam_arn, context)
        checks = tuple(ActionCheck(a, *ask(identity.arn, a)) for a in actions)
    else:
        raise TypeError("daemon_verdict needs policies_for_identity or decide")
    denied = [c.action for c in checks if not c.allowed]
    summary = (
        facts.say("verdict-missing", actions=", ".join(denied)) if denied else facts.say("verdict-allowed")
    )
    return DaemonVerdict(identity.arn, identity.iam_arn, checks, summary)
