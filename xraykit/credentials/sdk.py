"""botocore's default credential chain, replayed on a virtual environment.

:func:`resolve_sdk` walks the providers in the order ``chains.json`` gives (botocore's
``create_credential_resolver``): environment variables, assume-role profiles, web identity, SSO,
the shared credentials file, ``aws login``, ``credential_process``, the config file, two legacy
files, the container credentials endpoint and, last, EC2 instance metadata. The first source
that produces keys wins; a source that raises stops the chain with botocore's error. Every
source says why it was skipped, which is what the credentials notebook draws.

The test ``tests/test_credentials_botocore.py`` runs real botocore on the same environments in a
sandbox and checks that the method, access key, profile and region agree.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from xraykit.credentials import facts
from xraykit.credentials.common import (
    Found,
    Stop,
    finish,
    identity_for_key,
    is_loopback_host,
    not_reached,
    role_session,
    typo_notes,
    url_host,
)
from xraykit.credentials.ini import IniFile, merged_profiles
from xraykit.credentials.model import Environment, PlatformKind, check_environment, issued_keys
from xraykit.credentials.resolution import Attempt, Identity, IdentityKind, Outcome, Resolution, Step

__all__ = ["resolve_sdk"]

_STATIC = ("aws_access_key_id", "aws_secret_access_key")


def resolve_sdk(environment: Environment) -> Resolution:
    """Which credentials botocore (boto3, the AWS CLI v1) would use in ``environment``.

    Args:
        environment: the virtual environment.

    Returns:
        The resolution: the winning provider (botocore's ``Credentials.method``), every provider
        tried with the reason it was skipped, the profile and region and why, the identity and
        masked keys; or the error botocore would raise.

    Raises:
        XrayKitError: a credentials or config file is not valid INI, or ``environment`` is not
            an :class:`Environment`.
    """
    check_environment(environment)
    return _Botocore(environment).run()


class _Botocore:
    def __init__(self, environment: Environment) -> None:
        self.environment = environment
        self.platform = environment.platform
        self.env = environment.effective_env()
        self.credentials: IniFile = environment.credentials()
        self.config: IniFile = environment.config()
        self.full = merged_profiles(self.config, self.credentials)
        self.facts: dict[str, Any] = facts.chains()["botocore"]
        self.notes: list[str] = []

    # ---------------------------------------------------------------- the chain
    def run(self) -> Resolution:
        profile, profile_why = self._profile()
        providers = [(p["method"], p["label"]) for p in self.facts["providers"]]
        attempts: list[Attempt] = []
        resolver = f"botocore {self.facts['version']}"
        self._general_notes(profile)
        if profile != "default" and profile not in self.full:
            # botocore looks the profile up before any provider runs
            stop = Stop("ProfileNotFound", facts.say("profile-not-found", profile=profile))
            not_reached(attempts, providers)
            return finish(
                resolver=resolver,
                environment=self.environment,
                attempts=attempts,
                winner=None,
                stop=("", stop),
                profile=profile,
                profile_why=profile_why,
                region=None,
                region_why=facts.say("region-profile-missing"),
                notes=self.notes,
            )
        region, region_why = self._region(profile)
        if region is None and self.platform.imds_answers:
            self.notes.append(facts.say("note-botocore-no-imds-region"))
        winner: tuple[str, Found] | None = None
        stopped: tuple[str, Stop] | None = None
        for index, (method, label) in enumerate(providers):
            provider: Callable[[str], Found | str] = getattr(self, "_p_" + method.replace("-", "_"))
            try:
                result = provider(profile)
            except Stop as stop:
                attempts.append(Attempt(method, label, Outcome.FAILED, stop.message))
                stopped = (method, stop)
                not_reached(attempts, providers[index + 1 :])
                break
            if isinstance(result, Found):
                attempts.append(Attempt(method, label, Outcome.WON, result.why))
                winner = (method, result)
                not_reached(attempts, providers[index + 1 :])
                break
            attempts.append(Attempt(method, label, Outcome.SKIPPED, result))
        return finish(
            resolver=resolver,
            environment=self.environment,
            attempts=attempts,
            winner=winner,
            stop=stopped,
            profile=profile,
            profile_why=profile_why,
            region=region,
            region_why=region_why,
            notes=self.notes,
            extra_error=None if winner or stopped else ("NoCredentialsError", facts.say("no-credentials")),
        )

    # ---------------------------------------------------------------- profile and region
    def _profile(self) -> tuple[str, str]:
        default_var, profile_var = self.facts["profile_env"]
        chosen = self.env.get(default_var) or None
        both = chosen and self.env.get(profile_var) and self.env[profile_var] != chosen
        if chosen:
            if both:
                self.notes.append(
                    facts.say("note-default-profile-wins", default=chosen, other=self.env[profile_var])
                )
            return chosen, facts.say("profile-from-var", var=default_var, profile=chosen)
        chosen = self.env.get(profile_var) or None
        if chosen:
            return chosen, facts.say("profile-from-var", var=profile_var, profile=chosen)
        return "default", facts.say("profile-default")

    def _region(self, profile: str) -> tuple[str | None, str]:
        (var,) = self.facts["region_env"]
        if self.env.get(var):
            return self.env[var], facts.say("region-from-var", var=var)
        value = self.full.get(profile, {}).get("region")
        if value:
            in_credentials = "region" in (self.credentials.profile(profile) or {})
            where = "shared credentials file" if in_credentials else "config file"
            return value, facts.say("region-from-profile", profile=profile, where=where)
        return None, facts.say("region-none")

    def _general_notes(self, profile: str) -> None:
        if self.env.get("AWS_REGION") and not self.env.get("AWS_DEFAULT_REGION"):
            self.notes.append(facts.say("note-aws-region-ignored", region=self.env["AWS_REGION"]))
        for section in self.config.ignored:
            self.notes.append(facts.say("note-config-section-ignored", section=section))
        for section in self.credentials.sections:
            if section.startswith("profile "):
                self.notes.append(facts.say("note-credentials-profile-prefix", section=section))
        if self.env.get("AWS_SECRET_ACCESS_KEY") and not self.env.get("AWS_ACCESS_KEY_ID"):
            self.notes.append(facts.say("note-secret-without-key"))
        if "mfa_serial" in self.full.get(profile, {}):
            self.notes.append(facts.say("note-mfa-prompt", profile=profile))
        self.notes.extend(typo_notes(self.env))

    # ---------------------------------------------------------------- providers (botocore order)
    def _p_env(self, profile: str) -> Found | str:
        key = self.env.get("AWS_ACCESS_KEY_ID", "")
        if not key:
            return facts.say("env-no-key")
        secret = self.env.get("AWS_SECRET_ACCESS_KEY", "")
        if not secret:
            raise Stop("PartialCredentialsError", facts.say("env-partial", missing="AWS_SECRET_ACCESS_KEY"))
        token = next(
            (self.env[v] for v in ("AWS_SECURITY_TOKEN", "AWS_SESSION_TOKEN") if self.env.get(v)), None
        )
        origin = self.environment.env_origin("AWS_ACCESS_KEY_ID")
        why = facts.say(
            "env-won-platform" if origin == "platform" else "env-won", platform=self.platform.facts["label"]
        )
        return Found(key, secret, token, identity_for_key(self.environment, key), why)

    def _p_assume_role(self, profile: str) -> Found | str:
        config = self.full.get(profile, {})
        if "role_arn" not in config:
            return facts.say("assume-no-role-arn", profile=profile)
        if "web_identity_token_file" in config:
            return facts.say("assume-web-identity-instead", profile=profile)
        return self._assume(profile, [profile])

    def _assume(self, profile: str, visited: list[str]) -> Found:
        config = self.full[profile]
        role_arn = config["role_arn"]
        source_profile, credential_source = config.get("source_profile"), config.get("credential_source")
        if source_profile is not None and credential_source is not None:
            raise Stop("InvalidConfigError", facts.say("assume-both-sources", profile=profile))
        if source_profile is None and credential_source is None:
            raise Stop("PartialCredentialsError", facts.say("assume-no-source", profile=profile))
        if credential_source is not None:
            source = self._credential_source(profile, credential_source)
            source_text = facts.say("step-credential-source", source=credential_source, keys=source.described)
        else:
            assert source_profile is not None
            self._check_source_profile(profile, source_profile, visited)
            visited.append(source_profile)
            source = self._from_source_profile(source_profile, visited)
            source_text = facts.say("step-source-profile", profile=source_profile, keys=source.described)
        session = (
            config.get("role_session_name")
            or f"{self.facts['assume_role_session_prefix']}{self.environment.clock}"
        )
        why = facts.say("assume-won", role=role_arn, session=session, profile=profile)
        keys, identity = role_session(self.environment, role_arn, session, why)
        chain = (*source.chain, Step(role_arn, session, source_text, source.access_key_id))
        return Found(keys.access_key_id, keys.secret_access_key, keys.session_token, identity, why, chain)

    def _check_source_profile(self, parent: str, source_profile: str, visited: list[str]) -> None:
        if source_profile not in self.full:
            raise Stop(
                "InvalidConfigError",
                facts.say("assume-source-missing", profile=parent, source=source_profile),
            )
        if source_profile not in visited:
            return
        # a profile may name itself as source_profile to use its own static keys
        if source_profile != parent or not any(k in self.full[source_profile] for k in _STATIC):
            raise Stop("InfiniteLoopConfigError", facts.say("assume-loop", profile=source_profile))

    def _from_source_profile(self, source_profile: str, visited: list[str]) -> Found:
        config = self.full[source_profile]
        static = any(k in config for k in _STATIC)
        assume = "role_arn" in config and "web_identity_token_file" not in config
        if static or not assume:
            for method in self.facts["profile_providers"]:
                provider: Callable[..., Found | str] = getattr(self, "_p_" + method.replace("-", "_"))
                result = (
                    provider(source_profile, env_vars=False)
                    if method.startswith("assume")
                    else provider(source_profile)
                )
                if isinstance(result, Found):
                    return result
            raise Stop("InvalidConfigError", facts.say("assume-source-empty", profile=source_profile))
        return self._assume(source_profile, visited)

    def _credential_source(self, profile: str, name: str) -> Found:
        sources: Mapping[str, Callable[[str], Found | str]] = {
            "Environment": self._p_env,
            "Ec2InstanceMetadata": self._p_iam_role,
            "EcsContainer": self._p_container_role,
        }
        if name not in sources:
            raise Stop(
                "InvalidConfigError", facts.say("assume-bad-credential-source", profile=profile, source=name)
            )
        result = sources[name](profile)
        if not isinstance(result, Found):
            raise Stop(
                "CredentialRetrievalError",
                facts.say("assume-credential-source-empty", source=name, why=result),
            )
        return result

    def _p_assume_role_with_web_identity(self, profile: str, env_vars: bool = True) -> Found | str:
        config = self.full.get(profile, {})

        def get(key: str, var: str) -> str | None:
            if env_vars and var in self.env:
                return self.env[var]
            return config.get(key)

        token_file = get("web_identity_token_file", "AWS_WEB_IDENTITY_TOKEN_FILE")
        if not token_file:
            return facts.say("web-identity-none", profile=profile)
        role_arn = get("role_arn", "AWS_ROLE_ARN")
        if not role_arn:
            raise Stop("InvalidConfigError", facts.say("web-identity-no-role"))
        session = (
            get("role_session_name", "AWS_ROLE_SESSION_NAME")
            or f"{self.facts['assume_role_session_prefix']}{self.environment.clock}"
        )
        why = facts.say("web-identity-won", role=role_arn, token=token_file, session=session)
        keys, identity = role_session(self.environment, role_arn, session, why)
        step = Step(role_arn, session, facts.say("step-web-identity", token=token_file))
        return Found(keys.access_key_id, keys.secret_access_key, keys.session_token, identity, why, (step,))

    def _p_sso(self, profile: str) -> Found | str:
        config = self.full.get(profile, {})
        if not any(k in config for k in ("sso_role_name", "sso_account_id")):
            return facts.say("sso-none", profile=profile)
        return self._unmodelled(facts.say("sso-won", profile=profile))

    def _p_shared_credentials_file(self, profile: str) -> Found | str:
        return self._static_keys(self.credentials, profile, "shared credentials file")

    def _p_login(self, profile: str) -> Found | str:
        if "login_session" not in self.full.get(profile, {}):
            return facts.say("login-none", profile=profile)
        return self._unmodelled(facts.say("login-won", profile=profile))

    def _p_custom_process(self, profile: str) -> Found | str:
        command = self.full.get(profile, {}).get("credential_process")
        if command is None:
            return facts.say("process-none", profile=profile)
        key = self.environment.processes.get(command)
        why = facts.say("process-won", profile=profile, command=command)
        if key is None:
            return self._unmodelled(why + "; " + facts.say("process-unknown-output"))
        return Found(key, None, None, identity_for_key(self.environment, key), why)

    def _p_config_file(self, profile: str) -> Found | str:
        return self._static_keys(self.config, profile, "config file")

    def _p_ec2_credentials_file(self, profile: str) -> Found | str:
        if "AWS_CREDENTIAL_FILE" in self.env:
            self.notes.append(facts.say("note-legacy-file-unmodelled", var="AWS_CREDENTIAL_FILE"))
        return facts.say("legacy-ec2-file")

    def _p_boto_config(self, profile: str) -> Found | str:
        if "BOTO_CONFIG" in self.env:
            self.notes.append(facts.say("note-legacy-file-unmodelled", var="BOTO_CONFIG"))
        return facts.say("legacy-boto-file")

    def _p_container_role(self, profile: str) -> Found | str:
        relative_var, full_var = (
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        )
        role = self.platform.endpoint_role
        if relative_var in self.env:  # botocore tests presence, not value
            url = f"http://{self.facts['container_host']}{self.env[relative_var]}"
            served = role is not None and (
                self.platform.kind is not PlatformKind.ECS
                or self.env[relative_var] == self.platform.facts["relative_uri"]
            )
        elif full_var in self.env:
            url = self.env[full_var]
            scheme, host = url_host(url)
            if (
                scheme != "https"
                and not is_loopback_host(host)
                and host not in self.facts["container_full_uri_hosts"]
            ):
                raise Stop("ValueError", facts.say("container-bad-host", url=url))
            served = role is not None
        else:
            return facts.say("container-none")
        if not served or role is None:
            raise Stop("CredentialRetrievalError", facts.say("container-unanswered", url=url))
        session = self.platform.session_name("container")
        why = facts.say("container-won", url=url, role=role, session=session)
        keys = issued_keys(self.environment.account, role)
        identity = identity_for_key(self.environment, keys.access_key_id)
        return Found(keys.access_key_id, keys.secret_access_key, keys.session_token, identity, why)

    def _p_iam_role(self, profile: str) -> Found | str:
        if self.env.get("AWS_EC2_METADATA_DISABLED", "false").lower() == "true":
            return facts.say("imds-disabled")
        if not self.platform.imds_answers:
            return facts.say("imds-unreachable", platform=self.platform.facts["label"])
        role = self.platform.instance_role
        if not role:
            return facts.say("imds-no-role")
        session = self.platform.session_name("instance")
        why = facts.say("imds-won", role=role, session=session)
        keys = issued_keys(self.environment.account, role)
        identity = identity_for_key(self.environment, keys.access_key_id)
        return Found(keys.access_key_id, keys.secret_access_key, keys.session_token, identity, why)

    # ---------------------------------------------------------------- helpers
    def _static_keys(self, file: IniFile, profile: str, where: str) -> Found | str:
        if not file.present:
            return facts.say("file-absent", where=where)
        section = file.profile(profile)
        if section is None:
            return facts.say("file-no-profile", where=where, profile=profile)
        if "aws_access_key_id" not in section:
            return facts.say("file-no-key", where=where, profile=profile)
        if "aws_secret_access_key" not in section:
            raise Stop("PartialCredentialsError", facts.say("file-partial", where=where, profile=profile))
        key = section["aws_access_key_id"]
        token = section.get("aws_security_token", section.get("aws_session_token"))
        why = facts.say("file-won", where=where, profile=profile)
        return Found(
            key, section["aws_secret_access_key"], token, identity_for_key(self.environment, key), why
        )

    def _unmodelled(self, why: str) -> Found:
        return Found(
            None, None, None, Identity(IdentityKind.UNKNOWN, why=facts.say("identity-unmodelled")), why
        )
