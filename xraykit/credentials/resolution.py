"""What a resolver found: the winning source, every source tried and why, identity, region, keys.

A :class:`Resolution` is a frozen record; :mod:`xraykit.credentials.render` turns it into text and
HTML. Secrets are masked before they are stored here, so nothing that holds a resolution can leak
one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = ["Attempt", "Identity", "IdentityKind", "Outcome", "Resolution", "Step"]


class Outcome(StrEnum):
    """What happened to one source of the chain."""

    WON = "won"
    SKIPPED = "skipped"
    FAILED = "failed"  # the source raised: the chain stops here with an error
    NOT_REACHED = "not reached"


class IdentityKind(StrEnum):
    """Who the credentials belong to."""

    IAM_USER = "IAM user"
    ASSUMED_ROLE = "assumed role"
    ROOT = "root user"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Attempt:
    """One source of the chain, in order.

    Attributes:
        provider: the source's id (botocore's ``METHOD`` such as ``shared-credentials-file``; for
            the daemon a short id such as ``profile-static``).
        label: a few words for people (``shared credentials file``).
        outcome: won, skipped, failed or not reached.
        why: one sentence.
    """

    provider: str
    label: str
    outcome: Outcome
    why: str

    def to_dict(self) -> dict[str, str]:
        """A JSON-ready form."""
        return {
            "provider": self.provider,
            "label": self.label,
            "outcome": self.outcome.value,
            "why": self.why,
        }


@dataclass(frozen=True)
class Step:
    """A link in an assume-role chain: whose keys called STS, and the role they got.

    Attributes:
        role_arn: the role assumed.
        session_name: the role session name the SDK sent.
        source: where the calling keys came from (a sentence).
        caller_access_key_id: the access key ID that signed the STS call (``None`` for a web
            identity token, which is not signed).
    """

    role_arn: str
    session_name: str
    source: str
    caller_access_key_id: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        """A JSON-ready form."""
        return {
            "role_arn": self.role_arn,
            "session_name": self.session_name,
            "source": self.source,
            "caller_access_key_id": self.caller_access_key_id,
        }


@dataclass(frozen=True)
class Identity:
    """The principal the credentials authenticate as.

    Attributes:
        kind: IAM user, assumed role, or unknown (keys the model cannot attribute).
        arn: the caller ARN as ``sts:GetCallerIdentity`` would say it
            (``arn:aws:sts::123456789012:assumed-role/ROLE/SESSION`` for a role session).
        iam_arn: the IAM user or role that the identity policies attach to.
        session_name: the role session name, for roles.
        why: how the model knows.
    """

    kind: IdentityKind
    arn: str | None = None
    iam_arn: str | None = None
    session_name: str | None = None
    why: str = ""

    @property
    def account(self) -> str | None:
        """The account ID from the ARN."""
        parts = (self.arn or "").split(":")
        return parts[4] if len(parts) > 5 and parts[4] else None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "kind": self.kind.value,
            "arn": self.arn,
            "iam_arn": self.iam_arn,
            "account": self.account,
            "session_name": self.session_name,
            "why": self.why,
        }


UNKNOWN = Identity(IdentityKind.UNKNOWN)


@dataclass(frozen=True)
class Resolution:
    """The answer of one resolver (botocore, or the X-Ray daemon) for one environment.

    Attributes:
        resolver: who resolved (``botocore 1.44.8``, ``X-Ray daemon 3.6.x (AWS SDK for Go v2)``).
        environment: the environment's name.
        attempts: every source of the chain in order, with its outcome.
        method: the winning source's id (botocore's ``Credentials.method``), or ``None``.
        error: the error that stopped resolution, as a sentence, or ``None``.
        error_code: the SDK's name for that error (``PartialCredentialsError``), or ``None``.
        profile: the profile in effect; ``profile_why`` says which variable chose it.
        region: the region, or ``None``; ``region_why`` says where it came from.
        access_key_id: the access key ID (not a secret, shown in full).
        secret_key: the secret access key, already masked.
        session_token: the session token, already masked (``None`` for long-term keys).
        identity: who the keys belong to.
        chain: the assume-role steps, first to last.
        notes: teaching remarks (a variable this SDK ignores, a section it cannot see, ...).
    """

    resolver: str
    environment: str
    attempts: tuple[Attempt, ...]
    method: str | None
    profile: str
    profile_why: str
    region: str | None
    region_why: str
    access_key_id: str | None = None
    secret_key: str | None = None
    session_token: str | None = None
    identity: Identity = UNKNOWN
    chain: tuple[Step, ...] = ()
    error: str | None = None
    error_code: str | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """True when a source won (the SDK has credentials to sign with)."""
        return self.method is not None and self.error is None

    @property
    def winner(self) -> Attempt | None:
        """The attempt that produced the final keys (the last one that won), if any."""
        won = [a for a in self.attempts if a.outcome is Outcome.WON]
        return won[-1] if won else None

    def __repr__(self) -> str:
        return (
            f"Resolution(resolver={self.resolver!r}, method={self.method!r}, profile={self.profile!r}, "
            f"region={self.region!r}, access_key_id={self.access_key_id!r}, secret_key={self.secret_key!r}, "
            f"identity={self.identity.arn!r}, error={self.error_code!r})"
        )

    def __str__(self) -> str:
        return self.to_text()

    def to_text(self) -> str:
        """The deterministic plain-text twin of the HTML view."""
        from xraykit.credentials.render import resolution_text

        return resolution_text(self)

    def _repr_html_(self) -> str:
        from xraykit.credentials.render import resolution_html

        return resolution_html(self)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form (secrets masked)."""
        return {
            "resolver": self.resolver,
            "environment": self.environment,
            "ok": self.ok,
            "method": self.method,
            "error": self.error,
            "error_code": self.error_code,
            "profile": self.profile,
            "profile_why": self.profile_why,
            "region": self.region,
            "region_why": self.region_why,
            "access_key_id": self.access_key_id,
            "secret_key": self.secret_key,
            "session_token": self.session_token,
            "identity": self.identity.to_dict(),
            "chain": [step.to_dict() for step in self.chain],
            "attempts": [attempt.to_dict() for attempt in self.attempts],
            "notes": list(self.notes),
        }
