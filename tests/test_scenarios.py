"""Every scenario file runs and meets its expectations; the schema and the loader are strict."""

from __future__ import annotations

import json

import pytest

from xraykit.errors import XrayKitError
from xraykit.scenarios import (
    DOC_PAGES,
    load_scenario,
    load_scenarios,
    parse_scenario,
    run_scenario,
    scenario_names,
    slug,
)


def _params() -> list[object]:
    return [pytest.param(stem, id=load_scenario(stem).name) for stem in scenario_names()]


@pytest.mark.parametrize("stem", _params())
def test_scenario(stem: str) -> None:
    run = run_scenario(stem)
    assert run.passed, "\n" + str(run)


def test_every_file_is_named_after_its_sentence() -> None:
    for stem in scenario_names():
        assert slug(load_scenario(stem).name) == stem


def test_names_are_unique_sentences() -> None:
    names = [s.name for s in load_scenarios()]
    assert len(names) == len(set(names))
    assert all(n[0].islower() and not n.endswith(".") for n in names)


# The coverage the seed page asks for: each situation has at least one scenario.
COVERAGE = {
    "console read-only": ["a console user with AWSXrayReadOnlyAccess can view the service map and traces"],
    "local development with keys and profiles": [
        "for local development an iam user's keys in the default profile let the daemon upload",
        "with several profiles the daemon uses the default one",
    ],
    "EC2 instance profile": [
        "on ec2 the daemon uses the instance profile role with AWSXRayDaemonWriteAccess"
    ],
    "ECS": [
        "on ecs the daemon uses the task role's write permissions",
        "on ecs without a task role the daemon falls back to the container instance role",
    ],
    "Elastic Beanstalk": ["on elastic beanstalk the default instance profile already lets the daemon upload"],
    "Lambda": ["a lambda function's execution role needs x-ray write permissions"],
    "the roles with DaemonWriteAccess and S3 read access": [
        "on ec2 the daemon uses the instance profile role with AWSXRayDaemonWriteAccess",
        "an instance role without s3 read access cannot download the daemon",
    ],
    "read/write policies lacking encryption and sampling-rule configuration": [
        "read and write managed policies do not include encryption or sampling-rule configuration",
    ],
    "full access": ["full access can configure encryption and sampling rules"],
}


@pytest.mark.parametrize(
    "situation", [pytest.param(k, id=f"the seed situation '{k}' has a scenario") for k in COVERAGE]
)
def test_seed_situations_are_covered(situation: str) -> None:
    for name in COVERAGE[situation]:
        assert slug(name) in scenario_names(), name


def test_topics_cover_kms_and_tags() -> None:
    assert len(load_scenarios("kms")) >= 8
    assert len(load_scenarios("tags")) >= 8
    assert len(load_scenarios("credentials")) >= 8


def test_every_scenario_cites_a_known_page() -> None:
    assert {s.source.page for s in load_scenarios()} <= set(DOC_PAGES)


def test_a_run_reads_as_text_and_html() -> None:
    run = run_scenario("a console user with AWSXrayReadOnlyAccess can view the service map and traces")
    text = str(run)
    assert text.startswith("a console user with AWSXrayReadOnlyAccess can view the service map and traces")
    assert "✓ 1." in text
    assert "security_iam_service-with-iam.md" in text
    assert "<ol>" in run._repr_html_()


def test_a_wrong_expectation_is_reported_not_swallowed() -> None:
    data = json.loads(
        json.dumps(
            load_scenario("a read-only console user cannot upload traces or change settings").model_dump(
                by_alias=True, exclude_none=True
            )
        )
    )
    data["steps"][0]["expect"]["decision"] = "Allowed"
    run = run_scenario(parse_scenario(data))
    assert not run.passed
    assert run.failures[0].startswith("step 1: decision `Allowed`, got `ImplicitlyDenied`")


MINIMAL = {
    "name": "a minimal scenario runs",
    "source": {"page": "xray-tagging.md", "section": "Tag restrictions"},
    "summary": "one step",
    "steps": [
        {"request": {"as": "alice", "action": "xray:GetGroups"}, "expect": {"decision": "ImplicitlyDenied"}}
    ],
    "account": {"users": [{"name": "alice"}]},
}


def _with(path: list[object], value: object) -> dict[str, object]:
    data = json.loads(json.dumps(MINIMAL))
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(
            _with(["nmae"], "x"), "`nmae` is not a field here", id="an unknown top-level field is refused"
        ),
        pytest.param(
            _with(["steps", 0, "expect", "decison"], "Allowed"),
            "`decison` is not a field here",
            id="an unknown expectation field is refused",
        ),
        pytest.param(
            _with(["steps", 0, "expect", "decision"], "Allow"),
            "steps[0].expect.decision",
            id="a decision outside the three is refused",
        ),
        pytest.param(
            _with(["steps", 0, "expect", "reason"], "explicit-denial"),
            "did you mean `explicit-deny`",
            id="an unknown reason suggests the closest",
        ),
        pytest.param(
            _with(["steps", 0, "expect", "blocked_by"], ["identiy"]),
            "unknown layer `identiy`",
            id="an unknown layer is refused",
        ),
        pytest.param(
            _with(["source", "page"], "xray-tagging"),
            "`xray-tagging` is not a page the kit cites",
            id="an unknown doc page is refused",
        ),
        pytest.param(
            _with(["name"], "A minimal scenario."),
            "a scenario name is a sentence",
            id="a name that is not a lower-case sentence is refused",
        ),
        pytest.param(_with(["steps"], []), "steps", id="a scenario without steps is refused"),
        pytest.param(
            _with(["steps", 0, "call"], {"as": "alice", "operation": "GetGroups"}),
            "exactly one of",
            id="a step of two kinds is refused",
        ),
        pytest.param(
            _with(["account", "users", 0, "polices"], []),
            "account.users[0].polices",
            id="a misspelt account field is located",
        ),
    ],
)
def test_the_schema_is_strict(data: dict[str, object], message: str) -> None:
    with pytest.raises(XrayKitError) as raised:
        parse_scenario(data)
    assert message in str(raised.value)


def test_the_minimal_scenario_passes() -> None:
    assert run_scenario(parse_scenario(MINIMAL)).passed


def test_an_unknown_scenario_suggests_the_closest() -> None:
    with pytest.raises(XrayKitError) as raised:
        load_scenario("a console user with read only access")
    assert "unknown scenario" in str(raised.value)


def test_loading_is_lazy() -> None:
    import subprocess
    import sys

    code = "import xraykit, sys; print('xraykit.scenarios' in sys.modules, 'pydantic' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
