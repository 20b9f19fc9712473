"""The credential model: botocore's chain, the daemon's, each platform, masking, the verdict, the CLI.

The environments in ``tests/credential_envs/`` carry hand-written expectations (from the SDK
sources and AWS docs named in ``xraykit/data/credentials/SOURCES.md``); the same files are run
through real botocore in ``test_credentials_botocore.py``.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xraykit.cli import main
from xraykit.credentials import (
    DaemonOptions,
    Environment,
    IdentityKind,
    Outcome,
    Platform,
    daemon_actions,
    daemon_verdict,
    environment_from_dict,
    example,
    examples,
    issued_keys,
    load_environment,
    mask,
    resolve_daemon,
    resolve_sdk,
)
from xraykit.credentials.facts import wording
from xraykit.errors import XrayKitError

CASES = sorted((Path(__file__).parent / "credential_envs").glob("*.json"))
KEY, SECRET = "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
KEY2, SECRET2 = "AKIAI44QH8DHBEXAMPLE", "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY"
DEFAULT_FILE = f"[default]\naws_access_key_id = {KEY}\naws_secret_access_key = {SECRET}\n"
ALICE = "arn:aws:iam::123456789012:user/alice"


def _observed(resolution: Any, field: str) -> Any:
    if field == "identity":
        return resolution.identity.arn
    if field == "chain":
        return len(resolution.chain)
    return getattr(resolution, field)


@pytest.mark.parametrize("path", [pytest.param(p, id=json.loads(p.read_text())["id"]) for p in CASES])
def test_each_environment_resolves_as_expected(path: Path) -> None:
    data = json.loads(path.read_text())
    environment, options = environment_from_dict(data["environment"])
    expect = data["expect"]
    assert expect["sdk"], "every case says what botocore does"
    for which, resolution in (
        ("sdk", resolve_sdk(environment)),
        ("daemon", resolve_daemon(environment, options)),
    ):
        for field, value in expect[which].items():
            assert _observed(resolution, field) == value, (which, field, resolution.to_text())


def test_there_are_at_least_twenty_environment_cases() -> None:
    assert len(CASES) >= 20


# ------------------------------------------------------------------ platforms
@pytest.mark.parametrize(
    ("platform", "method", "arn"),
    [
        pytest.param(Platform.laptop(), None, None, id="a bare laptop has no credentials"),
        pytest.param(
            Platform.ec2("web"),
            "iam-role",
            "arn:aws:sts::123456789012:assumed-role/web/i-0123456789abcdef0",
            id="EC2 names the instance-profile session after the instance",
        ),
        pytest.param(
            Platform.ec2("web", instance_id="i-0abc"),
            "iam-role",
            "arn:aws:sts::123456789012:assumed-role/web/i-0abc",
            id="the instance ID given is the session name",
        ),
        pytest.param(
            Platform.beanstalk(),
            "iam-role",
            "arn:aws:sts::123456789012:assumed-role/aws-elasticbeanstalk-ec2-role/i-0123456789abcdef0",
            id="Elastic Beanstalk defaults to aws-elasticbeanstalk-ec2-role",
        ),
        pytest.param(
            Platform.ecs("task", instance_role="host", task_id="abc123"),
            "container-role",
            "arn:aws:sts::123456789012:assumed-role/task/abc123",
            id="ECS names the task-role session after the task",
        ),
        pytest.param(
            Platform.ecs(None, instance_role="host"),
            "iam-role",
            "arn:aws:sts::123456789012:assumed-role/host/i-0123456789abcdef0",
            id="an ECS task without a task role reaches the container instance role",
        ),
        pytest.param(
            Platform.ecs(None, instance_role="host", launch_type="FARGATE"),
            None,
            None,
            id="Fargate has no instance metadata to fall back to",
        ),
        pytest.param(
            Platform.lambda_(function_name="fn", execution_role="fn-role"),
            "env",
            "arn:aws:sts::123456789012:assumed-role/fn-role/fn",
            id="Lambda names the execution-role session after the function",
        ),
    ],
)
def test_each_platform_hands_out_its_role(platform: Platform, method: str | None, arn: str | None) -> None:
    resolution = resolve_sdk(Environment(platform=platform))
    assert resolution.method == method
    assert resolution.identity.arn == arn
    if arn:
        assert resolution.identity.kind is IdentityKind.ASSUMED_ROLE
        assert (
            resolution.identity.iam_arn
            == arn.replace(":sts::", ":iam::").replace("assumed-role", "role").rsplit("/", 1)[0]
        )
        assert resolution.session_token is not None


def test_lambda_sets_the_region_in_both_variables_and_keeps_its_keys() -> None:
    environment = Environment(
        platform=Platform.lambda_(region="eu-central-1"), env={"AWS_ACCESS_KEY_ID": KEY2}
    )
    env = environment.effective_env()
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "eu-central-1"
    assert env["AWS_ACCESS_KEY_ID"] != KEY2  # reserved: the function's configuration cannot replace it
    assert environment.env_origin("AWS_ACCESS_KEY_ID") == "platform"


def test_an_ecs_task_sees_the_agents_relative_uri_and_the_task_role_wins_for_both_resolvers() -> None:
    environment = Environment(platform=Platform.ecs("task", instance_role="host"))
    assert environment.effective_env()["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"].startswith(
        "/v2/credentials/"
    )
    sdk, daemon = resolve_sdk(environment), resolve_daemon(environment)
    assert sdk.identity.arn == daemon.identity.arn
    outcomes = {a.provider: a.outcome for a in sdk.attempts}
    assert outcomes["container-role"] is Outcome.WON and outcomes["iam-role"] is Outcome.NOT_REACHED


# ------------------------------------------------------------------ botocore details
def test_every_attempt_is_listed_in_botocore_order_with_a_reason() -> None:
    resolution = resolve_sdk(Environment(credentials_file=DEFAULT_FILE))
    assert [a.provider for a in resolution.attempts] == [
        "env",
        "assume-role",
        "assume-role-with-web-identity",
        "sso",
        "shared-credentials-file",
        "login",
        "custom-process",
        "config-file",
        "ec2-credentials-file",
        "boto-config",
        "container-role",
        "iam-role",
    ]
    assert resolution.winner is not None and resolution.winner.provider == "shared-credentials-file"
    assert all(a.why for a in resolution.attempts)


@pytest.mark.parametrize(
    ("env", "profile", "why"),
    [
        pytest.param({}, "default", "neither", id="with no variable the profile is default"),
        pytest.param({"AWS_PROFILE": "dev"}, "dev", "`AWS_PROFILE`", id="AWS_PROFILE names the profile"),
        pytest.param(
            {"AWS_DEFAULT_PROFILE": "ops"},
            "ops",
            "`AWS_DEFAULT_PROFILE`",
            id="AWS_DEFAULT_PROFILE names the profile",
        ),
        pytest.param(
            {"AWS_PROFILE": "dev", "AWS_DEFAULT_PROFILE": "ops"},
            "ops",
            "`AWS_DEFAULT_PROFILE`",
            id="botocore takes AWS_DEFAULT_PROFILE over AWS_PROFILE",
        ),
    ],
)
def test_botocore_profile_selection_says_why(env: dict[str, str], profile: str, why: str) -> None:
    files = (
        "[dev]\naws_access_key_id = A\naws_secret_access_key = B\n"
        "[ops]\naws_access_key_id = C\naws_secret_access_key = D\n"
    )
    resolution = resolve_sdk(Environment(env=env, credentials_file=files))
    assert resolution.profile == profile
    assert why in resolution.profile_why


def test_botocore_notes_the_traps_it_sees() -> None:
    environment = Environment(
        env={"AWS_REGION": "eu-west-1", "AWS_PROFLE": "dev"},
        config_file="[dev]\nregion = x\n",
        credentials_file="[profile ops]\nregion = y\n",
    )
    notes = " ".join(resolve_sdk(environment).notes)
    assert "`AWS_REGION=eu-west-1`" in notes
    assert "[profile dev]" in notes
    assert "`profile ops`" in notes
    assert "did you mean `AWS_PROFILE`?" in notes


def test_an_mfa_profile_warns_about_the_prompt() -> None:
    config = (
        "[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/admin\nsource_profile = default\n"
        "mfa_serial = arn:aws:iam::123456789012:mfa/alice\n"
    )
    resolution = resolve_sdk(
        Environment(env={"AWS_PROFILE": "admin"}, credentials_file=DEFAULT_FILE, config_file=config)
    )
    assert resolution.method == "assume-role"
    assert any("MFA code" in note for note in resolution.notes)


def test_a_source_profile_loop_is_an_error() -> None:
    config = (
        "[profile a]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = b\n"
        "[profile b]\nrole_arn = arn:aws:iam::123456789012:role/b\nsource_profile = a\n"
    )
    resolution = resolve_sdk(Environment(env={"AWS_PROFILE": "a"}, config_file=config))
    assert resolution.error_code == "InfiniteLoopConfigError"
    assert (
        resolve_daemon(Environment(env={"AWS_PROFILE": "a"}, config_file=config)).error_code
        == "SharedConfigAssumeRoleError"
    )


def test_sso_profiles_win_but_the_kit_does_not_pretend_to_know_the_keys() -> None:
    config = (
        "[profile sso]\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\n"
        "sso_account_id = 123456789012\nsso_role_name = XRay\n"
    )
    resolution = resolve_sdk(Environment(env={"AWS_PROFILE": "sso"}, config_file=config))
    assert resolution.method == "sso"
    assert resolution.access_key_id is None and resolution.identity.kind is IdentityKind.UNKNOWN


def test_keys_missing_from_the_key_table_have_an_unknown_owner() -> None:
    resolution = resolve_sdk(Environment(credentials_file=DEFAULT_FILE))
    assert resolution.ok and resolution.identity.kind is IdentityKind.UNKNOWN
    assert KEY in resolution.identity.why


def test_temporary_keys_are_fake_deterministic_and_look_like_aws_keys() -> None:
    keys = issued_keys("123456789012", "role")
    assert keys == issued_keys("123456789012", "role") != issued_keys("123456789012", "other")
    assert re.fullmatch(r"ASIA[A-Z2-7]{9}EXAMPLE", keys.access_key_id)
    assert len(keys.secret_access_key) == 40 and keys.secret_access_key.endswith("EXAMPLEKEY")
    assert keys.secret_access_key not in repr(keys)


# ------------------------------------------------------------------ the daemon
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(
            "-o -n us-east-2",
            DaemonOptions(local_mode=True, region="us-east-2"),
            id="local mode and a region",
        ),
        pytest.param(
            ["--role-arn", "arn:aws:iam::1:role/x"],
            DaemonOptions(role_arn="arn:aws:iam::1:role/x"),
            id="the long role option",
        ),
        pytest.param(
            "-r=arn:aws:iam::1:role/x --region=eu-west-1",
            DaemonOptions(role_arn="arn:aws:iam::1:role/x", region="eu-west-1"),
            id="options written with an equals sign",
        ),
        pytest.param(
            "-t 0.0.0.0:2000 -b 0.0.0.0:2000 -o",
            DaemonOptions(local_mode=True),
            id="the bind options do not affect credentials",
        ),
    ],
)
def test_daemon_flags_are_read(args: Any, expected: DaemonOptions) -> None:
    assert DaemonOptions.from_args(args) == expected
    assert DaemonOptions.from_args(expected.to_args()) == expected


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param("--local", "did you mean `--local-mode`?", id="a misspelt flag gets a suggestion"),
        pytest.param("-n", "needs a value", id="a flag without its value is refused"),
    ],
)
def test_bad_daemon_flags_are_refused(args: str, message: str) -> None:
    with pytest.raises(XrayKitError, match=re.escape(message)):
        DaemonOptions.from_args(args)


@pytest.mark.parametrize(
    ("version", "session"),
    [
        pytest.param("3.6", "xray-daemon", id="daemon 3.6 names its -r session xray-daemon"),
        pytest.param(
            "3.3.15", "1600646400000000000", id="daemon 3.3 leaves the SDK for Go v1 default: a timestamp"
        ),
    ],
)
def test_the_daemon_role_option_assumes_a_role_with_the_base_keys(version: str, session: str) -> None:
    role = "arn:aws:iam::210987654321:role/xray-cross-account"
    environment = Environment(platform=Platform.ec2("xray-daemon-role"))
    resolution = resolve_daemon(environment, DaemonOptions(role_arn=role, version=version))
    assert resolution.method == "daemon-role-arn"
    assert resolution.identity.arn == f"arn:aws:sts::210987654321:assumed-role/xray-cross-account/{session}"
    assert (
        resolution.chain[-1].caller_access_key_id
        == issued_keys("123456789012", "xray-daemon-role").access_key_id
    )
    assert resolution.winner is not None and resolution.winner.provider == "daemon-role-arn"


@pytest.mark.parametrize(
    ("env", "options", "platform", "region", "error"),
    [
        pytest.param(
            {"AWS_REGION": "eu-west-1"},
            DaemonOptions(region="us-east-2"),
            Platform.laptop(),
            "us-east-2",
            None,
            id="the -n option beats AWS_REGION",
        ),
        pytest.param(
            {"AWS_REGION": "eu-west-1"},
            DaemonOptions(),
            Platform.laptop(),
            "eu-west-1",
            None,
            id="AWS_REGION is read when there is no -n",
        ),
        pytest.param(
            {},
            DaemonOptions(),
            Platform.ec2("r", region="ap-south-1"),
            "ap-south-1",
            None,
            id="on EC2 the daemon asks instance metadata for the region",
        ),
        pytest.param(
            {},
            DaemonOptions(local_mode=True),
            Platform.ec2("r", region="ap-south-1"),
            None,
            "NoRegion",
            id="local mode never asks instance metadata",
        ),
        pytest.param(
            {"AWS_DEFAULT_REGION": "sa-east-1"},
            DaemonOptions(local_mode=True),
            Platform.laptop(),
            "sa-east-1",
            None,
            id="in local mode the session region counts, AWS_DEFAULT_REGION included",
        ),
        pytest.param(
            {"AWS_DEFAULT_REGION": "sa-east-1"},
            DaemonOptions(local_mode=True, version="3.2.0"),
            Platform.laptop(),
            None,
            "NoRegion",
            id="daemon 3.2.0 had no session region in local mode",
        ),
        pytest.param(
            {},
            DaemonOptions(),
            Platform.laptop(),
            None,
            "NoRegion",
            id="a laptop without -n or AWS_REGION makes the daemon exit",
        ),
        pytest.param(
            {},
            DaemonOptions(),
            Platform.ecs("t", launch_type="FARGATE", container_metadata_file=True, region="eu-north-1"),
            "eu-north-1",
            None,
            id="on ECS the container metadata file gives the region",
        ),
    ],
)
def test_the_daemon_region_rule(
    env: dict[str, str], options: DaemonOptions, platform: Platform, region: str | None, error: str | None
) -> None:
    credentials = DEFAULT_FILE if platform.kind.value == "laptop" else None
    resolution = resolve_daemon(
        Environment(env=env, platform=platform, credentials_file=credentials), options
    )
    assert resolution.region == region
    assert resolution.error_code == error


def test_daemon_320_reads_the_config_file_only_with_aws_sdk_load_config() -> None:
    environment = Environment(
        config_file=f"[default]\naws_access_key_id = {KEY}\naws_secret_access_key = {SECRET}\n"
    )
    old = DaemonOptions(region="us-east-2", version="3.2.0")
    assert resolve_daemon(environment, old).error_code == "EC2RoleRequestError"
    assert any("AWS_SDK_LOAD_CONFIG" in n for n in resolve_daemon(environment, old).notes)
    assert resolve_daemon(environment.with_env(AWS_SDK_LOAD_CONFIG="1"), old).access_key_id == KEY
    assert resolve_daemon(environment, DaemonOptions(region="us-east-2")).access_key_id == KEY


def test_the_go_sdk_v1_finds_profile_sections_either_way_and_tolerates_a_missing_profile() -> None:
    v1, v2 = DaemonOptions(region="us-east-2", version="3.3.15"), DaemonOptions(region="us-east-2")
    unprefixed = Environment(
        env={"AWS_PROFILE": "dev"},
        config_file=f"[dev]\naws_access_key_id = {KEY}\naws_secret_access_key = {SECRET}\n",
    )
    assert resolve_daemon(unprefixed, v1).access_key_id == KEY
    assert resolve_daemon(unprefixed, v2).error_code == "SharedConfigProfileNotExistError"
    missing = Environment(
        env={"AWS_PROFILE": "nope", "AWS_ACCESS_KEY_ID": KEY, "AWS_SECRET_ACCESS_KEY": SECRET}
    )
    assert resolve_daemon(missing, v1).method == "env"
    assert resolve_daemon(missing.with_env(AWS_PROFILE=None, AWS_DEFAULT_PROFILE="nope"), v2).method == "env"


def test_go_tries_the_full_uri_before_the_relative_uri_and_botocore_the_other_way_round() -> None:
    environment = Environment(
        platform=Platform.laptop(container_role="local"),
        env={
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:9/creds",
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/anything",
        },
    )
    assert resolve_daemon(environment, DaemonOptions(region="x")).method == "container-full-uri"
    sdk = resolve_sdk(environment)
    assert sdk.method == "container-role" and "169.254.170.2/anything" in sdk.winner.why  # type: ignore[union-attr]


def test_a_half_pair_of_key_variables_is_an_error_for_botocore_but_ignored_by_go() -> None:
    environment = Environment(env={"AWS_ACCESS_KEY_ID": KEY}, credentials_file=DEFAULT_FILE)
    assert resolve_sdk(environment).error_code == "PartialCredentialsError"
    daemon = resolve_daemon(environment, DaemonOptions(region="us-east-2"))
    assert daemon.method == "profile-static" and "half-set" in daemon.attempts[0].why


def test_an_unknown_daemon_version_is_refused_with_a_suggestion() -> None:
    with pytest.raises(XrayKitError, match=re.escape("did you mean `3.3.0`")):
        resolve_daemon(Environment(), DaemonOptions(version="3.3"))


# ------------------------------------------------------------------ masking
@pytest.mark.parametrize(
    ("secret", "masked"),
    [
        pytest.param(SECRET, "wJal…EKEY", id="a 40-character secret keeps 4 and 4"),
        pytest.param("abcdefghij", "ab…ij", id="a 10-character secret keeps 2 and 2"),
        pytest.param("abcd", "…", id="a very short secret shows nothing"),
        pytest.param(None, None, id="nothing stays nothing"),
    ],
)
def test_mask(secret: str | None, masked: str | None) -> None:
    assert mask(secret) == masked


def _everything(environment: Environment) -> str:
    sdk, daemon = resolve_sdk(environment), resolve_daemon(environment, DaemonOptions(region="us-east-2"))
    verdict = daemon_verdict(daemon, decide=lambda principal, action: True)
    parts = [repr(environment), str(environment), json.dumps(environment.to_dict())]
    for thing in (sdk, daemon):
        parts += [repr(thing), str(thing), thing._repr_html_(), json.dumps(thing.to_dict())]
    parts += [str(verdict), verdict._repr_html_(), json.dumps(verdict.to_dict())]
    return "\n".join(parts)


@settings(max_examples=40, deadline=None)
@given(
    secret=st.text(alphabet="qzxjvkw", min_size=12, max_size=60),
    token=st.text(alphabet="qzxjvkw", min_size=12, max_size=200),
    where=st.sampled_from(["env", "credentials", "config"]),
)
def test_no_output_holds_more_than_four_characters_of_a_secret_in_a_row(
    secret: str, token: str, where: str
) -> None:
    if where == "env":
        environment = Environment(
            env={"AWS_ACCESS_KEY_ID": KEY, "AWS_SECRET_ACCESS_KEY": secret, "AWS_SESSION_TOKEN": token}
        )
    else:
        text = (
            f"[default]\naws_access_key_id = {KEY}\n"
            f"aws_secret_access_key = {secret}\naws_session_token = {token}\n"
        )
        environment = Environment(
            credentials_file=text if where == "credentials" else None,
            config_file=text if where == "config" else None,
        )
    out = _everything(environment)
    for value in (secret, token):
        assert not any(value[i : i + 5] in out for i in range(len(value) - 4))


def test_platform_keys_never_show_in_full() -> None:
    environment = Environment(platform=Platform.lambda_())
    keys = issued_keys(environment.account, "my-function-role")
    out = _everything(environment)
    assert keys.secret_access_key not in out and keys.session_token not in out
    assert keys.access_key_id in out  # the key ID is not a secret


# ------------------------------------------------------------------ the verdict
def test_the_verdict_lists_the_five_daemon_actions() -> None:
    assert daemon_actions() == (
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "xray:GetSamplingRules",
        "xray:GetSamplingTargets",
        "xray:GetSamplingStatisticSummaries",
    )


def test_the_verdict_with_an_injected_decision() -> None:
    resolution = resolve_daemon(Environment(platform=Platform.ec2("xray-daemon-role")))
    asked: list[tuple[str, str]] = []

    def decide(principal: str, action: str) -> bool:
        asked.append((principal, action))
        return action.startswith("xray:Put")

    verdict = daemon_verdict(resolution, decide=decide)
    assert verdict.allowed is False
    assert verdict.missing == daemon_actions()[2:]
    assert {p for p, _ in asked} == {resolution.identity.arn}
    assert "GetSamplingRules" in verdict.summary and "DENIED" in str(verdict)


@pytest.mark.parametrize(
    "environment",
    [
        pytest.param(Environment(), id="no credentials cannot be asked about"),
        pytest.param(
            Environment(credentials_file=DEFAULT_FILE), id="keys of an unknown owner cannot be asked about"
        ),
    ],
)
def test_the_verdict_cannot_tell(environment: Environment) -> None:
    verdict = daemon_verdict(resolve_sdk(environment), decide=lambda principal, action: True)
    assert verdict.allowed is None and all(c.allowed is None for c in verdict.checks)


def test_the_verdict_needs_a_way_to_decide() -> None:
    with pytest.raises(TypeError):
        daemon_verdict(resolve_sdk(Environment(platform=Platform.beanstalk())))


def test_the_verdict_through_the_simulator() -> None:
    pytest.importorskip("xraykit.engine")
    write = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": list(daemon_actions()), "Resource": "*"}],
    }
    puts_only = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "xray:Put*", "Resource": "*"}],
    }
    resolution = resolve_daemon(Environment(platform=Platform.beanstalk()))
    role = "arn:aws:iam::123456789012:role/aws-elasticbeanstalk-ec2-role"
    seen: list[str] = []

    def policies(arn: str) -> list[dict[str, Any]]:
        seen.append(arn)
        return [write]

    assert daemon_verdict(resolution, policies).allowed is True
    assert seen == [role]
    verdict = daemon_verdict(resolution, lambda arn: [puts_only])
    assert verdict.missing == daemon_actions()[2:]
    assert {c.decision for c in verdict.checks} == {"Allowed", "ImplicitlyDenied"}


# ------------------------------------------------------------------ loading and rendering
@pytest.mark.parametrize(
    ("data", "path", "text"),
    [
        pytest.param({"nmae": "x"}, "nmae", "did you mean `name`?", id="an unknown field gets a suggestion"),
        pytest.param(
            {"env": {"AWS_EC2_METADATA_DISABLED": True}},
            "env.AWS_EC2_METADATA_DISABLED",
            "expected a string",
            id="environment variables must be strings",
        ),
        pytest.param({"platform": {"kind": "ec3"}}, "platform.kind", "`ec2`", id="an unknown platform"),
        pytest.param(
            {"platform": {"kind": "lambda", "task_role": "x"}},
            "platform.task_role",
            "not a field",
            id="a field of another platform is refused",
        ),
        pytest.param(
            {"credentials_file": "aws_access_key_id = A\n"},
            "line 1",
            "before any [section]",
            id="a key outside any section is reported with its line",
        ),
        pytest.param(
            {"config_file": ["[default]", "region = a", "[default]"]},
            "line 3",
            "appears twice",
            id="a duplicate section is reported",
        ),
        pytest.param(
            {"access_keys": {KEY: "alice"}},
            f"access_keys.{KEY}",
            "not an IAM user",
            id="an owner must be an ARN",
        ),
        pytest.param(
            {"daemon": {"version": "4"}}, "daemon.version", "not a known", id="an unknown daemon version"
        ),
        pytest.param({"daemon": "-x"}, "daemon", "not an X-Ray daemon flag", id="an unknown daemon flag"),
        pytest.param(
            {"account": "\u0661" * 12},
            "account",
            "is not an account ID",
            id="an account in other digits",
        ),
        pytest.param(
            {"access_keys": {KEY: "arn:aws:iam::" + "\u0661" * 12 + ":user/alice"}},
            f"access_keys.{KEY}",
            "not an IAM user",
            id="an owner whose account is in other digits",
        ),
    ],
)
def test_bad_environments_are_refused_at_the_door(data: dict[str, Any], path: str, text: str) -> None:
    with pytest.raises(XrayKitError) as caught:
        environment_from_dict(data, source="env.json")
    issue = caught.value.issues[0]
    assert issue.path.startswith(path) and text in str(issue) and issue.source == "env.json"


def test_a_file_may_be_given_as_lines_and_the_examples_load() -> None:
    environment, options = environment_from_dict(
        {"credentials_file": ["[default]", "region = x"], "daemon": "-o -n us-east-2"}
    )
    assert environment.credentials_file == "[default]\nregion = x\n"
    assert options == DaemonOptions(local_mode=True, region="us-east-2")
    assert len(examples()) >= 8
    for name in examples():
        environment, _ = example(name)
        assert resolve_sdk(environment).ok or resolve_sdk(environment).error_code


def test_the_text_view_is_deterministic_and_the_html_view_highlights_the_winner() -> None:
    environment = Environment(name="<b>laptop</b>", credentials_file=DEFAULT_FILE, access_keys={KEY: ALICE})
    first, second = resolve_sdk(environment), resolve_sdk(environment)
    assert first.to_text() == second.to_text() == str(first)
    lines = first.to_text().splitlines()
    assert lines[1] == "  result    credentials from shared-credentials-file (shared credentials file)"
    assert f"  identity  {ALICE} (IAM user)" in lines
    html = first._repr_html_()
    assert "&lt;b&gt;laptop&lt;/b&gt;" in html and "<b>laptop" not in html
    winner_row = re.search(r"<tr style='([^']*)'><td>5</td>", html)
    assert winner_row is not None and "background" in winner_row[1]


def test_every_sentence_the_code_uses_is_in_the_wording_file() -> None:
    source = "\n".join(
        p.read_text() for p in Path(__file__).parents[1].joinpath("xraykit", "credentials").glob("*.py")
    )
    used = set(re.findall(r'say\(\s*"([a-z0-9-]+)"', source))
    used |= set(re.findall(r'"(identity-[a-z]+-role|env-won[a-z-]*)"', source))  # chosen in an expression
    assert used <= set(wording()), used - set(wording())


# ------------------------------------------------------------------ command line and import weight
def test_the_command_line_prints_both_resolutions(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(CASES[0])
    assert main(["credentials", "--env-file", path]) == 0
    out = capsys.readouterr().out
    assert "botocore" in out and "X-Ray daemon" in out
    assert main(["credentials", "--example", "laptop-default-profile", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["sdk"]["method"] == "shared-credentials-file"
    assert data["daemon"]["region"] == "us-east-2" and data["daemon_args"] == ["-o", "-n", "us-east-2"]
    text = json.dumps(data, ensure_ascii=False)
    assert SECRET not in text and "wJal…EKEY" in text


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["credentials"], id="no environment is an error"),
        pytest.param(["credentials", "--example", "laptop"], id="an unknown example is an error"),
        pytest.param(
            ["credentials", "--example", "ec2-instance-profile", "--daemon-args=--bogus"],
            id="a bad daemon flag is an error",
        ),
    ],
)
def test_the_command_line_fails_cleanly(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert capsys.readouterr().err.startswith("xraykit: ")


def test_load_environment_reports_bad_json(tmp_path: Path) -> None:
    path = tmp_path / "env.json"
    path.write_text("{\n  'name': 1\n}")
    with pytest.raises(XrayKitError, match="line 2"):
        load_environment(path)


def test_importing_the_model_loads_no_heavy_dependency() -> None:
    code = (
        "import sys, xraykit; assert 'xraykit.credentials' not in sys.modules; "
        "import xraykit.credentials as c; c.resolve_sdk(c.Environment()); "
        "heavy = {'botocore', 'pydantic', 'matplotlib', 'ipywidgets', 'xraykit.engine'} & set(sys.modules); "
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_an_unknown_example_is_answered_with_the_closest_names_or_all_of_them(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["credentials", "--example", "ec2-instance-profle"]) == 2
    assert capsys.readouterr().err == (
        "xraykit: example: `ec2-instance-profle` is not an example environment "
        "(did you mean `ec2-instance-profile` or `ecs-task-role`?)\n"
    )
    assert main(["credentials", "--example", "zzz"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("xraykit: example: `zzz` is not an example environment (the examples: ")
    assert all(f"`{name}`" in err for name in examples())
