"""X-Ray calls checked against botocore's model, and the authorization requests they make."""

from __future__ import annotations

import subprocess
import sys

import pytest

from xraykit.account import Account, check_parameters, operation_name, operation_names
from xraykit.errors import XrayKitError

RULE = {
    "RuleName": "base-scorekeep",
    "ResourceARN": "*",
    "Priority": 9000,
    "FixedRate": 0.1,
    "ReservoirSize": 5,
    "ServiceName": "Scorekeep",
    "ServiceType": "*",
    "Host": "*",
    "HTTPMethod": "*",
    "URLPath": "*",
    "Version": 1,
}


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        pytest.param("CreateGroup", "CreateGroup", id="the API name is kept"),
        pytest.param("create_group", "CreateGroup", id="a boto3 method name is accepted"),
        pytest.param("xray:CreateGroup", "CreateGroup", id="an IAM action name is accepted"),
        pytest.param("putencryptionconfig", "PutEncryptionConfig", id="case does not matter"),
    ],
)
def test_operation_names_are_found_however_written(written: str, canonical: str) -> None:
    assert operation_name(written) == canonical


def test_the_operations_are_botocore_s() -> None:
    names = operation_names()
    assert "PutTraceSegments" in names and "CreateGroup" in names
    assert len(names) >= 38


@pytest.mark.parametrize(
    ("operation", "parameters", "path", "message", "hint"),
    [
        pytest.param(
            "CreateGroup",
            {},
            "GroupName",
            "`CreateGroup` needs `GroupName`",
            "required: `GroupName`",
            id="a missing required member is named",
        ),
        pytest.param(
            "CreateGroup",
            {"GroupNam": "prod"},
            "GroupNam",
            "`CreateGroup` has no parameter `GroupNam`",
            "did you mean `GroupName`?",
            id="an unknown parameter suggests the closest",
        ),
        pytest.param(
            "PutEncryptionConfig",
            {"Type": "AES"},
            "Type",
            "`Type` cannot be `AES`",
            "allowed: `NONE`, `KMS`",
            id="a value outside the enum lists the allowed values",
        ),
        pytest.param(
            "PutEncryptionConfig",
            {"Type": "kms"},
            "Type",
            "`Type` cannot be `kms`",
            "did you mean `KMS`?",
            id="an enum value in the wrong case suggests the right one",
        ),
        pytest.param(
            "CreateGroup",
            {"GroupName": 7},
            "GroupName",
            "`GroupName` must be a string, not an integer",
            None,
            id="a value of the wrong type is refused",
        ),
        pytest.param(
            "CreateGroup",
            {"GroupName": ""},
            "GroupName",
            "`GroupName` needs at least 1 character",
            None,
            id="a value shorter than the model allows is refused",
        ),
        pytest.param(
            "CreateSamplingRule",
            {"SamplingRule": {**RULE, "Priority": "high"}},
            "SamplingRule.Priority",
            "`SamplingRule.Priority` must be an integer, not a string",
            None,
            id="a nested member is located by its path",
        ),
        pytest.param(
            "CreateSamplingRule",
            {"SamplingRule": {k: v for k, v in RULE.items() if k != "Host"}},
            "SamplingRule.Host",
            "`SamplingRule` needs `Host`",
            None,
            id="a nested required member is named",
        ),
        pytest.param(
            "TagResource",
            {"ResourceARN": "arn", "Tags": [{"Key": "stage"}]},
            "Tags[0].Value",
            "`Tags[0]` needs `Value`",
            None,
            id="a tag without a value is refused as the model says",
        ),
        pytest.param(
            "CreateGroup",
            {"GroupName": "g" * 33},
            "GroupName",
            "`GroupName` has 33 characters, more than 32",
            None,
            id="a value longer than the model allows is refused",
        ),
        pytest.param(
            "CreateSamplingRule",
            {"SamplingRule": {**RULE, "Priority": 0}},
            "SamplingRule.Priority",
            "`SamplingRule.Priority` is 0, less than 1",
            None,
            id="a number below its range is refused",
        ),
        pytest.param(
            "CreateSamplingRule",
            {"SamplingRule": {**RULE, "FixedRate": 2}},
            "SamplingRule.FixedRate",
            "`SamplingRule.FixedRate` is 2, more than 1",
            None,
            id="a number above its range is refused",
        ),
        pytest.param(
            "CreateSamplingRule",
            {"SamplingRule": {**RULE, "Priority": True}},
            "SamplingRule.Priority",
            "`SamplingRule.Priority` must be an integer, not a boolean",
            None,
            id="a boolean is no integer",
        ),
        pytest.param(
            "CreateSamplingRule",
            {"SamplingRule": {**RULE, "Priority": None}},
            "SamplingRule.Priority",
            "`SamplingRule.Priority` must be an integer, not null",
            None,
            id="null is named as JSON names it",
        ),
        pytest.param(
            "CreateSamplingRule",
            {"SamplingRule": {**RULE, "Attributes": {f"k{i}": "v" for i in range(6)}}},
            "SamplingRule.Attributes",
            "`SamplingRule.Attributes` has 6 entries, more than 5",
            None,
            id="a map with more entries than the model allows is refused",
        ),
        pytest.param(
            "CreateSamplingRule",
            {"SamplingRule": {**RULE, "Attributes": {"k": "v" * 33}}},
            "SamplingRule.Attributes.k",
            "`SamplingRule.Attributes.k` has 33 characters, more than 32",
            None,
            id="a map value is checked by its own shape",
        ),
        pytest.param(
            "CreateSamplingRule",
            {"SamplingRule": {**RULE, "Attributes": ["k"]}},
            "SamplingRule.Attributes",
            "`SamplingRule.Attributes` must be an object, not a list",
            None,
            id="a list is no map",
        ),
        pytest.param(
            "GetInsightSummaries",
            {"States": ["ACTIVE", "CLOSED"], "StartTime": 1, "EndTime": 2},
            "States",
            "`States` has 2 items, more than 1",
            None,
            id="a list with more items than the model allows is refused",
        ),
        pytest.param(
            "GetInsightSummaries",
            {"States": ["OPEN"], "StartTime": 1, "EndTime": 2},
            "States[0]",
            "`States[0]` cannot be `OPEN`",
            "allowed: `ACTIVE`, `CLOSED`",
            id="a list item is checked by its own shape",
        ),
        pytest.param(
            "GetTraceSummaries",
            {"StartTime": True, "EndTime": 2},
            "StartTime",
            "`StartTime` must be a timestamp, not a boolean",
            None,
            id="a boolean is no timestamp",
        ),
        pytest.param(
            "CreateGroup",
            {"GroupName": "g", "InsightsConfiguration": {"InsightsEnabled": "yes"}},
            "InsightsConfiguration.InsightsEnabled",
            "`InsightsConfiguration.InsightsEnabled` must be a boolean, not a string",
            None,
            id="a string is no boolean",
        ),
        pytest.param(
            "CreateGroups",
            {},
            "operation",
            "unknown X-Ray operation `CreateGroups`",
            "did you mean `CreateGroup`",
            id="an unknown operation suggests the closest",
        ),
    ],
)
def test_parameters_are_checked_against_the_model(operation, parameters, path, message, hint) -> None:
    with pytest.raises(XrayKitError) as raised:
        check_parameters(operation, parameters)
    issue = next(i for i in raised.value.issues if i.path == path)
    assert issue.message == message
    if hint is not None:
        assert issue.hint is not None and hint in issue.hint


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(XrayKitError) as raised:
        check_parameters("CreateGroup", {"GroupNam": "x", "Tags": "stage=prod"})
    paths = sorted(i.path for i in raised.value.issues)
    assert paths == ["GroupNam", "GroupName", "Tags"]


def test_operations_without_input_take_no_parameters() -> None:
    assert check_parameters("GetEncryptionConfig", {}) == "GetEncryptionConfig"


def test_a_call_with_bad_parameters_changes_nothing() -> None:
    account = Account()
    account.add_user("admin", ["AWSXrayFullAccess"])
    with pytest.raises(XrayKitError):
        account.call("admin", "CreateGroup", GroupName="prod", Tags=[{"Key": "stage"}])
    assert account.groups == {}


def test_botocore_loads_only_when_a_call_is_checked() -> None:
    code = (
        "import sys, xraykit.account; a = 'botocore' in sys.modules; "
        "xraykit.account.check_parameters('GetGroups', {}); print(a, 'botocore' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "True"]


# ----------------------------------------------------------------------------- requests


@pytest.fixture
def account() -> Account:
    account = Account(seed=3)
    account.add_user("admin", ["AWSXrayFullAccess"], tags={"team": "web"})
    account.add_xray_group("prod", "fault = true", tags={"stage": "prod"})
    account.add_sampling_rule("base", tags={"stage": "dev"})
    return account


def _context(record) -> dict:
    return {k: (list(v) if isinstance(v, tuple | list) else v) for k, v in record.requests[0].context.items()}


@pytest.mark.parametrize(
    ("operation", "parameters", "present", "absent"),
    [
        pytest.param(
            "CreateGroup",
            {"GroupName": "g", "Tags": [{"Key": "stage", "Value": "dev"}]},
            {"aws:RequestTag/stage": "dev", "aws:TagKeys": ["stage"]},
            ["aws:ResourceTag/stage"],
            id="CreateGroup carries request tags and tag keys",
        ),
        pytest.param(
            "CreateGroup",
            {"GroupName": "g"},
            {},
            ["aws:TagKeys"],
            id="CreateGroup without tags carries no tag keys at all",
        ),
        pytest.param(
            "UpdateGroup",
            {"GroupName": "prod", "FilterExpression": "error = true"},
            {"aws:ResourceTag/stage": "prod"},
            ["aws:TagKeys"],
            id="UpdateGroup carries the group's tags",
        ),
        pytest.param(
            "TagResource",
            {"ResourceARN": "{group}", "Tags": [{"Key": "owner", "Value": "web"}]},
            {"aws:RequestTag/owner": "web", "aws:TagKeys": ["owner"], "aws:ResourceTag/stage": "prod"},
            [],
            id="TagResource carries both the new tags and the existing ones",
        ),
        pytest.param(
            "UntagResource",
            {"ResourceARN": "{group}", "TagKeys": ["stage"]},
            {"aws:TagKeys": ["stage"], "aws:ResourceTag/stage": "prod"},
            ["aws:RequestTag/stage"],
            id="UntagResource carries tag keys but no request tags",
        ),
        pytest.param(
            "DeleteSamplingRule",
            {"RuleName": "base"},
            {"aws:ResourceTag/stage": "dev"},
            [],
            id="DeleteSamplingRule carries the rule's tags",
        ),
        pytest.param(
            "GetGroups",
            {},
            {"aws:username": "admin", "aws:PrincipalTag/team": "web"},
            ["aws:ResourceTag/stage"],
            id="an action on star carries the principal's keys only",
        ),
    ],
)
def test_requests_carry_the_tag_keys_the_action_supports(
    account, operation, parameters, present, absent
) -> None:
    filled = {k: (account.group("prod").arn if v == "{group}" else v) for k, v in parameters.items()}
    record = account.call("admin", operation, **filled)
    context = _context(record)
    for key, value in present.items():
        assert context[key] == value, key
    for key in absent:
        assert key not in context, key


@pytest.mark.parametrize(
    ("operation", "parameters", "resource"),
    [
        pytest.param(
            "GetGroup", {"GroupName": "prod"}, "group", id="GetGroup is authorized on the group's ARN"
        ),
        pytest.param(
            "DeleteSamplingRule",
            {"RuleName": "base"},
            "arn:aws:xray:us-east-1:123456789012:sampling-rule/base",
            id="a rule's ARN is its name",
        ),
        pytest.param("GetGroups", {}, "*", id="GetGroups is authorized on star"),
        pytest.param(
            "PutTraceSegments", {"TraceSegmentDocuments": ["{}"]}, "*", id="uploads are authorized on star"
        ),
    ],
)
def test_requests_name_the_resource_the_catalog_says(account, operation, parameters, resource) -> None:
    record = account.call("admin", operation, **parameters)
    expected = account.group("prod").arn if resource == "group" else resource
    assert record.requests[0].resource == expected
    assert record.requests[0].action == f"xray:{operation}"


def test_a_new_group_gets_a_seeded_id_and_the_same_account_gives_the_same_arn() -> None:
    first, second = Account(seed=9), Account(seed=9)
    for account in (first, second):
        account.add_user("admin", ["AWSXrayFullAccess"])
        account.call("admin", "CreateGroup", GroupName="prod")
    assert first.group("prod").arn == second.group("prod").arn
    assert first.group("prod").arn.startswith("arn:aws:xray:us-east-1:123456789012:group/prod/")
    assert Account(seed=10).next_group_arn("prod") != first.next_group_arn("prod")


def test_a_recreated_group_gets_a_new_id(account) -> None:
    before = account.group("prod").arn
    account.call("admin", "DeleteGroup", GroupName="prod")
    account.call("admin", "CreateGroup", GroupName="prod")
    assert account.group("prod").arn != before


def test_a_denied_create_does_not_use_up_the_id() -> None:
    account = Account()
    account.add_user("reader", ["AWSXrayReadOnlyAccess"])
    account.add_user("admin", ["AWSXrayFullAccess"])
    planned = account.next_group_arn("prod")
    assert not account.call("reader", "CreateGroup", GroupName="prod").allowed
    account.call("admin", "CreateGroup", GroupName="prod")
    assert account.group("prod").arn == planned


@pytest.mark.parametrize(
    ("operation", "parameters", "error"),
    [
        pytest.param(
            "GetGroup",
            {"GroupName": "nope"},
            "there is no group `nope` in the account",
            id="an unknown group stops the call before authorization",
        ),
        pytest.param(
            "UntagResource",
            {"ResourceARN": "arn:aws:xray:us-east-1:123456789012:group/x/Y", "TagKeys": ["a"]},
            "there is no group or sampling rule with the ARN",
            id="an unknown ARN stops a tagging call",
        ),
        pytest.param(
            "UpdateSamplingRule",
            {"SamplingRuleUpdate": {"RuleName": "a", "RuleARN": "b"}},
            "give `RuleName` or `RuleARN`, not both",
            id="a rule named twice is refused",
        ),
        pytest.param(
            "PutEncryptionConfig",
            {"Type": "KMS", "KeyId": "alias/none"},
            "there is no KMS key `alias/none` in the account",
            id="an unknown key is refused",
        ),
    ],
)
def test_service_errors_before_authorization_make_no_requests(account, operation, parameters, error) -> None:
    record = account.call("admin", operation, **parameters)
    assert record.decision is None and record.requests == ()
    assert error in (record.error or "")
    assert "service error" in record.summary()


@pytest.mark.parametrize(
    ("operation", "parameters", "error"),
    [
        pytest.param(
            "CreateGroup",
            {"GroupName": "prod"},
            "a group named `prod` already exists",
            id="creating an existing group fails after authorization",
        ),
        pytest.param(
            "TagResource",
            {"ResourceARN": "{group}", "Tags": [{"Key": "aws:owner", "Value": "x"}]},
            "reserved for AWS",
            id="a tag key starting with aws: is refused",
        ),
        pytest.param(
            "DeleteSamplingRule",
            {"RuleName": "Default"},
            "cannot be deleted",
            id="the Default rule cannot be deleted",
        ),
        pytest.param(
            "UpdateSamplingRule",
            {"SamplingRuleUpdate": {"RuleName": "Default", "Host": "x"}},
            "only `FixedRate` and `ReservoirSize`",
            id="the Default rule keeps its matching fields",
        ),
    ],
)
def test_service_errors_after_authorization_change_nothing(account, operation, parameters, error) -> None:
    filled = {k: (account.group("prod").arn if v == "{group}" else v) for k, v in parameters.items()}
    before = (dict(account.groups), dict(account.rules))
    record = account.call("admin", operation, **filled)
    assert record.allowed and not record.succeeded
    assert error in (record.error or "")
    assert record.changes == ()
    assert (account.groups, account.rules) == before


def test_put_encryption_config_with_none_and_a_key_is_refused(account) -> None:
    with pytest.raises(XrayKitError, match="leave out `KeyId`"):
        account.call("admin", "PutEncryptionConfig", Type="NONE", KeyId="alias/x")
    with pytest.raises(XrayKitError, match="needs a `KeyId`"):
        account.call("admin", "PutEncryptionConfig", Type="KMS")


def test_resource_policy_names_and_destinations_reach_the_context(account) -> None:
    record = account.call("admin", "PutResourcePolicy", PolicyName="share", PolicyDocument="{}")
    assert record.requests[0].context["xray:ResourcePolicyName"] == "share"
    record = account.call("admin", "UpdateTraceSegmentDestination", Destination="CloudWatchLogs")
    assert record.requests[0].context["xray:TraceSegmentDestination"] == "CloudWatchLogs"
