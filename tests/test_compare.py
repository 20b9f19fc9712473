"""Comparing two policies over the X-Ray domain: complete for the domain, and right about it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xraykit import catalog
from xraykit.cli import main
from xraykit.compare import compare, domain, load_policies, resources_for
from xraykit.compare.domain import is_key, key_policy_for
from xraykit.compare.domain import witness as _witness
from xraykit.engine import PolicySet
from xraykit.errors import XrayKitError
from xraykit.lint import lint
from xraykit.result import Decision

V = "2012-10-17"
GROUPS_BY_TAG = {
    "Version": V,
    "Statement": [
        {"Sid": "AllowAllXRay", "Effect": "Allow", "Action": "xray:*", "Resource": "*"},
        {
            "Sid": "DenyCreateGroupWithStage",
            "Effect": "Deny",
            "Action": ["xray:CreateGroup"],
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:RequestTag/stage": ["preprod", "prod"]}},
        },
        {
            "Sid": "DenyUpdateGroupWithStage",
            "Effect": "Deny",
            "Action": ["xray:UpdateGroup", "xray:DeleteGroup"],
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:ResourceTag/stage": ["preprod", "prod"]}},
        },
    ],
}


def _policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": V, "Statement": list(statements)}


def test_a_policy_compared_with_itself_is_the_same() -> None:
    result = compare(GROUPS_BY_TAG, GROUPS_BY_TAG)
    assert result.same and not result.only_a and not result.only_b
    assert "Both allow exactly the same requests." in result.text()


def test_read_only_and_daemon_write_differ_in_exactly_the_expected_actions() -> None:
    result = compare("AWSXrayReadOnlyAccess", "AWSXRayDaemonWriteAccess")
    assert {d.request.action for d in result.only_b} == {"xray:PutTraceSegments", "xray:PutTelemetryRecords"}
    read_only = {
        a
        for a in catalog.expand("xray:*")
        if a.full_name in json.dumps(catalog.managed_policy("AWSXrayReadOnlyAccess"))
    }
    sampling = {"xray:GetSamplingRules", "xray:GetSamplingTargets", "xray:GetSamplingStatisticSummaries"}
    assert {d.request.action for d in result.only_a} == {a.full_name for a in read_only} - sampling
    assert not result.same


def test_the_documented_tag_policy_differs_from_full_access_only_where_the_tags_say_so() -> None:
    result = compare("AWSXrayFullAccess", GROUPS_BY_TAG)
    assert not result.only_b
    assert {d.request.action for d in result.only_a} == {
        "xray:CreateGroup",
        "xray:UpdateGroup",
        "xray:DeleteGroup",
    }
    for difference in result.only_a:
        context = difference.request.context_dict()
        stage = (
            context.get("aws:RequestTag/stage")
            if difference.request.action == "xray:CreateGroup"
            else context.get("aws:ResourceTag/stage")
        )
        assert stage in ("prod", "preprod"), difference.request
        assert difference.b.value == "ExplicitlyDenied"


def test_the_comparison_is_symmetric() -> None:
    forward = compare("AWSXrayFullAccess", GROUPS_BY_TAG)
    backward = compare(GROUPS_BY_TAG, "AWSXrayFullAccess")
    assert [d.request for d in forward.only_a] == [d.request for d in backward.only_b]
    assert [d.request for d in forward.only_b] == [d.request for d in backward.only_a]


def test_the_domain_is_every_x_ray_action_on_every_resource_kind() -> None:
    space = domain(load_policies(GROUPS_BY_TAG))
    assert set(space.actions) == {a.full_name for a in catalog.actions("xray")}
    for act in catalog.actions("xray"):
        resources = {r.resource for r in space.requests if r.action == act.full_name}
        assert "*" in resources
        kinds = {catalog.resource_type_of(r, act).name for r in resources if r != "*"}  # type: ignore[union-attr]
        assert kinds == {ref.name for ref in act.resource_types}, act.full_name


def test_the_domain_offers_each_named_tag_value_another_value_and_absence() -> None:
    space = domain(load_policies(GROUPS_BY_TAG))
    deletes = [
        r.context_dict() for r in space.requests if r.action == "xray:DeleteGroup" and r.resource != "*"
    ]
    assert {c.get("aws:ResourceTag/stage") for c in deletes} == {None, "prod", "preprod", "other-value"}
    creates = [r.context_dict() for r in space.requests if r.action == "xray:CreateGroup"]
    assert {c.get("aws:RequestTag/stage") for c in creates} == {None, "prod", "preprod", "other-value"}
    for context in creates:
        sent = [k.split("/", 1)[1] for k in context if k.startswith("aws:RequestTag/")]
        assert set(sent) <= set(context.get("aws:TagKeys", ())), "aws:TagKeys names every request tag"


def test_tags_are_offered_only_where_aws_supplies_them() -> None:
    space = domain(load_policies(GROUPS_BY_TAG))
    for request in space.requests:
        keys = request.context_dict()
        if request.action in ("xray:PutTraceSegments", "xray:GetGroups"):
            assert not keys, request
        if request.action == "xray:GetGroup":
            assert not any(k.startswith("aws:RequestTag/") for k in keys), request


def test_a_resource_pattern_gives_a_resource_of_its_own() -> None:
    policy = _policy(
        {
            "Effect": "Allow",
            "Action": "xray:GetGroup",
            "Resource": "arn:aws:xray:us-east-1:123456789012:group/local-users/*",
        }
    )
    arns = resources_for(
        catalog.action("xray:GetGroup"), ["arn:aws:xray:us-east-1:123456789012:group/local-users/*"]
    )
    assert "arn:aws:xray:us-east-1:123456789012:group/local-users/x" in arns
    result = compare(policy, _policy({"Effect": "Allow", "Action": "xray:GetGroup", "Resource": "*"}))
    assert [d.request.resource for d in result.only_b] == [
        "arn:aws:xray:us-east-1:123456789012:group/other-group/" + arns[1].rsplit("/", 1)[1]
    ]


@pytest.mark.parametrize(
    ("pattern", "template", "expected"),
    [
        pytest.param(
            "group/local-users/*",
            "group/${GroupName}/${Id}",
            "group/local-users/x",
            id="a group pattern with a wildcard id gets one",
        ),
        pytest.param("group/*", "group/${GroupName}/${Id}", "group/x/x", id="a star reaches name and id"),
        pytest.param(
            "group/local-users", "group/${GroupName}/${Id}", None, id="a group without its id fits no group"
        ),
        pytest.param(
            "log-group:/aws/lambda/orders:*",
            "log-group:${LogGroupName}:log-stream:${LogStreamName}",
            "log-group:/aws/lambda/orders:log-stream:x",
            id="a log stream under a log group",
        ),
        pytest.param("a/*", "${BucketName}", None, id="a whole-segment variable takes no slash"),
        pytest.param(
            "sampling-rule/base-scorekeep",
            "sampling-rule/${SamplingRuleName}",
            "sampling-rule/base-scorekeep",
            id="a sampling rule is its name",
        ),
    ],
)
def test_a_witness_fits_both_the_pattern_and_the_template(
    pattern: str, template: str, expected: str | None
) -> None:
    assert _witness(pattern, template) == expected


def test_a_kms_key_is_decided_with_a_key_policy_that_trusts_both_accounts() -> None:
    document = key_policy_for("arn:aws:kms:us-east-1:444455556666:key/k")
    assert document["Statement"][0]["Principal"] == {
        "AWS": ["arn:aws:iam::444455556666:root", "arn:aws:iam::123456789012:root"]
    }


def test_a_new_key_policy_every_time_so_no_caller_changes_the_next_one() -> None:
    first = key_policy_for("arn:aws:kms:us-east-1:123456789012:key/k")
    first["Statement"][0]["Principal"] = {"AWS": "arn:aws:iam::999999999999:root"}
    again = key_policy_for("arn:aws:kms:us-east-1:123456789012:key/k")
    assert again["Statement"][0]["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}


def test_requests_on_a_kms_key_are_decided_with_its_key_policy() -> None:
    allow = _policy({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"})
    deny = _policy({"Effect": "Deny", "Action": "kms:Decrypt", "Resource": "*"})
    result = compare(allow, deny, actions=["kms:Decrypt"])
    key = next(r for r in result.domain.resources if r != "*")
    assert is_key(key)
    assert [(d.request.resource, d.a, d.b) for d in result.only_a] == [
        ("*", Decision.ALLOWED, Decision.EXPLICIT_DENY),
        (key, Decision.ALLOWED, Decision.EXPLICIT_DENY),
    ]
    assert not result.only_b


def test_a_key_named_in_a_policy_is_compared_on_that_key() -> None:
    key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    on_key = _policy({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": key})
    deny = _policy({"Effect": "Deny", "Action": "kms:*", "Resource": "*"})
    result = compare(on_key, deny, actions=["kms:Decrypt"])
    assert key in result.domain.resources
    assert key in [d.request.resource for d in result.only_a]
    assert compare(on_key, on_key, actions=["kms:Decrypt"]).same


def test_a_resource_in_another_account_is_decided_as_the_lint_reads_it() -> None:
    # the domain decides every resource as if in the caller's account (what the policy says about
    # it decides), as the lint does when it asks whether a statement ever applies
    other = "arn:aws:xray:us-east-1:444455556666:group/shared/*"
    policy = _policy({"Effect": "Allow", "Action": "xray:GetGroup", "Resource": other})
    nothing = _policy({"Effect": "Deny", "Action": "xray:GetGroup", "Resource": "*"})
    result = compare(policy, nothing, actions=["xray:GetGroup"])
    assert "arn:aws:xray:us-east-1:444455556666:group/shared/x" in [d.request.resource for d in result.only_a]
    assert not {f.code for f in lint(policy)} & {"XK602", "XK603"}


def test_the_two_sides_get_different_default_labels() -> None:
    a = _policy({"Effect": "Allow", "Action": "xray:GetGroups", "Resource": "*"})
    b = _policy({"Effect": "Allow", "Action": "xray:GetGroup", "Resource": "*"})
    result = compare(a, b, actions=["xray:GetGroups"])
    assert (result.a_name, result.b_name) == ("policy 1", "policy 2")
    assert result.text().splitlines()[0] == "`policy 1` against `policy 2` over the X-Ray domain"
    both = compare([a, b], [b], actions=["xray:GetGroups"])
    assert (both.a_name, both.b_name) == ("policy 1 + policy 2", "policy 3")
    assert compare(a, "AWSXrayReadOnlyAccess").b_name == "AWSXrayReadOnlyAccess"


def test_too_many_condition_situations_are_refused() -> None:
    many = {f"aws:RequestTag/k{i}": [f"v{j}" for j in range(4)] for i in range(8)}
    policy = _policy(
        {
            "Effect": "Allow",
            "Action": "xray:CreateGroup",
            "Resource": "*",
            "Condition": {"StringEquals": many},
        }
    )
    with pytest.raises(XrayKitError) as caught:
        compare(policy, "AWSXrayFullAccess")
    assert "situations" in str(caught.value)


def test_renderings_and_json() -> None:
    result = compare("AWSXrayWriteOnlyAccess", "AWSXrayReadOnlyAccess")
    text = result.text()
    assert text == compare("AWSXrayWriteOnlyAccess", "AWSXrayReadOnlyAccess").text()
    assert (
        text.splitlines()[0]
        == "`AWSXrayWriteOnlyAccess` against `AWSXrayReadOnlyAccess` over the X-Ray domain"
    )
    assert "  xray:PutTraceSegments on *" in text
    assert "<table>" in result._repr_html_()
    data = json.loads(json.dumps(result.to_dict()))
    assert data["same"] is False and {r["action"] for r in data["only_a"]} == {
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
    }


# ---------------------------------------------------------------------------- properties

_ACTIONS = ["xray:GetGroup", "xray:DeleteGroup", "xray:PutTraceSegments", "xray:Get*", "xray:TagResource"]
_RESOURCES = ["*", "arn:aws:xray:us-east-1:123456789012:group/prod/*", "arn:aws:xray:*:*:sampling-rule/*"]
_CONDITIONS = [
    None,
    {"StringEquals": {"aws:ResourceTag/stage": "prod"}},
    {"StringEquals": {"aws:RequestTag/team": ["core", "web"]}},
]


@st.composite
def statements(draw: st.DrawFn, effect: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "Effect": effect or draw(st.sampled_from(["Allow", "Deny"])),
        "Action": draw(st.lists(st.sampled_from(_ACTIONS), min_size=1, max_size=2, unique=True)),
        "Resource": draw(st.sampled_from(_RESOURCES)),
    }
    condition = draw(st.sampled_from(_CONDITIONS))
    if condition:
        out["Condition"] = condition
    return out


@settings(max_examples=25, deadline=None)
@given(st.lists(statements(), min_size=1, max_size=3), statements("Allow"))
def test_adding_an_allow_never_takes_anything_away(base: list[dict[str, Any]], extra: dict[str, Any]) -> None:
    result = compare(
        _policy(*base),
        _policy(*base, extra),
        actions=["xray:GetGroup", "xray:DeleteGroup", "xray:PutTraceSegments", "xray:TagResource"],
    )
    assert not result.only_a


@settings(max_examples=25, deadline=None)
@given(st.lists(statements(), min_size=1, max_size=3), statements("Deny"))
def test_adding_a_deny_never_allows_more(base: list[dict[str, Any]], extra: dict[str, Any]) -> None:
    result = compare(
        _policy(*base),
        _policy(*base, extra),
        actions=["xray:GetGroup", "xray:DeleteGroup", "xray:PutTraceSegments", "xray:TagResource"],
    )
    assert not result.only_b


@settings(max_examples=25, deadline=None)
@given(st.lists(statements(), min_size=1, max_size=3), st.lists(statements(), min_size=1, max_size=3))
def test_every_reported_difference_is_a_real_one(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> None:
    result = compare(
        _policy(*a), _policy(*b), actions=["xray:GetGroup", "xray:DeleteGroup", "xray:TagResource"]
    )
    left, right = PolicySet([_policy(*a)]), PolicySet([_policy(*b)])
    for difference in (*result.only_a, *result.only_b):
        request = difference.request
        decided = [
            p.decide(request.action, request.resource, context=request.context_dict()) for p in (left, right)
        ]
        assert decided == [difference.a, difference.b]
        assert decided[0].allowed != decided[1].allowed


# ---------------------------------------------------------------------------- the diff command


def _write(tmp_path: Path, name: str, document: object) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document), "utf-8")
    return str(path)


def test_diff_exits_0_when_the_same_and_1_when_different(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["diff", "AWSXrayWriteOnlyAccess", "AWSXRayDaemonWriteAccess"]) == 0
    assert "Both allow exactly the same requests." in capsys.readouterr().out
    assert main(["diff", _write(tmp_path, "tags.json", GROUPS_BY_TAG), "AWSXrayFullAccess"]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"`{tmp_path / 'tags.json'}` against `AWSXrayFullAccess`")
    assert "Only `AWSXrayFullAccess` allows" in out


def test_diff_json_and_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "diff",
                "--json",
                "AWSXrayReadOnlyAccess",
                "AWSXRayDaemonWriteAccess",
                "--actions",
                "xray:PutTraceSegments",
                "xray:GetGroups",
            ]
        )
        == 1
    )
    data = json.loads(capsys.readouterr().out)
    assert data["actions"] == ["xray:PutTraceSegments", "xray:GetGroups"]
    assert [r["action"] for r in data["only_b"]] == ["xray:PutTraceSegments"]
    assert main(["diff", str(tmp_path / "nope.json"), "AWSXrayFullAccess"]) == 2
    assert "cannot read" in capsys.readouterr().err
