"""The differential-test harness itself: the seeded case generator and the oracle runner.

The generator must be deterministic, cover every feature of the simulator, keep out of the areas
where AWS leaves the answer undefined, and give balanced decisions. The runner must answer
hand-written cases the way AWS documents them; if it did not, a green conformance test would
prove nothing.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from xraykit.stream import CASE_FIELDS

REPO = Path(__file__).resolve().parent.parent
SEED = 20_261_128  # the conformance test's seed: coverage is checked on the stream it compares


def _load_cases() -> Any:
    name = "xraykit_oracle_cases"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, REPO / "tests" / "oracle" / "cases.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


cases = _load_cases()


@pytest.fixture(scope="module")
def stream() -> list[dict[str, Any]]:
    return list(cases.generate(20_000, SEED))


@pytest.fixture(scope="module")
def features(stream: list[dict[str, Any]]) -> set[str]:
    found: set[str] = set()
    for case in stream:
        found |= cases.features(case)
    return found


def run_oracle(lines: list[str]) -> list[dict[str, Any]]:
    command, reason = cases.oracle_command()
    if command is None:
        if cases.in_ci():
            pytest.fail(f"the oracle tests must run in CI, but {reason}")
        pytest.skip(reason)
    done = subprocess.run(
        command,
        input="".join(line + "\n" for line in lines),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return [json.loads(line) for line in done.stdout.splitlines()]


# -- determinism ---------------------------------------------------------------------------------------
def test_the_same_seed_gives_the_same_cases() -> None:
    assert list(cases.generate(300, 7)) == list(cases.generate(300, 7))


def test_another_seed_gives_other_cases() -> None:
    assert [c["action"] for c in cases.generate(50, 7)] != [c["action"] for c in cases.generate(50, 8)]


def test_a_case_can_be_regenerated_alone_from_its_seed_and_index() -> None:
    assert list(cases.generate(40, 3))[37] == cases.case_at(3, 37)


def test_every_case_is_json_in_the_case_format(stream: list[dict[str, Any]]) -> None:
    ids = [c["id"] for c in stream]
    assert len(set(ids)) == len(ids)
    for case in stream[:2000]:
        assert set(case) <= set(CASE_FIELDS), case
        assert json.loads(json.dumps(case)) == case


# -- coverage ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("action", sorted(cases.XRAY_ACTIONS))
def test_every_xray_action_is_requested(stream: list[dict[str, Any]], action: str) -> None:
    assert any(c["action"].lower() == f"xray:{action}".lower() for c in stream)


COVERAGE = [
    pytest.param("op:string", id="string operators appear"),
    pytest.param("op:numeric", id="numeric operators appear"),
    pytest.param("op:date", id="date operators appear"),
    pytest.param("op:bool", id="Bool appears"),
    pytest.param("op:binary", id="BinaryEquals appears"),
    pytest.param("op:ip", id="IP address operators appear"),
    pytest.param("ip:v6", id="IPv6 ranges appear"),
    pytest.param("op:arn", id="ARN operators appear"),
    pytest.param("op:null", id="Null appears"),
    pytest.param("op:IfExists", id="IfExists operators appear"),
    pytest.param("op:ForAllValues", id="ForAllValues appears"),
    pytest.param("op:ForAnyValue", id="ForAnyValue appears"),
    pytest.param("set-operator:absent-key", id="set operators meet absent keys"),
    pytest.param("context:empty-list", id="multivalued keys come with empty lists"),
    pytest.param("layer:identity_policies", id="identity policies appear"),
    pytest.param("layer:permission_boundaries", id="permission boundaries appear"),
    pytest.param("layer:scps", id="SCPs appear"),
    pytest.param("layer:scps-multilevel", id="SCPs on several levels appear"),
    pytest.param("layer:rcps", id="RCPs appear"),
    pytest.param("layer:rcps-multilevel", id="RCPs on several levels appear"),
    pytest.param("layer:session_policy", id="session policies appear"),
    pytest.param("layer:resource_policy", id="resource policies appear"),
    pytest.param("cross-account", id="cross-account requests appear"),
    pytest.param("element:NotAction", id="NotAction appears"),
    pytest.param("element:NotResource", id="NotResource appears"),
    pytest.param("element:NotPrincipal", id="NotPrincipal appears"),
    pytest.param("principal:*", id="the principal * appears"),
    pytest.param("principal:root", id="account root principals appear"),
    pytest.param("principal:account-id", id="bare account IDs appear as principals"),
    pytest.param("principal:user", id="user principals appear"),
    pytest.param("principal:role", id="role principals appear"),
    pytest.param("principal:assumed-role", id="role session principals appear"),
    pytest.param("principal:service", id="service principals appear in policies"),
    pytest.param("requester:user", id="users make requests"),
    pytest.param("requester:session", id="role sessions make requests"),
    pytest.param("requester:federated", id="federated users make requests"),
    pytest.param("requester:service", id="service principals make requests"),
    pytest.param("resource:xray:group", id="X-Ray group ARNs are requested"),
    pytest.param("resource:xray:sampling-rule", id="X-Ray sampling-rule ARNs are requested"),
    pytest.param("resource:kms:key", id="KMS key ARNs are requested"),
    pytest.param("resource:iam:role", id="role ARNs are assumed"),
    pytest.param("resource:secretsmanager:secret", id="secrets are requested"),
    pytest.param("variable", id="policy variables appear"),
    pytest.param("variable:default", id="policy variables with defaults appear"),
    pytest.param("variable:escape", id="the special-character escapes appear"),
    pytest.param("wildcard:?", id="the ? wildcard appears"),
    pytest.param("version:2008-10-17", id="policies with Version 2008-10-17 appear"),
    pytest.param("version:none", id="policies without Version appear"),
]


@pytest.mark.parametrize("feature", COVERAGE)
def test_the_stream_covers(features: set[str], feature: str) -> None:
    assert feature in features


@pytest.mark.parametrize(
    "key",
    [
        "aws:resourcetag/env",
        "aws:requesttag/team",
        "aws:tagkeys",
        "aws:principaltag/team",
        "aws:sourceip",
        "aws:currenttime",
        "aws:epochtime",
        "aws:securetransport",
        "aws:multifactorauthpresent",
        "kms:viaservice",
        "kms:grantisforawsresource",
        "kms:calleraccount",
        "aws:username",
    ],
)
def test_conditions_test_the_key(features: set[str], key: str) -> None:
    assert f"key:{key}" in features


@pytest.mark.parametrize("service", ["s3", "sqs", "secretsmanager", "sts", "kms"])
def test_other_services_are_requested(stream: list[dict[str, Any]], service: str) -> None:
    assert sum(c["action"].startswith(f"{service}:") for c in stream) > 300


# -- the undefined areas stay out ----------------------------------------------------------------------
def _context(case: dict[str, Any]) -> dict[str, Any]:
    return {k.lower(): v for k, v in (case.get("context") or {}).items()}


MULTI = {k.lower() for k, (_, multi, _) in cases.KEYS.items() if multi}


def test_lists_are_given_only_for_multivalued_keys(stream: list[dict[str, Any]]) -> None:
    for case in stream:
        for key, value in _context(case).items():
            assert isinstance(value, list) == (key in MULTI), (case["id"], key)


def test_multivalued_keys_are_tested_only_with_set_operators_or_null(stream: list[dict[str, Any]]) -> None:
    for case in stream:
        for op, key, _ in cases.conditions(case):
            if key.lower() in MULTI and cases.base_operator(op) in cases.OPERATOR_FAMILY:
                assert op.startswith("For") or op == "Null", (case["id"], op, key)


def test_set_operators_never_carry_if_exists(stream: list[dict[str, Any]]) -> None:
    for case in stream:
        assert not any(
            op.startswith("For") and op.endswith("IfExists") for op, _, _ in cases.conditions(case)
        )


def test_null_is_never_asked_of_an_empty_list(stream: list[dict[str, Any]]) -> None:
    for case in stream:
        context = _context(case)
        for op, key, _ in cases.conditions(case):
            assert not (op == "Null" and context.get(key.lower()) == []), case["id"]


def test_a_case_uses_one_date_format(stream: list[dict[str, Any]]) -> None:
    for case in stream:
        dates = [
            v
            for k, v in _context(case).items()
            if k in ("aws:currenttime", "aws:tokenissuetime", "aws:epochtime")
        ]
        dates += [
            v
            for op, _, values in cases.conditions(case)
            if cases.OPERATOR_FAMILY.get(cases.base_operator(op)) == "date"
            for v in values
        ]
        assert len({bool(re.fullmatch(r"\d+", str(d))) for d in dates}) <= 1, case["id"]


def test_request_resources_are_star_or_concrete(stream: list[dict[str, Any]]) -> None:
    for case in stream:
        assert case["resource"] == "*" or not re.search(r"[*?]", case["resource"]), case["id"]


def test_policy_variables_appear_outside_2012_10_17_only_in_the_marked_cases(
    stream: list[dict[str, Any]],
) -> None:
    marked = [c for c in stream if cases.DEPARTURES["policy-variables-outside-version-2012-10-17"](c)]
    assert 0 < len(marked) < len(stream) * 0.01


# -- balance, through the oracle -------------------------------------------------------------------------
@pytest.mark.oracle
def test_decisions_are_balanced_and_the_oracle_accepts_the_stream(stream: list[dict[str, Any]]) -> None:
    sample = stream[:2500]
    answers = run_oracle([json.dumps(c) for c in sample])
    assert [a["id"] for a in answers] == [c["id"] for c in sample]
    share = {
        d: sum(a["decision"] == d for a in answers) / len(answers)
        for d in ("Allowed", "ImplicitlyDenied", "ExplicitlyDenied", "Error")
    }
    for decision in ("Allowed", "ImplicitlyDenied", "ExplicitlyDenied"):
        assert 0.15 <= share[decision] <= 0.55, share
    assert 0.01 <= share["Error"] <= 0.10, share
    assert not [a for a in answers if "exception" in a], "the oracle crashed instead of answering"
    assert not [a for a in answers if a.get("ignored_context_keys")], "the oracle dropped context keys"
    assert not [a for a in answers if "result_type" in a], "a request resource was taken as a pattern"


# -- the runner answers as AWS documents ---------------------------------------------------------------
USER, ROLE_SESSION = "arn:aws:iam::123456789012:user/alice", "arn:aws:sts::123456789012:assumed-role/app/s1"
OTHER_USER = "arn:aws:iam::444455556666:user/bob"
GROUP = "arn:aws:xray:us-east-1:123456789012:group/prod/ABC123"
KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
QUEUE = "arn:aws:sqs:us-east-1:123456789012:orders"


def _doc(*statements: dict[str, Any], version: str = "2012-10-17") -> dict[str, Any]:
    return {"Version": version, "Statement": list(statements)}


def _allow(action: str, resource: str = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def _deny(action: str, resource: str = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


KNOWN = [
    pytest.param(
        {
            "principal": USER,
            "action": "xray:GetGroup",
            "resource": GROUP,
            "identity_policies": [_doc(_allow("xray:*"), _deny("xray:GetGroup", GROUP))],
        },
        "ExplicitlyDenied",
        id="an explicit deny wins over an allow",
    ),
    pytest.param(
        {
            "principal": USER,
            "action": "xray:GetGroup",
            "resource": GROUP,
            "identity_policies": [_doc(_allow("xray:GetGroups"))],
        },
        "ImplicitlyDenied",
        id="nothing allows the action: implicit deny",
    ),
    pytest.param(
        {
            "principal": USER,
            "action": "xray:GetGroups",
            "resource": "*",
            "identity_policies": [_doc(_allow("xray:GetGroups", "arn:aws:xray:*:123456789012:*"))],
        },
        "ImplicitlyDenied",
        id="an action without resource-level permissions needs Resource *",
    ),
    pytest.param(
        {
            "principal": USER,
            "action": "xray:GetGroups",
            "resource": "*",
            "identity_policies": [{"name": "p", "policy": _doc(_allow("xray:Get*"))}],
        },
        "Allowed",
        id="a named policy wrapper is read like a plain document",
    ),
    pytest.param(
        {
            "principal": OTHER_USER,
            "action": "sqs:SendMessage",
            "resource": QUEUE,
            "resource_policy": _doc(
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": OTHER_USER},
                    "Action": "sqs:SendMessage",
                    "Resource": QUEUE,
                }
            ),
        },
        "ImplicitlyDenied",
        id="cross-account: the resource policy alone is not enough",
    ),
    pytest.param(
        {
            "principal": OTHER_USER,
            "action": "sqs:SendMessage",
            "resource": QUEUE,
            "identity_policies": [_doc(_allow("sqs:SendMessage"))],
            "resource_policy": _doc(
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "444455556666"},
                    "Action": "sqs:*",
                    "Resource": QUEUE,
                }
            ),
        },
        "Allowed",
        id="cross-account: both sides allow",
    ),
    pytest.param(
        {
            "principal": USER,
            "action": "sqs:SendMessage",
            "resource": QUEUE,
            "resource_policy": _doc(
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": USER},
                    "Action": "sqs:SendMessage",
                    "Resource": QUEUE,
                }
            ),
        },
        "Allowed",
        id="same account: a resource policy naming the user is enough",
    ),
    pytest.param(
        {
            "principal": USER,
            "action": "kms:Decrypt",
            "resource": KEY,
            "identity_policies": [_doc(_allow("kms:Decrypt"))],
            "resource_policy": _doc(
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::123456789012:user/x"},
                    "Action": "kms:*",
                    "Resource": "*",
                }
            ),
        },
        "ImplicitlyDenied",
        id="KMS: an identity policy counts only if the key policy delegates to the account",
    ),
    pytest.param(
        {
            "principal": USER,
            "action": "kms:Decrypt",
            "resource": KEY,
            "identity_policies": [_doc(_allow("kms:Decrypt"))],
            "resource_policy": _doc(
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                }
            ),
        },
        "Allowed",
        id="KMS: the key policy delegates to the account root",
    ),
    pytest.param(
        {
            "principal": USER,
            "action": "xray:GetGroups",
            "resource": "*",
            "identity_policies": [_doc(_allow("xray:*"))],
            "scps": [[_doc(_allow("*"))], [_doc(_allow("kms:*"))]],
        },
        "ImplicitlyDenied",
        id="every SCP level must allow",
    ),
    pytest.param(
        {
            "principal": USER,
            "action": "xray:GetGroups",
            "resource": "*",
            "identity_policies": [_doc(_allow("xray:*"))],
            "scps": [_doc(_allow("*"))],
        },
        "Allowed",
        id="a flat list of SCPs is one level",
    ),
    pytest.param(
        {
            "principal": USER,
            "action": "sqs:SendMessage",
            "resource": QUEUE,
            "identity_policies": [_doc(_allow("sqs:*"))],
            "rcps": [
                [],
                [
                    _doc(
                        {
                            "Effect": "Deny",
                            "Principal": "*",
                            "Action": "sqs:*",
                            "Resource": "*",
                            "Condition": {"BoolIfExists": {"aws:SecureTransport": "false"}},
                        }
                    )
                ],
            ],
            "context": {"aws:SecureTransport": False},
        },
        "ExplicitlyDenied",
        id="an RCP deny blocks, and a JSON boolean means its string form",
    ),
    pytest.param(
        {
            "principal": USER,
            "action": "xray:GetGroups",
            "resource": "*",
            "identity_policies": [_doc(_allow("xray:*"))],
            "permission_boundaries": [_doc(_allow("kms:*"))],
        },
        "ImplicitlyDenied",
        id="a permission boundary that does not allow the action denies it",
    ),
    pytest.param(
        {
            "principal": ROLE_SESSION,
            "action": "xray:GetGroups",
            "resource": "*",
            "identity_policies": [_doc(_allow("xray:*"))],
            "session_policy": _doc(_allow("xray:PutTraceSegments")),
        },
        "ImplicitlyDenied",
        id="a session policy limits the role's permissions",
    ),
    pytest.param(
        {
            "principal": USER,
            "action": "xray:GetGroup",
            "resource": GROUP,
            "identity_policies": [
                _doc(_allow("xray:GetGroup", Condition={"StringEquals": {"aws:ResourceTag/env": "prod"}}))
            ],
            "resource_tags": {"env": "prod"},
        },
        "Allowed",
        id="resource tags become aws:ResourceTag keys",
    ),
    pytest.param(
        {
            "principal": USER,
            "action": "xray:GetGroup",
            "resource": GROUP,
            "identity_policies": [
                _doc(_allow("xray:GetGroup", Condition={"StringEquals": {"aws:ResourceTag/env": "prod"}}))
            ],
            "resource_tags": {"env": "prod"},
            "context": {"AWS:resourcetag/ENV": "dev"},
        },
        "ImplicitlyDenied",
        id="a tag never overrides a context key, whatever its letter case",
    ),
    pytest.param(
        {
            "principal": USER,
            "action": "xray:CreateGroup",
            "resource": GROUP,
            "identity_policies": [
                _doc(
                    _allow(
                        "xray:CreateGroup", Condition={"ForAllValues:StringEquals": {"aws:TagKeys": ["env"]}}
                    )
                )
            ],
            "request_tags": {"env": "prod", "team": "ops"},
        },
        "ImplicitlyDenied",
        id="request tags fill aws:TagKeys",
    ),
    pytest.param(
        {
            "principal": USER,
            "action": "xray:GetGroup",
            "resource": GROUP,
            "identity_policies": [_doc(_allow("xray:GetGroup", "arn:aws:xray:*:*:group/${aws:username}/*"))],
            "context": {"aws:username": "prod"},
        },
        "Allowed",
        id="policy variables resolve from the context",
    ),
    pytest.param(
        {
            "principal": USER,
            "action": "xray:GetGroup",
            "resource": GROUP,
            "identity_policies": [_doc(_allow("xray:GetGroup", "arn:aws:xray:*:*:group/${aws:username}/*"))],
        },
        "ImplicitlyDenied",
        id="nothing is derived from the principal: an absent key resolves nothing",
    ),
    pytest.param(
        {
            "principal": USER,
            "action": "xray:GetGroups",
            "resource": "*",
            "identity_policies": [_doc({"Effect": "allow", "Action": "xray:*", "Resource": "*"})],
        },
        "Error",
        id="a malformed Effect is rejected",
    ),
    pytest.param(
        {
            "principal": USER,
            "action": "xray:GetGroupz",
            "resource": "*",
            "identity_policies": [_doc(_allow("xray:*"))],
        },
        "Error",
        id="an unknown action is rejected",
    ),
]


@pytest.mark.oracle
def test_the_runner_answers_hand_written_cases_as_aws_documents() -> None:
    params = [p.values for p in KNOWN]
    cases_in = [{"id": p.id, **case} for p, (case, _) in zip(KNOWN, params, strict=True)]
    answers = run_oracle([json.dumps(c) for c in cases_in] + ["not json", json.dumps(cases_in[0])])
    wrong = [
        (p.id, expected, a["decision"], a.get("errors"))
        for p, (_, expected), a in zip(KNOWN, params, answers, strict=False)
        if a["decision"] != expected
    ]
    assert not wrong
    assert answers[-2]["decision"] == "Error" and answers[-2]["id"] is None, "a bad line gets an Error answer"
    assert answers[-1]["id"] == cases_in[0]["id"], "the stream goes on after a bad line"


# -- departures ----------------------------------------------------------------------------------------
def test_every_departure_names_its_rule_source_and_predicate() -> None:
    entries = cases.load_departures()
    assert {e["id"] for e in entries} == set(cases.DEPARTURES)
    for entry in entries:
        assert entry["source"].startswith("https://docs.aws.amazon.com/"), entry["id"]
        assert entry["rule"] and entry["oracle_behaviour"] and entry["recognise"], entry["id"]
        assert set(entry.get("answers", {})) <= {"oracle", "xraykit"}, entry["id"]


DEPARTURE_CASES = [
    pytest.param(
        "ipv4-zero-length-prefix",
        {"Condition": {"NotIpAddressIfExists": {"aws:SourceIp": ["0.0.0.0/0"]}}},
        {},
        True,
        id="a /0 IPv4 block is recognised",
    ),
    pytest.param(
        "ipv4-zero-length-prefix",
        {"Condition": {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "::/0"]}}},
        {},
        False,
        id="a /0 IPv6 block is not that departure",
    ),
    pytest.param(
        "not-ip-address-bare-address-of-other-family",
        {"Condition": {"NotIpAddress": {"aws:SourceIp": "2001:db8::17"}}},
        {"aws:SourceIp": "10.1.2.3"},
        True,
        id="NotIpAddress with a bare IPv6 address against an IPv4 request is recognised",
    ),
    pytest.param(
        "not-ip-address-bare-address-of-other-family",
        {"Condition": {"NotIpAddress": {"aws:SourceIp": "2001:db8::/32"}}},
        {"aws:SourceIp": "10.1.2.3"},
        False,
        id="NotIpAddress with an IPv6 range is not that departure",
    ),
    pytest.param(
        "special-character-escapes-in-exact-string-operators",
        {"Condition": {"StringNotEqualsIgnoreCase": {"aws:PrincipalTag/team": "a${*}b"}}},
        {},
        True,
        id="an escape in StringNotEqualsIgnoreCase is recognised",
    ),
    pytest.param(
        "special-character-escapes-in-exact-string-operators",
        {"Condition": {"StringLike": {"aws:PrincipalTag/team": "a${*}b"}}},
        {},
        False,
        id="an escape in StringLike is not that departure",
    ),
    pytest.param(
        "unknown-condition-operator",
        {"Condition": {"ForAnyValue:StringEqualz": {"aws:TagKeys": "env"}}},
        {},
        True,
        id="an unknown base operator under a set prefix is recognised",
    ),
    pytest.param(
        "unknown-condition-operator",
        {"Condition": {"ForAnyValue:StringEquals": {"aws:TagKeys": "env"}, "DateLessThanIfExists": {}}},
        {},
        False,
        id="documented operators are not that departure",
    ),
]


def test_a_resource_policy_statement_without_principal_is_recognised() -> None:
    case = {"principal": USER, "action": "sqs:SendMessage", "resource": QUEUE}
    recognise = cases.DEPARTURES["resource-policy-statement-without-principal"]
    assert recognise({**case, "resource_policy": _doc(_allow("sqs:*"))})
    assert not recognise({**case, "resource_policy": _doc(_allow("sqs:*", Principal="*"))})
    assert not recognise({**case, "identity_policies": [_doc(_allow("sqs:*"))]})


@pytest.mark.parametrize(("departure", "extra", "context", "expected"), DEPARTURE_CASES)
def test_departure_predicates(
    departure: str, extra: dict[str, Any], context: dict[str, Any], expected: bool
) -> None:
    case = {
        "principal": USER,
        "action": "xray:GetGroups",
        "resource": "*",
        "context": context,
        "identity_policies": [_doc(_allow("xray:*", **extra))],
    }
    assert cases.DEPARTURES[departure](case) is expected


def test_a_departure_with_answers_excuses_only_those_answers() -> None:
    entries = cases.load_departures()
    case = {"principal": USER, "action": "xray:CallWithBearerToken", "resource": "*"}
    assert cases.excused(case, "Error", "Allowed", entries) == ["action-missing-from-oracle-data"]
    assert cases.excused(case, "Allowed", "ImplicitlyDenied", entries) == []
