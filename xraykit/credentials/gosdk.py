"""The AWS SDK for Go's default credential chain (v1 and v2), which the X-Ray daemon uses.

Its differences from botocore matter for teaching: ``AWS_PROFILE`` wins over
``AWS_DEFAULT_PROFILE``; a half-set pair of key variables is ignored instead of raising;
``AWS_CONTAINER_CREDENTIALS_FULL_URI`` is tried before the relative URI; a profile may hold only one
kind of credential; v1 finds ``[dev]`` and ``[profile dev]`` in either file, v2 only the documented
spelling; and with the SDK v1 the config file is read only when shared config is enabled
(``AWS_SDK_LOAD_CONFIG`` for daemon 3.2.0). The order of the profile sources per daemon release is
in ``chains.json``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from xraykit.credentials import facts
from xraykit.credentials.common import (
    Found,
    Stop,
    identity_for_key,
    is_loopback_host,
    role_session,
    url_host,
)
from xraykit.credentials.ini import IniFile
from xraykit.credentials.model import Environment, PlatformKind, issued_keys
from xraykit.credentials.resolution import Attempt, Identity, IdentityKind, Outcome, Step

__all__ = ["GoChain", "label"]

_TRUE = {"1", "t", "T", "TRUE", "true", "True"}  # Go's strconv.ParseBool


class GoChain:
    """One run of the SDK for Go's chain on an environment, for one daemon release line.

    Call :meth:`profile`, then :meth:`shared_profile`, then :meth:`chain`; the attempts and notes
    accumulate on the object.
    """

    def __init__(self, environment: Environment, version: dict[str, Any]) -> None:
        self.environment = environment
        self.version = version
        self.go: dict[str, Any] = facts.chains()["daemon"]["go"]
        self.platform = environment.platform
        self.env = environment.effective_env()
        self.v2 = version["sdk"] == "go-v2"
        mode = version["shared_config"]
        self.shared = mode in ("enabled", "always") or self.env.get("AWS_SDK_LOAD_CONFIG", "") in _TRUE
        self.credentials: IniFile = environment.credentials()
        self.config: IniFile = environment.config() if self.shared else IniFile("config")
        self.notes: list[str] = []
        self.attempts: list[Attempt] = []
        steps = [("env", label("env")), ("env-web-identity", label("env-web-identity"))]
        for step in version["profile_steps"]:
            if step == "remote":
                steps += [(name, label(name)) for name in self.go["remote_order"]]
            else:
                steps.append((_step_id(step), label(step)))
        self.steps = steps

    def profile(self) -> tuple[str, str | None, str]:
        names = self.go["profile_env"] if self.shared else self.go["profile_env"][:1]
        for var in names:
            if self.env.get(var):
                others = [v for v in self.go["profile_env"] if v != var and self.env.get(v)]
                if others and self.env[others[0]] != self.env[var]:
                    self.notes.append(facts.say("note-go-profile-wins", var=var, other=others[0]))
                return self.env[var], var, facts.say("profile-from-var", var=var, profile=self.env[var])
        if not self.shared and self.env.get("AWS_DEFAULT_PROFILE"):
            self.notes.append(facts.say("note-go-default-profile-unread"))
        return "default", None, facts.say("profile-default-go")

    def _section(self, file: IniFile, name: str) -> Mapping[str, str] | None:
        if not self.v2:  # v1 looks for [name], then [profile name], in either file
            return file.raw.get(name) or file.raw.get(f"profile {name}")
        if file.kind == "config":  # v2 drops config sections without the prefix (except default)
            return file.profile(name)
        return (
            None if name.startswith("profile ") else file.raw.get(name)
        )  # and prefixed credentials sections

    def _load(self, name: str) -> dict[str, str] | None:
        """The profile's keys from both files, the credentials file winning; ``None`` if in neither."""
        in_credentials, in_config = self._section(self.credentials, name), self._section(self.config, name)
        if in_credentials is None and in_config is None:
            return None
        merged = dict(in_config or {})
        merged.update(in_credentials or {})
        return merged

    def _check_one_kind(self, name: str, config: Mapping[str, str]) -> None:
        """The SDK for Go allows one credential type per profile (its "source collision" error)."""
        kinds = [
            k
            for k in ("source_profile", "credential_source", "credential_process", "web_identity_token_file")
            if config.get(k)
        ]
        if "sso" in self.version["profile_steps"] and any(k.startswith("sso_") for k in config):
            kinds.append("sso_*")
        if len(kinds) > 1:
            raise Stop(
                "SharedConfigSourceCollision",
                facts.say("go-source-collision", profile=name, kinds=", ".join(f"`{k}`" for k in kinds)),
            )

    def shared_profile(self, profile: str, var: str | None) -> dict[str, str]:
        shared = self._load(profile)
        if shared is not None:
            self._check_one_kind(profile, shared)
        if shared is None:
            if var == "AWS_PROFILE" and self.version["missing_profile_is_error"]:
                raise Stop(
                    "SharedConfigProfileNotExistError", facts.say("profile-not-found-go", profile=profile)
                )
            if var is not None:
                self.notes.append(facts.say("note-go-missing-profile-tolerated", profile=profile))
            return {}
        return shared

    def chain(self, profile: str, shared: dict[str, str]) -> tuple[str, Found] | None:
        for index, (step, label) in enumerate(self.steps):
            try:
                result = self._step(step, profile, shared)
            except Stop as stop:
                self.attempts.append(Attempt(step, label, Outcome.FAILED, stop.message))
                self.rest(self.steps[index + 1 :])
                raise
            if isinstance(result, Found):
                self.attempts.append(Attempt(step, label, Outcome.WON, result.why))
                self.rest(self.steps[index + 1 :])
                # a role_arn in the profile wraps whatever the profile (or the remote providers) gave
                if shared.get("role_arn") and step not in _NO_WRAP:
                    return "assume-role", self._assume(shared, result, profile)
                return step, result
            self.attempts.append(Attempt(step, label, Outcome.SKIPPED, result))
        return None

    def rest(self, steps: Sequence[tuple[str, str]]) -> None:
        for step, label in steps:
            self.attempts.append(Attempt(step, label, Outcome.NOT_REACHED, facts.say("not-reached")))

    def _step(self, step: str, profile: str, shared: dict[str, str]) -> Found | str:
        if step == "env":
            return self._env()
        if step == "env-web-identity":
            if not self.env.get("AWS_WEB_IDENTITY_TOKEN_FILE"):
                return facts.say("go-env-web-identity-none")
            return self._web_identity(
                self.env.get("AWS_ROLE_ARN"),
                self.env.get("AWS_ROLE_SESSION_NAME"),
                self.env["AWS_WEB_IDENTITY_TOKEN_FILE"],
            )
        if step == "profile-source-profile":
            if not (shared.get("source_profile") and shared.get("role_arn")):
                return facts.say("go-no-source-profile", profile=profile)
            source = self._as_source(shared["source_profile"], [profile])
            return self._assume(shared, source, profile)
        if step == "profile-static":
            if shared.get("aws_access_key_id") and shared.get("aws_secret_access_key"):
                key = shared["aws_access_key_id"]
                return Found(
                    key,
                    shared["aws_secret_access_key"],
                    shared.get("aws_session_token"),
                    identity_for_key(self.environment, key),
                    facts.say("go-static-won", profile=profile),
                )
            return facts.say("go-no-static", profile=profile)
        if step == "profile-credential-source":
            if not shared.get("credential_source"):
                return facts.say("go-no-credential-source", profile=profile)
            return self._credential_source(shared["credential_source"])
        if step == "profile-web-identity":
            if not shared.get("web_identity_token_file"):
                return facts.say("go-no-web-identity", profile=profile)
            return self._web_identity(
                shared.get("role_arn"), shared.get("role_session_name"), shared["web_identity_token_file"]
            )
        if step == "profile-sso":
            if not any(k.startswith("sso_") for k in shared):
                return facts.say("sso-none", profile=profile)
            return _unmodelled(facts.say("sso-won", profile=profile))
        if step == "profile-credential-process":
            command = shared.get("credential_process")
            if not command:
                return facts.say("process-none", profile=profile)
            printed = self.environment.processes.get(command)
            why = facts.say("process-won", profile=profile, command=command)
            if printed is None:
                return _unmodelled(why + "; " + facts.say("process-unknown-output"))
            return Found(printed, None, None, identity_for_key(self.environment, printed), why)
        return self._remote(step)

    def _as_source(self, name: str, visited: list[str]) -> Found:
        """A source profile's credentials, resolved as the SDK resolves any profile."""
        config = self._load(name)
        parent = visited[-1]
        if config is None:
            raise Stop(
                "SharedConfigAssumeRoleError", facts.say("assume-source-missing", profile=parent, source=name)
            )
        itself = name == parent
        self._check_one_kind(name, config)
        if name in visited and not (itself and config.get("aws_access_key_id")):
            raise Stop("SharedConfigAssumeRoleError", facts.say("assume-loop", profile=name))
        if not itself and config.get("source_profile") and config.get("role_arn"):
            return self._assume(config, self._as_source(config["source_profile"], [*visited, name]), name)
        for step in self.version["profile_steps"]:
            if step in ("source_profile", "remote"):
                continue
            result = self._step(_step_id(step), name, config)
            if isinstance(result, Found):
                if not itself and config.get("role_arn") and _step_id(step) not in _NO_WRAP:
                    return self._assume(config, result, name)
                return result
        result = self._remote_chain()
        if not isinstance(result, Found):
            raise Stop("SharedConfigAssumeRoleError", facts.say("assume-source-empty", profile=name))
        return self._assume(config, result, name) if not itself and config.get("role_arn") else result

    def _env(self) -> Found | str:
        key = next((self.env[v] for v in self.go["env_access_key"] if self.env.get(v)), "")
        secret = next((self.env[v] for v in self.go["env_secret_key"] if self.env.get(v)), "")
        if key and secret:
            origin = self.environment.env_origin("AWS_ACCESS_KEY_ID")
            why = facts.say(
                "env-won-platform" if origin == "platform" else "env-won",
                platform=self.platform.facts["label"],
            )
            return Found(
                key,
                secret,
                self.env.get("AWS_SESSION_TOKEN") or None,
                identity_for_key(self.environment, key),
                why,
            )
        if key or secret:
            return facts.say("go-env-partial")
        return facts.say("env-no-key")

    def _remote(self, step: str) -> Found | str:
        full = self.env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI")
        relative = self.env.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
        role = self.platform.endpoint_role
        if step == "container-full-uri":
            if not full:
                return facts.say("go-full-uri-none")
            scheme, host = url_host(full)
            allowed = self.go["v2_full_uri_hosts"] if self.v2 else self.go["v1_full_uri_hosts"]
            if not (is_loopback_host(host) or host in allowed or (self.v2 and scheme == "https")):
                raise Stop("CredentialsEndpointError", facts.say("container-bad-host", url=full))
            url, served = full, role is not None
        elif step == "container-relative-uri":
            if not relative:
                return facts.say("go-relative-uri-none")
            url = f"http://169.254.170.2{relative}"
            served = role is not None and (
                self.platform.kind is not PlatformKind.ECS or relative == self.platform.facts["relative_uri"]
            )
        else:
            return self._imds()
        if not served or role is None:
            raise Stop("CredentialsEndpointError", facts.say("container-unanswered", url=url))
        keys = issued_keys(self.environment.account, role)
        session = self.platform.session_name("container")
        return Found(
            keys.access_key_id,
            keys.secret_access_key,
            keys.session_token,
            identity_for_key(self.environment, keys.access_key_id),
            facts.say("container-won", url=url, role=role, session=session),
        )

    def _imds(self) -> Found:
        if self.env.get("AWS_EC2_METADATA_DISABLED", "").lower() == "true":
            raise Stop("EC2MetadataError", facts.say("imds-disabled-go"))
        if not self.platform.imds_answers:
            raise Stop(
                "EC2RoleRequestError", facts.say("imds-unreachable-go", platform=self.platform.facts["label"])
            )
        role = self.platform.instance_role
        if not role:
            raise Stop("EC2RoleRequestError", facts.say("imds-no-role-go"))
        session = self.platform.session_name("instance")
        keys = issued_keys(self.environment.account, role)
        return Found(
            keys.access_key_id,
            keys.secret_access_key,
            keys.session_token,
            identity_for_key(self.environment, keys.access_key_id),
            facts.say("imds-won", role=role, session=session),
        )

    def _remote_chain(self) -> Found | str:
        for step in self.go["remote_order"]:
            result = self._remote(step)
            if isinstance(result, Found):
                return result
        return facts.say("no-credentials-go")

    def _credential_source(self, name: str) -> Found:
        if name == "Environment":
            result = self._env()
        elif name == "Ec2InstanceMetadata":
            result = self._remote_chain()
        elif name == "EcsContainer":
            if not self.env.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") and not self.v2:
                raise Stop("SharedConfigECSContainerEnvVarEmptyError", facts.say("go-ecs-source-no-uri"))
            result = self._remote_chain()
        else:
            raise Stop(
                "SharedConfigInvalidCredSourceError", facts.say("go-bad-credential-source", source=name)
            )
        if not isinstance(result, Found):
            raise Stop(
                "CredentialRetrievalError",
                facts.say("assume-credential-source-empty", source=name, why=result),
            )
        return result

    def _web_identity(self, role_arn: str | None, session: str | None, token_file: str) -> Found:
        if not role_arn:
            raise Stop("WebIdentityErr", facts.say("web-identity-no-role"))
        session = session or self.now(self.go["sdk_assume_session_name"][self.version["sdk"]])
        why = facts.say("web-identity-won", role=role_arn, token=token_file, session=session)
        keys, identity = role_session(self.environment, role_arn, session, why)
        step = Step(role_arn, session, facts.say("step-web-identity", token=token_file))
        return Found(keys.access_key_id, keys.secret_access_key, keys.session_token, identity, why, (step,))

    def now(self, pattern: str) -> str:
        return pattern.replace("<unix-nanoseconds>", str(self.environment.clock * 1_000_000_000))

    def _assume(self, config: dict[str, str], source: Found, profile: str) -> Found:
        if config.get("mfa_serial"):
            raise Stop("AssumeRoleTokenProviderNotSetError", facts.say("go-mfa", profile=profile))
        role_arn = config["role_arn"]
        session = config.get("role_session_name") or self.now(
            self.go["sdk_assume_session_name"][self.version["sdk"]]
        )
        why = facts.say("assume-won", role=role_arn, session=session, profile=profile)
        keys, identity = role_session(self.environment, role_arn, session, why)
        step = Step(role_arn, session, facts.say("step-keys", keys=source.described), source.access_key_id)
        return Found(
            keys.access_key_id,
            keys.secret_access_key,
            keys.session_token,
            identity,
            why,
            (*source.chain, step),
        )


def _step_id(step: str) -> str:
    return f"profile-{step}".replace("_", "-")


# sources whose result is already final: a role_arn in the profile does not wrap them again
_NO_WRAP = frozenset({"env", "env-web-identity", "profile-source-profile", "profile-web-identity"})


def label(step: str) -> str:
    """A few words for people about a step of the chain (``chains.json``)."""
    text: str = facts.chains()["daemon"]["go"]["labels"][step]
    return text


def _unmodelled(why: str) -> Found:
    return Found(None, None, None, Identity(IdentityKind.UNKNOWN, why=facts.say("identity-unmodelled")), why)
