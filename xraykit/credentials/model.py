"""The virtual environment a resolver looks at: variables, the two files, and the platform.

Nothing here touches the real machine. An :class:`Environment` is an explicit, frozen description:
the environment variables a process would see, the *text* of the shared credentials and config
files, and the :class:`Platform` it runs on (a laptop, EC2, ECS, Elastic Beanstalk, Lambda). The
platform decides what the metadata endpoints would answer and which variables the runtime sets;
the keys it hands out are deterministic, obviously fake values derived from the role name.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from enum import StrEnum
from typing import Any

from xraykit.arn import account_issues
from xraykit.credentials import facts
from xraykit.credentials.ini import IniFile, parse_ini
from xraykit.credentials.secrets import mask_env, mask_ini_text
from xraykit.errors import Issue, XrayKitError, json_type, text_map_issues

__all__ = ["Environment", "IssuedKeys", "Platform", "PlatformKind", "issued_keys", "role_name_of"]


class PlatformKind(StrEnum):
    """Where the code (and the daemon) runs."""

    LAPTOP = "laptop"
    EC2 = "ec2"
    ECS = "ecs"
    BEANSTALK = "beanstalk"
    LAMBDA = "lambda"


@dataclass(frozen=True)
class IssuedKeys:
    """Temporary keys a platform endpoint (or STS) would hand out; the secrets never print."""

    access_key_id: str
    secret_access_key: str = field(repr=False)
    session_token: str = field(repr=False)


def _digest(*parts: str) -> str:
    raw = hashlib.sha256("\x00".join(parts).encode()).digest()
    return base64.b32encode(raw).decode().rstrip("=")


def issued_keys(account: str, role_name: str) -> IssuedKeys:
    """The fake temporary keys for a session of ``role_name`` in ``account`` (deterministic).

    Args:
        account: the 12-digit account ID.
        role_name: the role's name (no path).

    Returns:
        An ``ASIA…EXAMPLE`` access key ID, a 40-character secret ending ``EXAMPLEKEY`` and a token.
    """
    d = _digest(account, role_name)
    return IssuedKeys(
        access_key_id=f"ASIA{d[:9]}EXAMPLE",
        secret_access_key=f"{d[9:39].lower()}EXAMPLEKEY"[:40],
        session_token=f"IQoJb3JpZ2luX2Vj{d[:40]}EXAMPLETOKEN",
    )


def role_name_of(role_arn: str) -> str:
    """The role's name from its ARN (the last path segment): ``.../role/ops/xray`` gives ``xray``."""
    return role_arn.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Platform:
    """The compute platform and what its endpoints would answer.

    Use the per-kind constructors (:meth:`laptop`, :meth:`ec2`, :meth:`ecs`, :meth:`beanstalk`,
    :meth:`lambda_`) or :meth:`of`; they fill in the documented defaults from ``platforms.json``
    (for example Elastic Beanstalk's ``aws-elasticbeanstalk-ec2-role``).

    Attributes:
        kind: the platform.
        region: the region it runs in (what instance metadata or the Lambda runtime reports).
        instance_role: the instance profile's role on EC2, Elastic Beanstalk or an ECS container
            instance (EC2 launch type); ``None`` for an instance without one.
        instance_id: the EC2 instance ID (the session name of instance-role credentials).
        task_role: the ECS task role served by the container credentials endpoint; ``None``
            when the task definition has no ``taskRoleArn``.
        task_id: the ECS task ID (the session name of task-role credentials).
        launch_type: ``EC2`` or ``FARGATE`` for ECS.
        container_metadata_file: ECS only: ``ECS_ENABLE_CONTAINER_METADATA=true`` on the agent, so
            the daemon can read its region from the metadata file.
        function_name: the Lambda function (the session name of execution-role credentials).
        execution_role: the Lambda execution role.
        imds_reachable: whether instance metadata answers at all from where the code runs (``None``:
            the platform's default, e.g. blocked for Fargate, ``ECS_AWSVPC_BLOCK_IMDS`` sets it False).
        container_role: a role served by a container credentials endpoint on any platform (for
            example a local endpoint named by ``AWS_CONTAINER_CREDENTIALS_FULL_URI``).
    """

    kind: PlatformKind = PlatformKind.LAPTOP
    region: str | None = None
    instance_role: str | None = None
    instance_id: str | None = None
    task_role: str | None = None
    task_id: str | None = None
    launch_type: str | None = None
    container_metadata_file: bool = False
    function_name: str | None = None
    execution_role: str | None = None
    imds_reachable: bool | None = None
    container_role: str | None = None

    @classmethod
    def of(cls, kind: PlatformKind | str, **given: Any) -> Platform:
        """A platform of ``kind`` with the documented defaults under the given fields.

        Args:
            kind: the platform kind.
            **given: field values; a key given as ``None`` stays ``None`` (no default).

        Returns:
            The platform.
        """
        kind = PlatformKind(kind)
        values: dict[str, Any] = dict(facts.platforms()["platforms"][kind.value]["defaults"])
        values.update(given)
        return cls(kind=kind, **values)

    @classmethod
    def laptop(cls, **given: Any) -> Platform:
        """A laptop or on-premises server: no metadata service answers."""
        return cls.of(PlatformKind.LAPTOP, **given)

    @classmethod
    def ec2(cls, instance_role: str | None, **given: Any) -> Platform:
        """An EC2 instance with the instance profile role ``instance_role`` (``None``: none)."""
        return cls.of(PlatformKind.EC2, instance_role=instance_role, **given)

    @classmethod
    def ecs(cls, task_role: str | None, **given: Any) -> Platform:
        """An ECS task with task role ``task_role`` (``None``: no task role)."""
        return cls.of(PlatformKind.ECS, task_role=task_role, **given)

    @classmethod
    def beanstalk(cls, **given: Any) -> Platform:
        """An Elastic Beanstalk instance (default instance profile ``aws-elasticbeanstalk-ec2-role``)."""
        return cls.of(PlatformKind.BEANSTALK, **given)

    @classmethod
    def lambda_(cls, **given: Any) -> Platform:
        """A Lambda function and its execution role."""
        return cls.of(PlatformKind.LAMBDA, **given)

    @property
    def facts(self) -> dict[str, Any]:
        """This platform's entry in ``platforms.json``."""
        entry: dict[str, Any] = facts.platforms()["platforms"][self.kind.value]
        return entry

    @property
    def imds_answers(self) -> bool:
        """Whether instance metadata answers from where the code runs."""
        if self.imds_reachable is not None:
            return self.imds_reachable
        if self.kind is PlatformKind.ECS and (self.launch_type or "").upper() == "FARGATE":
            return bool(self.facts["fargate_imds_reachable"])
        return bool(self.facts["imds_reachable"])

    @property
    def endpoint_role(self) -> str | None:
        """The role a container credentials endpoint serves here, if any."""
        return self.task_role if self.kind is PlatformKind.ECS and self.task_role else self.container_role

    def session_name(self, source: str) -> str:
        """The role session name this platform uses for credentials from ``source``.

        Args:
            source: ``instance`` (instance metadata), ``container`` or ``lambda``.

        Returns:
            The instance ID, the task ID or the function name (per ``platforms.json``).
        """
        if source == "instance":
            return self.instance_id or "i-0123456789abcdef0"
        if source == "container":
            return (self.task_id if self.kind is PlatformKind.ECS else None) or "container-session"
        return self.function_name or "my-function"

    def injected_env(self, account: str) -> dict[str, str]:
        """The environment variables the platform's runtime sets for the code."""
        env: dict[str, str] = {}
        if self.kind is PlatformKind.ECS and self.task_role:
            env["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = str(self.facts["relative_uri"])
        if self.kind is PlatformKind.ECS and self.container_metadata_file:
            env["ECS_ENABLE_CONTAINER_METADATA"] = "true"
            env["ECS_CONTAINER_METADATA_FILE"] = "/opt/ecs/metadata/task/container.json"
        if self.kind is PlatformKind.LAMBDA:
            role = self.execution_role or "my-function-role"
            keys = issued_keys(account, role)
            env.update(
                {
                    "AWS_ACCESS_KEY_ID": keys.access_key_id,
                    "AWS_ACCESS_KEY": keys.access_key_id,
                    "AWS_SECRET_ACCESS_KEY": keys.secret_access_key,
                    "AWS_SESSION_TOKEN": keys.session_token,
                    "AWS_LAMBDA_FUNCTION_NAME": self.function_name or "my-function",
                    "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12",
                }
            )
            if self.region:
                env["AWS_REGION"] = self.region
                env["AWS_DEFAULT_REGION"] = self.region
        return env

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form (fields left at their empty value are omitted)."""
        out: dict[str, Any] = {"kind": self.kind.value}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name != "kind" and value not in (None, False):
                out[f.name] = value
        return out


@dataclass(frozen=True)
class Environment:
    """A virtual environment: what a process would see, with nothing read from the real machine.

    Attributes:
        name: a sentence naming the situation (``a laptop with keys in the default profile``).
        env: environment variables set by the user (the platform adds its own, see
            :meth:`effective_env`).
        credentials_file: the text of the shared credentials file the SDK would open
            (``~/.aws/credentials``, or the file ``AWS_SHARED_CREDENTIALS_FILE`` names); ``None``
            when it does not exist.
        config_file: the text of the config file (``~/.aws/config`` or ``AWS_CONFIG_FILE``).
        platform: where the code runs.
        access_keys: access key ID to the ARN of its owner (an IAM user, or an assumed-role session
            for temporary keys); the model's small stand-in for IAM's key table.
        processes: ``credential_process`` command line to the access key ID it would print.
        account: the account of the platform's roles.
        clock: a fixed Unix time used where an SDK names a session after the current time.
    """

    name: str = "an environment"
    env: Mapping[str, str] = field(default_factory=dict)
    credentials_file: str | None = None
    config_file: str | None = None
    platform: Platform = field(default_factory=Platform)
    access_keys: Mapping[str, str] = field(default_factory=dict)
    processes: Mapping[str, str] = field(default_factory=dict)
    account: str = "123456789012"
    clock: int = 1600646400

    def __post_init__(self) -> None:
        issues = []
        if not isinstance(self.name, str):
            issues.append(Issue("name", f"the name is text, not {json_type(self.name)}"))
        for field_name in ("env", "access_keys", "processes"):
            issues += text_map_issues(getattr(self, field_name), field_name)
        for field_name in ("credentials_file", "config_file"):
            value = getattr(self, field_name)
            if value is not None and not isinstance(value, str):
                issues.append(Issue(field_name, f"`{field_name}` is the file's text, not {json_type(value)}"))
        if not isinstance(self.platform, Platform):
            issues.append(
                Issue(
                    "platform",
                    f"the platform is a Platform, not {json_type(self.platform)}",
                    "e.g. `Platform.ec2()`",
                )
            )
        issues += account_issues(self.account)
        if not isinstance(self.clock, int) or isinstance(self.clock, bool):
            issues.append(Issue("clock", f"the clock is Unix seconds, not {json_type(self.clock)}"))
        if issues:
            raise XrayKitError(issues)

    def __repr__(self) -> str:
        env = mask_env(self.env, facts.platforms()["secret_env"])
        return (
            f"Environment(name={self.name!r}, platform={self.platform.kind.value!r}, env={env!r}, "
            f"credentials_file={mask_ini_text(self.credentials_file)!r}, "
            f"config_file={mask_ini_text(self.config_file)!r})"
        )

    __str__ = __repr__

    def with_env(self, **changes: str | None) -> Environment:
        """A copy with variables set (a value of ``None`` removes the variable)."""
        env = dict(self.env)
        for key, value in changes.items():
            if value is None:
                env.pop(key, None)
            else:
                env[key] = value
        return replace(self, env=env)

    def effective_env(self) -> dict[str, str]:
        """The variables the process sees: the platform's, then the user's on top.

        On Lambda the runtime's reserved variables cannot be overridden, so there the platform's
        values win.
        """
        injected = self.platform.injected_env(self.account)
        merged = {**injected, **self.env}
        if self.platform.kind is PlatformKind.LAMBDA:
            reserved = set(self.platform.facts["reserved_env"])
            merged.update({k: v for k, v in injected.items() if k in reserved})
        return merged

    def env_origin(self, name: str) -> str:
        """``platform`` if the platform's runtime set ``name`` (and it was not overridden), else ``user``."""
        injected = self.platform.injected_env(self.account)
        if name not in injected:
            return "user"
        if self.platform.kind is PlatformKind.LAMBDA and name in self.platform.facts["reserved_env"]:
            return "platform"
        return "user" if name in self.env else "platform"

    def credentials(self) -> IniFile:
        """The parsed shared credentials file."""
        return parse_ini(self.credentials_file, "credentials", "credentials_file")

    def config(self) -> IniFile:
        """The parsed config file."""
        return parse_ini(self.config_file, "config", "config_file")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form with every secret masked (it cannot be loaded back with the secrets)."""
        out: dict[str, Any] = {"name": self.name, "platform": self.platform.to_dict()}
        out["env"] = mask_env(self.env, facts.platforms()["secret_env"])
        out["credentials_file"] = mask_ini_text(self.credentials_file)
        out["config_file"] = mask_ini_text(self.config_file)
        if self.access_keys:
            out["access_keys"] = dict(self.access_keys)
        if self.processes:
            out["processes"] = dict(self.processes)
        out["account"] = self.account
        out["clock"] = self.clock
        return out


def check_environment(environment: Any) -> None:
    """Raise unless ``environment`` is an :class:`Environment` (the resolvers' first check)."""
    if not isinstance(environment, Environment):
        raise XrayKitError(
            Issue(
                "environment",
                f"expected an Environment, not {json_type(environment)}",
                "build one with `Environment(...)`, `example(NAME)` or `environment_from_dict(...)`",
            )
        )
