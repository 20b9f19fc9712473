"""A compiled policy set remembers decisions; remembering must never change one."""

from __future__ import annotations

import pytest

from xraykit.engine import PolicySet
from xraykit.result import Decision

SECURE_ONLY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": "xray:GetGroups",
            "Resource": "*",
            "Condition": {"Bool": {"aws:SecureTransport": "true"}},
        }
    ],
}
GROUP = "arn:aws:xray:us-east-1:123456789012:group/prod/ABC"
TEAM_ONLY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": "xray:TagResource",
            "Resource": "*",
            "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}},
        }
    ],
}


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param(True, 1, id="True then 1 (equal in Python) are two requests"),
        pytest.param("true", 1, id="a string then a number are two requests"),
        pytest.param(True, "1", id="a boolean then the string 1 are two requests"),
    ],
)
def test_values_that_python_finds_equal_are_not_one_request(first, second):
    policies = PolicySet(identity_policies=[SECURE_ONLY])
    fresh = PolicySet(identity_policies=[SECURE_ONLY])
    expected = fresh.decide("xray:GetGroups", context={"aws:SecureTransport": second})
    policies.decide("xray:GetGroups", context={"aws:SecureTransport": first})
    assert policies.decide("xray:GetGroups", context={"aws:SecureTransport": second}) is expected


def test_a_repeated_request_gets_the_same_decision_as_the_first_time():
    policies = PolicySet(identity_policies=[TEAM_ONLY, "AWSXrayReadOnlyAccess"])
    requests = [
        ("xray:TagResource", GROUP, {"aws:TagKeys": ["team"]}),
        ("xray:TagResource", GROUP, {"aws:TagKeys": ["team", "stage"]}),
        ("xray:TagResource", GROUP, {"aws:TagKeys": "team"}),
        ("xray:GetGroup", GROUP, {}),
        ("xray:GetGroup", GROUP, None),
        ("xray:DeleteGroup", GROUP, {"aws:ResourceTag/stage": "prod"}),
    ]
    first = [policies.decide(a, r, context=c) for a, r, c in requests]
    again = [policies.decide(a, r, context=c) for a, r, c in requests]
    traced = [policies.evaluate(a, r, context=c).decision for a, r, c in requests]
    assert first == again == traced
    assert first[:2] == [Decision.ALLOWED, Decision.IMPLICIT_DENY]


def test_a_list_and_a_string_of_the_same_text_are_two_requests():
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "xray:TagResource",
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:RequestTag/team": "core"}},
            }
        ],
    }
    policies = PolicySet(identity_policies=[policy])
    assert (
        policies.decide("xray:TagResource", GROUP, context={"aws:RequestTag/team": "core"})
        is Decision.ALLOWED
    )
    with pytest.raises(ValueError, match="single-valued"):
        policies.decide("xray:TagResource", GROUP, context={"aws:RequestTag/team": ["core", "web"]})


def test_an_invalid_request_is_rejected_every_time():
    policies = PolicySet(identity_policies=["AWSXrayReadOnlyAccess"])
    for _ in range(2):
        with pytest.raises(ValueError, match="no resource-level permissions"):
            policies.decide("xray:GetGroups", GROUP)
