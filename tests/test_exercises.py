"""Exercise checks: every solution passes, typical wrong answers are called missing or too broad, and the
quiz cards' written answers are what the simulator says."""

from __future__ import annotations

import json

import pytest

from xraykit import exercises as ex
from xraykit.errors import XrayKitError

_DOC = {"Version": "2012-10-17"}


def doc(*statements):
    return {**_DOC, "Statement": list(statements)}


@pytest.mark.parametrize("name", ex.exercises())
def test_every_solution_passes_its_own_check(name):
    exercise = ex.exercise(name)
    result = ex._check(name, json.loads(ex.solution(name)))
    assert result.passed, str(result)
    assert result.right and not result.missing and not result.too_broad
    assert exercise.task in str(result)


@pytest.mark.parametrize(
    ("check", "name", "answer", "missing", "too_broad"),
    [
        pytest.param(
            ex.check_actions,
            "daemon-actions",
            ["xray:Put*", "xray:GetSampling*"],
            0,
            1,
            id="xray:Put* is too broad for the daemon",
        ),
        pytest.param(
            ex.check_actions,
            "daemon-actions",
            ["xray:PutTraceSegments"],
            4,
            0,
            id="the upload action alone misses the telemetry and sampling actions",
        ),
        pytest.param(
            ex.check_policy,
            "notaction-fix",
            doc({"Effect": "Allow", "NotAction": "xray:PutEncryptionConfig", "Resource": "*"}),
            0,
            2,
            id="Allow with NotAction grants IAM and S3 too",
        ),
        pytest.param(
            ex.check_policy,
            "local-users-groups",
            doc(
                {
                    "Effect": "Allow",
                    "Action": "xray:*Group*",
                    "Resource": "arn:aws:xray:eu-west-1:123456789012:group/local-users",
                }
            ),
            5,
            0,
            id="a group ARN without the ID part matches nothing, and GetGroups needs star",
        ),
        pytest.param(
            ex.check_policy,
            "protect-prod-groups",
            doc(
                {"Effect": "Allow", "Action": "xray:*", "Resource": "*"},
                {
                    "Effect": "Deny",
                    "Action": ["xray:UpdateGroup", "xray:DeleteGroup"],
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:ResourceTag/stage": ["preprod", "prod"]}},
                },
            ),
            0,
            3,
            id="the docs' own deny leaves untag, retag and create-as-prod open",
        ),
        pytest.param(
            ex.check_policy,
            "tag-keys-allowlist",
            doc(
                {
                    "Effect": "Allow",
                    "Action": "xray:TagResource",
                    "Resource": "*",
                    "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "stage"]}},
                }
            ),
            0,
            1,
            id="ForAllValues without a Null guard lets a request with no tags through",
        ),
        pytest.param(
            ex.check_key_policy,
            "key-policy-readers",
            doc(
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                }
            ),
            3,
            0,
            id="a key policy that only delegates to the account grants nobody without IAM policies",
        ),
        pytest.param(
            ex.check_boundary,
            "boundary-no-config",
            "AWSXrayFullAccess",
            0,
            3,
            id="a full-access boundary limits nothing",
        ),
    ],
)
def test_wrong_answers_are_called_missing_or_too_broad(check, name, answer, missing, too_broad):
    result = check(name, answer)
    assert not result.passed
    assert (len(result.missing), len(result.too_broad)) == (missing, too_broad), str(result)


def test_least_privilege_sweep_counts_every_other_xray_action():
    result = ex.check_policy("read-prod-group", "AWSXrayReadOnlyAccess")
    assert any("other X-Ray action" in item for item in result.too_broad)
    assert "GetGroup on group/dev/…" in " ".join(result.too_broad)


def test_daemon_check_uses_the_least_privilege_task():
    good = ex.check_daemon_policy("AWSXRayDaemonWriteAccess")
    assert good.passed
    bad = ex.check_daemon_policy(doc({"Effect": "Allow", "Action": "xray:Put*", "Resource": "*"}))
    assert {m.request.action for m in bad.missing} == {
        "xray:GetSamplingRules",
        "xray:GetSamplingTargets",
        "xray:GetSamplingStatisticSummaries",
    }
    assert "xray:PutEncryptionConfig" in {b.action for b in bad.too_broad}


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        pytest.param(
            '{"Version": "2012-10-17", "Statement": [', "not valid JSON", id="invalid JSON is a problem"
        ),
        pytest.param(
            doc({"Effect": "Alow", "Action": "xray:*", "Resource": "*"}),
            "Alow",
            id="an invalid policy is reported with its issue",
        ),
    ],
)
def test_an_invalid_answer_gives_problems_not_an_exception(answer, problem):
    result = ex.check_policy("read-prod-group", answer)
    assert not result.passed and result.problems
    assert problem in " ".join(result.problems)
    assert "problems" in str(result) and "problems" in result._repr_html_()


def test_a_misspelt_action_is_accepted_like_iam_does_and_the_request_is_missing():
    result = ex.check_policy(
        "read-prod-group", doc({"Effect": "Allow", "Action": "xray:GetGrop", "Resource": "*"})
    )
    assert not result.problems
    assert result.missing == ("xray:GetGroup on group/prod/…",)


def test_unknown_exercise_and_wrong_kind_are_errors():
    with pytest.raises(XrayKitError, match="daemon-actions"):
        ex.exercise("daemon-action")
    with pytest.raises(XrayKitError, match="actions answer"):
        ex.check_policy("daemon-actions", ["xray:PutTraceSegments"])


def test_every_notebook_exercise_is_named_after_a_notebook():
    assert {e.notebook for e in ex.EXERCISES} <= {
        "00_index",
        "01_actions_and_wildcards",
        "02_resources_and_arns",
        "03_tags",
        "04_conditions",
        "05_managed_policies",
        "06_kms_encryption",
        "07_credentials",
        "08_playground",
        "09_gotchas_quiz",
    }


# ------------------------------------------------------------------------------------------
# quiz


@pytest.mark.parametrize("card", ex.QUIZ, ids=lambda c: f"quiz card {c.key} is {c.answer}")
def test_quiz_card_answer_is_what_the_simulator_says(card):
    assert card.evaluate().decision.value == card.answer


def test_check_quiz_sorts_predictions():
    result = ex.check_quiz({"action-case": "Allowed", "notaction-allow": "ImplicitlyDenied"})
    assert result.right == ("action-case",)
    assert len(result.too_broad) == 1 and result.too_broad[0].startswith("notaction-allow: Allowed")
    assert len(result.missing) == len(ex.QUIZ) - 2
    assert "wrong predictions" in str(result)


def test_check_quiz_all_right_passes():
    assert ex.check_quiz({c.key: c.answer for c in ex.QUIZ}).passed


def test_check_quiz_reports_an_unknown_card():
    result = ex.check_quiz({"action-cas": "Allowed"})
    assert "action-case" in result.problems[0]


# ------------------------------------------------------------------------------------------
# the credentials exercise


def test_environment_check_says_what_is_still_wrong_with_the_start():
    result = ex.check_environment("daemon-uses-role", ex.DAEMON_ROLE_START)
    assert not result.passed
    assert any("user/alice" in item for item in result.missing)
    assert any("no region" in item for item in result.missing)


def test_environment_solution_passes():
    assert ex.check_environment("daemon-uses-role", json.loads(ex.solution("daemon-uses-role"))).passed


def test_environment_check_forbids_changing_the_credentials_file():
    answer = {
        **ex.solution_environment(),
        "credentials_file": [
            "[default]",
            "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
            "aws_secret_access_key = x",
        ],
    }
    result = ex.check_environment("daemon-uses-role", answer)
    assert result.too_broad == ("the credentials file changed: leave alice's keys where they are",)


def test_environment_check_reports_an_invalid_environment():
    result = ex.check_environment(
        "daemon-uses-role", {**ex.DAEMON_ROLE_START, "platform": {"kind": "mainframe"}}
    )
    assert result.problems and "mainframe" in result.problems[0]
