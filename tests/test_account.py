"""The account model: identities and the keys AWS derives, state changes, records, bundles."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xraykit.account import Account, bundle, bundle_names, evaluate_bundle, unique_id
from xraykit.errors import XrayKitError
from xraykit.kms import customer_managed_key, key_policy
from xraykit.result import Decision, Layer


@pytest.fixture
def account() -> Account:
    account = Account()
    account.add_iam_group("readers", ["AWSXrayReadOnlyAccess"])
    account.add_user("alice", groups=["readers"], tags={"team": "web"})
    account.add_user("admin", ["AWSXrayFullAccess"])
    account.add_role(
        "xray-application",
        ["AWSXRayDaemonWriteAccess"],
        tags={"team": "core"},
        path="/service/",
        session_name="i-0123456789abcdef0",
    )
    account.add_session("xray-application", "tagged", tags={"team": "edge"})
    return account


# ---------------------------------------------------------------------- derived keys


@pytest.mark.parametrize(
    ("principal", "key", "value"),
    [
        pytest.param("alice", "aws:username", "alice", id="a user's requests carry aws:username"),
        pytest.param(
            "alice",
            "aws:userid",
            unique_id("AIDA", "123456789012", "alice"),
            id="a user's aws:userid is its AIDA unique ID",
        ),
        pytest.param(
            "alice",
            "aws:PrincipalArn",
            "arn:aws:iam::123456789012:user/alice",
            id="a user's aws:PrincipalArn is the user ARN",
        ),
        pytest.param("alice", "aws:PrincipalType", "User", id="a user is of type User"),
        pytest.param("alice", "aws:PrincipalTag/team", "web", id="a user's tags become principal tags"),
        pytest.param(
            "xray-application",
            "aws:userid",
            unique_id("AROA", "123456789012", "xray-application") + ":i-0123456789abcdef0",
            id="a session's aws:userid is the role ID and the session name",
        ),
        pytest.param(
            "xray-application",
            "aws:PrincipalArn",
            "arn:aws:iam::123456789012:role/service/xray-application",
            id="a session's aws:PrincipalArn is the role ARN with its path",
        ),
        pytest.param(
            "xray-application", "aws:PrincipalType", "AssumedRole", id="a session is of type AssumedRole"
        ),
        pytest.param(
            "xray-application", "aws:PrincipalTag/team", "core", id="a session carries the role's tags"
        ),
        pytest.param(
            "xray-application/tagged",
            "aws:PrincipalTag/team",
            "edge",
            id="session tags override the role's tags",
        ),
        pytest.param(
            "alice", "aws:PrincipalAccount", "123456789012", id="every principal carries its account"
        ),
        pytest.param("alice", "aws:CurrentTime", "2020-09-21T12:00:00Z", id="requests carry the fixed clock"),
        pytest.param("alice", "aws:EpochTime", "1600689600", id="the epoch time agrees with the clock"),
    ],
)
def test_the_keys_aws_derives_from_the_principal(account, principal, key, value) -> None:
    identity = account.identity(principal)
    assert account.base_context(identity)[key] == value


def test_a_session_has_no_username_and_signs_with_its_sts_arn(account) -> None:
    identity = account.identity("xray-application")
    assert "aws:username" not in identity.context
    assert identity.arn == "arn:aws:sts::123456789012:assumed-role/xray-application/i-0123456789abcdef0"


@pytest.mark.parametrize(
    ("written", "name"),
    [
        pytest.param("arn:aws:iam::123456789012:user/alice", "alice", id="a user ARN names the user"),
        pytest.param(
            "arn:aws:sts::123456789012:assumed-role/xray-application/tagged",
            "xray-application/tagged",
            id="a session ARN names the session",
        ),
        pytest.param(
            "xray-application/adhoc", "xray-application/adhoc", id="an unknown session of a role is made up"
        ),
    ],
)
def test_principals_can_be_named_by_arn(account, written, name) -> None:
    assert account.identity(written).name == name


def test_an_unknown_principal_suggests_the_closest(account) -> None:
    with pytest.raises(XrayKitError, match="did you mean `alice`"):
        account.identity("alicia")


def test_group_policies_apply_to_members(account) -> None:
    assert account.request("alice", "xray:GetServiceGraph").allowed
    assert not account.request("alice", "xray:PutTraceSegments").allowed


def test_managed_policy_versions_and_account_policies_attach_by_name() -> None:
    account = Account(
        policies={
            "daemon-only": {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "xray:PutTraceSegments", "Resource": "*"}],
            }
        }
    )
    account.add_user("old", ["AWSXrayReadOnlyAccess@v3"])
    account.add_user("uploader", ["daemon-only"])
    assert not account.request(
        "old", "xray:ListTagsForResource", "arn:aws:xray:us-east-1:123456789012:group/g/X"
    ).allowed
    assert account.request("uploader", "xray:PutTraceSegments").allowed


def test_an_unknown_iam_group_is_refused() -> None:
    with pytest.raises(XrayKitError, match="there is no IAM group `devs`"):
        Account().add_user("x", groups=["devs"])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param(
            {"account_id": "1234"}, "`1234` is not an account ID", id="a short account ID is refused"
        ),
        pytest.param(
            {"clock": "yesterday"}, "not an ISO 8601 time", id="a clock that is not a time is refused"
        ),
    ],
)
def test_bad_account_arguments_are_refused(kwargs, message) -> None:
    with pytest.raises(XrayKitError, match=message):
        Account(**kwargs)


# ------------------------------------------------------------------------ state changes


def test_an_allowed_sequence_changes_the_account_step_by_step(account) -> None:
    log = account.run(
        [
            ("admin", "CreateGroup", {"GroupName": "prod", "Tags": [{"Key": "stage", "Value": "prod"}]}),
            (
                "admin",
                "TagResource",
                {"ResourceARN": account.next_group_arn("prod"), "Tags": [{"Key": "team", "Value": "web"}]},
            ),
            ("admin", "UntagResource", {"ResourceARN": account.next_group_arn("prod"), "TagKeys": ["stage"]}),
            ("admin", "UpdateGroup", {"GroupName": "prod", "FilterExpression": "error = true"}),
            ("admin", "DeleteGroup", {"GroupName": "prod"}),
        ]
    )
    assert [r.decision for r in log] == [Decision.ALLOWED] * 5
    assert [row["tags after"] for row in log.timeline()] == [
        {"stage": "prod"},
        {"stage": "prod", "team": "web"},
        {"team": "web"},
        {"team": "web"},
        None,
    ]
    assert [row["aws:TagKeys"] for row in log.timeline()] == [("stage",), ("team",), ("stage",), (), ()]
    assert account.groups == {}
    assert "5. admin: DeleteGroup group prod → Allowed" in str(log)
    assert "<table>" in log._repr_html_()


def test_a_denied_call_changes_nothing(account) -> None:
    account.add_xray_group("prod", tags={"stage": "prod"})
    before = account.group("prod")
    record = account.call("alice", "UntagResource", ResourceARN=before.arn, TagKeys=["stage"])
    assert record.decision is Decision.IMPLICIT_DENY
    assert record.changes == () and account.group("prod") == before
    assert "changed: nothing (a denied call changes nothing)" in str(record)


def test_a_call_record_reads_as_text_and_html(account) -> None:
    record = account.call("admin", "CreateGroup", GroupName="prod", Tags=[{"Key": "stage", "Value": "prod"}])
    text = str(record)
    assert text.splitlines()[0] == "admin: CreateGroup → Allowed"
    assert "context: aws:RequestTag/stage=prod  aws:TagKeys=[stage]" in text
    assert "changed: created group prod" in text
    assert "aws:username" not in text  # routine keys stay in the evaluation's trace
    assert "aws:username" in str(record.evaluations[0])
    html = record._repr_html_()
    assert "CreateGroup" in html and "Allowed" in html
    assert record.to_dict()["requests"][0]["context"]["aws:TagKeys"] == ["stage"]


def test_copies_are_independent(account) -> None:
    other = account.copy()
    other.call("admin", "CreateGroup", GroupName="only-in-copy")
    assert "only-in-copy" in other.groups and "only-in-copy" not in account.groups


def test_the_account_describes_itself(account) -> None:
    text = str(account)
    assert "user alice: no attached policies groups readers" in text
    assert "sampling rule Default {}" in text
    assert "encryption: default encryption" in text
    assert "<pre" in account._repr_html_()


def test_set_up_methods_check_their_input(account) -> None:
    with pytest.raises(XrayKitError, match="asymmetric"):
        account.add_key("signing", spec="RSA_2048")
        account.set_encryption("KMS", "alias/signing")
    with pytest.raises(XrayKitError, match="there is no KMS key"):
        account.set_encryption("KMS", "alias/none")
    with pytest.raises(XrayKitError, match="there is no group `nope`"):
        account.group("nope")


# ------------------------------------------------------------------------------ bundles


def test_the_bundles_are_the_documented_tasks() -> None:
    assert set(bundle_names()) >= {
        "daemon",
        "console-service-map",
        "console-traces",
        "configure-encryption-with-customer-managed-key",
        "read-encrypted-traces",
    }
    assert bundle("daemon").actions == (
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "xray:GetSamplingRules",
        "xray:GetSamplingTargets",
        "xray:GetSamplingStatisticSummaries",
    )
    assert bundle("read-encrypted-traces").needs_key and not bundle("daemon").needs_key
    with pytest.raises(XrayKitError, match="did you mean `daemon`"):
        bundle("deamon")


def test_a_bundle_names_the_member_that_fails(account) -> None:
    result = account.run_bundle("daemon", "alice")
    assert result.decision is Decision.IMPLICIT_DENY
    assert result.first_failure is not None and result.first_failure.action == "xray:PutTraceSegments"
    assert [m.action for m in result.failing] == ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    assert "first failing member: xray:PutTraceSegments" in str(result)
    assert result.failure_text() is not None and result.failure_text().startswith("`xray:PutTraceSegments`")
    assert account.run_bundle("daemon", "xray-application").allowed


def test_a_bundle_with_key_members_needs_a_key(account) -> None:
    with pytest.raises(XrayKitError, match="needs a KMS key"):
        account.run_bundle("read-encrypted-traces", "alice")


def test_bundles_evaluate_without_an_account_too() -> None:
    key = customer_managed_key("xray-cmk", policy=key_policy(users=["arn:aws:iam::123456789012:user/carol"]))
    carol = "arn:aws:iam::123456789012:user/carol"
    result = evaluate_bundle(
        "configure-encryption-with-customer-managed-key",
        identity_policies=["AWSXrayFullAccess"],
        principal=carol,
        key=key,
    )
    assert result.allowed
    denied = evaluate_bundle(
        "configure-encryption-with-customer-managed-key",
        identity_policies=["AWSXrayFullAccess"],
        principal="arn:aws:iam::123456789012:user/dave",
        key=key,
    )
    assert denied.first_failure is not None and denied.first_failure.action == "kms:DescribeKey"
    assert denied.evaluations[1].blocked_by == (Layer.IDENTITY,)


# --------------------------------------------------------------------------- properties

_TAG = st.sampled_from(["stage", "team", "owner"])
_VALUE = st.sampled_from(["prod", "dev", "web"])
_CALL = st.one_of(
    st.tuples(st.just("CreateGroup"), st.dictionaries(_TAG, _VALUE, max_size=2)),
    st.tuples(st.just("TagResource"), st.dictionaries(_TAG, _VALUE, min_size=1, max_size=2)),
    st.tuples(st.just("UntagResource"), st.lists(_TAG, min_size=1, max_size=2, unique=True)),
    st.tuples(st.just("DeleteGroup"), st.none()),
)
_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "xray:*", "Resource": "*"},
        {
            "Effect": "Deny",
            "Action": ["xray:DeleteGroup", "xray:UntagResource"],
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:ResourceTag/stage": "prod"}},
        },
        {
            "Effect": "Deny",
            "Action": ["xray:CreateGroup", "xray:TagResource"],
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:RequestTag/owner": "web"}},
        },
    ],
}


def _step(account: Account, call: tuple) -> object:
    operation, argument = call
    exists = "g" in account.groups
    if operation == "CreateGroup":
        return account.call(
            "dana",
            "CreateGroup",
            GroupName="g",
            **({"Tags": [{"Key": k, "Value": v} for k, v in argument.items()]} if argument else {}),
        )
    if not exists:
        return None
    arn = account.group("g").arn
    if operation == "TagResource":
        return account.call(
            "dana", "TagResource", ResourceARN=arn, Tags=[{"Key": k, "Value": v} for k, v in argument.items()]
        )
    if operation == "UntagResource":
        return account.call("dana", "UntagResource", ResourceARN=arn, TagKeys=argument)
    return account.call("dana", "DeleteGroup", GroupName="g")


@settings(max_examples=60, deadline=None)
@given(st.lists(_CALL, min_size=1, max_size=6))
def test_only_allowed_calls_change_the_account(calls) -> None:
    account = Account()
    account.add_user("dana", [{"name": "stage-guard", "policy": _POLICY}])
    for call in calls:
        before = dict(account.groups)
        record = _step(account, call)
        if record is None:
            continue
        if not record.allowed or record.error:
            assert account.groups == before
        elif call[0] == "CreateGroup":
            assert account.group("g").tags == call[1]
        elif call[0] == "DeleteGroup":
            assert "g" not in account.groups


@settings(max_examples=60, deadline=None)
@given(st.lists(_CALL, min_size=1, max_size=6))
def test_a_prod_tagged_group_is_never_deleted_while_tagged(calls) -> None:
    account = Account()
    account.add_user("dana", [{"name": "stage-guard", "policy": _POLICY}])
    for call in calls:
        tagged_prod = "g" in account.groups and account.group("g").tags.get("stage") == "prod"
        record = _step(account, call)
        if record is not None and call[0] == "DeleteGroup" and tagged_prod:
            assert record.decision is Decision.EXPLICIT_DENY
            assert "g" in account.groups
