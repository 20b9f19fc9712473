"""The X-Ray daemon's credentials and region, replayed on a virtual environment.

The daemon is written in Go: releases up to 3.3.15 use the AWS SDK for Go v1, 3.6.x the SDK v2
(their chain is in :mod:`xraykit.credentials.gosdk`). On top of the SDK chain the daemon has its
own options: ``-r/--role-arn`` (assume a role, e.g. in another
account), ``-o/--local-mode`` (never ask instance metadata) and ``-n/--region``; and it exits when
it cannot find a region.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from xraykit.credentials import facts
from xraykit.credentials.common import (
    Found,
    Stop,
    finish,
    role_session,
    typo_notes,
)
from xraykit.credentials.gosdk import GoChain, label
from xraykit.credentials.model import Environment, PlatformKind, check_environment
from xraykit.credentials.resolution import Attempt, Outcome, Resolution, Step
from xraykit.errors import Issue, XrayKitError, did_you_mean, json_type

__all__ = ["DaemonOptions", "resolve_daemon"]


@dataclass(frozen=True)
class DaemonOptions:
    """The daemon's options that decide its credentials and region.

    Attributes:
        role_arn: ``-r``/``--role-arn`` (config ``RoleARN``): assume this role to upload.
        local_mode: ``-o``/``--local-mode`` (config ``LocalMode``): skip instance metadata.
        region: ``-n``/``--region`` (config ``Region``).
        version: the daemon release line: ``3.2.0``, ``3.3.0``, ``3.3.15`` or ``3.6``.
    """

    role_arn: str | None = None
    local_mode: bool = False
    region: str | None = None
    version: str = field(default_factory=lambda: default_version())

    @classmethod
    def from_args(cls, args: str | Sequence[str], version: str | None = None) -> DaemonOptions:
        """Read the daemon's own command-line flags (``-o -n us-east-2 -r ARN``).

        Args:
            args: the flags, as a list or one shell-quoted string.
            version: the daemon release line (default: the latest, ``3.6``).

        Returns:
            The options.

        Raises:
            XrayKitError: an unknown flag, or a flag missing its value.
        """
        words = shlex.split(args) if isinstance(args, str) else list(args)
        values: dict[str, Any] = {}
        flags = {"-r": "role_arn", "--role-arn": "role_arn", "-n": "region", "--region": "region"}
        ignored = {
            "-b",
            "--bind",
            "-t",
            "--bind-tcp",
            "-c",
            "--config",
            "-f",
            "--log-file",
            "-l",
            "--log-level",
            "-m",
            "--buffer-memory",
            "-a",
            "--resource-arn",
            "-p",
            "--proxy-address",
        }
        i = 0
        while i < len(words):
            word = words[i]
            name, _, inline = word.partition("=")
            if name in ("-o", "--local-mode"):
                values["local_mode"] = True
            elif name in flags or name in ignored:
                if not inline:
                    i += 1
                    if i >= len(words):
                        raise XrayKitError(Issue("daemon_args", f"the daemon flag `{name}` needs a value"))
                    inline = words[i]
                if name in flags:
                    values[flags[name]] = inline
            else:
                known = sorted({*flags, *ignored, "-o", "--local-mode"})
                raise XrayKitError(
                    Issue(
                        "daemon_args", f"`{word}` is not an X-Ray daemon flag", hint=did_you_mean(name, known)
                    )
                )
            i += 1
        return cls(version=version or default_version(), **values)

    def to_args(self) -> list[str]:
        """The flags that give these options."""
        out = ["-o"] if self.local_mode else []
        if self.region:
            out += ["-n", self.region]
        if self.role_arn:
            out += ["-r", self.role_arn]
        return out


def resolve_daemon(environment: Environment, options: DaemonOptions | None = None) -> Resolution:
    """Which credentials and region the X-Ray daemon would use in ``environment``.

    Args:
        environment: the virtual environment.
        options: the daemon's flags (default: none, the latest release line).

    Returns:
        The resolution, with the SDK for Go's sources in order, the daemon's own AssumeRole
        (``-r``) as a last step, and the daemon's region rule; ``error`` is set when the daemon would
        exit (no region) or have no credentials to upload with.

    Raises:
        XrayKitError: an unknown daemon version, a file that is not valid INI, or arguments of
            the wrong type.
    """
    check_environment(environment)
    if options is not None and not isinstance(options, DaemonOptions):
        raise XrayKitError(
            Issue(
                "options",
                f"expected DaemonOptions, not {json_type(options)}",
                'e.g. `DaemonOptions(region="us-east-2")`',
            )
        )
    options = options or DaemonOptions()
    issue = version_issue(options.version, "version")
    if issue is not None:
        raise XrayKitError(issue)
    return _Daemon(environment, options, facts.chains()["daemon"]["versions"][options.version]).run()


def default_version() -> str:
    """The daemon release line assumed when none is given (the latest the kit models)."""
    version: str = facts.chains()["daemon"]["default_version"]
    return version


def version_issue(version: str, path: str) -> Issue | None:
    """Why ``version`` is not a daemon release line the kit models, or None when it is one."""
    versions = list(facts.chains()["daemon"]["versions"])
    if version in versions:
        return None
    return Issue(
        path, f"`{version}` is not a known X-Ray daemon release line", hint=did_you_mean(version, versions)
    )


class _Daemon(GoChain):
    def __init__(self, environment: Environment, options: DaemonOptions, version: dict[str, Any]) -> None:
        super().__init__(environment, version)
        self.options = options

    def run(self) -> Resolution:
        profile, profile_var, profile_why = self.profile()
        stop: tuple[str, Stop] | None = None
        winner: tuple[str, Found] | None = None
        self._general_notes()
        try:
            shared = self.shared_profile(profile, profile_var)
            winner = self.chain(profile, shared)
            if winner is not None and self.options.role_arn:
                winner = self._daemon_assume(winner)
        except Stop as error:
            stop = (error.code, error)
            if not self.attempts:
                self.rest(self.steps)
        region, region_why, region_error = self._region(profile)
        extra = None
        if winner is None and stop is None:
            extra = ("NoCredentialProviders", facts.say("no-credentials-go"))
        if region_error is not None and stop is None:
            extra = ("NoRegion", region_error)
        return finish(
            resolver=self.version["label"],
            environment=self.environment,
            attempts=self.attempts,
            winner=winner,
            stop=stop,
            profile=profile,
            profile_why=profile_why,
            region=region,
            region_why=region_why,
            notes=self.notes,
            extra_error=extra,
        )

    def _region(self, profile: str) -> tuple[str | None, str, str | None]:
        if not self.options.region and self.env.get("AWS_REGION"):
            return self.env["AWS_REGION"], facts.say("daemon-region-env"), None
        if self.options.region:
            return self.options.region, facts.say("daemon-region-flag"), None
        if not self.options.local_mode:
            if (
                self.version["region_ecs_metadata_file"]
                and self.env.get("ECS_ENABLE_CONTAINER_METADATA") == "true"
                and self.platform.kind is PlatformKind.ECS
                and self.platform.region
            ):
                return self.platform.region, facts.say("daemon-region-ecs-file"), None
            if (
                self.platform.imds_answers
                and self.env.get("AWS_EC2_METADATA_DISABLED", "").lower() != "true"
                and self.platform.region
            ):
                return self.platform.region, facts.say("daemon-region-imds"), None
            return None, facts.say("region-none"), facts.say("daemon-no-region")
        if self.version["region_local_session"]:
            names = self.go["region_env"] if self.shared else self.go["region_env"][:1]
            for var in names:
                if self.env.get(var):
                    return self.env[var], facts.say("daemon-region-session-var", var=var), None
            value = self._load(profile) or {}
            if value.get("region"):
                return value["region"], facts.say("daemon-region-session-profile", profile=profile), None
        return None, facts.say("region-none"), facts.say("daemon-no-region-local")

    def _general_notes(self) -> None:
        if not self.shared and self.environment.config_file is not None:
            self.notes.append(facts.say("note-go-config-unread"))
        if self.v2:
            for section in self.config.ignored:
                self.notes.append(facts.say("note-config-section-ignored", section=section))
        if self.platform.kind is PlatformKind.LAMBDA:
            self.notes.append(facts.say("note-lambda-runs-daemon"))
        self.notes.extend(typo_notes(self.env))

    def _daemon_assume(self, base: tuple[str, Found]) -> tuple[str, Found]:
        role_arn = self.options.role_arn or ""
        session = self.now(self.version["assume_session_name"])
        why = facts.say("daemon-assume-won", role=role_arn, session=session)
        keys, identity = role_session(self.environment, role_arn, session, why)
        step = Step(role_arn, session, facts.say("step-keys", keys=base[1].described), base[1].access_key_id)
        self.attempts.append(Attempt("daemon-role-arn", label("daemon-role-arn"), Outcome.WON, why))
        found = Found(
            keys.access_key_id,
            keys.secret_access_key,
            keys.session_token,
            identity,
            why,
            (*base[1].chain, step),
        )
        return "daemon-role-arn", found
