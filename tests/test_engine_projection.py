"""``PolicySet.decide`` remembers decisions by what they depend on; that must never change one.

A compiled plan per action knows which context keys its statements read (condition keys, the keys
of policy variables in condition values and in Resource) and which statements apply to every
request. A decision is remembered under the action, resource, principal, resource account and the
values of just those keys. These tests would fail if a key that matters were left out, if a value
of one type were taken for another, or if a statement were wrongly taken to apply to every request.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xraykit import catalog
from xraykit.catalog import resources as catalog_resources
from xraykit.engine import PolicySet, _context_items, _everyday, _fast_context, _supported_keys
from xraykit.errors import XrayKitError
from xraykit.result import Decision

ACCOUNT = "123456789012"
ALICE = f"arn:aws:iam::{ACCOUNT}:user/alice"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/XrayAdmin/alice"
BOB = "arn:aws:iam::111122223333:user/bob"
GROUP = f"arn:aws:xray:us-east-1:{ACCOUNT}:group/prod/ABC"
RULE = f"arn:aws:xray:us-east-1:{ACCOUNT}:sampling-rule/Default"
ALLOWED, DENIED, EXPLICIT = Decision.ALLOWED, Decision.IMPLICIT_DENY, Decision.EXPLICIT_DENY


def _allow(action: str, resource: Any = "*", condition: dict[str, Any] | None = None) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": "Allow", "Action": action, "Resource": resource}
    if condition:
        statement["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [statement]}


def _deny(action: str, condition: dict[str, Any]) -> dict[str, Any]:
    statement = {"Effect": "Deny", "Action": action, "Resource": "*", "Condition": condition}
    return {"Version": "2012-10-17", "Statement": [statement]}


# (policy set, action, resource, first context, second context, first decision, second decision):
# two requests that differ only in one key a statement reads, and so get different decisions
READS = [
    pytest.param(
        {
            "identity_policies": [
                _allow("xray:GetGroup", "*", {"StringEquals": {"aws:ResourceTag/team": "core"}})
            ]
        },
        "xray:GetGroup",
        GROUP,
        {"aws:ResourceTag/team": "core"},
        {"aws:ResourceTag/team": "web"},
        ALLOWED,
        DENIED,
        id="a condition key",
    ),
    pytest.param(
        {
            "identity_policies": [
                _allow("xray:GetGroup", "*", {"StringEquals": {"aws:ResourceTag/team": "core"}})
            ]
        },
        "xray:GetGroup",
        GROUP,
        {"aws:resourcetag/TEAM": "core"},
        {"AWS:ResourceTag/team": "web"},
        ALLOWED,
        DENIED,
        id="a condition key written in another case",
    ),
    pytest.param(
        {
            "identity_policies": [
                _allow("xray:GetGroup", "*", {"StringEqualsIfExists": {"aws:ResourceTag/team": "core"}})
            ]
        },
        "xray:GetGroup",
        GROUP,
        {"aws:SourceIp": "10.0.0.1"},
        {"aws:SourceIp": "10.0.0.1", "aws:ResourceTag/team": "web"},
        ALLOWED,
        DENIED,
        id="IfExists: absent, then present",
    ),
    pytest.param(
        {"identity_policies": [_allow("xray:GetGroup", "*", {"Null": {"aws:ResourceTag/team": "true"}})]},
        "xray:GetGroup",
        GROUP,
        {},
        {"aws:ResourceTag/team": "core"},
        ALLOWED,
        DENIED,
        id="Null: absent, then present",
    ),
    pytest.param(
        {
            "identity_policies": [
                _allow("xray:TagResource", "*", {"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}})
            ]
        },
        "xray:TagResource",
        GROUP,
        {"aws:TagKeys": ["team"]},
        {"aws:TagKeys": ["team", "owner"]},
        ALLOWED,
        DENIED,
        id="ForAllValues on aws:TagKeys",
    ),
    pytest.param(
        {
            "identity_policies": [
                _allow("xray:TagResource", "*", {"ForAnyValue:StringEquals": {"aws:TagKeys": ["team"]}})
            ]
        },
        "xray:TagResource",
        GROUP,
        {"aws:TagKeys": "team"},
        {"aws:TagKeys": []},
        ALLOWED,
        DENIED,
        id="ForAnyValue: one tag key given as a string, then no tag keys",
    ),
    pytest.param(
        {"identity_policies": [_allow("xray:GetGroup", "arn:aws:xray:*:*:group/${aws:PrincipalTag/team}/*")]},
        "xray:GetGroup",
        GROUP,
        {"aws:PrincipalTag/team": "prod"},
        {"aws:PrincipalTag/team": "dev"},
        ALLOWED,
        DENIED,
        id="a variable in Resource",
    ),
    pytest.param(
        {
            "identity_policies": [
                _allow("xray:GetGroup", "arn:aws:xray:*:*:group/${aws:PrincipalTag/team, 'prod'}/*")
            ]
        },
        "xray:GetGroup",
        GROUP,
        {},
        {"aws:PrincipalTag/team": "dev"},
        ALLOWED,
        DENIED,
        id="a variable with a default in Resource",
    ),
    pytest.param(
        {
            "identity_policies": [
                _allow(
                    "xray:GetGroup",
                    "*",
                    {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}},
                )
            ]
        },
        "xray:GetGroup",
        GROUP,
        {"aws:ResourceTag/team": "core", "aws:PrincipalTag/team": "core"},
        {"aws:ResourceTag/team": "core", "aws:PrincipalTag/team": "web"},
        ALLOWED,
        DENIED,
        id="a variable in a condition value",
    ),
    pytest.param(
        {
            "identity_policies": ["AWSXrayFullAccess"],
            "permission_boundaries": [
                _allow("xray:*", "*", {"StringEquals": {"aws:ResourceTag/stage": "dev"}})
            ],
        },
        "xray:DeleteGroup",
        GROUP,
        {"aws:ResourceTag/stage": "dev"},
        {"aws:ResourceTag/stage": "prod"},
        ALLOWED,
        DENIED,
        id="a condition in a permissions boundary",
    ),
    pytest.param(
        {
            "identity_policies": ["AWSXrayFullAccess"],
            "scps": [
                [_allow("*"), _deny("xray:*", {"StringNotEquals": {"aws:RequestedRegion": "us-east-1"}})]
            ],
        },
        "xray:GetGroups",
        "*",
        {"aws:RequestedRegion": "us-east-1"},
        {"aws:RequestedRegion": "eu-west-1"},
        ALLOWED,
        EXPLICIT,
        id="a deny with a condition in an SCP, beside an allow for everything",
    ),
    pytest.param(
        {
            "identity_policies": ["AWSXrayFullAccess"],
            "session_policy": _allow("xray:Get*", "*", {"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
        },
        "xray:GetGroup",
        GROUP,
        {"aws:MultiFactorAuthPresent": "true"},
        {"aws:MultiFactorAuthPresent": "false"},
        ALLOWED,
        DENIED,
        id="a condition in a session policy",
    ),
    pytest.param(
        {
            "resource_policy": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": ALICE},
                        "Action": "xray:GetGroup",
                        "Resource": "*",
                        "Condition": {"StringEquals": {"aws:PrincipalTag/team": "core"}},
                    }
                ],
            }
        },
        "xray:GetGroup",
        GROUP,
        {"aws:PrincipalTag/team": "core"},
        {"aws:PrincipalTag/team": "web"},
        ALLOWED,
        DENIED,
        id="a condition in a resource-based policy",
    ),
    pytest.param(
        {
            "identity_policies": [
                "AWSXrayFullAccess",
                _deny("xray:DeleteGroup", {"StringEquals": {"aws:ResourceTag/stage": "prod"}}),
            ]
        },
        "xray:DeleteGroup",
        GROUP,
        {"aws:ResourceTag/stage": "dev"},
        {"aws:ResourceTag/stage": "prod"},
        ALLOWED,
        EXPLICIT,
        id="a deny with a condition beside an allow that applies to every request",
    ),
]


@pytest.mark.parametrize(("config", "action", "resource", "first", "second", "one", "two"), READS)
def test_a_key_a_statement_reads_is_remembered_with_the_decision(
    config: dict[str, Any],
    action: str,
    resource: str,
    first: dict[str, Any],
    second: dict[str, Any],
    one: Decision,
    two: Decision,
) -> None:
    fresh = [PolicySet(**config).decide(action, resource, context=c) for c in (first, second)]
    traced = [PolicySet(**config).evaluate(action, resource, context=c).decision for c in (first, second)]
    assert fresh == traced == [one, two]
    policies = PolicySet(**config)
    for _ in range(2):  # the second round answers from what the first remembered
        assert policies.decide(action, resource, context=first) is one
        assert policies.decide(action, resource, context=second) is two
        assert policies.decide(action, resource, context={**first, "aws:SourceIp": "10.1.2.3"}) is one


@pytest.mark.parametrize(("config", "action", "resource", "first", "second", "one", "two"), READS[:9])
def test_the_check_above_fails_when_the_key_is_forgotten(
    config: dict[str, Any],
    action: str,
    resource: str,
    first: dict[str, Any],
    second: dict[str, Any],
    one: Decision,
    two: Decision,
) -> None:
    # a mutant: plans that read no context key answer the second request with the first's decision
    policies = PolicySet(**config)
    policies._plan(action).reads = ()
    assert policies.decide(action, resource, context=first) is one
    assert policies.decide(action, resource, context=second) is one is not two


def test_keys_no_statement_reads_share_one_decision() -> None:
    policies = PolicySet(
        identity_policies=[_allow("xray:GetGroup", "*", {"StringEquals": {"aws:ResourceTag/team": "core"}})]
    )
    for i in range(50):
        context = {"aws:ResourceTag/team": "core", "aws:SourceIp": f"10.0.0.{i}", "aws:username": f"u{i}"}
        assert policies.decide("xray:GetGroup", GROUP, context=context) is ALLOWED
    assert len(policies._projected) == 1


@pytest.mark.parametrize(
    ("context", "message"),
    [
        pytest.param({"aws:SourceIp": 10}, None, id="a number for a key no statement reads"),
        pytest.param({"aws:SourceIp": True}, None, id="a boolean for a key no statement reads"),
        pytest.param(
            {"aws:SourceIp": ["10.0.0.1", "10.0.0.2"]}, "single-valued", id="a list, single-valued key"
        ),
        pytest.param({"aws:SourceIp": {"a": 1}}, "context values must be", id="a mapping as a value"),
        pytest.param({"SourceIp": "10.0.0.1"}, "not a condition key", id="a key without a prefix"),
        pytest.param({1: "x"}, "not a condition key", id="a key that is not text"),
    ],
)
@pytest.mark.parametrize(
    "policy",
    [
        pytest.param(
            _allow("xray:GetGroup", "*", {"StringEquals": {"aws:ResourceTag/team": "core"}}),
            id="statements to match",
        ),
        pytest.param(_allow("xray:GetGroup"), id="a statement that applies to every request"),
    ],
)
def test_a_key_no_statement_reads_is_still_checked(
    context: dict[Any, Any], message: str | None, policy: dict[str, Any]
) -> None:
    policies = PolicySet(identity_policies=[policy])
    base = {"aws:ResourceTag/team": "core"}
    assert policies.decide("xray:GetGroup", GROUP, context=base) is ALLOWED
    for _ in range(2):
        if message is None:  # converted to text by the full path, as evaluate does
            decided = policies.decide("xray:GetGroup", GROUP, context={**base, **context})
            assert decided is policies.evaluate("xray:GetGroup", GROUP, context={**base, **context}).decision
        else:
            with pytest.raises(XrayKitError, match=message):
                policies.decide("xray:GetGroup", GROUP, context={**base, **context})


def test_a_statement_that_applies_to_every_request_still_needs_the_request_to_be_valid() -> None:
    policies = PolicySet(identity_policies=["AWSXrayFullAccess"])
    assert policies.decide("xray:GetGroup", GROUP) is ALLOWED
    for _ in range(2):
        with pytest.raises(XrayKitError, match="not a `group` ARN"):
            policies.decide("xray:GetGroup", RULE)
        with pytest.raises(XrayKitError, match="not a principal ARN"):
            policies.decide("xray:GetGroup", GROUP, principal="alice")
        with pytest.raises(XrayKitError, match="single-valued"):
            policies.decide("xray:GetGroup", GROUP, context={"aws:ResourceTag/team": ["a", "b"]})


def test_who_asks_and_from_which_account_still_count_when_every_statement_applies() -> None:
    policies = PolicySet(identity_policies=["AWSXrayFullAccess"])
    other = "arn:aws:xray:us-east-1:111122223333:group/prod/ABC"
    asks = [
        (ALICE, GROUP, None),
        (BOB, GROUP, None),
        (ALICE, other, None),
        (ALICE, GROUP, "111122223333"),
        (SESSION, GROUP, None),
        ("xray.amazonaws.com", GROUP, None),
    ]
    for _ in range(2):
        got = [policies.decide("xray:GetGroup", r, principal=p, resource_account=a) for p, r, a in asks]
        fresh = [
            PolicySet(identity_policies=["AWSXrayFullAccess"])
            .evaluate("xray:GetGroup", r, principal=p, resource_account=a)
            .decision
            for p, r, a in asks
        ]
        assert got == fresh == [ALLOWED, DENIED, DENIED, DENIED, ALLOWED, DENIED]


def test_a_tuple_value_and_a_list_value_are_remembered_apart() -> None:
    # a list value once went into the remembered key as ("list", *values): a tuple value that starts
    # with the text "list" then read as the same request
    policies = PolicySet(
        identity_policies=[
            _allow("xray:TagResource", "*", {"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}})
        ]
    )
    assert policies.decide("xray:TagResource", GROUP, context={"aws:TagKeys": ("list", "team")}) is DENIED
    assert policies.decide("xray:TagResource", GROUP, context={"aws:TagKeys": ["team"]}) is ALLOWED
    assert policies.decide("xray:TagResource", GROUP, context={"aws:TagKeys": ("list", "team")}) is DENIED


# --------------------------------------------------------------------------------------------
# random policy sets and requests: remembered == fresh == evaluate


GROUPS = [
    GROUP,
    f"arn:aws:xray:us-east-1:{ACCOUNT}:group/dev/DEF",
    "arn:aws:xray:us-east-1:111122223333:group/x/Y",
]
REQUESTS = [
    *(("xray:GetGroup", g) for g in GROUPS),
    *(("xray:DeleteGroup", g) for g in GROUPS),
    ("xray:TagResource", GROUP),
    ("xray:TagResource", RULE),
    ("xray:UpdateSamplingRule", RULE),
    ("xray:GetGroups", "*"),
    ("xray:PutTraceSegments", "*"),
    ("xray:GetGroup", "*"),
]
RESOURCES = [
    "*",
    f"arn:aws:xray:*:{ACCOUNT}:group/*",
    "arn:aws:xray:*:*:group/${aws:PrincipalTag/team}/*",
    "arn:aws:xray:*:*:group/${aws:PrincipalTag/team, 'prod'}/*",
    "arn:aws:xray:*:*:sampling-rule/*",
    "arn:aws:xray:*:*:group/${aws:username}/*",
]
CONDITIONS = [
    {"StringEquals": {"aws:ResourceTag/team": "core"}},
    {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}},
    {"StringNotEqualsIfExists": {"aws:ResourceTag/stage": "prod"}},
    {"StringLike": {"aws:ResourceTag/Team": "c*"}},
    {"Null": {"aws:ResourceTag/team": "false"}},
    {"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "stage"]}},
    {"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["team"]}},
    {"ForAnyValue:StringEquals": {"aws:PrincipalTag/team": "core"}},
    {"Bool": {"aws:SecureTransport": "true"}},
    {"StringEquals": {"aws:RequestTag/team": "${aws:username}"}},
]
PRINCIPALS = [{"AWS": ALICE}, {"AWS": ACCOUNT}, "*", {"AWS": "arn:aws:iam::123456789012:role/XrayAdmin"}]


@st.composite
def _statement(draw: Any, principal: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"Effect": draw(st.sampled_from(["Allow", "Allow", "Deny"]))}
    if principal:
        out["Principal"] = draw(st.sampled_from(PRINCIPALS))
    out["Action"] = draw(st.sampled_from(["xray:*", "xray:Get*", "xray:*Group", "xray:TagResource", "*"]))
    out["NotResource" if draw(st.integers(0, 6)) == 0 else "Resource"] = draw(
        st.lists(st.sampled_from(RESOURCES), min_size=1, max_size=2)
    )
    if draw(st.booleans()):
        out["Condition"] = draw(st.sampled_from(CONDITIONS))
    return out


def _document(principal: bool = False) -> Any:
    return st.builds(
        lambda s: {"Version": "2012-10-17", "Statement": s},
        st.lists(_statement(principal), min_size=1, max_size=3),
    )


CONFIGS = st.fixed_dictionaries(
    {"identity_policies": st.lists(_document(), max_size=3)},
    optional={
        "permission_boundaries": st.lists(_document(), min_size=1, max_size=1),
        "session_policy": _document(),
        "scps": st.lists(st.lists(_document(), min_size=1, max_size=2), min_size=1, max_size=2),
        "resource_policy": _document(principal=True),
    },
)
TEXT = st.sampled_from(["core", "web", "prod", "alice", "c", ""])
CONTEXT = st.dictionaries(
    st.sampled_from(
        [
            "aws:ResourceTag/team",
            "AWS:RESOURCETAG/TEAM",
            "aws:ResourceTag/stage",
            "aws:PrincipalTag/team",
            "aws:username",
            "aws:SecureTransport",
            "aws:RequestTag/team",
            "aws:SourceIp",
        ]
    ),
    TEXT,
    max_size=4,
).flatmap(
    lambda base: st.one_of(
        st.just(base),
        st.builds(
            lambda keys, form: {**base, "aws:TagKeys": form(keys)},
            st.lists(st.sampled_from(["team", "stage", "owner"]), max_size=3, unique=True),
            st.sampled_from([list, tuple]),
        ),
        st.builds(lambda k: {**base, "aws:TagKeys": k}, st.sampled_from(["team", "owner"])),
    )
)
REQUEST = st.tuples(st.sampled_from(REQUESTS), st.sampled_from([ALICE, SESSION, BOB]), CONTEXT)


@settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(CONFIGS, st.lists(REQUEST, min_size=1, max_size=25))
def test_remembered_decisions_equal_fresh_ones_and_evaluate(
    config: dict[str, Any], requests: list[tuple[Any, ...]]
) -> None:
    policies = PolicySet(**config)
    for _ in range(2):
        for (action, resource), principal, context in requests:
            remembered = policies.decide(action, resource, principal=principal, context=context)
            fresh = PolicySet(**config)
            assert remembered is fresh.decide(action, resource, principal=principal, context=context)
            assert (
                remembered is fresh.evaluate(action, resource, principal=principal, context=context).decision
            )


# --------------------------------------------------------------------------------------------
# whether a request's ARN fits the action: the quick test for concrete ARNs == the full ranking


ACTIONS = [
    "xray:GetGroup",
    "xray:TagResource",
    "xray:UpdateSamplingRule",
    "s3:GetObject",
    "s3:ListBucket",
    "kms:Decrypt",
    "iam:PassRole",
    "sts:AssumeRole",
    "logs:PutLogEvents",
    "ec2:RunInstances",
]
SEGMENT = st.text(alphabet="aAbB09-_/.:$\n", max_size=6)


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(
    st.sampled_from(ACTIONS),
    st.sampled_from(["arn", "ARN", "", "x"]),
    st.sampled_from(["aws", "aws-cn", "", "a/b"]),
    st.sampled_from(["xray", "s3", "kms", "iam", "sts", "logs", "ec2", "XRAY", ""]),
    st.sampled_from(["us-east-1", "", "eu/west"]),
    st.sampled_from([ACCOUNT, "", "aws"]),
    st.sampled_from(
        ["group/", "sampling-rule/", "key/", "role/", "log-group:", "instance/", "bucket", "GROUP/", ""]
    ),
    SEGMENT,
    SEGMENT,
    st.sampled_from([6, 6, 6, 5, 4, 2]),
)
def test_a_concrete_arn_fits_an_action_as_the_full_ranking_says(
    action: str,
    head: str,
    partition: str,
    service: str,
    region: str,
    account: str,
    kind: str,
    name: str,
    rest: str,
    parts: int,
) -> None:
    arn = ":".join([head, partition, service, region, account, kind + name + rest][:parts])
    expected = bool(catalog_resources.matching_resource_types(arn, action)) or arn == "*"
    if not catalog.action(action).resource_types:
        expected = arn == "*"
    assert catalog.arn_fits_action(action, arn) is expected


@pytest.mark.parametrize(
    ("action", "arn"),
    [
        ("xray:GetGroup", GROUP),
        ("xray:GetGroup", f"arn:aws:xray:us-east-1:{ACCOUNT}:group/prod"),
        ("xray:GetGroup", f"arn:aws:xray:us-east-1:{ACCOUNT}:group/prod/ABC/extra"),
        ("xray:GetGroup", f"arn:aws:xray:us-east-1:{ACCOUNT}:GROUP/prod/ABC"),
        ("xray:GetGroup", f"arn:aws:xray::{ACCOUNT}:group/prod/ABC"),
        ("xray:TagResource", RULE),
        ("xray:TagResource", f"arn:aws:xray:us-east-1:{ACCOUNT}:sampling-rule/a:b"),
        ("s3:GetObject", "arn:aws:s3:::bucket/key"),
        ("s3:GetObject", "arn:aws:s3:::bucket"),
        ("s3:ListBucket", "arn:aws:s3:::bucket"),
        ("s3:ListBucket", "arn:aws:s3:::bucket/key"),
        ("kms:Decrypt", f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234"),
        ("kms:Decrypt", f"arn:aws:kms:us-east-1:{ACCOUNT}:alias/mine"),
        ("logs:PutLogEvents", f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:g:log-stream:s"),
    ],
)
def test_concrete_arns_fit_as_the_full_ranking_says(action: str, arn: str) -> None:
    assert catalog.arn_fits_action(action, arn) is bool(
        catalog_resources.matching_resource_types(arn, action)
    )


# --------------------------------------------------------------------------------------------
# the context as the fast path reads it: by the shape of its keys == item by item


CONTEXT_KEYS = [
    "aws:SourceIp",
    "AWS:sourceip",
    "aws:ResourceTag/team",
    "aws:resourcetag/TEAM",
    "aws:TagKeys",
    "aws:PrincipalTag/team",
    "s3:prefix",
    "xray:Unknown",
    "noprefix",
    1,
    True,
]
CONTEXT_VALUES = st.one_of(
    st.sampled_from(["core", "", "10.0.0.1"]),
    st.lists(st.sampled_from(["team", "stage"]), max_size=2),
    st.lists(st.sampled_from(["team", "stage"]), max_size=2).map(tuple),
    st.sampled_from([1, True, None, 1.5, ["team", 1]]),
)


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(
    st.lists(st.tuples(st.sampled_from(CONTEXT_KEYS), CONTEXT_VALUES), max_size=5),
    st.sampled_from(["xray:GetGroup", "xray:TagResource", "s3:ListBucket"]),
)
def test_the_context_read_by_the_shape_of_its_keys_is_the_context_read_item_by_item(
    items: list[tuple[Any, Any]], action: str
) -> None:
    supported = _supported_keys(catalog.action(action))
    raw = dict(items)
    expected = _context_items(raw, supported)
    for _ in range(2):  # the second time, the shape is known
        if _everyday(raw, supported):
            assert expected is not None
        got = _fast_context(raw, supported)
        assert got == expected
        assert got is None or [(k, type(v)) for k, v in got.items()] == [
            (k, type(v)) for k, v in (expected or {}).items()
        ]
