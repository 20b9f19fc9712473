"""Pieces both resolvers share: found credentials, a stop in the chain, and whose keys they are."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from xraykit.credentials import facts
from xraykit.credentials.model import Environment, IssuedKeys, PlatformKind, issued_keys, role_name_of
from xraykit.credentials.resolution import Attempt, Identity, IdentityKind, Outcome, Resolution, Step
from xraykit.credentials.secrets import mask
from xraykit.errors import closest

__all__ = [
    "Found",
    "Stop",
    "assumed_identity",
    "finish",
    "identity_for_key",
    "is_loopback_host",
    "typo_notes",
]

_ROLE_ARN = re.compile(
    r"^arn:(?P<partition>aws[a-z-]*):iam::(?P<account>\d{12}):role/(?P<path>.+)\Z", re.ASCII
)


@dataclass(frozen=True)
class Found:
    """Credentials a source produced (the secret parts are masked on the way into a Resolution)."""

    access_key_id: str | None
    secret_access_key: str | None = field(repr=False)
    session_token: str | None = field(repr=False)
    identity: Identity
    why: str
    chain: tuple[Step, ...] = ()

    @property
    def described(self) -> str:
        """A short phrase for the keys (used as the source of a later AssumeRole)."""
        who = self.identity.arn or "an unknown identity"
        key = self.access_key_id or "keys the model cannot see"
        return f"{key} ({who})"


class Stop(Exception):
    """A source raised: the chain stops with this error (botocore's exception name as ``code``)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def assumed_identity(account: str, role: str, session: str, why: str, partition: str = "aws") -> Identity:
    """The identity of a session of ``role`` named ``session``."""
    return Identity(
        IdentityKind.ASSUMED_ROLE,
        arn=f"arn:{partition}:sts::{account}:assumed-role/{role}/{session}",
        iam_arn=f"arn:{partition}:iam::{account}:role/{role}",
        session_name=session,
        why=why,
    )


def role_session(
    environment: Environment, role_arn: str, session: str, why: str
) -> tuple[IssuedKeys, Identity]:
    """The keys and identity STS would return for AssumeRole of ``role_arn`` as ``session``."""
    match = _ROLE_ARN.match(role_arn)
    account = match["account"] if match else environment.account
    partition = match["partition"] if match else "aws"
    role = role_name_of(role_arn)
    return issued_keys(account, role), assumed_identity(account, role, session, why, partition)


def identity_for_key(environment: Environment, access_key_id: str) -> Identity:
    """Whose access key this is: the environment's key table first, then the platform's own keys."""
    arn = environment.access_keys.get(access_key_id)
    if arn is not None:
        if ":assumed-role/" in arn:
            _, _, rest = arn.partition(":assumed-role/")
            role, _, session = rest.partition("/")
            account = arn.split(":")[4]
            return assumed_identity(
                account, role, session, facts.say("identity-key-table-role", key=access_key_id)
            )
        kind = (
            IdentityKind.IAM_USER
            if ":user/" in arn
            else IdentityKind.ROOT
            if arn.endswith(":root")
            else IdentityKind.UNKNOWN
        )
        return Identity(
            kind, arn=arn, iam_arn=arn, why=facts.say("identity-key-table-user", key=access_key_id)
        )
    platform = environment.platform
    candidates: list[tuple[str | None, str, str]] = [
        (
            platform.execution_role if platform.kind is PlatformKind.LAMBDA else None,
            "lambda",
            "identity-lambda-role",
        ),
        (platform.instance_role, "instance", "identity-instance-role"),
        (platform.endpoint_role, "container", "identity-container-role"),
    ]
    for candidate, source, sentence in candidates:
        if candidate and issued_keys(environment.account, candidate).access_key_id == access_key_id:
            session = platform.session_name(source)
            return assumed_identity(
                environment.account, candidate, session, facts.say(sentence, role=candidate, session=session)
            )
    return Identity(IdentityKind.UNKNOWN, why=facts.say("identity-unknown-key", key=access_key_id))


def is_loopback_host(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 (and not for names other than those)."""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url_host(url: str) -> tuple[str, str]:
    """The scheme and host of ``url`` (host lowercased, brackets removed)."""
    parts = urlsplit(url)
    return parts.scheme.lower(), (parts.hostname or "").lower()


def typo_notes(env: dict[str, str]) -> list[str]:
    """Notes for ``AWS_*`` variables no SDK reads that look like a known one."""
    known = list(facts.platforms()["known_env"])
    notes = []
    for name in env:
        if (
            name.startswith("AWS_")
            and name not in known
            and not name.startswith(("AWS_LAMBDA_", "AWS_XRAY_"))
        ):
            hits = closest(name, known, n=1, cutoff=0.85)
            if hits:
                notes.append(facts.say("note-env-typo", name=name, hint=hits[0]))
    return notes


def finish(
    *,
    resolver: str,
    environment: Environment,
    attempts: list[Attempt],
    winner: tuple[str, Found] | None,
    stop: tuple[str, Stop] | None,
    profile: str,
    profile_why: str,
    region: str | None,
    region_why: str,
    notes: list[str],
    extra_error: tuple[str, str] | None = None,
) -> Resolution:
    """Assemble a Resolution, masking every secret on the way in."""
    found = winner[1] if winner else None
    error_code, error = (stop[1].code, stop[1].message) if stop else (None, None)
    if error is None and extra_error is not None:
        error_code, error = extra_error
    return Resolution(
        resolver=resolver,
        environment=environment.name,
        attempts=tuple(attempts),
        method=winner[0] if winner and not stop else None,
        profile=profile,
        profile_why=profile_why,
        region=region,
        region_why=region_why,
        access_key_id=found.access_key_id if found else None,
        secret_key=mask(found.secret_access_key) if found else None,
        session_token=mask(found.session_token) if found else None,
        identity=found.identity if found else Identity(IdentityKind.UNKNOWN, why=facts.say("identity-none")),
        chain=found.chain if found else (),
        error=error,
        error_code=error_code,
        notes=tuple(dict.fromkeys(notes)),
    )


def not_reached(attempts: list[Attempt], rest: list[tuple[str, str]]) -> None:
    """Append the sources after the winner (or the failure) as not reached."""
    for provider, label in rest:
        attempts.append(Attempt(provider, label, Outcome.NOT_REACHED, facts.say("not-reached")))
