"""Hand-written tables for the evaluation logic: how each element matches, how the layers combine,
and what the :class:`~xraykit.result.Evaluation` records.

The documented end-to-end examples are scenario files (``test_engine_cases.py``); the properties
are in ``test_engine_properties.py``. Here each row checks one rule on its own.
"""

from __future__ import annotations

from typing import Any

import pytest

from xraykit.engine import DEFAULT_PRINCIPAL, PolicySet, simulate
from xraykit.errors import Issue, XrayKitError
from xraykit.matching import classify_principal
from xraykit.result import Decision, Layer, Reason

ALLOWED, IMPLICIT, EXPLICIT = Decision.ALLOWED, Decision.IMPLICIT_DENY, Decision.EXPLICIT_DENY
ACCOUNT = "123456789012"
GROUP = f"arn:aws:xray:us-east-1:{ACCOUNT}:group/prod/AB12CD34"
RULE = f"arn:aws:xray:us-east-1:{ACCOUNT}:sampling-rule/Default"
KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/XrayReader/alice-session"


def policy(*statements: dict[str, Any], version: str | None = "2012-10-17") -> dict[str, Any]:
    document: dict[str, Any] = {"Statement": list(statements)}
    if version:
        document["Version"] = version
    return document


def allow(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def decide(statement: dict[str, Any], action: str, resource: str = "*", **kwargs: Any) -> Decision:
    return simulate(action, resource, identity_policies=[policy(statement)], **kwargs).decision


# --------------------------------------------------------------------------------------------
# Action and NotAction


@pytest.mark.parametrize(
    ("pattern", "action", "resource", "expected"),
    [
        pytest.param("xray:GetGroup", "xray:GetGroup", GROUP, ALLOWED, id="an exact action matches"),
        pytest.param(
            "XRAY:getgroup", "xray:GetGroup", GROUP, ALLOWED, id="actions compare case-insensitively"
        ),
        pytest.param(
            "xray:GetGroup", "XRay:GETGROUP", GROUP, ALLOWED, id="the request's action case does not matter"
        ),
        pytest.param(
            "xray:Get*", "xray:GetGroup", GROUP, ALLOWED, id="a trailing star matches the rest of the name"
        ),
        pytest.param(
            "xray:Get*",
            "xray:BatchGetTraces",
            "*",
            IMPLICIT,
            id="a trailing star is a prefix, not a substring",
        ),
        pytest.param(
            "xray:*Group", "xray:DeleteGroup", GROUP, ALLOWED, id="a leading star matches the start"
        ),
        pytest.param(
            "xray:*Group", "xray:GetGroups", "*", IMPLICIT, id="a leading star still needs the end to match"
        ),
        pytest.param(
            "xray:Get?roup", "xray:GetGroup", GROUP, ALLOWED, id="a question mark matches one character"
        ),
        pytest.param(
            "xray:Get?", "xray:GetGroup", GROUP, IMPLICIT, id="a question mark matches exactly one character"
        ),
        pytest.param(
            "xray:GetGroups",
            "xray:GetGroup",
            GROUP,
            IMPLICIT,
            id="a longer name does not match a shorter one",
        ),
        pytest.param(
            "xray:GetGroup", "xray:GetGroups", "*", IMPLICIT, id="a name without a star is not a prefix"
        ),
        pytest.param(
            "*", "kms:ListKeys", "*", ALLOWED, id="a star alone matches every action of every service"
        ),
        pytest.param("xray:*", "kms:ListKeys", "*", IMPLICIT, id="a service star stays within its service"),
        pytest.param(
            ["s3:GetObject", "xray:Put*"],
            "xray:PutTraceSegments",
            "*",
            ALLOWED,
            id="any entry of an action list can match",
        ),
    ],
)
def test_action_matching(pattern: Any, action: str, resource: str, expected: Decision) -> None:
    assert decide(allow(pattern), action, resource) is expected


@pytest.mark.parametrize(
    ("statement", "action", "resource", "expected"),
    [
        pytest.param(
            {"Effect": "Allow", "NotAction": "xray:Delete*", "Resource": "*"},
            "xray:GetGroup",
            GROUP,
            ALLOWED,
            id="an Allow with NotAction grants what it does not list",
        ),
        pytest.param(
            {"Effect": "Allow", "NotAction": "xray:Delete*", "Resource": "*"},
            "xray:DeleteGroup",
            GROUP,
            IMPLICIT,
            id="an Allow with NotAction does not grant what it lists",
        ),
        pytest.param(
            {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},
            "kms:ListKeys",
            "*",
            ALLOWED,
            id="an Allow with NotAction grants every other service too",
        ),
        pytest.param(
            {"Effect": "Allow", "NotAction": "XRAY:DELETE*", "Resource": "*"},
            "xray:DeleteGroup",
            GROUP,
            IMPLICIT,
            id="NotAction compares case-insensitively",
        ),
    ],
)
def test_not_action(statement: dict[str, Any], action: str, resource: str, expected: Decision) -> None:
    assert decide(statement, action, resource) is expected


def test_a_deny_with_not_action_denies_everything_it_does_not_list() -> None:
    statements = policy(allow("*"), {"Effect": "Deny", "NotAction": "xray:Get*", "Resource": "*"})
    assert simulate("xray:DeleteGroup", GROUP, identity_policies=[statements]).decision is EXPLICIT
    assert simulate("xray:GetGroup", GROUP, identity_policies=[statements]).decision is ALLOWED


# --------------------------------------------------------------------------------------------
# Resource and NotResource


@pytest.mark.parametrize(
    ("pattern", "resource", "expected"),
    [
        pytest.param(GROUP, GROUP, ALLOWED, id="an exact ARN matches"),
        pytest.param("*", GROUP, ALLOWED, id="a star matches every resource"),
        pytest.param(
            f"arn:aws:xray:us-east-1:{ACCOUNT}:group/prod/*",
            GROUP,
            ALLOWED,
            id="a star after the group name matches its generated ID",
        ),
        pytest.param(
            f"arn:aws:xray:us-east-1:{ACCOUNT}:group/*",
            GROUP,
            ALLOWED,
            id="a star in the resource part spans slashes",
        ),
        pytest.param(
            f"arn:aws:xray:us-east-1:{ACCOUNT}:group/Prod/*",
            GROUP,
            IMPLICIT,
            id="the resource part is case-sensitive",
        ),
        pytest.param(
            f"arn:aws:xray:us-east-1:{ACCOUNT}:group/prod",
            GROUP,
            IMPLICIT,
            id="a group ARN without the ID part matches no group",
        ),
        pytest.param(
            f"arn:aws:xray:*:{ACCOUNT}:group/prod/*", GROUP, ALLOWED, id="a star can stand for the region"
        ),
        pytest.param(
            f"arn:aws:xray:us-*:{ACCOUNT}:group/prod/*", GROUP, ALLOWED, id="a star can end a region"
        ),
        pytest.param(
            f"arn:aws:xray:us-east-?:{ACCOUNT}:group/prod/*",
            GROUP,
            ALLOWED,
            id="a question mark can stand for one character of the region",
        ),
        pytest.param(
            f"arn:aws:xray:eu-west-1:{ACCOUNT}:group/prod/*",
            GROUP,
            IMPLICIT,
            id="another region does not match",
        ),
        pytest.param(
            "arn:aws:xray:us-east-1:111122223333:group/prod/*",
            GROUP,
            IMPLICIT,
            id="another account does not match",
        ),
        pytest.param(
            f"arn:aws:xray:us-east-1:{ACCOUNT}:*",
            GROUP,
            ALLOWED,
            id="a star for the whole resource part matches",
        ),
        pytest.param(
            f"arn:aws:xray:us-east-1:{ACCOUNT}:sampling-rule/*",
            GROUP,
            IMPLICIT,
            id="a sampling-rule pattern does not match a group",
        ),
        pytest.param(
            [f"arn:aws:xray:us-east-1:{ACCOUNT}:group/dev/*", GROUP],
            GROUP,
            ALLOWED,
            id="any entry of a resource list can match",
        ),
    ],
)
def test_resource_matching(pattern: Any, resource: str, expected: Decision) -> None:
    assert decide(allow("xray:GetGroup", pattern), "xray:GetGroup", resource) is expected


@pytest.mark.parametrize(
    ("pattern", "resource", "expected"),
    [
        pytest.param(
            "arn:aws:s3:::reports-bucket/*",
            "arn:aws:s3:::reports-bucket/2024/summary.csv",
            ALLOWED,
            id="an object pattern matches objects in every folder",
        ),
        pytest.param(
            "arn:aws:s3:::reports-bucket",
            "arn:aws:s3:::reports-bucket/2024/summary.csv",
            IMPLICIT,
            id="a bucket ARN does not match the bucket's objects",
        ),
        pytest.param(
            "arn:aws:s3:::reports-*/2024/*",
            "arn:aws:s3:::reports-bucket/2024/summary.csv",
            ALLOWED,
            id="a star can end a bucket name",
        ),
        pytest.param(
            "arn:aws:s3:::reports-bucket/2024/*.csv",
            "arn:aws:s3:::reports-bucket/2024/summary.CSV",
            IMPLICIT,
            id="object keys are case-sensitive",
        ),
    ],
)
def test_resource_matching_without_region_or_account(pattern: str, resource: str, expected: Decision) -> None:
    assert decide(allow("s3:GetObject", pattern), "s3:GetObject", resource) is expected


@pytest.mark.parametrize(
    ("resource", "expected"),
    [
        pytest.param(
            f"arn:aws:xray:us-east-1:{ACCOUNT}:group/dev/AB12CD34",
            ALLOWED,
            id="an Allow with NotResource grants resources it does not list",
        ),
        pytest.param(GROUP, IMPLICIT, id="an Allow with NotResource does not grant resources it lists"),
    ],
)
def test_not_resource(resource: str, expected: Decision) -> None:
    statement = {
        "Effect": "Allow",
        "Action": "xray:GetGroup",
        "NotResource": f"arn:aws:xray:*:{ACCOUNT}:group/prod/*",
    }
    assert decide(statement, "xray:GetGroup", resource) is expected


# --------------------------------------------------------------------------------------------
# principals


@pytest.mark.parametrize(
    ("principal", "expected"),
    [
        pytest.param(f"arn:aws:iam::{ACCOUNT}:user/alice", ("user", ACCOUNT), id="an IAM user"),
        pytest.param(
            f"arn:aws:iam::{ACCOUNT}:user/division/team/alice",
            ("user", ACCOUNT),
            id="an IAM user with a path",
        ),
        pytest.param(f"arn:aws:iam::{ACCOUNT}:role/XrayReader", ("role", ACCOUNT), id="an IAM role"),
        pytest.param(SESSION, ("assumed-role", ACCOUNT), id="an assumed-role session"),
        pytest.param(
            f"arn:aws:sts::{ACCOUNT}:federated-user/alice",
            ("federated-user", ACCOUNT),
            id="a federated user session",
        ),
        pytest.param(f"arn:aws:iam::{ACCOUNT}:root", ("root", ACCOUNT), id="the account root"),
        pytest.param(ACCOUNT, ("account", ACCOUNT), id="a bare account ID"),
        pytest.param("xray.amazonaws.com", ("service", None), id="a service principal"),
        pytest.param(
            f"arn:aws-cn:iam::{ACCOUNT}:user/alice", ("user", ACCOUNT), id="a user in another partition"
        ),
        pytest.param(
            f"arn:aws:iam::{ACCOUNT}:group/admins", ("unknown", ACCOUNT), id="an IAM group is not a principal"
        ),
        pytest.param("alice", ("unknown", None), id="a plain name is not a principal"),
    ],
)
def test_classify_principal(principal: str, expected: tuple[str, str | None]) -> None:
    assert classify_principal(principal) == expected


def test_an_iam_group_cannot_make_a_request() -> None:
    with pytest.raises(XrayKitError) as caught:
        simulate("xray:GetSamplingRules", principal=f"arn:aws:iam::{ACCOUNT}:group/admins")
    assert [i.path for i in caught.value.issues] == ["principal"]


# --------------------------------------------------------------------------------------------
# how the layers combine (one identity-based policy, and at most one of each other layer)

X = "xray:GetGroup"
GRANTS = policy(allow(X))
SILENT = policy(allow("s3:GetObject"))
DENIES = policy(allow("*"), deny(X))
ID, BND, SES, SCP = Layer.IDENTITY, Layer.BOUNDARY, Layer.SESSION, Layer.SCP


@pytest.mark.parametrize(
    ("identity", "boundary", "session", "scp", "decision", "deciding", "blocked"),
    [
        pytest.param(
            GRANTS, None, None, None, ALLOWED, ID, set(), id="identity allows and nothing limits it: allowed"
        ),
        pytest.param(SILENT, None, None, None, IMPLICIT, None, {ID}, id="identity silent: implicitly denied"),
        pytest.param(DENIES, None, None, None, EXPLICIT, ID, set(), id="identity denies: explicitly denied"),
        pytest.param(
            GRANTS, GRANTS, None, None, ALLOWED, ID, set(), id="identity and boundary allow: allowed"
        ),
        pytest.param(
            GRANTS, SILENT, None, None, IMPLICIT, None, {BND}, id="boundary silent: blocked by the boundary"
        ),
        pytest.param(SILENT, GRANTS, None, None, IMPLICIT, None, {ID}, id="boundary alone grants nothing"),
        pytest.param(
            GRANTS, DENIES, None, None, EXPLICIT, BND, set(), id="boundary denies: explicitly denied by it"
        ),
        pytest.param(
            GRANTS, None, GRANTS, None, ALLOWED, ID, set(), id="identity and session policy allow: allowed"
        ),
        pytest.param(
            GRANTS, None, SILENT, None, IMPLICIT, None, {SES}, id="session policy silent: blocked by it"
        ),
        pytest.param(
            SILENT, None, GRANTS, None, IMPLICIT, None, {ID}, id="session policy alone grants nothing"
        ),
        pytest.param(
            GRANTS,
            None,
            DENIES,
            None,
            EXPLICIT,
            SES,
            set(),
            id="session policy denies: explicitly denied by it",
        ),
        pytest.param(GRANTS, None, None, GRANTS, ALLOWED, ID, set(), id="identity and SCP allow: allowed"),
        pytest.param(GRANTS, None, None, SILENT, IMPLICIT, None, {SCP}, id="SCP silent: blocked by the SCP"),
        pytest.param(SILENT, None, None, GRANTS, IMPLICIT, None, {ID}, id="SCP alone grants nothing"),
        pytest.param(
            GRANTS, None, None, DENIES, EXPLICIT, SCP, set(), id="SCP denies: explicitly denied by it"
        ),
        pytest.param(
            GRANTS,
            SILENT,
            SILENT,
            SILENT,
            IMPLICIT,
            None,
            {BND, SES, SCP},
            id="every limiting layer silent: each is named as blocking",
        ),
        pytest.param(
            DENIES,
            GRANTS,
            GRANTS,
            GRANTS,
            EXPLICIT,
            ID,
            set(),
            id="one deny outweighs allows in every other layer",
        ),
    ],
)
def test_layers_combine_as_aws_documents(
    identity: dict[str, Any],
    boundary: dict[str, Any] | None,
    session: dict[str, Any] | None,
    scp: dict[str, Any] | None,
    decision: Decision,
    deciding: Layer | None,
    blocked: set[Layer],
) -> None:
    evaluation = simulate(
        X,
        GROUP,
        principal=SESSION,
        identity_policies=[identity],
        permission_boundaries=[boundary] if boundary else None,
        session_policy=session,
        scps=[[scp]] if scp else None,
    )
    assert (evaluation.decision, evaluation.decided_by, set(evaluation.blocked_by)) == (
        decision,
        deciding,
        blocked,
    )


@pytest.mark.parametrize(
    ("scps", "expected"),
    [
        pytest.param([GRANTS], ALLOWED, id="a flat list of SCPs is one level"),
        pytest.param([GRANTS, SILENT], ALLOWED, id="within one level one SCP allowing is enough"),
        pytest.param(
            [[GRANTS], [SILENT]], IMPLICIT, id="a list of lists is one level per list, and each must allow"
        ),
        pytest.param(
            [[GRANTS], [SILENT, GRANTS], [GRANTS]],
            ALLOWED,
            id="every level allowing through some SCP is enough",
        ),
        pytest.param([[GRANTS], []], IMPLICIT, id="a level with no SCP allows nothing"),
        pytest.param([], ALLOWED, id="no SCPs at all means no organization limits"),
    ],
)
def test_scp_levels(scps: list[Any], expected: Decision) -> None:
    assert simulate(X, GROUP, identity_policies=[GRANTS], scps=scps).decision is expected


def test_an_empty_boundary_list_means_no_boundary() -> None:
    assert simulate(X, GROUP, identity_policies=[GRANTS], permission_boundaries=[]).decision is ALLOWED


def test_an_allow_in_any_identity_policy_is_enough() -> None:
    assert simulate(X, GROUP, identity_policies=[SILENT, SILENT, GRANTS]).decision is ALLOWED


def test_get_caller_identity_needs_no_permission_and_cannot_be_denied() -> None:
    # STS API Reference, GetCallerIdentity: "No permissions are required to perform this operation.
    # If an administrator attaches a policy to your identity that explicitly denies access to the
    # sts:GetCallerIdentity action, you can still perform this operation."
    assert simulate("sts:GetCallerIdentity").decision is ALLOWED
    denied = policy(deny("sts:GetCallerIdentity"))
    assert simulate("sts:GetCallerIdentity", identity_policies=[denied]).decision is ALLOWED


# --------------------------------------------------------------------------------------------
# conditions through the engine


@pytest.mark.parametrize(
    ("condition", "context", "expected"),
    [
        pytest.param(
            {"StringEquals": {"aws:ResourceTag/team": "core"}},
            {"aws:ResourceTag/team": "core"},
            ALLOWED,
            id="a condition that holds lets the statement apply",
        ),
        pytest.param(
            {"StringEquals": {"aws:ResourceTag/team": "core"}},
            {"aws:ResourceTag/team": "web"},
            IMPLICIT,
            id="a condition that fails stops the statement",
        ),
        pytest.param(
            {"StringEquals": {"aws:ResourceTag/team": "core"}},
            {},
            IMPLICIT,
            id="a condition on an absent key fails",
        ),
        pytest.param(
            {"StringEquals": {"aws:resourcetag/TEAM": "core"}},
            {"AWS:ResourceTag/team": "core"},
            ALLOWED,
            id="condition key names compare case-insensitively",
        ),
        pytest.param(
            {"StringEquals": {"aws:ResourceTag/team": "core"}, "Bool": {"aws:SecureTransport": "true"}},
            {"aws:ResourceTag/team": "core"},
            IMPLICIT,
            id="every operator of a Condition must hold",
        ),
        pytest.param(
            {"StringEquals": {"aws:ResourceTag/team": "core", "aws:username": "alice"}},
            {"aws:ResourceTag/team": "core", "aws:username": "alice"},
            ALLOWED,
            id="every key of an operator must hold, and here both do",
        ),
        pytest.param(
            {"StringEquals": {"aws:ResourceTag/team": ["web", "core"]}},
            {"aws:ResourceTag/team": "core"},
            ALLOWED,
            id="any value of a key's list may match",
        ),
        pytest.param(
            {"Bool": {"aws:SecureTransport": True}},
            {"aws:SecureTransport": True},
            ALLOWED,
            id="JSON booleans compare as IAM's strings",
        ),
        pytest.param(
            {"NumericLessThan": {"aws:MultiFactorAuthAge": 3600}},
            {"aws:MultiFactorAuthAge": 60},
            ALLOWED,
            id="JSON numbers compare as numbers",
        ),
    ],
)
def test_conditions_decide_whether_a_statement_applies(
    condition: dict[str, Any],
    context: dict[str, Any],
    expected: Decision,
) -> None:
    assert decide(allow(X, Condition=condition), X, GROUP, context=context) is expected


def test_a_service_key_the_action_does_not_supply_is_left_out_with_a_note() -> None:
    evaluation = simulate(
        X,
        GROUP,
        identity_policies=[policy(allow(X, Condition={"Null": {"s3:prefix": "true"}}))],
        context={"s3:prefix": "reports/"},
    )
    assert evaluation.decision is ALLOWED  # the key is absent, as AWS would send it
    assert evaluation.notes == ("`s3:prefix` is ignored: `xray:GetGroup` does not supply it",)


# --------------------------------------------------------------------------------------------
# what the evaluation records


def test_the_request_is_recorded_in_canonical_form() -> None:
    evaluation = simulate("XRAY:getgroup", GROUP, identity_policies=[GRANTS])
    request = evaluation.request
    assert (request.principal, request.action, request.resource, request.resource_account) == (
        DEFAULT_PRINCIPAL,
        "xray:GetGroup",
        GROUP,
        ACCOUNT,
    )


@pytest.mark.parametrize(
    ("resource", "principal", "given", "expected"),
    [
        pytest.param(GROUP, DEFAULT_PRINCIPAL, None, ACCOUNT, id="the resource account comes from the ARN"),
        pytest.param(
            "arn:aws:s3:::reports-bucket/a.csv",
            "arn:aws:iam::111122223333:user/bob",
            None,
            "111122223333",
            id="an ARN without an account belongs to the principal's account",
        ),
        pytest.param(
            "*",
            "arn:aws:iam::111122223333:user/bob",
            None,
            "111122223333",
            id="a request on star belongs to the principal's account",
        ),
        pytest.param(
            "arn:aws:s3:::reports-bucket/a.csv",
            DEFAULT_PRINCIPAL,
            "444455556666",
            "444455556666",
            id="a resource account given explicitly wins",
        ),
    ],
)
def test_the_resource_account(resource: str, principal: str, given: str | None, expected: str) -> None:
    action = (
        "xray:GetGroup"
        if resource == GROUP
        else ("s3:GetObject" if resource != "*" else "s3:ListAllMyBuckets")
    )
    assert (
        simulate(action, resource, principal=principal, resource_account=given).request.resource_account
        == expected
    )


def test_each_policy_and_statement_is_traced_in_order() -> None:
    evaluation = simulate(
        X,
        GROUP,
        identity_policies=[
            {"name": "team-read", "policy": policy(allow("s3:*"), allow(X))},
            "AWSXrayReadOnlyAccess",
        ],
        scps=[[GRANTS], [GRANTS]],
    )
    traced = [(p.layer, p.name, p.outcome, p.level) for p in evaluation.policies]
    assert traced == [
        (Layer.SCP, "scps[0][0]", "allow", 0),
        (Layer.SCP, "scps[1][0]", "allow", 1),
        (Layer.IDENTITY, "team-read", "allow", None),
        (Layer.IDENTITY, "AWSXrayReadOnlyAccess", "allow", None),
    ]
    team = evaluation.policies[2]
    assert [(s.index, s.applies) for s in team.statements] == [(0, False), (1, True)]
    assert [(c.element, c.matched, c.reason) for c in team.statements[0].checks[:1]] == [
        ("Action", False, Reason.ACTION_NOT_MATCHED)
    ]


def test_a_deny_shows_as_the_outcome_of_its_policy() -> None:
    evaluation = simulate(X, GROUP, identity_policies=[DENIES])
    assert [p.outcome for p in evaluation.policies] == ["deny"]
    assert [s.applies for s in evaluation.policies[0].statements] == [True, True]


def test_every_rcp_level_carries_rcp_full_aws_access() -> None:
    rcp = policy({"Effect": "Deny", "Principal": "*", "Action": "s3:DeleteBucket", "Resource": "*"})
    evaluation = simulate(
        "s3:GetObject",
        "arn:aws:s3:::reports-bucket/a.csv",
        identity_policies=[policy(allow("s3:*"))],
        rcps=[[rcp], [rcp]],
    )
    assert evaluation.decision is ALLOWED
    rcp_traces = [(p.name, p.level, p.outcome) for p in evaluation.policies if p.layer is Layer.RCP]
    assert rcp_traces == [
        ("RCPFullAWSAccess", 0, "allow"),
        ("rcps[0][0]", 0, "none"),
        ("RCPFullAWSAccess", 1, "allow"),
        ("rcps[1][0]", 1, "none"),
    ]


def test_an_rcp_does_not_apply_to_a_service_that_does_not_support_rcps() -> None:
    rcp = policy({"Effect": "Deny", "Principal": "*", "Action": "ec2:*", "Resource": "*"})
    evaluation = simulate("ec2:DescribeInstances", identity_policies=[policy(allow("ec2:*"))], rcps=[[rcp]])
    assert evaluation.decision is ALLOWED
    assert evaluation.notes == ("resource control policies do not apply to `ec2`",)


@pytest.mark.parametrize(
    ("statements", "context", "missing"),
    [
        pytest.param(
            [allow(X, Condition={"StringEquals": {"aws:ResourceTag/team": "core"}})],
            {},
            ("aws:ResourceTag/team",),
            id="a key a matching statement's condition looked for is listed",
        ),
        pytest.param(
            [allow(X, Condition={"StringEquals": {"aws:ResourceTag/team": "core"}})],
            {"aws:ResourceTag/team": "web"},
            (),
            id="a key that was present is not listed",
        ),
        pytest.param(
            [allow("s3:GetObject", Condition={"StringEquals": {"aws:username": "alice"}})],
            {},
            (),
            id="a key of a statement whose action does not match is not listed",
        ),
        pytest.param(
            [
                allow(
                    X, Condition={"StringEquals": {"aws:username": "alice", "aws:PrincipalTag/team": "core"}}
                ),
                deny(X, Condition={"Bool": {"aws:MultiFactorAuthPresent": "false"}}),
            ],
            {},
            ("aws:MultiFactorAuthPresent", "aws:PrincipalTag/team", "aws:username"),
            id="keys are listed once each, sorted",
        ),
        pytest.param(
            [
                allow(
                    X,
                    "arn:aws:xray:*:*:group/${aws:PrincipalTag/team}/*",
                    Condition={"StringEquals": {"aws:ResourceTag/team": "core"}},
                )
            ],
            {},
            ("aws:PrincipalTag/team", "aws:ResourceTag/team"),
            id="the key of a variable in Resource without a value is listed, with the conditions' keys",
        ),
        pytest.param(
            [allow(X, Condition={"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}})],
            {"aws:ResourceTag/team": "core"},
            ("aws:PrincipalTag/team",),
            id="the key of a variable in a condition value without a value is listed",
        ),
        pytest.param(
            [allow(X, Condition={"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}})],
            {},
            ("aws:PrincipalTag/team", "aws:ResourceTag/team"),
            id="with the condition key absent too, both keys are listed",
        ),
        pytest.param(
            [
                allow(
                    X,
                    Condition={"StringEqualsIfExists": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}},
                )
            ],
            {},
            ("aws:ResourceTag/team",),
            id="a condition that holds without its key lists the key but not its variable",
        ),
        pytest.param(
            [allow(X, "arn:aws:xray:*:*:group/${aws:PrincipalTag/team}/*")],
            {"aws:PrincipalTag/team": "web"},
            (),
            id="a variable that has a value but names another group lists nothing",
        ),
        pytest.param(
            [allow(X, "arn:aws:xray:*:*:sampling-rule/${aws:username}")],
            {},
            (),
            id="a Resource that cannot name the group lists nothing",
        ),
    ],
)
def test_missing_context_keys(
    statements: list[dict[str, Any]], context: dict[str, Any], missing: tuple[str, ...]
) -> None:
    assert (
        simulate(X, GROUP, identity_policies=[policy(*statements)], context=context).missing_keys == missing
    )


@pytest.mark.parametrize(
    ("element", "pattern", "matched", "reason"),
    [
        pytest.param(
            "Resource",
            "arn:aws:xray:*:*:group/${aws:PrincipalTag/team}/*",
            False,
            Reason.VARIABLE_UNRESOLVED,
            id="a Resource entry some value would make match waits on its variable",
        ),
        pytest.param(
            "Resource",
            "arn:aws:xray:*:*:sampling-rule/${aws:PrincipalTag/team}",
            False,
            Reason.RESOURCE_NOT_MATCHED,
            id="a Resource entry no value could make match is not matched",
        ),
        pytest.param(
            "NotResource",
            "arn:aws:xray:*:*:sampling-rule/${aws:PrincipalTag/team}",
            False,
            Reason.VARIABLE_UNRESOLVED,
            id="a NotResource entry without a value keeps the statement out, whatever it names",
        ),
    ],
)
def test_a_resource_variable_without_a_value(
    element: str, pattern: str, matched: bool, reason: Reason
) -> None:
    statement = {"Effect": "Allow", "Action": X, element: pattern}
    evaluation = simulate(X, GROUP, identity_policies=[policy(statement)])
    (check,) = [c for c in evaluation.policies[0].statements[0].checks if c.element == element]
    assert (check.matched, check.reason) == (matched, reason)
    assert evaluation.decision is Decision.IMPLICIT_DENY


def test_a_condition_check_records_the_values_compared() -> None:
    evaluation = simulate(
        X,
        GROUP,
        identity_policies=[
            policy(allow(X, Condition={"StringLike": {"aws:ResourceTag/team": ["co*", "web"]}}))
        ],
        context={"aws:ResourceTag/team": "core"},
    )
    (check,) = evaluation.policies[0].statements[0].conditions
    assert (check.operator, check.key, check.matched, check.policy_values, check.request_values) == (
        "StringLike",
        "aws:ResourceTag/team",
        True,
        ("co*", "web"),
        ("core",),
    )


def test_a_resolved_variable_is_recorded_in_the_trace() -> None:
    pattern = f"arn:aws:xray:us-east-1:{ACCOUNT}:group/${{aws:username}}/*"
    resource = f"arn:aws:xray:us-east-1:{ACCOUNT}:group/alice/AB12CD34"
    evaluation = simulate(
        X, resource, identity_policies=[policy(allow(X, pattern))], context={"aws:username": "alice"}
    )
    check = next(c for c in evaluation.policies[0].statements[0].checks if c.element == "Resource")
    assert (check.matched, check.value("pattern"), check.value("resolved")) == (
        True,
        pattern,
        f"arn:aws:xray:us-east-1:{ACCOUNT}:group/alice/*",
    )


def test_a_substituted_value_is_literal_not_a_wildcard() -> None:
    pattern = f"arn:aws:xray:us-east-1:{ACCOUNT}:group/${{aws:username}}/*"
    resource = f"arn:aws:xray:us-east-1:{ACCOUNT}:group/alice/AB12CD34"
    assert decide(allow(X, pattern), X, resource, context={"aws:username": "a*"}) is IMPLICIT


# --------------------------------------------------------------------------------------------
# compile once, decide many


def test_a_policy_set_decides_many_requests_and_agrees_with_its_traces() -> None:
    policies = PolicySet(identity_policies=["AWSXrayReadOnlyAccess", "AWSXRayDaemonWriteAccess"])
    requests = [
        ("xray:GetGroup", GROUP),
        ("xray:DeleteGroup", GROUP),
        ("xray:PutTraceSegments", "*"),
        ("xray:UpdateSamplingRule", RULE),
        ("xray:GetSamplingRules", "*"),
        ("kms:Decrypt", KEY),
    ]
    fast = [policies.decide(a, r) for a, r in requests]
    traced = [policies.evaluate(a, r).decision for a, r in requests]
    assert fast == traced == [ALLOWED, IMPLICIT, ALLOWED, IMPLICIT, ALLOWED, IMPLICIT]
    assert [policies.decide(a, r) for a, r in requests] == fast  # the second pass reuses what it compiled


def test_a_managed_policy_name_is_loaded_from_the_catalog() -> None:
    evaluation = simulate("xray:PutTraceSegments", identity_policies=["AWSXRayDaemonWriteAccess"])
    assert evaluation.allowed
    assert evaluation.policies[0].name == "AWSXRayDaemonWriteAccess"


def test_an_unknown_managed_policy_name_gets_a_suggestion() -> None:
    with pytest.raises(XrayKitError) as caught:
        PolicySet(identity_policies=["AWSXrayReadOnlyAcess"])
    (issue,) = caught.value.issues
    assert issue.source == "identity_policies[0]"
    assert issue.message == "unknown managed policy `AWSXrayReadOnlyAcess`"
    assert issue.hint is not None and issue.hint.startswith("did you mean `AWSXrayReadOnlyAccess`")


_SQS_ONLY = {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}}


@pytest.mark.parametrize(
    ("principal", "named", "expected"),
    [
        pytest.param(
            "arn:aws:iam::123456789012:user/alice",
            {"AWS": "arn:aws:iam::123456789012:user/alice"},
            Decision.ALLOWED,
            id="a bucket policy naming the user is not limited by the user's boundary",
        ),
        pytest.param(
            "arn:aws:iam::123456789012:role/app",
            {"AWS": "arn:aws:iam::123456789012:role/app"},
            Decision.IMPLICIT_DENY,
            id="naming a role (not its session) leaves the role's boundary in force",
        ),
        pytest.param(
            "arn:aws:iam::123456789012:role/app",
            "*",
            Decision.ALLOWED,
            id="a bucket policy open to every principal is not limited by a role's boundary",
        ),
    ],
)
def test_which_resource_based_allows_a_boundary_cannot_limit(
    principal: str, named: Any, expected: Decision
) -> None:
    # (the independent evaluator gives the same three answers)
    bucket_policy = {
        "Version": "2012-10-17",
        "Statement": {"Effect": "Allow", "Principal": named, "Action": "s3:GetObject", "Resource": "*"},
    }
    policies = PolicySet(permission_boundaries=[_SQS_ONLY], resource_policy=bucket_policy)
    evaluation = policies.evaluate("s3:GetObject", "arn:aws:s3:::b/k", principal=principal)
    assert evaluation.decision is expected
    assert policies.decide("s3:GetObject", "arn:aws:s3:::b/k", principal=principal) is expected
    if expected is Decision.IMPLICIT_DENY:
        assert evaluation.blocked_by == (Layer.BOUNDARY,)


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        pytest.param(
            "identity_policies",
            "AWSXrayReadOnlyAccess",
            Issue(
                "identity_policies",
                "`identity_policies` must be a list of policies, not a string",
                "put the policy in a list: `[policy]`",
            ),
            id="a managed policy name alone",
        ),
        pytest.param(
            "permission_boundaries",
            {"Version": "2012-10-17", "Statement": []},
            Issue(
                "permission_boundaries",
                "`permission_boundaries` must be a list of policies, not an object",
                "put the policy in a list: `[policy]`",
            ),
            id="a boundary document alone",
        ),
        pytest.param(
            "scps",
            5,
            Issue(
                "scps",
                "`scps` must be a list of policies, not a number",
                "one level per list, root first: `[[root policies], [OU policies], ...]`",
            ),
            id="a number for the SCP levels",
        ),
    ],
)
def test_a_policy_list_that_is_not_a_list_is_rejected_with_the_shape_to_use(
    field: str, value: Any, expected: Issue
) -> None:
    with pytest.raises(XrayKitError) as caught:
        PolicySet(**{field: value})
    assert caught.value.issues == (expected,)
