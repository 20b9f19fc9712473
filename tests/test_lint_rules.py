"""Every lint rule on policies with written-down findings (tests/lint_cases/XKnnn-*.json).

Each case file holds the cases of one rule: a sentence id, a policy and the complete list of
findings expected, as ``[code, path]`` pairs. Cases that expect no finding of their rule are the
negative cases; every rule has both kinds.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from xraykit.lint import apply_patch, lint, rules
from xraykit.policy import check_policy

CASES_DIR = Path(__file__).parent / "lint_cases"


def _load() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for path in sorted(CASES_DIR.glob("XK*.json")):
        data = json.loads(path.read_text("utf-8"))
        for case in data["cases"]:
            out.append((data["rule"], case))
    return out


CASES = _load()
PARAMS = [pytest.param(rule, case, id=case["id"]) for rule, case in CASES]


def test_the_case_files_exist() -> None:
    assert len(CASES) >= 2 * len(rules())


@pytest.mark.parametrize(("rule", "case"), PARAMS)
def test_lint_finds_exactly_what_the_case_says(rule: str, case: dict[str, Any]) -> None:
    found = lint(case["policy"], case.get("kind", "identity-based policy"))
    assert sorted([f.code, f.path] for f in found) == sorted(case["findings"])


@pytest.mark.parametrize("code", [r.code for r in rules()])
def test_every_rule_has_a_positive_and_a_negative_case(code: str) -> None:
    mine = [case for rule, case in CASES if rule == code]
    positive = [c for c in mine if any(f[0] == code for f in c["findings"])]
    negative = [c for c in mine if all(f[0] != code for f in c["findings"])]
    assert positive, f"no case shows {code}"
    assert negative, f"no case shows a policy close to {code} that is not reported"


EDITS = [
    pytest.param(case, finding_index, id=f"{case['id']} (edit of finding {finding_index})")
    for _, case in CASES
    for finding_index, finding in enumerate(lint(case["policy"], case.get("kind", "identity-based policy")))
    if finding.edit is not None
]


@pytest.mark.parametrize(("case", "index"), EDITS)
def test_a_suggested_edit_is_valid_and_removes_one_finding_of_its_rule(
    case: dict[str, Any], index: int
) -> None:
    kind = case.get("kind", "identity-based policy")
    before = lint(case["policy"], kind)
    finding = before[index]
    assert finding.edit is not None
    assert finding.edit.document == apply_patch(case["policy"], finding.edit.operations)
    assert json.loads(finding.edit.policy_text) == finding.edit.document
    assert check_policy(finding.edit.document, kind) == []
    after = lint(finding.edit.document, kind)
    assert len(after.by_code(finding.code)) < len(before.by_code(finding.code))


@pytest.mark.parametrize(("rule", "case"), PARAMS)
def test_messages_are_in_the_house_voice(rule: str, case: dict[str, Any]) -> None:
    for finding in lint(case["policy"], case.get("kind", "identity-based policy")):
        for text in (finding.message, finding.why):
            assert text and not text.endswith("."), text
            first = text.split()[0]
            assert not (first[:1].isupper() and first[1:].islower()), (
                f"{text!r} starts with a capitalised word"
            )
            assert not re.search(r"(?<!\$)\{[a-z_]+\}", text), f"unfilled placeholder in {text!r}"


def test_an_unknown_action_suggests_the_closest_names() -> None:
    found = lint(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": ["xray:GetGroop", "xray:GetGroups"], "Resource": "*"}
            ],
        }
    )
    (finding,) = found.by_code("XK101")
    assert finding.hint is not None and "`xray:GetGroup`" in finding.hint
    assert finding.edit is not None
    assert finding.edit.document["Statement"][0]["Action"][0] == "xray:GetGroup"


def test_the_seed_resource_tag_key_is_corrected_to_the_global_key() -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Action": "xray:DeleteGroup",
                "Resource": "*",
                "Condition": {"StringEquals": {"xray:ResourceTag/stage": "prod"}},
            }
        ],
    }
    (finding,) = lint(policy).by_code("XK301")
    assert finding.hint == "did you mean `aws:ResourceTag/stage`?"
    assert finding.edit is not None
    assert finding.edit.document["Statement"][0]["Condition"] == {
        "StringEquals": {"aws:ResourceTag/stage": "prod"}
    }


def test_the_tag_bypass_fix_makes_untagging_a_protected_group_a_denial() -> None:
    from xraykit.engine import PolicySet

    case = next(
        c
        for r, c in CASES
        if c["id"] == "the documented production groups policy can be got around by untagging"
    )
    found = lint(case["policy"]).by_code("XK403")
    resource_tag = next(f for f in found if "ResourceTag" in f.path)
    assert "`xray:UntagResource` can remove `stage`" in resource_tag.message
    group = "arn:aws:xray:us-east-1:123456789012:group/prod-group/ABC"
    context = {"aws:ResourceTag/stage": "prod", "aws:TagKeys": ["stage"]}
    assert PolicySet([case["policy"]]).decide("xray:UntagResource", group, context=context).allowed
    assert resource_tag.edit is not None
    fixed = PolicySet([resource_tag.edit.document])
    assert fixed.decide("xray:UntagResource", group, context=context).value == "ExplicitlyDenied"
    assert fixed.decide(
        "xray:UntagResource", group, context={"aws:ResourceTag/stage": "dev", "aws:TagKeys": ["stage"]}
    ).allowed


def test_notaction_counts_what_it_grants_beyond_x_ray() -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "NotAction": "xray:PutEncryptionConfig", "Resource": "*"}],
    }
    (finding,) = lint(policy).by_code("XK401")
    match = re.search(r"(\d+) X-Ray actions and ([\d,]+) actions in (\d+) other services", finding.message)
    assert match is not None
    assert int(match.group(1)) == 43
    assert int(match.group(2).replace(",", "")) > 1000 and int(match.group(3)) > 100
    assert finding.edit is not None
    assert "NotAction" not in finding.edit.document["Statement"][0]
    assert len(finding.edit.document["Statement"][0]["Action"]) == 43
