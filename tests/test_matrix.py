"""The verdict matrix: managed policies, custom policies with tag situations, account principals."""

from __future__ import annotations

import pytest

from xraykit import catalog
from xraykit.account import Account
from xraykit.engine import PolicySet, simulate
from xraykit.errors import XrayKitError
from xraykit.matrix import MANAGED_POLICIES, Column, principal_matrix, verdict_matrix
from xraykit.result import Decision

DAEMON = (
    "xray:GetSamplingRules",
    "xray:GetSamplingStatisticSummaries",
    "xray:GetSamplingTargets",
    "xray:PutTelemetryRecords",
    "xray:PutTraceSegments",
)
STAGE_DENY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "AllowAllXRay", "Effect": "Allow", "Action": "xray:*", "Resource": "*"},
        {
            "Sid": "DenyUpdateGroupWithStage",
            "Effect": "Deny",
            "Action": ["xray:UpdateGroup", "xray:DeleteGroup"],
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:ResourceTag/stage": ["preprod", "prod"]}},
        },
    ],
}
SITUATIONS = {"untagged": {}, "prod": {"resource_tags": {"stage": "prod"}, "request_tags": {"stage": "prod"}}}


@pytest.fixture(scope="module")
def managed():
    return verdict_matrix(MANAGED_POLICIES)


def _managed_actions(name: str) -> set[str]:
    document = catalog.managed_policy(name)
    found: set[str] = set()
    for statement in document["Statement"]:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        for pattern in actions:
            found |= {a.full_name for a in catalog.expand(pattern) if a.service == "xray"}
    return found


def test_the_full_matrix_has_every_xray_action_once_per_resource_kind(managed):
    expected = sum(max(1, len(a.resource_types)) for a in catalog.actions("xray"))
    assert managed.rows == MANAGED_POLICIES
    assert len(managed.columns) == expected
    assert {c.action for c in managed.columns} == {a.full_name for a in catalog.actions("xray")}
    assert [c.resource_kind for c in managed.columns if c.action == "xray:TagResource"] == [
        "group",
        "sampling-rule",
    ]


@pytest.mark.parametrize(
    "policy",
    [
        pytest.param("AWSXrayReadOnlyAccess", id="read-only allows exactly the X-Ray actions it lists"),
        pytest.param("AWSXRayDaemonWriteAccess", id="daemon write allows exactly the X-Ray actions it lists"),
        pytest.param("AWSXrayWriteOnlyAccess", id="write-only allows exactly the X-Ray actions it lists"),
        pytest.param("AWSXrayFullAccess", id="full access allows every X-Ray action"),
        pytest.param("AWSElasticBeanstalkWebTier", id="the Beanstalk web tier allows the daemon's actions"),
        pytest.param("AmazonS3ReadOnlyAccess", id="S3 read-only allows no X-Ray action"),
    ],
)
def test_each_managed_policy_allows_what_its_document_lists(managed, policy):
    assert set(managed.allowed_actions(policy)) == _managed_actions(policy)


def test_the_daemon_policies_allow_the_five_daemon_actions_and_nothing_else(managed):
    assert set(managed.allowed_actions("AWSXRayDaemonWriteAccess")) == set(DAEMON)
    assert set(managed.allowed_actions("AWSElasticBeanstalkWebTier")) == set(DAEMON)


def test_read_and_write_policies_lack_encryption_and_sampling_rule_configuration(managed):
    for policy in ("AWSXrayReadOnlyAccess", "AWSXrayWriteOnlyAccess", "AWSXRayDaemonWriteAccess"):
        for action in ("xray:PutEncryptionConfig", "xray:CreateSamplingRule", "xray:UpdateSamplingRule"):
            assert managed.decision(policy, action) is Decision.IMPLICIT_DENY, (policy, action)
    assert managed.decision("AWSXrayFullAccess", "xray:PutEncryptionConfig") is Decision.ALLOWED


def test_every_cell_agrees_with_a_full_evaluation(managed):
    plan_resources = {
        "group": "arn:aws:xray:us-east-1:123456789012:group/example/X",
        "sampling-rule": "arn:aws:xray:us-east-1:123456789012:sampling-rule/example",
        "*": "*",
    }
    for r, row in enumerate(managed.rows):
        for c, column in enumerate(managed.columns):
            evaluation = simulate(
                column.action, plan_resources[column.resource_kind], identity_policies=[row]
            )
            assert evaluation.decision is managed.decisions[r][c], (row, column.label)


def test_tag_situations_split_only_the_actions_whose_keys_use_tags():
    table = verdict_matrix({"docs example": STAGE_DENY}, situations=SITUATIONS)
    assert table.decision("docs example", "xray:DeleteGroup", "group", "prod") is Decision.EXPLICIT_DENY
    assert table.decision("docs example", "xray:DeleteGroup", "group", "untagged") is Decision.ALLOWED
    assert table.decision("docs example", "xray:UntagResource", "group", "prod") is Decision.ALLOWED
    assert [c.situation for c in table.columns if c.action == "xray:GetServiceGraph"] == [""]
    assert [c.situation for c in table.columns if c.action == "xray:DeleteGroup"] == ["untagged", "prod"]


def test_actions_narrow_the_columns_and_subjects_may_be_policy_sets():
    table = verdict_matrix({"set": PolicySet(["AWSXrayReadOnlyAccess"])}, actions=["xray:Get*Group*"])
    assert [c.action for c in table.columns] == ["xray:GetGroup", "xray:GetGroups"]
    assert table.allowed_actions("set") == ("xray:GetGroup", "xray:GetGroups")


def test_the_heatmap_data_has_one_value_per_cell(managed):
    data = managed.heatmap_data()
    assert data["rows"] == list(MANAGED_POLICIES)
    assert len(data["columns"]) == len(managed.columns)
    assert all(len(row) == len(managed.columns) for row in data["values"])
    assert {v for row in data["values"] for v in row} <= {-1, 0, 1}
    assert data["legend"]["1"] == "Allowed"
    full = data["rows"].index("AWSXrayFullAccess")
    assert set(data["values"][full]) == {1}


def test_the_text_twin_is_deterministic_and_has_a_legend(managed):
    again = verdict_matrix(MANAGED_POLICIES)
    assert str(again) == str(managed)
    text = str(managed)
    assert " 4 = AWSXrayFullAccess" in text
    assert "xray:TagResource [group]" in text
    assert "✓ Allowed" in text
    assert "<table" in managed._repr_html_()


def test_counts_add_up_to_the_number_of_columns(managed):
    for row, counts in managed.counts().items():
        assert sum(counts.values()) == len(managed.columns), row


def test_column_labels_name_the_resource_kind_and_situation():
    assert Column("xray:GetGroups").label == "xray:GetGroups"
    assert Column("xray:TagResource", "group", "prod").label == "xray:TagResource [group, prod]"


def test_principals_of_an_account_get_their_derived_keys():
    team_policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "xray:*Group",
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}},
            }
        ],
    }
    account = Account()
    account.add_user("carol", [team_policy], tags={"team": "web"})
    account.add_user("dave", [team_policy], tags={"team": "data"})
    situations = {"web group": {"resource_tags": {"team": "web"}}}
    table = principal_matrix(account, actions=["xray:DeleteGroup"], situations=situations)
    assert table.rows == ("carol", "dave")
    assert table.decision("carol", "xray:DeleteGroup") is Decision.ALLOWED
    assert table.decision("dave", "xray:DeleteGroup") is Decision.IMPLICIT_DENY


@pytest.mark.parametrize(
    ("call", "message"),
    [
        pytest.param(
            lambda m: m.decision("ReadOnly", "xray:GetGroup"),
            "no row `ReadOnly`",
            id="an unknown row is named",
        ),
        pytest.param(
            lambda m: m.decision("AWSXrayFullAccess", "xray:GetGroupz"),
            "no column for `xray:GetGroupz`",
            id="an unknown column is named",
        ),
        pytest.param(
            lambda m: verdict_matrix(["AWSXrayFullAccess"], situations={"x": {"tags": {}}}),
            "unknown field `tags`",
            id="a situation with an unknown field is refused",
        ),
    ],
)
def test_bad_lookups_raise_one_clear_error(managed, call, message):
    with pytest.raises(XrayKitError) as raised:
        call(managed)
    assert message in str(raised.value)
