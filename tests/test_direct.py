"""The one-request evaluator (xraykit.direct) against the engine's full path.

Every case it answers must get the decision, reason, deciding layer and blocking layers that
``PolicySet.evaluate`` gives; every case it declines goes to the full path, so declining is never
wrong, but it must not decline the everyday shape (or the stream would lose its speed unnoticed).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from xraykit.direct import decide_documents
from xraykit.engine import PolicySet
from xraykit.errors import XrayKitError
from xraykit.stream import POLICY_FIELDS, case_context

REPO = Path(__file__).resolve().parent.parent


def _direct(case: dict[str, Any]) -> Any:
    return decide_documents(
        action=case["action"],
        resource=case.get("resource") or "*",
        principal=case["principal"],
        context=case_context(case),
        resource_account=case.get("resource_account"),
        **{field: case.get(field) for field in POLICY_FIELDS},
    )


def _full(case: dict[str, Any]) -> Any:
    """``(decision, reason, decided_by, blocked_by)`` from the full path, or None for an invalid case."""
    try:
        policies = PolicySet(
            identity_policies=case.get("identity_policies") or (),
            permission_boundaries=case.get("permission_boundaries") or None,
            scps=case.get("scps") or None,
            rcps=case.get("rcps") or None,
            session_policy=case.get("session_policy"),
            resource_policy=case.get("resource_policy"),
        )
        evaluation = policies.evaluate(
            case["action"],
            case.get("resource") or "*",
            principal=case["principal"],
            context=case_context(case),
            resource_account=case.get("resource_account"),
        )
    except XrayKitError:
        return None
    return evaluation.decision, evaluation.reason, evaluation.decided_by, evaluation.blocked_by


@pytest.mark.parametrize("seed", [1, 20261128])
def test_direct_answers_as_the_full_path_does(seed: int, oracle_cases: Any) -> None:
    answered = valid = 0
    for case in oracle_cases.generate(3000, seed):
        full = _full(case)
        direct = _direct(case)
        if full is None:
            assert direct is None, f"{case['id']}: an invalid case must take the full path (its issues)"
            continue
        valid += 1
        if direct is not None:
            answered += 1
            assert direct == full, case["id"]
    # the everyday shape is answered directly (the generated cases include odd shapes on purpose)
    assert answered >= 0.9 * valid, (answered, valid)


GROUP = "arn:aws:xray:us-east-1:123456789012:group/prod/ABC"
ALICE = "arn:aws:iam::123456789012:user/alice"
READ = {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "xray:Get*", "Resource": "*"}}


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"identity_policies": ["AWSXrayReadOnlyAccess"]}, id="a managed policy by name"),
        pytest.param({"identity_policies": ['{"Statement": []}']}, id="a policy as JSON text"),
        pytest.param({"identity_policies": [{**READ, "Version": "2012-10-18"}]}, id="a bad Version"),
        pytest.param({"identity_policies": [{**READ, "Efect": "Allow"}]}, id="an unknown element"),
        pytest.param({"scps": "FullAWSAccess"}, id="SCPs not given as a list"),
        pytest.param({"context": {"aws:username": {"a": 1}}}, id="a context value of the wrong type"),
        pytest.param({"context": {"aws:username": ["a", "b"]}}, id="a list for a single-valued key"),
        pytest.param({"action": "xray:GetGroop"}, id="an unknown action"),
        pytest.param({"resource": "arn:aws:s3:::bucket"}, id="a resource of the wrong type"),
        pytest.param({"principal": "alice"}, id="a principal that is not an ARN"),
        pytest.param({"resource_account": 123456789012}, id="an account given as a number"),
    ],
)
def test_what_needs_a_message_or_a_conversion_takes_the_full_path(change: dict[str, Any]) -> None:
    case = {
        "action": "xray:GetGroup",
        "resource": GROUP,
        "principal": ALICE,
        "identity_policies": [READ],
        **change,
    }
    assert _direct(case) is None


def test_numbers_and_booleans_in_the_context_are_read_as_their_text() -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": {
            "Effect": "Allow",
            "Action": "xray:GetGroup",
            "Resource": "*",
            "Condition": {
                "Bool": {"aws:SecureTransport": "true"},
                "NumericLessThan": {"aws:MultiFactorAuthAge": "60"},
            },
        },
    }
    case = {
        "action": "xray:GetGroup",
        "resource": GROUP,
        "principal": ALICE,
        "identity_policies": [policy],
        "context": {"aws:SecureTransport": True, "aws:MultiFactorAuthAge": 30},
    }
    assert _direct(case) == _full(case)
    assert _direct(case)[0].value == "Allowed"
    case["context"] = {"aws:SecureTransport": False, "aws:MultiFactorAuthAge": 30}
    assert _direct(case) == _full(case)
    assert _direct(case)[0].value == "ImplicitlyDenied"


SCENARIOS = [
    json.loads(path.read_text("utf-8")) for path in sorted((REPO / "tests" / "engine_cases").glob("*.json"))
]


@pytest.mark.parametrize("scenario", [pytest.param(s, id=s["name"]) for s in SCENARIOS])
def test_every_documented_scenario_is_answered_as_the_full_path_does(scenario: dict[str, Any]) -> None:
    case = {**scenario["policies"], **scenario["request"]}
    direct = _direct(case)
    if direct is not None:  # (scenarios that name managed policies or give numbers take the full path)
        assert direct == _full(case)


DENY_ON_ANY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::secret/*"},
    ],
}
HOME_ONLY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::home/${aws:username}/*"}
    ],
}
RCP_DENY = {
    "Version": "2012-10-17",
    "Statement": {"Effect": "Deny", "Principal": "*", "Action": ["s3:*", "lambda:*"], "Resource": "*"},
}
LAMBDA = {
    "Version": "2012-10-17",
    "Statement": {"Effect": "Allow", "Action": "lambda:Get*", "Resource": "*"},
}
NOT_PUBLIC = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::public/*"},
    ],
}


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            {"action": "s3:ListAllMyBuckets", "resource": "*", "identity_policies": [DENY_ON_ANY]},
            id="a Deny naming an ARN leaves an action on `*` alone",
        ),
        pytest.param(
            {"action": "s3:GetObject", "resource": "*", "identity_policies": [DENY_ON_ANY]},
            id="a request on `*` for an action with resource types: only a star in Resource fits it",
        ),
        pytest.param(
            {
                "action": "s3:GetObject",
                "resource": "arn:aws:s3:::home/bob/a",
                "identity_policies": [HOME_ONLY],
            },
            id="NotResource with a variable that has no value applies to nothing",
        ),
        pytest.param(
            {
                "action": "s3:GetObject",
                "resource": "arn:aws:s3:::home/bob/a",
                "identity_policies": [HOME_ONLY],
                "context": {"aws:username": "alice"},
            },
            id="NotResource with its variable resolved",
        ),
        pytest.param(
            {
                "action": "lambda:GetFunction",
                "resource": "arn:aws:lambda:us-east-1:123456789012:function:f",
                "identity_policies": [LAMBDA],
                "rcps": [[RCP_DENY]],
            },
            id="an RCP deny for a service that RCPs do not cover",
        ),
        pytest.param(
            {"action": "s3:GetObject", "resource": "*", "identity_policies": [NOT_PUBLIC]},
            id="a Deny with NotResource and a request on `*`",
        ),
        pytest.param(
            {
                "action": "s3:GetObject",
                "resource": "arn:aws:s3:::b/k",
                "identity_policies": [DENY_ON_ANY],
                "rcps": [[RCP_DENY]],
            },
            id="an RCP deny for a service they cover",
        ),
    ],
)
def test_edges_the_generator_does_not_reach(case: dict[str, Any]) -> None:
    case = {"principal": ALICE, **case}
    direct = _direct(case)
    assert direct is not None
    assert direct == _full(case)


@pytest.mark.parametrize(("value", "policy_value"), [(10.0, "10"), (2.5, "2.5"), (True, "true"), (7, "7")])
def test_context_numbers_read_as_policy_numbers_do(value: Any, policy_value: str) -> None:
    # `10.0` reads as `10`, as in a policy (and as the independent evaluator reads JSON numbers)
    policy = {
        "Version": "2012-10-17",
        "Statement": {
            "Effect": "Allow",
            "Action": "xray:GetGroup",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:ResourceTag/n": policy_value}},
        },
    }
    case = {
        "action": "xray:GetGroup",
        "resource": GROUP,
        "principal": ALICE,
        "identity_policies": [policy],
        "context": {"aws:ResourceTag/n": value},
    }
    assert _full(case)[0].value == "Allowed"
    assert _direct(case) == _full(case)
