"""Every scenario file in ``tests/engine_cases/`` decides as AWS documents it.

Each file is one documented example of AWS's evaluation logic: a sentence ``name``, the ``source``
(doc page and section), the ``policies`` (the keys of :class:`xraykit.engine.PolicySet`), the
``request`` and the ``expected`` decision, reason, deciding layer and blocking layers; optionally
``checks`` on single statements of the trace and the ``missing_context_keys``.

The expected answers are AWS's, not xraykit's: where the engine disagrees, the test fails.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from xraykit.engine import PolicySet, simulate
from xraykit.result import Decision, Evaluation, Layer, Reason
from xraykit.stream import POLICY_FIELDS, decide_case

CASES_DIR = Path(__file__).parent / "engine_cases"
FILES = sorted(CASES_DIR.glob("*.json"))
_POLICY_KEYS = set(POLICY_FIELDS)
_REQUEST_KEYS = {"principal", "action", "resource", "context", "resource_account"}


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


SCENARIOS = [_load(path) for path in FILES]
PARAMS = [pytest.param(s, id=s["name"]) for s in SCENARIOS]


def _evaluate(scenario: dict[str, Any]) -> Evaluation:
    request = dict(scenario["request"])
    policies = PolicySet(**scenario["policies"])
    return policies.evaluate(
        request.pop("action"),
        request.pop("resource", "*"),
        principal=request.pop("principal"),
        context=request.pop("context", None),
        resource_account=request.pop("resource_account", None),
    )


def test_there_is_a_scenario_for_every_documented_topic() -> None:
    assert len(SCENARIOS) >= 40
    text = " ".join(s["source"] for s in SCENARIOS)
    for topic in (
        "Policy evaluation logic",
        "Cross-account policy evaluation logic",
        "Permissions boundaries",
        "Session policies",
        "SCP evaluation",
        "Resource control policies",
        "Principal",
        "NotPrincipal",
        "Default key policy",
        "Variables and tags",
        "IAM JSON policy elements: Version",
        "Resource",
    ):
        assert topic in text, topic


@pytest.mark.parametrize("scenario", PARAMS)
def test_each_scenario_file_is_well_formed(scenario: dict[str, Any]) -> None:
    assert set(scenario) <= {"name", "source", "policies", "request", "expected", "checks"}
    assert scenario["name"][0].islower() and not scenario["name"].endswith(".")
    assert scenario["source"]
    assert set(scenario["policies"]) <= _POLICY_KEYS
    assert set(scenario["request"]) <= _REQUEST_KEYS and {"principal", "action"} <= set(scenario["request"])
    expected = scenario["expected"]
    assert Decision(expected["decision"])
    assert Reason(expected["reason"])
    assert expected["decided_by"] is None or Layer(expected["decided_by"])
    assert all(Layer(layer) for layer in expected["blocked_by"])
    # an implicit deny names what blocked it; an allow or explicit deny names who decided
    if expected["decision"] == "ImplicitlyDenied":
        assert expected["blocked_by"] and expected["decided_by"] is None
    else:
        assert expected["decided_by"] and not expected["blocked_by"]


def test_scenario_names_are_unique() -> None:
    names = [s["name"] for s in SCENARIOS]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("scenario", PARAMS)
def test_the_engine_decides_as_aws_documents(scenario: dict[str, Any]) -> None:
    evaluation = _evaluate(scenario)
    expected = scenario["expected"]
    got = {
        "decision": evaluation.decision.value,
        "reason": evaluation.reason.value,
        "decided_by": evaluation.decided_by.value if evaluation.decided_by else None,
        "blocked_by": sorted(layer.value for layer in evaluation.blocked_by),
    }
    assert got == {
        **{k: expected[k] for k in ("decision", "reason", "decided_by")},
        "blocked_by": sorted(expected["blocked_by"]),
    }
    if "missing_context_keys" in expected:
        assert list(evaluation.missing_keys) == expected["missing_context_keys"]


@pytest.mark.parametrize("scenario", [p for p in PARAMS if "checks" in p.values[0]])
def test_the_trace_says_why(scenario: dict[str, Any]) -> None:
    evaluation = _evaluate(scenario)
    for check in scenario["checks"]:
        policy = next(p for p in evaluation.policies if p.name == check["policy"])
        statement = next(s for s in policy.statements if s.index == check["statement"])
        element = next(c for c in statement.checks if c.element == check["element"])
        assert (element.matched, element.reason.value) == (check["matched"], check["reason"]), check


@pytest.mark.parametrize("scenario", PARAMS)
def test_every_door_gives_the_same_decision(scenario: dict[str, Any]) -> None:
    request = scenario["request"]
    expected = scenario["expected"]["decision"]
    policies = PolicySet(**scenario["policies"])
    fast = policies.decide(
        request["action"],
        request.get("resource", "*"),
        principal=request["principal"],
        context=request.get("context"),
        resource_account=request.get("resource_account"),
    )
    one_shot = simulate(
        request["action"],
        request.get("resource", "*"),
        principal=request["principal"],
        context=request.get("context"),
        resource_account=request.get("resource_account"),
        **scenario["policies"],
    )
    streamed = decide_case({"id": scenario["name"], **scenario["policies"], **request})
    assert (fast.value, one_shot.decision.value) == (expected, expected)
    why = scenario["expected"]
    assert {**streamed, "blocked_by": sorted(streamed["blocked_by"])} == {  # the stream says why too
        "id": scenario["name"],
        "decision": expected,
        "reason": why["reason"],
        "decided_by": why["decided_by"],
        "blocked_by": sorted(why["blocked_by"]),
    }
