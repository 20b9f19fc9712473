"""Least privilege: the smallest policy for a task with its proof, edits for a verdict table, and
the checks the exercises use."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from xraykit.account import Account, bundle_names
from xraykit.cli import main
from xraykit.engine import PolicySet
from xraykit.errors import XrayKitError
from xraykit.least_privilege import (
    EXAMPLE_KEY_ARN,
    check_policy_for_task,
    least_privilege,
    propose_edit,
    scope_of,
    task,
)
from xraykit.lint import Severity, lint

GROUP = (
    "arn:aws:xray:us-east-1:123456789012:group/local-users/"
    "TNGX7SW5U6QY36T4ZMOUA3HVLBYCZTWDIOOXY3CJAXTHSS3YCWUA"
)
RULE = "arn:aws:xray:us-east-1:123456789012:sampling-rule/base-scorekeep"
DAEMON = [
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
    "xray:GetSamplingStatisticSummaries",
]


def _policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


# ---------------------------------------------------------------------------- the smallest policy


def test_the_daemon_needs_one_statement_of_five_actions_on_star() -> None:
    result = least_privilege("daemon")
    assert result.policy == _policy(
        {"Sid": "AllowAnyResource", "Effect": "Allow", "Action": DAEMON, "Resource": "*"}
    )
    assert result.proof.holds
    assert len(result.proof.task_rows) == 5 and all(r.decision.allowed for r in result.proof.task_rows)
    denied = {r.action for r in result.proof.other_rows}
    assert "xray:PutEncryptionConfig" in denied and not denied & set(DAEMON)


@pytest.mark.parametrize(
    ("action", "resource", "scope"),
    [
        pytest.param(
            "xray:GetGroup",
            GROUP,
            "arn:aws:xray:us-east-1:123456789012:group/local-users/*",
            id="a group is scoped by name with its generated id as a wildcard",
        ),
        pytest.param("xray:UpdateSamplingRule", RULE, RULE, id="a sampling rule is scoped to its own arn"),
        pytest.param(
            "xray:PutTraceSegments", "*", "*", id="an action without resource-level permissions gets star"
        ),
        pytest.param("xray:GetGroup", "*", "*", id="a request on star stays on star"),
    ],
)
def test_the_scope_of_a_request(action: str, resource: str, scope: str) -> None:
    from xraykit import catalog

    assert scope_of(catalog.action(action), resource) == scope


def test_actions_are_grouped_by_the_resources_they_need() -> None:
    result = least_privilege(
        actions=["xray:GetGroup", "xray:UpdateGroup", "xray:PutTraceSegments"], resources=[GROUP]
    )
    assert result.policy["Statement"] == [
        {
            "Sid": "AllowGroups",
            "Effect": "Allow",
            "Action": ["xray:GetGroup", "xray:UpdateGroup"],
            "Resource": "arn:aws:xray:us-east-1:123456789012:group/local-users/*",
        },
        {"Sid": "AllowAnyResource", "Effect": "Allow", "Action": "xray:PutTraceSegments", "Resource": "*"},
    ]
    assert result.proof.holds
    assert any(
        r.action == "xray:GetGroup" and "other-group" in r.resource and not r.decision.allowed
        for r in result.proof.other_rows
    ), "another group is part of the proof and denied"


def test_reading_encrypted_traces_allows_decrypt_only_through_x_ray() -> None:
    result = least_privilege("read-encrypted-traces")
    decrypt = result.policy["Statement"][1]
    assert decrypt["Action"] == "kms:Decrypt" and decrypt["Resource"] == EXAMPLE_KEY_ARN
    assert decrypt["Condition"] == {"StringEquals": {"kms:ViaService": "xray.us-east-1.amazonaws.com"}}
    assert result.proof.holds
    assert any(r.action.startswith("kms:") for r in result.proof.other_rows), "other KMS actions are sampled"


def test_request_tags_become_conditions_and_the_proof_shows_other_tags_denied() -> None:
    result = least_privilege(
        [
            (
                "xray:CreateGroup",
                "arn:aws:xray:us-east-1:123456789012:group/dev/X",
                {"aws:RequestTag/stage": "dev", "aws:TagKeys": ["stage"]},
            )
        ]
    )
    (statement,) = result.policy["Statement"]
    assert statement["Condition"] == {
        "ForAllValues:StringEquals": {"aws:TagKeys": ["stage"]},
        "Null": {"aws:TagKeys": "false"},
        "StringEquals": {"aws:RequestTag/stage": "dev"},
    }
    assert result.proof.holds
    policies = PolicySet([result.policy])
    group = "arn:aws:xray:us-east-1:123456789012:group/dev/Y"
    assert not policies.decide(
        "xray:CreateGroup", group, context={"aws:RequestTag/stage": "prod", "aws:TagKeys": ["stage"]}
    ).allowed
    assert not policies.decide("xray:CreateGroup", group).allowed


@pytest.mark.parametrize("name", bundle_names())
def test_every_bundle_gets_a_proved_policy_the_lint_finds_nothing_wrong_with(name: str) -> None:
    result = least_privilege(name)
    assert result.proof.holds, result.proof.text()
    assert not lint(result.policy).at_least(Severity.WARNING), lint(result.policy).text()


def test_a_recorded_call_of_the_account_model_is_a_task() -> None:
    account = Account()
    account.add_user("alice", policies=["AWSXrayFullAccess"])
    record = account.call("alice", "CreateGroup", GroupName="dev", Tags=[{"Key": "stage", "Value": "dev"}])
    result = least_privilege(record)
    assert result.task.name == "recorded calls: CreateGroup"
    assert result.policy["Statement"][0]["Resource"] == "arn:aws:xray:us-east-1:123456789012:group/dev/*"
    assert result.proof.holds


def test_the_result_reads_as_text_html_and_json() -> None:
    result = least_privilege("daemon")
    text = result.text()
    assert text.startswith("Least-privilege policy for `daemon` (5 requests):\n{")
    assert text.endswith("The proof holds.")
    assert "<pre>" in result._repr_html_()
    data = json.loads(json.dumps(result.to_dict()))
    assert data["proof"]["holds"] and data["proof"]["task_requests"] == 5 and data["policy"] == result.policy


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param({"what": "deamon"}, "unknown", id="an unknown bundle is bad input"),
        pytest.param(
            {"actions": ["xray:GetGrop"]}, "did you mean `xray:GetGroup`", id="an unknown action suggests"
        ),
        pytest.param(
            {"what": [("xray:GetGroup", RULE)]}, "cannot name", id="an arn of the wrong type is refused"
        ),
        pytest.param({"what": []}, "no requests", id="a task needs requests"),
    ],
)
def test_a_bad_task_is_one_clear_error(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(XrayKitError) as caught:
        task(**kwargs)
    assert message in str(caught.value)


# ---------------------------------------------------------------------------- edits for a verdict table


def test_full_access_narrowed_to_the_daemon_upload_alone() -> None:
    fix = propose_edit("AWSXrayFullAccess", {"xray:PutTraceSegments": "Allowed", "*": "denied"})
    assert fix.holds and len(fix.operations) == 1
    assert fix.after["Statement"][0]["Action"] == ["xray:PutTraceSegments"]
    assert fix.before == json.loads(json.dumps(fix.before))
    upload = next(r for r in fix.rows if r.action == "xray:PutTraceSegments")
    assert upload.before.allowed and upload.after.allowed
    others = [r for r in fix.rows if not r.named]
    assert len(others) == 43 and all(r.before.allowed and not r.after.allowed for r in others)
    assert "every other X-Ray action (43, e.g." in fix.text()


def test_an_explicit_deny_is_added_only_where_the_table_asks_for_one() -> None:
    fix = propose_edit(
        "AWSXrayReadOnlyAccess", {"xray:GetGroup": "ExplicitlyDenied", "xray:PutTraceSegments": "Allowed"}
    )
    assert fix.holds
    assert [op.op for op in fix.operations] == ["replace", "add"]
    assert fix.after["Statement"][-1] == {
        "Sid": "DenyOutsideTheTable",
        "Effect": "Deny",
        "Action": "xray:GetGroup",
        "Resource": "*",
    }


def test_a_wildcard_is_narrowed_to_what_the_table_still_wants() -> None:
    policy = _policy(
        {"Effect": "Allow", "Action": ["xray:GetSampling*", "xray:PutTraceSegments"], "Resource": "*"}
    )
    fix = propose_edit(policy, {"xray:GetSamplingTargets": "denied"})
    assert fix.holds
    assert fix.after["Statement"][0]["Action"] == [
        "xray:GetSamplingRules",
        "xray:GetSamplingStatisticSummaries",
        "xray:PutTraceSegments",
    ]


def test_notaction_grows_and_star_needs_a_deny() -> None:
    not_action = _policy({"Effect": "Allow", "NotAction": "xray:PutEncryptionConfig", "Resource": "*"})
    fix = propose_edit(not_action, {"xray:PutResourcePolicy": "denied"})
    assert fix.holds and fix.after["Statement"][0]["NotAction"] == [
        "xray:PutEncryptionConfig",
        "xray:PutResourcePolicy",
    ]
    star = _policy({"Effect": "Allow", "Action": "*", "Resource": "*"})
    fix = propose_edit(star, {"xray:PutEncryptionConfig": "denied"})
    assert fix.holds and fix.after["Statement"][-1]["Effect"] == "Deny"


def test_a_deny_in_the_way_of_a_wanted_allow_is_lifted() -> None:
    policy = _policy(
        {"Effect": "Allow", "Action": "xray:*", "Resource": "*"},
        {"Effect": "Deny", "Action": ["xray:PutTraceSegments", "xray:PutEncryptionConfig"], "Resource": "*"},
    )
    fix = propose_edit(policy, {"xray:PutTraceSegments": "Allowed", "xray:PutEncryptionConfig": "denied"})
    assert fix.holds
    assert fix.after["Statement"][1]["Action"] == ["xray:PutEncryptionConfig"]


def test_a_missing_allow_is_added_to_the_statement_on_star() -> None:
    fix = propose_edit("AWSXrayReadOnlyAccess", {"xray:PutTraceSegments": "Allowed"})
    assert fix.holds and fix.after["Statement"][0]["Action"][-1] == "xray:PutTraceSegments"


def test_a_policy_that_already_fits_needs_no_edit() -> None:
    fix = propose_edit(
        "AWSXRayDaemonWriteAccess", {"xray:PutTraceSegments": "Allowed", "xray:GetGroup": "denied"}
    )
    assert fix.holds and not fix.operations
    assert fix.text().startswith("No edit needed")


def test_a_verdict_that_is_not_one_is_bad_input() -> None:
    with pytest.raises(XrayKitError) as caught:
        propose_edit("AWSXrayFullAccess", {"xray:GetGroup": "alowed"})
    assert "did you mean `Allowed`" in str(caught.value)


# ---------------------------------------------------------------------------- exercise checks


def test_the_daemon_managed_policy_passes_the_daemon_check() -> None:
    check = check_policy_for_task("AWSXRayDaemonWriteAccess", "daemon")
    assert check.passed and len(check.right) == 5
    assert check.text().endswith("All right: the policy allows the task and nothing more.")


def test_full_access_is_too_broad_for_the_daemon() -> None:
    check = check_policy_for_task("AWSXrayFullAccess", "daemon")
    assert not check.missing
    assert len(check.too_broad) == 39
    assert "xray:PutEncryptionConfig" in {b.action for b in check.too_broad}


def test_an_arn_on_star_only_actions_is_missing_and_the_lint_says_why() -> None:
    policy = _policy(
        {"Effect": "Allow", "Action": DAEMON, "Resource": "arn:aws:xray:us-east-1:123456789012:group/a/*"}
    )
    check = check_policy_for_task(policy, "daemon")
    assert {m.request.action for m in check.missing} == set(DAEMON)
    assert any("XK201" in note for note in check.notes)
    assert check.text().splitlines()[-1] == "Not yet: 5 missing, 0 too broad."
    assert "✗ missing" in check._repr_html_()


# ---------------------------------------------------------------------------- the command


def test_least_privilege_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["least-privilege", "--bundle", "daemon"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Least-privilege policy for `daemon`") and "The proof holds." in out
    assert main(["least-privilege", "--json", "--actions", "xray:GetGroup", "--resources", GROUP]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (
        data["policy"]["Statement"][0]["Resource"]
        == "arn:aws:xray:us-east-1:123456789012:group/local-users/*"
    )
    requests = tmp_path / "task.json"
    requests.write_text(json.dumps([{"action": "xray:UpdateSamplingRule", "resource": RULE}]), "utf-8")
    assert main(["least-privilege", "--requests", str(requests)]) == 0
    assert RULE in capsys.readouterr().out
    assert main(["least-privilege", "--requests", requests.read_text("utf-8")]) == 0  # the JSON itself
    assert RULE in capsys.readouterr().out
    assert main(["least-privilege", "--requests", "AWSXrayReadOnlyAccess"]) == 2  # not a policy name
    assert (
        capsys.readouterr().err == "xraykit: cannot read `AWSXrayReadOnlyAccess`: no such file or directory\n"
    )
    assert main(["least-privilege", "--bundle", "deamon"]) == 2
    assert "unknown" in capsys.readouterr().err
