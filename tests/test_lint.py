"""The lint as a whole: its rules as data, the findings collection and its renderings, the ways a
policy can be given, and the managed policies and scenario policies with their findings written
down (tests/lint_cases/managed.json and scenarios.json)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xraykit.errors import XrayKitError
from xraykit.lint import Findings, Severity, lint, rule, rules
from xraykit.policy import PolicyKind, check_policy, parse_policy

CASES_DIR = Path(__file__).parent / "lint_cases"
ARN_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": "xray:PutTraceSegments",
            "Resource": "arn:aws:xray:us-east-1:123456789012:group/a/*",
        }
    ],
}


# ---------------------------------------------------------------------------- the rules as data


def test_every_rule_has_a_unique_code_a_severity_and_a_documentation_reference() -> None:
    found = rules()
    assert [r.code for r in found] == sorted({r.code for r in found})
    assert len({r.name for r in found}) == len(found)
    for item in found:
        assert re.fullmatch(r"XK\d{3}", item.code)
        assert isinstance(item.severity, Severity)
        assert item.doc.url.startswith("https://docs.aws.amazon.com/")
        assert item.doc.page and item.doc.section
        assert item.message and not item.message.endswith(".")


@pytest.mark.parametrize(
    ("code", "severity"),
    [
        pytest.param("XK101", Severity.ERROR, id="an unknown action is an error"),
        pytest.param("XK201", Severity.ERROR, id="an arn for a star-only action is an error"),
        pytest.param("XK401", Severity.SECURITY_WARNING, id="allow with notaction is a security warning"),
        pytest.param(
            "XK403", Severity.SECURITY_WARNING, id="a tag deny that can be got around is a security warning"
        ),
        pytest.param("XK103", Severity.WARNING, id="a pattern matching nothing is a warning"),
        pytest.param("XK601", Severity.SUGGESTION, id="a redundant statement is a suggestion"),
    ],
)
def test_severities_follow_the_access_analyzer_finding_types(code: str, severity: Severity) -> None:
    assert rule(code).severity is severity


def test_a_rule_is_found_by_code_or_name_and_an_unknown_one_suggests_the_closest() -> None:
    assert rule("xk201") is rule("arn-for-star-only-action")
    with pytest.raises(XrayKitError) as caught:
        rule("XK2011")
    assert "unknown lint rule `XK2011`" in str(caught.value)


# ---------------------------------------------------------------------------- the findings


def test_findings_come_in_policy_order_with_their_counts() -> None:
    found = lint(ARN_POLICY, source="bad.json")
    assert isinstance(found, Findings)
    assert found.codes == ("XK603", "XK201")
    assert [f.code for f in found.errors] == ["XK201"]
    assert found.counts()[Severity.WARNING] == 1
    assert found.by_code("XK201")[0].statement == 0
    assert len(found) == 2 and found[0].code == "XK603"


def test_the_text_twin_is_deterministic_and_reads_as_written_here() -> None:
    text = lint(ARN_POLICY, source="bad.json").text()
    assert text == lint(ARN_POLICY, source="bad.json").text() == str(lint(ARN_POLICY, source="bad.json"))
    assert text.splitlines()[0] == "bad.json: 2 findings: 1 error, 1 warning"
    assert (
        "error XK201 Statement[0].Resource: `xray:PutTraceSegments` has no resource-level permissions, so "
        "`arn:aws:xray:us-east-1:123456789012:group/a/*` never matches it: IAM checks it against `*`"
    ) in text
    assert '    fix: use `"Resource": "*"`\n      replace /Statement/0/Resource = "*"' in text
    assert "rule: arn-for-star-only-action (How AWS X-Ray works with IAM › Resources)" in text


def test_the_brief_text_has_one_line_per_finding() -> None:
    assert len(lint(ARN_POLICY).text(details=False).splitlines()) == 3


def test_the_html_shows_the_code_the_escaped_message_and_the_documentation_link() -> None:
    page = lint(ARN_POLICY)._repr_html_()
    assert "XK201" in page and "<code>xray:PutTraceSegments</code>" in page
    assert "https://docs.aws.amazon.com/xray/latest/devguide/security_iam_service-with-iam.html" in page
    assert "<details>" in page


def test_no_findings_read_as_such() -> None:
    found = lint("AWSXRayDaemonWriteAccess")
    assert not found and found.text() == "AWSXRayDaemonWriteAccess: no findings"
    assert "no findings" in found._repr_html_()


def test_the_json_form_carries_the_rule_doc_and_edit() -> None:
    data = json.loads(json.dumps(lint(ARN_POLICY).to_dict()))
    item = next(f for f in data["findings"] if f["code"] == "XK201")
    assert item["severity"] == "error" and item["path"] == "Statement[0].Resource"
    assert item["doc"]["section"] == "Resources"
    assert item["edit"]["patch"] == [{"op": "replace", "path": "/Statement/0/Resource", "value": "*"}]
    assert item["edit"]["policy"]["Statement"][0]["Resource"] == "*"
    assert data["counts"] == {"error": 1, "security warning": 0, "warning": 1, "suggestion": 0}


# ---------------------------------------------------------------------------- how a policy is given


@pytest.mark.parametrize(
    "given",
    [
        pytest.param(ARN_POLICY, id="a parsed document"),
        pytest.param(json.dumps(ARN_POLICY), id="json text"),
        pytest.param(json.dumps(ARN_POLICY).encode(), id="json bytes"),
        pytest.param(parse_policy(ARN_POLICY), id="a validated policy"),
    ],
)
def test_a_policy_may_be_given_in_any_form(given: Any) -> None:
    assert lint(given).codes == ("XK603", "XK201")


def test_a_managed_policy_is_linted_by_name() -> None:
    assert lint("AWSXrayFullAccess").codes == ("XK701",)


def test_text_that_is_not_json_is_bad_input() -> None:
    with pytest.raises(XrayKitError) as caught:
        lint('{"Version": "2012-10-17",')
    assert "not valid JSON" in str(caught.value)


def test_structural_problems_are_the_only_findings_of_an_invalid_policy() -> None:
    found = lint(
        {"Statement": [{"Effect": "Allow", "Action": "xray:GetGroop", "Resource": "*", "Principal": "*"}]}
    )
    assert found.codes == ("XK001",)
    assert found[0].path == "Statement[0].Principal"


def test_select_and_ignore_choose_the_rules() -> None:
    assert lint(ARN_POLICY, select=["XK201"]).codes == ("XK201",)
    assert lint(ARN_POLICY, ignore=["allow-never-applies"]).codes == ("XK201",)
    with pytest.raises(XrayKitError):
        lint(ARN_POLICY, select=["XK999"])


def test_a_resource_policy_is_linted_without_the_checks_that_need_a_principal_free_policy() -> None:
    key_policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                "Action": "kms:*",
                "Resource": "*",
            },
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                "Action": "kms:Decrypt",
                "Resource": "*",
            },
        ],
    }
    assert lint(key_policy, PolicyKind.RESOURCE).codes == ()


def test_limits_are_not_reported_as_grants() -> None:
    full_access_scp = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    }
    assert lint(full_access_scp, PolicyKind.SCP).codes == ()
    assert lint(full_access_scp).codes == ("XK702",)


# ---------------------------------------------------------------------------- managed and scenario policies


# the policies to lint: every version of every managed policy, and every policy a scenario file
# writes (collected through the scenario schema, so a new place a policy can sit shows up here)
def _document(ref: Any) -> Any:
    """A policy document from an inline document or a ``{"name", "policy"}`` reference."""
    if isinstance(ref, dict) and "policy" in ref and "Statement" not in ref:
        return ref["policy"]
    return ref


def scenario_policies() -> Iterator[tuple[str, str, Any, PolicyKind]]:
    """``(scenario stem, place, document, kind)`` for every policy written in a scenario file."""
    from xraykit.scenarios import load_scenarios, slug

    for scenario in load_scenarios():
        stem = slug(scenario.name)
        account = scenario.account
        for name, document in account.policies.items():
            yield stem, f"account.policies.{name}", document, PolicyKind.IDENTITY
        people: list[tuple[str, Any]] = [("users", u) for u in account.users]
        people += [("roles", r) for r in account.roles] + [("iam_groups", g) for g in account.iam_groups]
        for kind, who in people:
            base = f"account.{kind}.{who.name}"
            for name, document in who.inline.items():
                yield stem, f"{base}.inline.{name}", document, PolicyKind.IDENTITY
            for i, ref in enumerate(who.policies):
                if isinstance(ref, dict):
                    yield stem, f"{base}.policies[{i}]", _document(ref), PolicyKind.IDENTITY
            boundary = getattr(who, "boundary", None)
            if isinstance(boundary, dict):
                yield stem, f"{base}.boundary", _document(boundary), PolicyKind.BOUNDARY
        for session in account.sessions:
            if session.policy is not None:
                yield stem, f"account.sessions.{session.name}.policy", session.policy, PolicyKind.SESSION
        for key in account.keys:
            if key.policy is not None:
                yield stem, f"account.keys.{key.alias}.policy", key.policy, PolicyKind.RESOURCE
        for level, item in enumerate(account.scps or ()):
            for j, ref in enumerate(item if isinstance(item, list) else [item]):
                if isinstance(ref, dict):
                    yield stem, f"account.scps[{level}][{j}]", _document(ref), PolicyKind.SCP


def managed_policies() -> Iterator[tuple[str, str, Any]]:
    """``(name, version, document)`` for every recorded version of every managed policy."""
    from xraykit import catalog

    for name in catalog.managed_policy_names():
        for version in catalog.managed_policy_versions(name):
            yield name, version.version, catalog.managed_policy(name, version.version)


MANAGED = json.loads((CASES_DIR / "managed.json").read_text("utf-8"))["policies"]
SCENARIOS = json.loads((CASES_DIR / "scenarios.json").read_text("utf-8"))["scenarios"]


@pytest.mark.parametrize(
    ("name", "version", "document"),
    [pytest.param(n, v, d, id=f"{n} {v}") for n, v, d in managed_policies()],
)
def test_every_version_of_every_managed_policy_has_its_findings_written_down(
    name: str, version: str, document: Any
) -> None:
    assert version in MANAGED.get(name, {}), f"add {name} {version} to tests/lint_cases/managed.json"
    found = lint(document, source=name)
    assert [[f.code, f.path] for f in found] == MANAGED[name][version]


def test_the_elastic_beanstalk_policy_grants_describeloggroups_on_an_arn_that_never_matches() -> None:
    (finding,) = lint("AWSElasticBeanstalkWebTier")
    assert finding.code == "XK201" and "`logs:DescribeLogGroups`" in finding.message


COLLECTED = list(scenario_policies())


def test_there_are_scenario_policies_to_lint() -> None:
    assert len(COLLECTED) >= 10


@pytest.mark.parametrize(
    ("stem", "where", "document", "kind"),
    [pytest.param(*item, id=f"{item[0]}: {item[1]}") for item in COLLECTED],
)
def test_every_scenario_policy_has_its_findings_written_down(
    stem: str, where: str, document: Any, kind: PolicyKind
) -> None:
    found = [[f.code, f.path] for f in lint(document, kind)]
    expected = SCENARIOS.get(stem, {}).get(where)
    assert expected is not None, (
        f'add to tests/lint_cases/scenarios.json: "{stem}": {{"{where}": {json.dumps(found)}}} '
        "(after checking each finding is right)"
    )
    assert found == expected


def test_every_written_down_scenario_policy_still_exists() -> None:
    places = {(stem, where) for stem, where, _, _ in COLLECTED}
    stale = [
        (stem, where)
        for stem, entries in SCENARIOS.items()
        for where in entries
        if (stem, where) not in places
    ]
    assert not stale, f"remove from tests/lint_cases/scenarios.json: {stale}"


# ---------------------------------------------------------------------------- fuzzing

_ACTIONS = [
    "xray:GetGroup",
    "xray:Get*",
    "xray:PutTraceSegments",
    "xray:Nope",
    "xary:GetGroup",
    "*",
    "s3:GetObject",
    "xray:TagResource",
    "xray:UntagResource",
    "xray:DeleteGroup",
    7,
]
_RESOURCES = [
    "*",
    "arn:aws:xray:us-east-1:123456789012:group/prod",
    "arn:aws:xray:*:*:group/prod/*",
    "arn:aws:xray:us-east-1:123456789012:sampling-rule/r",
    "arn:aws:s3:::b",
    "arn:aws:xray:*:*:group/${aws:username}/*",
    "not-an-arn",
]
_CONDITIONS = [
    {"StringEquals": {"aws:ResourceTag/stage": ["prod", "preprod"]}},
    {"StringEquals": {"aws:RequestTag/stage": "prod"}},
    {"ForAllValues:StringEquals": {"aws:TagKeys": ["stage"]}},
    {"ForAllValues:StringEquals": {"aws:RequestTag/stage": "dev"}},
    {"StringEquals": {"xray:ResourceTag/stage": "prod"}},
    {"Bool": {"aws:SecureTransport": "true"}},
    {"StringEqualz": {"aws:username": "x"}},
]


@st.composite
def _statements(draw: st.DrawFn) -> dict[str, Any]:
    out: dict[str, Any] = {"Effect": draw(st.sampled_from(["Allow", "Deny", "Alow"]))}
    element = draw(st.sampled_from(["Action", "Action", "NotAction"]))
    actions = draw(st.lists(st.sampled_from(_ACTIONS), min_size=1, max_size=3))
    out[element] = actions[0] if len(actions) == 1 else actions
    element = draw(st.sampled_from(["Resource", "Resource", "NotResource"]))
    out[element] = draw(st.lists(st.sampled_from(_RESOURCES), min_size=1, max_size=2))
    if draw(st.booleans()):
        out["Condition"] = draw(st.sampled_from(_CONDITIONS))
    return out


@settings(max_examples=40, deadline=None)
@given(st.sampled_from([None, "2012-10-17", "2008-10-17"]), st.lists(_statements(), min_size=1, max_size=3))
def test_lint_never_fails_on_any_policy_and_every_edit_gives_a_valid_one(
    version: str | None, statements: list[dict[str, Any]]
) -> None:
    document: dict[str, Any] = {} if version is None else {"Version": version}
    document["Statement"] = statements
    found = lint(document)
    assert found.text() == lint(document).text()
    if "XK001" in found.codes:
        return
    for finding in found:
        if finding.edit is not None:
            assert check_policy(finding.edit.document) == [], finding
