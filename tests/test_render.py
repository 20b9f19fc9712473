"""Renderings of an evaluation: deterministic text (golden), HTML that escapes what users wrote, and
the JSON form the CLI prints.

The golden texts below change whenever the wording in ``xraykit/data/reasons.json`` changes; that
is on purpose: a notebook's committed output would change with them.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from xraykit.engine import simulate
from xraykit.render import decision_summary, evaluation_dict, evaluation_html, evaluation_text
from xraykit.result import Evaluation

GROUP = "arn:aws:xray:us-east-1:123456789012:group/prod/AB12CD34"
KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def _named(name: str, *statements: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "policy": {"Version": "2012-10-17", "Statement": list(statements)}}


def allowed_by_a_tag_condition() -> Evaluation:
    return simulate(
        "xray:GetGroup",
        GROUP,
        context={"aws:ResourceTag/team": "core"},
        identity_policies=[
            _named(
                "team-read",
                {
                    "Sid": "ReadTeamGroups",
                    "Effect": "Allow",
                    "Action": "xray:Get*",
                    "Resource": "arn:aws:xray:us-east-1:123456789012:group/*",
                    "Condition": {"StringEquals": {"aws:ResourceTag/team": "core"}},
                },
            )
        ],
    )


def denied_by_an_scp() -> Evaluation:
    return simulate(
        "xray:DeleteGroup",
        GROUP,
        identity_policies=["AWSXrayFullAccess"],
        scps=[
            [_named("FullAWSAccess", {"Effect": "Allow", "Action": "*", "Resource": "*"})],
            [
                _named(
                    "ProtectGroups",
                    {"Sid": "NoDeletes", "Effect": "Deny", "Action": "xray:Delete*", "Resource": "*"},
                )
            ],
        ],
    )


def the_seed_trap() -> Evaluation:
    return simulate(
        "xray:PutTraceSegments",
        context={"s3:prefix": "x"},
        identity_policies=[
            {
                "Version": "2012-10-17",
                "Statement": {
                    "Effect": "Allow",
                    "Action": "xray:PutTraceSegments",
                    "Resource": GROUP,
                    "Condition": {"Bool": {"aws:SecureTransport": "true"}},
                },
            }
        ],
    )


def key_policy_names_someone_else() -> Evaluation:
    return simulate(
        "kms:Decrypt",
        KEY,
        identity_policies=[
            {
                "Version": "2012-10-17",
                "Statement": {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"},
            }
        ],
        resource_policy=_named(
            "key-policy",
            {
                "Sid": "KeyUsers",
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::123456789012:role/XrayReader"},
                "Action": "kms:Decrypt",
                "Resource": "*",
            },
        ),
    )


GOLDEN_ALLOWED = """\
xray:GetGroup on arn:aws:xray:us-east-1:123456789012:group/prod/AB12CD34
  by arn:aws:iam::123456789012:user/alice (resource account 123456789012)
  context: aws:ResourceTag/team=`core`
Decision: Allowed: allowed by the identity-based policy, and no other layer limits it
Decided by: identity-based policy

identity-based policy `team-read`: allow
  Statement[0] (Sid `ReadTeamGroups`) Allow: applies
    ✓ Action: `xray:GetGroup` matches the action pattern `xray:Get*`
    ✓ Resource: `arn:aws:xray:us-east-1:123456789012:group/prod/AB12CD34` matches the resource pattern \
`arn:aws:xray:us-east-1:123456789012:group/*`
    ✓ Condition StringEquals: `aws:ResourceTag/team` `core` satisfies StringEquals `core`"""

GOLDEN_SCP = """\
xray:DeleteGroup on arn:aws:xray:us-east-1:123456789012:group/prod/AB12CD34
  by arn:aws:iam::123456789012:user/alice (resource account 123456789012)
Decision: ExplicitlyDenied: an explicit deny in the service control policy wins over every allow
Decided by: service control policy

service control policy (level 0) `FullAWSAccess`: allow
  Statement[0] Allow: applies
    ✓ Action: `xray:DeleteGroup` matches the action pattern `*`
    ✓ Resource: `arn:aws:xray:us-east-1:123456789012:group/prod/AB12CD34` matches the resource pattern `*`

service control policy (level 1) `ProtectGroups`: deny
  Statement[0] (Sid `NoDeletes`) Deny: applies
    ✓ Action: `xray:DeleteGroup` matches the action pattern `xray:Delete*`
    ✓ Resource: `arn:aws:xray:us-east-1:123456789012:group/prod/AB12CD34` matches the resource pattern `*`

identity-based policy `AWSXrayFullAccess`: allow
  Statement[0] (Sid `AWSXrayFullAccess`) Allow: applies
    ✓ Action: `xray:DeleteGroup` matches the action pattern `xray:*`
    ✓ Resource: `arn:aws:xray:us-east-1:123456789012:group/prod/AB12CD34` matches the resource pattern `*`"""

GOLDEN_TRAP_BRIEF = """\
xray:PutTraceSegments on *
  by arn:aws:iam::123456789012:user/alice (resource account 123456789012)
Decision: ImplicitlyDenied: no statement in the identity-based policy allows the request
Blocked by: identity-based policy
Note: `s3:prefix` is ignored: `xray:PutTraceSegments` does not supply it"""

GOLDEN_TRAP = (
    GOLDEN_TRAP_BRIEF
    + """

identity-based policy `identity_policies[0]`: none
  Statement[0] Allow: does not apply
    ✓ Action: `xray:PutTraceSegments` matches the action pattern `xray:PutTraceSegments`
    ✗ Resource: `xray:PutTraceSegments` has no resource-level permissions: only `*` in Resource grants it
    ✗ Condition Bool: `aws:SecureTransport` is not in the request, so Bool is false"""
)

GOLDEN_KMS = """\
kms:Decrypt on arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
  by arn:aws:iam::123456789012:user/alice (resource account 123456789012)
Decision: ImplicitlyDenied: KMS only lets IAM policies count when the key policy allows it: this key policy \
neither names the principal nor delegates to the account
Blocked by: resource-based policy

resource-based policy `key-policy`: none
  Statement[0] (Sid `KeyUsers`) Allow: does not apply
    ✓ Action: `kms:Decrypt` matches the action pattern `kms:Decrypt`
    ✓ Resource: `arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab` matches the \
resource pattern `*`
    ✗ Principal: the principal `arn:aws:iam::123456789012:user/alice` is not named in Principal

identity-based policy `identity_policies[0]`: allow
  Statement[0] Allow: applies
    ✓ Action: `kms:Decrypt` matches the action pattern `kms:Decrypt`
    ✓ Resource: `arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab` matches the \
resource pattern `*`"""


@pytest.mark.parametrize(
    ("make", "details", "golden"),
    [
        pytest.param(allowed_by_a_tag_condition, True, GOLDEN_ALLOWED, id="an allow through a tag condition"),
        pytest.param(denied_by_an_scp, True, GOLDEN_SCP, id="an explicit deny in the second SCP level"),
        pytest.param(the_seed_trap, True, GOLDEN_TRAP, id="an ARN for an action that only accepts star"),
        pytest.param(the_seed_trap, False, GOLDEN_TRAP_BRIEF, id="the brief form stops before the trace"),
        pytest.param(
            key_policy_names_someone_else,
            True,
            GOLDEN_KMS,
            id="a key policy that neither names nor delegates",
        ),
    ],
)
def test_text_rendering_is_golden(make: Any, details: bool, golden: str) -> None:
    assert evaluation_text(make(), details=details) == golden


def test_str_is_the_text_rendering() -> None:
    evaluation = denied_by_an_scp()
    assert str(evaluation) == evaluation_text(evaluation) == GOLDEN_SCP


def test_the_text_does_not_depend_on_the_order_context_keys_are_given() -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": {"Effect": "Allow", "Action": "xray:GetGroup", "Resource": "*"},
    }
    keys = {"aws:username": "alice", "aws:ResourceTag/team": "core", "aws:TagKeys": ["b", "a"]}
    forward = simulate("xray:GetGroup", GROUP, identity_policies=[policy], context=keys)
    backward = simulate(
        "xray:GetGroup", GROUP, identity_policies=[policy], context=dict(reversed(list(keys.items())))
    )
    assert evaluation_text(forward) == evaluation_text(backward)
    assert (
        "  context: aws:ResourceTag/team=`core`, aws:TagKeys=[`b`, `a`], aws:username=`alice`"
        in evaluation_text(forward)
    )


def test_the_decision_summary_is_one_line() -> None:
    assert decision_summary(key_policy_names_someone_else()) == (
        "ImplicitlyDenied: KMS only lets IAM policies count when the key policy allows it: "
        "this key policy neither names the principal nor delegates to the account"
    )


# --------------------------------------------------------------------------------------------
# HTML


def hostile() -> Evaluation:
    """An evaluation where every piece of user text carries markup."""
    return simulate(
        "s3:GetObject",
        "arn:aws:s3:::reports-bucket/<script>alert(1)</script>.csv",
        principal="arn:aws:iam::123456789012:user/<b>eve</b>",
        context={"aws:ResourceTag/team": "<u>core</u>&amp;", "aws:username": "<em>eve</em>"},
        identity_policies=[
            _named(
                "<img src=x onerror=alert(1)>",
                {
                    "Sid": "<i>sid</i>",
                    "Effect": "Allow",
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::reports-bucket/<script>*",
                    "Condition": {"StringEquals": {"aws:ResourceTag/team": "<u>core</u>&amp;"}},
                },
            )
        ],
    )


def test_html_escapes_every_piece_of_user_text() -> None:
    html = evaluation_html(hostile())
    for raw in ("<script", "<img", "<b>eve", "<i>sid", "<u>core", "<em>"):
        assert raw not in html, raw
    for escaped in (
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "&lt;img src=x onerror=alert(1)&gt;",
        "&lt;b&gt;eve&lt;/b&gt;",
        "&lt;i&gt;sid&lt;/i&gt;",
        "&lt;u&gt;core&lt;/u&gt;&amp;amp;",
    ):
        assert escaped in html, escaped


def test_html_is_well_nested() -> None:
    html = evaluation_html(hostile())
    stack: list[str] = []
    for closing, tag in re.findall(r"<(/?)([a-z]+)[^>]*>", html):
        if not closing:
            stack.append(tag)
        else:
            assert stack and stack.pop() == tag
    assert stack == []


def test_repr_html_is_the_html_rendering() -> None:
    evaluation = allowed_by_a_tag_condition()
    assert evaluation._repr_html_() == evaluation_html(evaluation)


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(allowed_by_a_tag_condition, id="an allow"),
        pytest.param(denied_by_an_scp, id="an explicit deny"),
        pytest.param(the_seed_trap, id="an implicit deny with a note"),
        pytest.param(key_policy_names_someone_else, id="a KMS implicit deny"),
        pytest.param(
            lambda: simulate("xray:GetSamplingRules", context={"aws:username": "alice"}),
            id="a context key no condition looks at",
        ),
    ],
)
def test_html_shows_the_facts_the_text_shows(make: Any) -> None:
    evaluation = make()
    html = evaluation_html(evaluation)
    assert evaluation.decision.value in html
    assert evaluation.request.action in html and evaluation.request.resource in html
    for key, value in evaluation.request.context:
        assert key in html and (value if isinstance(value, str) else value[0]) in html
    if evaluation.decided_by:
        assert f"Decided by: {evaluation.decided_by.value}" in html
    if evaluation.blocked_by:
        assert "Blocked by: " + ", ".join(layer.value for layer in evaluation.blocked_by) in html
    for note in evaluation.notes:
        assert note.split("`")[1] in html
    for policy in evaluation.policies:
        assert policy.name in html


def test_a_policy_that_decided_nothing_is_folded_in_html() -> None:
    html = evaluation_html(key_policy_names_someone_else())
    assert "<details><summary>resource-based policy <code>key-policy</code>: none</summary>" in html
    assert (
        "<details open><summary>identity-based policy <code>identity_policies[0]</code>: allow</summary>"
        in html
    )


# --------------------------------------------------------------------------------------------
# JSON


def test_the_json_form_round_trips_and_names_everything() -> None:
    data = evaluation_dict(the_seed_trap())
    assert json.loads(json.dumps(data)) == data
    assert {
        k: data[k]
        for k in ("decision", "reason", "decided_by", "blocked_by", "missing_context_keys", "notes")
    } == {
        "decision": "ImplicitlyDenied",
        "reason": "no-allow",
        "decided_by": None,
        "blocked_by": ["identity-based policy"],
        "missing_context_keys": [],
        "notes": ["`s3:prefix` is ignored: `xray:PutTraceSegments` does not supply it"],
    }
    assert data["request"] == {
        "principal": "arn:aws:iam::123456789012:user/alice",
        "action": "xray:PutTraceSegments",
        "resource": "*",
        "resource_account": "123456789012",
        "context": {},
    }
    (policy,) = data["policies"]
    resource_check = policy["statements"][0]["checks"][1]
    assert (resource_check["element"], resource_check["matched"], resource_check["reason"]) == (
        "Resource",
        False,
        "resource-needs-star",
    )
    assert (
        resource_check["text"]
        == "`xray:PutTraceSegments` has no resource-level permissions: only `*` in Resource grants it"
    )
    (condition,) = policy["statements"][0]["conditions"]
    assert condition == {
        "operator": "Bool",
        "key": "aws:SecureTransport",
        "matched": False,
        "reason": "condition-key-absent",
        "text": "`aws:SecureTransport` is not in the request, so Bool is false",
        "policy_values": ["true"],
        "request_values": None,
    }


def test_rendering_is_deterministic() -> None:
    first, second = denied_by_an_scp(), denied_by_an_scp()
    assert evaluation_text(first) == evaluation_text(second)
    assert evaluation_html(first) == evaluation_html(second)
    assert json.dumps(evaluation_dict(first)) == json.dumps(evaluation_dict(second))
