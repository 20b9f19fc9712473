"""Tags: the documented examples, the lifecycle and its keys, untag-then-delete, the multivalued traps."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xraykit.account import Account, tag_lifecycle
from xraykit.engine import PolicySet
from xraykit.matrix import verdict_matrix
from xraykit.result import Decision

STAGES = ["preprod", "prod"]
ALLOW_ALL = {"Sid": "AllowAllXRay", "Effect": "Allow", "Action": "xray:*", "Resource": "*"}
DOCS_GROUPS = {
    "Version": "2012-10-17",
    "Statement": [
        ALLOW_ALL,
        {
            "Sid": "DenyCreateGroupWithStage",
            "Effect": "Deny",
            "Action": ["xray:CreateGroup"],
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:RequestTag/stage": STAGES}},
        },
        {
            "Sid": "DenyUpdateGroupWithStage",
            "Effect": "Deny",
            "Action": ["xray:UpdateGroup", "xray:DeleteGroup"],
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:ResourceTag/stage": STAGES}},
        },
    ],
}
FIX = {
    "Sid": "DenyTagChangesOnStage",
    "Effect": "Deny",
    "Action": ["xray:TagResource", "xray:UntagResource"],
    "Resource": "*",
    "Condition": {"StringEquals": {"aws:ResourceTag/stage": STAGES}},
}
FIXED = {"Version": "2012-10-17", "Statement": [*DOCS_GROUPS["Statement"], FIX]}


def _account(policy: dict) -> Account:
    account = Account()
    account.add_role("xray-team", [{"name": "team", "policy": policy}], session_name="dana")
    return account


def _tags(**kv: str) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in kv.items()]


# ----------------------------------------------------------------------------- lifecycle


def test_the_lifecycle_lists_the_tag_keys_of_each_step() -> None:
    log = tag_lifecycle(
        _account(DOCS_GROUPS),
        "xray-team",
        "web",
        create_tags={"team": "web"},
        add={"stage": "dev"},
        remove=["stage"],
    )
    rows = log.timeline()
    assert [r["operation"] for r in rows] == [
        "CreateGroup",
        "TagResource",
        "UntagResource",
        "UpdateGroup",
        "DeleteGroup",
    ]
    assert [r["decision"] for r in rows] == ["Allowed"] * 5
    assert [r["request tags"] for r in rows] == [("team=web",), ("stage=dev",), (), (), ()]
    assert [r["aws:TagKeys"] for r in rows] == [("team",), ("stage",), ("stage",), (), ()]
    assert [r["resource tags"] for r in rows] == [
        (),
        ("team=web",),
        ("stage=dev", "team=web"),
        ("team=web",),
        ("team=web",),
    ]
    assert [r["tags after"] for r in rows] == [
        {"team": "web"},
        {"stage": "dev", "team": "web"},
        {"team": "web"},
        {"team": "web"},
        None,
    ]


def test_a_prod_group_cannot_be_created_so_the_later_steps_find_nothing() -> None:
    log = tag_lifecycle(_account(DOCS_GROUPS), "xray-team", "prod", create_tags={"stage": "prod"})
    assert log[0].decision is Decision.EXPLICIT_DENY
    assert [r.error for r in log.records[1:]] == ["there is no group `prod` in the account"] * 2


def test_untag_then_delete_gets_around_the_documented_deny() -> None:
    account = _account(DOCS_GROUPS)
    account.add_xray_group("prod-errors", tags={"stage": "prod"})
    assert (
        account.call("xray-team", "DeleteGroup", GroupName="prod-errors").decision is Decision.EXPLICIT_DENY
    )
    untag = account.call(
        "xray-team", "UntagResource", ResourceARN=account.group("prod-errors").arn, TagKeys=["stage"]
    )
    assert untag.allowed and untag.tags_after == {}
    assert account.call("xray-team", "DeleteGroup", GroupName="prod-errors").allowed
    assert "prod-errors" not in account.groups


@pytest.mark.parametrize(
    ("operation", "parameters"),
    [
        pytest.param("UntagResource", {"TagKeys": ["stage"]}, id="the fix refuses removing the stage tag"),
        pytest.param(
            "TagResource", {"Tags": _tags(stage="dev")}, id="the fix refuses overwriting the stage tag"
        ),
        pytest.param(
            "TagResource", {"Tags": _tags(owner="me")}, id="the fix refuses any tag change on prod groups"
        ),
    ],
)
def test_the_fix_closes_the_gap(operation: str, parameters: dict) -> None:
    account = _account(FIXED)
    account.add_xray_group("prod-errors", tags={"stage": "prod"})
    record = account.call("xray-team", operation, ResourceARN=account.group("prod-errors").arn, **parameters)
    assert record.decision is Decision.EXPLICIT_DENY
    assert account.group("prod-errors").tags == {"stage": "prod"}


_STEP = st.one_of(
    st.tuples(
        st.just("UntagResource"),
        st.lists(st.sampled_from(["stage", "team"]), min_size=1, max_size=2, unique=True),
    ),
    st.tuples(
        st.just("TagResource"),
        st.dictionaries(
            st.sampled_from(["stage", "team"]), st.sampled_from(["prod", "dev"]), min_size=1, max_size=2
        ),
    ),
    st.tuples(st.just("DeleteGroup"), st.none()),
    st.tuples(st.just("UpdateGroup"), st.none()),
)


def _run(account: Account, steps: list) -> None:
    for operation, argument in steps:
        if "prod-errors" not in account.groups:
            return
        arn = account.group("prod-errors").arn
        if operation == "UntagResource":
            account.call("xray-team", operation, ResourceARN=arn, TagKeys=argument)
        elif operation == "TagResource":
            account.call("xray-team", operation, ResourceARN=arn, Tags=_tags(**argument))
        else:
            extra = {"FilterExpression": "error = true"} if operation == "UpdateGroup" else {}
            account.call("xray-team", operation, GroupName="prod-errors", **extra)


@settings(max_examples=80, deadline=None)
@given(st.lists(_STEP, min_size=1, max_size=5))
def test_with_the_fix_no_sequence_of_calls_deletes_or_changes_a_prod_group(steps: list) -> None:
    account = _account(FIXED)
    account.add_xray_group("prod-errors", "fault = true", tags={"stage": "prod"})
    before = account.group("prod-errors")
    _run(account, steps)
    assert account.groups.get("prod-errors") == before


# ------------------------------------------------------------------------ documented policy


@settings(max_examples=100, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["stage", "Stage", "STAGE", "team"]),
        st.sampled_from(["prod", "preprod", "Prod", "dev"]),
        max_size=3,
    ).filter(lambda tags: len({k.lower() for k in tags}) == len(tags))
)
def test_the_documented_create_deny_follows_the_stage_tag(tags: dict[str, str]) -> None:
    # (two tag keys differing only in case are distinct tags but one condition key: left out as undefined)
    account = _account(DOCS_GROUPS)
    record = account.call(
        "xray-team", "CreateGroup", GroupName="g", **({"Tags": _tags(**tags)} if tags else {})
    )
    # the key name is case-insensitive, the value is not
    stage_values = {v for k, v in tags.items() if k.lower() == "stage"}
    denied = bool(stage_values & {"prod", "preprod"})
    assert (record.decision is Decision.EXPLICIT_DENY) is denied


def test_the_tag_situations_of_the_documented_policy_as_a_matrix() -> None:
    table = verdict_matrix(
        {"docs": DOCS_GROUPS, "fixed": FIXED},
        actions=["xray:*Group", "xray:*Tag*"],
        situations={"untagged": {}, "prod": {"resource_tags": {"stage": "prod"}}},
    )
    assert table.decision("docs", "xray:UntagResource", "group", "prod") is Decision.ALLOWED
    assert table.decision("fixed", "xray:UntagResource", "group", "prod") is Decision.EXPLICIT_DENY
    assert table.decision("docs", "xray:DeleteGroup", "group", "prod") is Decision.EXPLICIT_DENY
    assert table.decision("fixed", "xray:DeleteGroup", "group", "untagged") is Decision.ALLOWED


# ------------------------------------------------------------------------ multivalued keys

ALLOWLIST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": "xray:CreateGroup",
            "Resource": "*",
            "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "stage"]}},
        }
    ],
}
GUARDED = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": "xray:CreateGroup",
            "Resource": "*",
            "Condition": {
                "ForAllValues:StringEquals": {"aws:TagKeys": ["team", "stage"]},
                "Null": {"aws:TagKeys": "false"},
            },
        }
    ],
}
ANY_DENY = {
    "Version": "2012-10-17",
    "Statement": [
        ALLOW_ALL,
        {
            "Effect": "Deny",
            "Action": "xray:CreateGroup",
            "Resource": "*",
            "Condition": {"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["team", "stage"]}},
        },
    ],
}
GROUP = "arn:aws:xray:us-east-1:123456789012:group/g/ID"


@pytest.mark.parametrize(
    ("policy", "keys", "decision"),
    [
        pytest.param(ALLOWLIST, None, Decision.ALLOWED, id="ForAllValues is true when aws:TagKeys is absent"),
        pytest.param(ALLOWLIST, [], Decision.ALLOWED, id="ForAllValues is true for an empty set"),
        pytest.param(ALLOWLIST, ["team"], Decision.ALLOWED, id="ForAllValues allows listed keys"),
        pytest.param(
            ALLOWLIST, ["team", "owner"], Decision.IMPLICIT_DENY, id="ForAllValues refuses any unlisted key"
        ),
        pytest.param(
            GUARDED, None, Decision.IMPLICIT_DENY, id="the Null guard refuses a request without tags"
        ),
        pytest.param(GUARDED, ["stage"], Decision.ALLOWED, id="the Null guard lets tagged requests through"),
        pytest.param(ANY_DENY, None, Decision.ALLOWED, id="ForAnyValue is false when aws:TagKeys is absent"),
        pytest.param(ANY_DENY, ["owner"], Decision.EXPLICIT_DENY, id="ForAnyValue denies one unlisted key"),
        pytest.param(ANY_DENY, ["team", "stage"], Decision.ALLOWED, id="ForAnyValue passes only listed keys"),
    ],
)
def test_multivalued_operators_on_tag_keys(policy: dict, keys: list[str] | None, decision: Decision) -> None:
    context = {} if keys is None else {"aws:TagKeys": keys}
    assert PolicySet([policy]).decide("xray:CreateGroup", GROUP, context=context) is decision


def test_the_account_omits_tag_keys_when_no_tags_are_sent_so_the_trap_is_real() -> None:
    account = Account()
    account.add_user("erin", [ALLOWLIST])
    record = account.call("erin", "CreateGroup", GroupName="untagged")
    assert "aws:TagKeys" not in record.requests[0].context
    assert record.allowed
    account.add_user("fixed", [GUARDED])
    assert account.call("fixed", "CreateGroup", GroupName="untagged-2").decision is Decision.IMPLICIT_DENY
