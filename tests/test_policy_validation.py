"""Validation at the door: every malformed policy or request is reported, exactly, with its path.

The corpus lives in ``tests/malformed/``:

- ``policies.yaml``: policy text as a user might write it, the kind of policy, and every issue
  xraykit must report (path, message, hint), in order;
- ``requests.yaml``: bad requests against a policy set that allows everything;
- ``cases.yaml``: bad lines of the JSON Lines case format (``xraykit simulate --jsonl``).

Each entry is checked through every door that accepts it (``parse_policy``, ``check_policy``,
``PolicySet``, the JSON Lines stream), so the doors cannot drift apart. The rest of the file
checks what *valid* policies become (the normal form) and how an error reads.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from xraykit.engine import PolicySet
from xraykit.errors import Issue, XrayKitError
from xraykit.grammar import KIND_NAMES
from xraykit.policy import Policy, PolicyKind, Principal, check_policy, parse_policy
from xraykit.stream import decide_case, run_stream_bytes

CORPUS = Path(__file__).parent / "malformed"
KINDS = KIND_NAMES  # the corpus names kinds as the command line does
ALLOW_ALL = {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}


def _load(name: str) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = yaml.safe_load((CORPUS / name).read_text("utf-8"))
    return entries


POLICIES = _load("policies.yaml")
REQUESTS = _load("requests.yaml")
CASES = _load("cases.yaml")


def _params(entries: list[dict[str, Any]]) -> list[Any]:
    return [pytest.param(entry, id=entry["id"]) for entry in entries]


def _expected(entry: dict[str, Any], source: str | None = None) -> list[dict[str, str]]:
    out = []
    for issue in entry["issues"]:
        item = {"path": issue["path"], "message": issue["message"]}
        if issue.get("hint"):
            item["hint"] = issue["hint"]
        if source:
            item["source"] = source
        out.append(item)
    return out


def _got(error: XrayKitError) -> list[dict[str, str]]:
    return [issue.to_dict() for issue in error.issues]


# --------------------------------------------------------------------------------------------
# the corpus itself


def test_the_corpus_holds_at_least_sixty_kinds_of_malformed_input() -> None:
    ids = [entry["id"] for entry in (*POLICIES, *REQUESTS, *CASES)]
    assert len(ids) >= 60
    assert len(set(ids)) == len(ids), "each kind of mistake is listed once"


@pytest.mark.parametrize("entry", _params([*POLICIES, *REQUESTS, *CASES]))
def test_each_corpus_entry_is_well_formed(entry: dict[str, Any]) -> None:
    assert set(entry) <= {"id", "kind", "text", "request", "case", "issues"}
    assert entry["issues"], "an entry says what must be reported"
    for issue in entry["issues"]:
        assert set(issue) <= {"path", "message", "hint", "source"}
        assert isinstance(issue["path"], str)
        assert isinstance(issue["message"], str)


_INTERNAL = re.compile(
    r"\b(XrayKitError|PolicyKind|PolicySet|ValidationError|pydantic|None|True|False|dict|str)\b"
)


@pytest.mark.parametrize("entry", _params([*POLICIES, *REQUESTS, *CASES]))
def test_every_expected_message_is_in_the_house_voice(entry: dict[str, Any]) -> None:
    for issue in entry["issues"]:
        for text in filter(None, (issue["message"], issue.get("hint"))):
            assert not text[0].isupper() or text.startswith(("IAM", "AWS", "JSON")), text
            assert not text.endswith("."), f"no final period: {text}"
            assert text.count("`") % 2 == 0, f"backticks come in pairs: {text}"
            assert "``" not in text, f"no empty user text: {text}"
            assert not _INTERNAL.search(text.replace("`", " ")), f"no internal names: {text}"
        hint = issue.get("hint") or ""
        if hint.startswith("did you mean"):
            assert hint.endswith("?") and "`" in hint


# --------------------------------------------------------------------------------------------
# malformed policies


@pytest.mark.parametrize("entry", _params(POLICIES))
def test_a_malformed_policy_is_reported_exactly(entry: dict[str, Any]) -> None:
    with pytest.raises(XrayKitError) as caught:
        parse_policy(entry["text"], KINDS[entry["kind"]])
    assert _got(caught.value) == _expected(entry)


@pytest.mark.parametrize("entry", _params(POLICIES))
def test_a_malformed_policy_names_its_source_file(entry: dict[str, Any]) -> None:
    with pytest.raises(XrayKitError) as caught:
        parse_policy(entry["text"], KINDS[entry["kind"]], source="team.json")
    assert _got(caught.value) == _expected(entry, "team.json")
    assert str(caught.value).count("team.json") == len(entry["issues"])


def _parsed(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return None


@pytest.mark.parametrize("entry", _params([e for e in POLICIES if _parsed(e["text"]) is not None]))
def test_check_policy_finds_the_same_issues_in_the_parsed_document(entry: dict[str, Any]) -> None:
    issues = check_policy(json.loads(entry["text"]), KINDS[entry["kind"]])
    assert [i.to_dict() for i in issues] == _expected(entry)


_SLOTS = {
    "identity": ("identity_policies", "identity_policies[0]"),
    "boundary": ("permission_boundaries", "permission_boundaries[0]"),
    "session": ("session_policy", "session_policy"),
    "resource": ("resource_policy", "resource_policy"),
    "scp": ("scps", "scps[0][0]"),
    "rcp": ("rcps", "rcps[0][0]"),
}


def _slot_value(kind: str, policy: Any) -> Any:
    return policy if kind in ("session", "resource") else [policy]


# In a policy set, text that does not start with `{` is the name of a managed policy.
@pytest.mark.parametrize("entry", _params([e for e in POLICIES if e["text"].lstrip().startswith("{")]))
def test_a_malformed_policy_in_a_policy_set_is_located_in_its_slot(entry: dict[str, Any]) -> None:
    argument, source = _SLOTS[entry["kind"]]
    with pytest.raises(XrayKitError) as caught:
        PolicySet(**{argument: _slot_value(entry["kind"], entry["text"])})
    assert _got(caught.value) == _expected(entry, source)


# In a case line, as in a policy set, a string stands for the name of a managed policy.
@pytest.mark.parametrize(
    "entry",
    _params(
        [e for e in POLICIES if _parsed(e["text"]) is not None and not isinstance(_parsed(e["text"]), str)]
    ),
)
def test_a_malformed_policy_in_a_case_line_gets_an_error_answer(entry: dict[str, Any]) -> None:
    argument, source = _SLOTS[entry["kind"]]
    case = {
        "id": "c1",
        "principal": "arn:aws:iam::123456789012:user/alice",
        "action": "xray:GetSamplingRules",
        "resource": "*",
        argument: _slot_value(entry["kind"], json.loads(entry["text"])),
    }
    assert decide_case(case) == {"id": "c1", "decision": "Error", "issues": _expected(entry, source)}


def test_every_malformed_policy_in_a_policy_set_is_reported_at_once() -> None:
    bad_identity = (
        '{"Version": "2012-10-17", "Statement": {"Efect": "Allow", "Action": "xray:*", "Resource": "*"}}'
    )
    bad_scp = {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "xray:*"}}
    with pytest.raises(XrayKitError) as caught:
        PolicySet(identity_policies=[ALLOW_ALL, bad_identity], scps=[[ALLOW_ALL], [bad_scp]])
    assert [(i.source, i.path) for i in caught.value.issues] == [
        ("identity_policies[1]", "Statement.Efect"),
        ("identity_policies[1]", "Statement"),
        ("scps[1][0]", "Statement"),
    ]


def test_a_named_policy_is_located_by_its_name() -> None:
    with pytest.raises(XrayKitError) as caught:
        PolicySet(identity_policies=[{"name": "team-read", "policy": {"Statement": {"Effect": "Allow"}}}])
    assert {i.source for i in caught.value.issues} == {"team-read"}


# --------------------------------------------------------------------------------------------
# malformed requests


@pytest.fixture(scope="module")
def allow_all() -> PolicySet:
    return PolicySet([ALLOW_ALL])


@pytest.mark.parametrize("entry", _params(REQUESTS))
def test_a_malformed_request_is_reported_exactly(entry: dict[str, Any], allow_all: PolicySet) -> None:
    request = dict(entry["request"])
    action = request.pop("action")
    with pytest.raises(XrayKitError) as caught:
        allow_all.evaluate(action, **request)
    assert _got(caught.value) == _expected(entry)


@pytest.mark.parametrize("entry", _params(REQUESTS))
def test_the_fast_path_rejects_a_malformed_request_the_same_way(
    entry: dict[str, Any], allow_all: PolicySet
) -> None:
    request = dict(entry["request"])
    action = request.pop("action")
    with pytest.raises(XrayKitError) as caught:
        allow_all.decide(action, **request)
    assert _got(caught.value) == _expected(entry)


# In a case line an empty resource means `*`, as if it were left out.
@pytest.mark.parametrize(
    "entry",
    _params(
        [
            e
            for e in REQUESTS
            if isinstance(e["request"]["action"], str) and e["request"].get("resource") != ""
        ]
    ),
)
def test_a_malformed_request_in_a_case_line_gets_an_error_answer(entry: dict[str, Any]) -> None:
    case = {
        "id": 7,
        "identity_policies": [ALLOW_ALL],
        "principal": "arn:aws:iam::123456789012:user/alice",
        **entry["request"],
    }
    assert decide_case(case) == {"id": 7, "decision": "Error", "issues": _expected(entry)}


# --------------------------------------------------------------------------------------------
# malformed case lines


@pytest.mark.parametrize("entry", _params(CASES))
def test_a_malformed_case_line_gets_an_error_answer_with_its_issues(entry: dict[str, Any]) -> None:
    if "text" in entry:  # not JSON: answered by the stream itself, with a null id
        out = io.BytesIO()
        assert run_stream_bytes(io.BytesIO(entry["text"].encode() + b"\n"), out) == 0
        assert [json.loads(line) for line in out.getvalue().splitlines()] == [
            {"id": None, "decision": "Error", "issues": entry["issues"]}
        ]
        return
    case = entry["case"]
    answer = decide_case(case)
    expected_id = case.get("id") if isinstance(case, dict) else None
    assert answer == {"id": expected_id, "decision": "Error", "issues": entry["issues"]}


def test_a_line_that_is_not_utf8_gets_an_error_answer_and_the_stream_goes_on() -> None:
    out = io.BytesIO()
    stream = b'\xff{"id": "c1"}\n{"id": "c2", "principal": "p", "action": 5}\n'
    assert run_stream_bytes(io.BytesIO(stream), out) == 0
    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert first == {
        "id": None,
        "decision": "Error",
        "issues": [{"path": "line 1", "message": "not valid JSON: byte 1 is not UTF-8 text"}],
    }
    assert second["id"] == "c2" and second["decision"] == "Error"


# --------------------------------------------------------------------------------------------
# what valid policies become


def _statement(policy: Policy, index: int = 0) -> Any:
    return policy.statements[index]


@pytest.mark.parametrize(
    ("document", "kind", "field", "expected"),
    [
        pytest.param(
            {"Statement": {"Effect": "Allow", "Action": "xray:GetGroup", "Resource": "*"}},
            PolicyKind.IDENTITY,
            "action",
            ("xray:GetGroup",),
            id="a single action string becomes a one-item tuple",
        ),
        pytest.param(
            {
                "Statement": [
                    {"Effect": "Allow", "Action": ["xray:GetGroup", "xray:GetGroups"], "Resource": "*"}
                ]
            },
            PolicyKind.IDENTITY,
            "action",
            ("xray:GetGroup", "xray:GetGroups"),
            id="an action list keeps its order",
        ),
        pytest.param(
            {"Statement": {"Effect": "Deny", "NotAction": "xray:Get*", "Resource": "*"}},
            PolicyKind.IDENTITY,
            "not_action",
            ("xray:Get*",),
            id="NotAction is kept apart from Action",
        ),
        pytest.param(
            {"Statement": {"Effect": "Deny", "NotAction": "xray:Get*", "Resource": "*"}},
            PolicyKind.IDENTITY,
            "action",
            None,
            id="an absent Action is None, not an empty tuple",
        ),
        pytest.param(
            {
                "Statement": {
                    "Effect": "Allow",
                    "Action": "xray:*",
                    "NotResource": "arn:aws:xray:us-east-1:123456789012:group/prod/*",
                }
            },
            PolicyKind.IDENTITY,
            "not_resource",
            ("arn:aws:xray:us-east-1:123456789012:group/prod/*",),
            id="NotResource is kept apart from Resource",
        ),
        pytest.param(
            {"Statement": {"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt"}},
            PolicyKind.RESOURCE,
            "resource",
            None,
            id="a key policy statement may leave out Resource",
        ),
        pytest.param(
            {"Statement": {"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}},
            PolicyKind.RESOURCE,
            "principal",
            Principal(wildcard=True),
            id="Principal star is the wildcard",
        ),
        pytest.param(
            {
                "Statement": {
                    "Effect": "Allow",
                    "Principal": {"AWS": "*"},
                    "Action": "kms:Decrypt",
                    "Resource": "*",
                }
            },
            PolicyKind.RESOURCE,
            "principal",
            Principal(wildcard=True),
            id="Principal AWS star alone is the wildcard too",
        ),
        pytest.param(
            {
                "Statement": {
                    "Effect": "Allow",
                    "Principal": {"AWS": ["123456789012", "arn:aws:iam::111122223333:root"]},
                    "Action": "kms:Decrypt",
                    "Resource": "*",
                }
            },
            PolicyKind.RESOURCE,
            "principal",
            Principal(aws=("123456789012", "arn:aws:iam::111122223333:root")),
            id="AWS principals keep their order",
        ),
        pytest.param(
            {
                "Statement": {
                    "Effect": "Allow",
                    "Principal": {"Service": "xray.amazonaws.com"},
                    "Action": "kms:Decrypt",
                    "Resource": "*",
                }
            },
            PolicyKind.RESOURCE,
            "principal",
            Principal(service=("xray.amazonaws.com",)),
            id="a service principal is kept by type",
        ),
        pytest.param(
            {
                "Statement": {
                    "Effect": "Deny",
                    "NotPrincipal": {"AWS": "arn:aws:iam::123456789012:user/alice"},
                    "Action": "kms:*",
                    "Resource": "*",
                }
            },
            PolicyKind.RESOURCE,
            "not_principal",
            Principal(aws=("arn:aws:iam::123456789012:user/alice",)),
            id="NotPrincipal is kept apart from Principal",
        ),
        pytest.param(
            {
                "Statement": {
                    "Effect": "Allow",
                    "Action": "xray:GetGroup",
                    "Resource": "*",
                    "Condition": {
                        "NumericLessThan": {"aws:MultiFactorAuthAge": 3600},
                        "Bool": {"aws:SecureTransport": True},
                    },
                }
            },
            PolicyKind.IDENTITY,
            "condition",
            (
                ("NumericLessThan", (("aws:MultiFactorAuthAge", ("3600",)),)),
                ("Bool", (("aws:SecureTransport", ("true",)),)),
            ),
            id="condition numbers and booleans become the strings IAM compares",
        ),
        pytest.param(
            {
                "Statement": {
                    "Effect": "Allow",
                    "Action": "xray:GetGroup",
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:ResourceTag/team": ["core", "web"]}},
                }
            },
            PolicyKind.IDENTITY,
            "condition",
            (("StringEquals", (("aws:ResourceTag/team", ("core", "web")),)),),
            id="a list of condition values keeps its order",
        ),
        pytest.param(
            {
                "Statement": {
                    "Sid": "ReadGroups",
                    "Effect": "Allow",
                    "Action": "xray:GetGroup",
                    "Resource": "*",
                }
            },
            PolicyKind.IDENTITY,
            "sid",
            "ReadGroups",
            id="the Sid is kept",
        ),
    ],
)
def test_a_valid_policy_is_kept_in_normal_form(
    document: dict[str, Any], kind: PolicyKind, field: str, expected: Any
) -> None:
    assert getattr(_statement(parse_policy(document, kind)), field) == expected


@pytest.mark.parametrize(
    ("document", "kind"),
    [
        pytest.param({"Statement": []}, PolicyKind.IDENTITY, id="a policy may have an empty statement list"),
        pytest.param(
            {"Version": "2008-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}},
            PolicyKind.IDENTITY,
            id="the old Version 2008-10-17 is still valid",
        ),
        pytest.param(
            {"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}},
            PolicyKind.IDENTITY,
            id="Version may be left out",
        ),
        pytest.param(
            {
                "Version": "2012-10-17",
                "Id": "team-policy",
                "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"},
            },
            PolicyKind.IDENTITY,
            id="an Id string is fine",
        ),
        pytest.param(
            {
                "Statement": {
                    "Effect": "Allow",
                    "Action": ["xray:Get*", "xray:?etGroup", "XRAY:getgroup"],
                    "Resource": "*",
                }
            },
            PolicyKind.IDENTITY,
            id="wildcards and any letter case are fine in actions",
        ),
        pytest.param(
            {
                "Statement": {
                    "Effect": "Allow",
                    "Action": "logs:CreateLogStream",
                    "Resource": "arn:aws:logs:us-east-1:123456789012:log-group:/aws/xray:*",
                }
            },
            PolicyKind.IDENTITY,
            id="colons inside the resource part of an ARN are fine",
        ),
        pytest.param(
            {"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*"}},
            PolicyKind.IDENTITY,
            id="an ARN with empty region and account is fine",
        ),
        pytest.param(
            {
                "Statement": {
                    "Effect": "Allow",
                    "Action": "xray:GetGroup",
                    "Resource": "arn:aws:xray:us-east-1:123456789012:group/${aws:username}/*",
                }
            },
            PolicyKind.IDENTITY,
            id="a policy variable in a Resource is fine",
        ),
        pytest.param(
            {
                "Statement": {
                    "Effect": "Allow",
                    "Principal": {"Federated": "cognito-identity.amazonaws.com"},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                }
            },
            PolicyKind.RESOURCE,
            id="a federated principal in a trust policy is fine",
        ),
        pytest.param(
            {
                "Statement": {
                    "Effect": "Allow",
                    "Principal": {
                        "CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"
                    },
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::bucket/*",
                }
            },
            PolicyKind.RESOURCE,
            id="a canonical user principal in a bucket policy is fine",
        ),
        pytest.param(
            {
                "Version": "2012-10-17",
                "Statement": {
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": "*",
                    "Condition": {"StringNotEqualsIfExists": {"aws:SourceOrgID": "o-abc"}},
                },
            },
            PolicyKind.RCP,
            id="a deny-only resource control policy for everyone is fine",
        ),
        pytest.param(
            {
                "Statement": {
                    "Effect": "Allow",
                    "Action": "xray:*",
                    "Resource": "*",
                    "Condition": {
                        "ForAllValues:StringEquals": {"aws:TagKeys": ["env", "team"]},
                        "ForAnyValue:StringLike": {"aws:TagKeys": "env*"},
                        "Null": {"aws:TagKeys": "false"},
                        "StringLikeIfExists": {"aws:ResourceTag/team": "core*"},
                    },
                }
            },
            PolicyKind.IDENTITY,
            id="qualified, IfExists and Null operators are fine",
        ),
        pytest.param(
            {
                "Statement": [
                    {"Sid": "A", "Effect": "Allow", "Action": "*", "Resource": "*"},
                    {"Sid": "B", "Effect": "Deny", "Action": "xray:Delete*", "Resource": "*"},
                ]
            },
            PolicyKind.IDENTITY,
            id="distinct Sids are fine",
        ),
    ],
)
def test_a_valid_policy_is_accepted(document: dict[str, Any], kind: PolicyKind) -> None:
    assert check_policy(document, kind) == []
    policy = parse_policy(json.dumps(document), kind)
    assert policy.kind is kind
    assert policy.document == document


@pytest.mark.parametrize(
    ("version", "enabled"),
    [
        pytest.param("2012-10-17", True, id="variables are substituted under 2012-10-17"),
        pytest.param("2008-10-17", False, id="variables are literal text under 2008-10-17"),
        pytest.param(None, False, id="variables are literal text when Version is left out"),
    ],
)
def test_policy_variables_depend_on_the_version(version: str | None, enabled: bool) -> None:
    document: dict[str, Any] = {"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}
    if version:
        document["Version"] = version
    assert parse_policy(document).variables_enabled is enabled


def test_a_parsed_policy_passes_through_parse_policy_unchanged() -> None:
    policy = parse_policy(ALLOW_ALL, name="all")
    assert parse_policy(policy) is policy
    assert policy.name == "all"


def test_a_single_statement_object_is_one_statement() -> None:
    assert len(parse_policy(ALLOW_ALL).statements) == 1


def test_a_parsed_policy_is_frozen() -> None:
    policy = parse_policy(ALLOW_ALL)
    with pytest.raises(ValueError):
        policy.statements[0].effect = "Deny"  # type: ignore[misc]


def test_bytes_are_read_as_utf8_json() -> None:
    assert parse_policy(json.dumps(ALLOW_ALL).encode("utf-8")).statements[0].action == ("*",)


def test_bytes_that_are_not_utf8_are_reported() -> None:
    with pytest.raises(XrayKitError) as caught:
        parse_policy(b'{"Version": "\xff"}')
    assert [(i.path, i.message) for i in caught.value.issues] == [
        ("", "not valid JSON: the text is not UTF-8")
    ]


def test_the_pydantic_door_runs_the_same_checks() -> None:
    document = {"Statement": {"Effect": "Allow", "Action": "kms:Decrypt"}}
    with pytest.raises(ValueError, match="which a resource-based policy needs"):
        Policy.model_validate(document, context={"kind": PolicyKind.RESOURCE})
    valid = {
        "Version": "2012-10-17",
        "Statement": {"Effect": "Allow", "Action": "xray:GetGroup", "Resource": "*"},
    }
    assert Policy.model_validate(valid).statements == parse_policy(valid).statements


# --------------------------------------------------------------------------------------------
# how an error reads


def test_one_issue_reads_as_one_line_with_its_place_and_hint() -> None:
    error = XrayKitError(
        Issue("Statement[0].Efect", "unknown element `Efect`", "did you mean `Effect`?", "team.json")
    )
    assert str(error) == "team.json: Statement[0].Efect: unknown element `Efect` (did you mean `Effect`?)"


def test_several_issues_read_as_a_list() -> None:
    with pytest.raises(XrayKitError) as caught:
        parse_policy('{"Statment": []}', source="p.json")
    assert str(caught.value) == (
        "2 problems found:\n"
        "  - p.json: Statment: unknown element `Statment` (did you mean `Statement`?)\n"
        '  - p.json: the policy has no `Statement` (add `"Statement": [...]` with at least one statement)'
    )


def test_an_error_is_a_value_error_with_a_json_form() -> None:
    with pytest.raises(ValueError) as caught:
        parse_policy("[]")
    assert isinstance(caught.value, XrayKitError)
    assert caught.value.to_dict() == {
        "issues": [
            {
                "path": "",
                "message": "a policy must be a JSON object, not a list",
                "hint": 'a policy looks like `{"Version": "2012-10-17", "Statement": [...]}`',
            }
        ]
    }
