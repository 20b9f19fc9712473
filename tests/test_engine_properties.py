"""Properties of the evaluation logic that hold for every policy set and request (hypothesis).

- an explicit deny that applies always wins;
- the order of statements, of policies in a layer and of SCPs in a level never matters;
- adding an Allow never turns an allowed request into a denied one;
- adding a Deny never turns a denied request into an allowed one;
- ``PolicySet.decide``, ``PolicySet.evaluate`` and ``simulate`` always agree;
- malformed policies and requests (random JSON, random strings in every element, wrong types)
  never raise anything but :class:`~xraykit.errors.XrayKitError`, and a JSON Lines case never
  raises at all.

The policies are drawn from a small vocabulary of real actions, ARN patterns, principals and
conditions, so that most statements have a chance to match most requests.
"""

from __future__ import annotations

import copy
import json
import math
import random
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from xraykit.engine import PolicySet, simulate
from xraykit.errors import XrayKitError
from xraykit.operators import BASE_OPERATORS
from xraykit.policy import Policy, parse_policy
from xraykit.render import evaluation_dict, evaluation_html, evaluation_text
from xraykit.result import Decision
from xraykit.stream import CASE_FIELDS, answer_line, decide_case

# Derandomized (the same examples on every run, so a failure is reproducible) and sized to keep
# this file to a few tens of seconds on a small machine.
_COMMON: dict[str, Any] = {
    "deadline": None,
    "derandomize": True,
    "database": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
}
PROPERTY = settings(max_examples=60, **_COMMON)  # each example builds and decides a whole policy set
FUZZ = settings(max_examples=150, **_COMMON)

ACCOUNT = "123456789012"
ALICE = f"arn:aws:iam::{ACCOUNT}:user/alice"
CAROL = f"arn:aws:iam::{ACCOUNT}:user/carol"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/XrayReader"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/XrayReader/alice-session"
BOB = "arn:aws:iam::111122223333:user/bob"
GROUP_PROD = f"arn:aws:xray:us-east-1:{ACCOUNT}:group/prod/AB12CD34"
GROUP_DEV = f"arn:aws:xray:us-east-1:{ACCOUNT}:group/dev/EF56GH78"
RULE = f"arn:aws:xray:us-east-1:{ACCOUNT}:sampling-rule/Default"
KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
OBJECT = "arn:aws:s3:::reports-bucket/alice/summary.csv"

REQUESTS = [
    ("xray:GetGroup", GROUP_PROD),
    ("xray:GetGroup", GROUP_DEV),
    ("xray:DeleteGroup", GROUP_PROD),
    ("xray:TagResource", GROUP_DEV),
    ("xray:UpdateSamplingRule", RULE),
    ("xray:GetSamplingRules", "*"),
    ("xray:PutTraceSegments", "*"),
    ("kms:Decrypt", KEY),
    ("kms:ListKeys", "*"),
    ("s3:GetObject", OBJECT),
]
RCP_SERVICES = ("kms", "s3")
PRINCIPALS = [ALICE, CAROL, SESSION, BOB]
ACTION_PATTERNS = [
    "*",
    "xray:*",
    "xray:Get*",
    "xray:GetGroup",
    "xray:*Group",
    "xray:Delete*",
    "xray:PutTraceSegments",
    "xray:GetSamplingRules",
    "xray:UpdateSamplingRule",
    "xray:TagResource",
    "kms:*",
    "kms:Decrypt",
    "s3:GetObject",
    "s3:*",
    "XRAY:get?roup",
]
RESOURCE_PATTERNS = [
    "*",
    f"arn:aws:xray:us-east-1:{ACCOUNT}:group/prod/*",
    f"arn:aws:xray:*:{ACCOUNT}:group/*",
    f"arn:aws:xray:us-east-1:{ACCOUNT}:sampling-rule/*",
    KEY,
    f"arn:aws:kms:*:{ACCOUNT}:key/*",
    "arn:aws:s3:::reports-bucket/*",
    f"arn:aws:xray:us-east-1:{ACCOUNT}:group/${{aws:username}}/*",
    "arn:aws:s3:::reports-bucket/${aws:username}/*",
    "arn:aws:s3:::reports-bucket/${aws:PrincipalTag/team, 'shared'}/*",
]
CONDITIONS = [
    {"StringEquals": {"aws:ResourceTag/team": "core"}},
    {"StringLike": {"aws:username": "a*"}},
    {"Bool": {"aws:SecureTransport": "true"}},
    {"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]}},
    {"ForAnyValue:StringEquals": {"aws:TagKeys": "team"}},
    {"Null": {"aws:ResourceTag/team": "true"}},
    {"StringNotEqualsIfExists": {"aws:ResourceTag/team": "${aws:username}"}},
    {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}},
]
PRINCIPAL_ELEMENTS = [
    "*",
    {"AWS": ALICE},
    {"AWS": ROLE},
    {"AWS": SESSION},
    {"AWS": ACCOUNT},
    {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
    {"AWS": "arn:aws:iam::111122223333:root"},
    {"AWS": [CAROL, BOB]},
]
CONTEXT = st.fixed_dictionaries(
    {},
    optional={
        "aws:ResourceTag/team": st.sampled_from(["core", "web", "alice"]),
        "aws:username": st.sampled_from(["alice", "bob", "a*"]),
        "aws:SecureTransport": st.booleans(),
        "aws:TagKeys": st.lists(st.sampled_from(["team", "env", "owner"]), max_size=3, unique=True),
        "aws:MultiFactorAuthAge": st.integers(0, 7200),
        "aws:PrincipalTag/team": st.sampled_from(["alice", "shared"]),
    },
)


@st.composite
def statements(draw: Any, effect: str | None = None, principal: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"Effect": effect or draw(st.sampled_from(["Allow", "Allow", "Allow", "Deny"]))}
    if principal:
        element = "NotPrincipal" if out["Effect"] == "Deny" and draw(st.booleans()) else "Principal"
        out[element] = draw(st.sampled_from(PRINCIPAL_ELEMENTS))
    actions = draw(st.lists(st.sampled_from(ACTION_PATTERNS), min_size=1, max_size=3))
    out["NotAction" if draw(st.integers(0, 5)) == 0 else "Action"] = (
        actions if len(actions) > 1 else actions[0]
    )
    resources = draw(st.lists(st.sampled_from(RESOURCE_PATTERNS), min_size=1, max_size=2))
    out["NotResource" if draw(st.integers(0, 5)) == 0 else "Resource"] = resources
    if draw(st.booleans()):
        out["Condition"] = draw(st.sampled_from(CONDITIONS))
    return out


def documents(principal: bool = False, version: Any = None) -> Any:
    versions = (
        st.sampled_from(["2012-10-17", "2012-10-17", "2008-10-17", None])
        if version is None
        else st.just(version)
    )
    return st.builds(
        lambda v, s: {"Statement": s} if v is None else {"Version": v, "Statement": s},
        versions,
        st.lists(statements(principal=principal), min_size=1, max_size=4),
    )


CONFIGS = st.fixed_dictionaries(
    {"identity_policies": st.lists(documents(), max_size=3)},
    optional={
        "permission_boundaries": st.lists(documents(), min_size=1, max_size=1),
        "session_policy": documents(),
        "scps": st.lists(st.lists(documents(), min_size=1, max_size=2), min_size=1, max_size=2),
        "resource_policy": documents(principal=True),
    },
)
REQUEST = st.tuples(st.sampled_from(REQUESTS), st.sampled_from(PRINCIPALS), CONTEXT)


def run(config: dict[str, Any], request: tuple[Any, ...]) -> Decision:
    (action, resource), principal, context = request
    return PolicySet(**config).decide(action, resource, principal=principal, context=context)


# --------------------------------------------------------------------------------------------
# the decision rule


LAYERS = ["identity", "boundary", "session", "scp", "resource", "rcp"]


def with_statement(
    config: dict[str, Any], layer: str, statement: dict[str, Any], create: bool
) -> dict[str, Any] | None:
    """``config`` with ``statement`` added to ``layer`` (None when the layer is absent and not created)."""
    config = copy.deepcopy(config)
    new = {"Version": "2012-10-17", "Statement": [statement]}
    if layer == "identity":
        config["identity_policies"] = [*config["identity_policies"], new]
    elif layer == "boundary":
        if "permission_boundaries" in config:
            config["permission_boundaries"][0]["Statement"].append(statement)
        elif create:
            config["permission_boundaries"] = [new]
        else:
            return None
    elif layer == "session":
        if "session_policy" in config:
            config["session_policy"]["Statement"].append(statement)
        elif create:
            config["session_policy"] = new
        else:
            return None
    elif layer == "scp":
        if "scps" in config:
            config["scps"][0][0]["Statement"].append(statement)
        elif create:
            config["scps"] = [[new]]
        else:
            return None
    elif layer == "resource":
        statement = {"Principal": "*", **statement}
        if "resource_policy" in config:
            config["resource_policy"]["Statement"].append(statement)
        elif create:
            config["resource_policy"] = {"Version": "2012-10-17", "Statement": [statement]}
        else:
            return None
    else:  # rcp: only deny statements, for everyone, in a new level
        config["rcps"] = [[{"Version": "2012-10-17", "Statement": [{"Principal": "*", **statement}]}]]
    return config


@PROPERTY
@given(CONFIGS, REQUEST, st.sampled_from(LAYERS))
def test_an_explicit_deny_that_applies_always_wins(
    config: dict[str, Any], request: tuple[Any, ...], layer: str
) -> None:
    (action, _), _, _ = request
    assume(layer != "rcp" or action.split(":")[0] in RCP_SERVICES)
    denied = with_statement(config, layer, {"Effect": "Deny", "Action": action, "Resource": "*"}, create=True)
    assert denied is not None
    assert run(denied, request) is Decision.EXPLICIT_DENY


@PROPERTY
@given(CONFIGS, REQUEST, st.randoms(use_true_random=False))
def test_statement_and_policy_order_never_matters(
    config: dict[str, Any], request: tuple[Any, ...], rnd: random.Random
) -> None:
    shuffled = copy.deepcopy(config)
    documents_in = [*shuffled["identity_policies"], *shuffled.get("permission_boundaries", ())]
    documents_in += [d for level in shuffled.get("scps", ()) for d in level]
    documents_in += [shuffled[k] for k in ("session_policy", "resource_policy") if k in shuffled]
    for document in documents_in:
        rnd.shuffle(document["Statement"])
    rnd.shuffle(shuffled["identity_policies"])
    for level in shuffled.get("scps", ()):
        rnd.shuffle(level)
    assert run(shuffled, request) is run(config, request)


def _likely_allowed(config: dict[str, Any], request: tuple[Any, ...], grant: bool) -> dict[str, Any]:
    """``config``, with (when ``grant``) the request allowed in every layer it has and in a resource
    policy, so that many examples start from an allowed request without filtering any out."""
    if not grant:
        return config
    (action, _), _, _ = request
    config = copy.deepcopy(config)
    grant_statement = {"Effect": "Allow", "Action": action, "Resource": "*"}
    for layer in ("identity", "boundary", "session", "scp", "resource"):
        config = with_statement(config, layer, grant_statement, create=layer == "resource") or config
    return config


def _present(config: dict[str, Any]) -> list[str]:
    """The layers ``config`` has (identity always)."""
    keys = {
        "boundary": "permission_boundaries",
        "session": "session_policy",
        "scp": "scps",
        "resource": "resource_policy",
    }
    return ["identity", *(layer for layer, key in keys.items() if key in config)]


MOSTLY = st.sampled_from([True, True, True, False])


@PROPERTY
@given(CONFIGS, REQUEST, MOSTLY, statements(effect="Allow"), st.data())
def test_adding_an_allow_never_turns_allowed_into_denied(
    config: dict[str, Any],
    request: tuple[Any, ...],
    grant: bool,
    statement: dict[str, Any],
    data: st.DataObject,
) -> None:
    config = _likely_allowed(config, request, grant)
    more = with_statement(config, data.draw(st.sampled_from(_present(config))), statement, create=False)
    assert more is not None
    if run(config, request) is Decision.ALLOWED:
        event("allowed before the allow was added")
        assert run(more, request) is Decision.ALLOWED


@PROPERTY
@given(CONFIGS, REQUEST, st.booleans(), statements(effect="Deny"), st.sampled_from(LAYERS[:5]), st.booleans())
def test_adding_a_deny_never_turns_denied_into_allowed(
    config: dict[str, Any],
    request: tuple[Any, ...],
    grant: bool,
    statement: dict[str, Any],
    layer: str,
    create: bool,
) -> None:
    config = _likely_allowed(config, request, grant)
    more = with_statement(config, layer, statement, create=create)
    if more is not None and run(config, request) is not Decision.ALLOWED:
        event("denied before the deny was added")
        assert run(more, request) is not Decision.ALLOWED


@PROPERTY
@given(CONFIGS, REQUEST)
def test_decide_evaluate_and_simulate_agree(config: dict[str, Any], request: tuple[Any, ...]) -> None:
    (action, resource), principal, context = request
    policies = PolicySet(**config)
    fast = policies.decide(action, resource, principal=principal, context=context)
    traced = policies.evaluate(action, resource, principal=principal, context=context)
    one_shot = simulate(action, resource, principal=principal, context=context, **config)
    streamed = decide_case(
        {
            "id": 1,
            "action": action,
            "resource": resource,
            "principal": principal,
            "context": context,
            **config,
        }
    )
    assert fast is traced.decision is one_shot.decision
    assert streamed == {
        "id": 1,
        "decision": fast.value,
        "reason": traced.reason.value,
        "decided_by": traced.decided_by and traced.decided_by.value,
        "blocked_by": [layer.value for layer in traced.blocked_by],
    }
    # an applying statement in the trace is what made the decision
    applying = {(p.layer, s.effect) for p in traced.policies for s in p.statements if s.applies}
    if fast is Decision.EXPLICIT_DENY:
        assert (traced.decided_by, "Deny") in applying
    elif fast is Decision.ALLOWED:
        assert any(effect == "Allow" for _, effect in applying)


# --------------------------------------------------------------------------------------------
# fuzzing: only XrayKitError, ever

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
ODD_TEXT = st.text(max_size=30) | st.sampled_from(
    [
        "",
        " ",
        "*",
        "?",
        "${",
        "${aws:username",
        "$}",
        "arn:",
        ":::",
        "\\",
        "[",
        "(",
        "\x00",
        "é",
        "${*}${?}${$}",
    ]
)
KEYS = [
    "aws:username",
    "aws:TagKeys",
    "aws:ResourceTag/team",
    "aws:SourceIp",
    "aws:CurrentTime",
    "aws:SecureTransport",
    "aws:MultiFactorAuthAge",
    "aws:PrincipalArn",
    "kms:EncryptionContext:team",
    "xray:ResourcePolicyName",
]
OPERATOR_NAMES = (
    st.sampled_from(BASE_OPERATORS)
    | st.builds(
        lambda q, base, e: q + base + e,
        st.sampled_from(["", "ForAllValues:", "ForAnyValue:"]),
        st.sampled_from(BASE_OPERATORS),
        st.sampled_from(["", "IfExists"]),
    )
    | ODD_TEXT
)
CONDITION_VALUES = (
    ODD_TEXT | st.lists(ODD_TEXT, max_size=3) | st.integers() | st.floats() | st.booleans() | JSON
)
CONDITION_BLOCKS = (
    st.dictionaries(
        OPERATOR_NAMES,
        st.dictionaries(st.sampled_from(KEYS) | ODD_TEXT, CONDITION_VALUES, max_size=2) | JSON,
        max_size=2,
    )
    | JSON
)


def _maybe(valid: Any) -> Any:
    """A valid value, a string made of odd characters, or any JSON value at all."""
    return valid | ODD_TEXT | JSON


ACTION_ELEMENT = _maybe(st.sampled_from(ACTION_PATTERNS) | st.builds(lambda t: "xray:" + t, ODD_TEXT))
RESOURCE_ELEMENT = _maybe(
    st.sampled_from(RESOURCE_PATTERNS)
    | st.builds(lambda t: f"arn:aws:xray:us-east-1:{ACCOUNT}:" + t, ODD_TEXT)
    | st.lists(st.builds(lambda t: "arn:aws:s3:::" + t, ODD_TEXT), max_size=2)
)
PRINCIPAL_ELEMENT = _maybe(
    st.sampled_from(PRINCIPAL_ELEMENTS)
    | st.dictionaries(
        st.sampled_from(["AWS", "Service", "Federated", "CanonicalUser"]) | ODD_TEXT,
        ODD_TEXT | st.lists(ODD_TEXT, max_size=2),
        max_size=2,
    )
)
FUZZ_STATEMENT = st.fixed_dictionaries(
    {},
    optional={
        "Sid": _maybe(st.just("S1")),
        "Effect": _maybe(st.sampled_from(["Allow", "Deny"])),
        "Action": ACTION_ELEMENT,
        "NotAction": ACTION_ELEMENT,
        "Resource": RESOURCE_ELEMENT,
        "NotResource": RESOURCE_ELEMENT,
        "Principal": PRINCIPAL_ELEMENT,
        "NotPrincipal": PRINCIPAL_ELEMENT,
        "Condition": CONDITION_BLOCKS,
    },
)
FUZZ_POLICY = (
    st.fixed_dictionaries(
        {},
        optional={
            "Version": _maybe(st.sampled_from(["2012-10-17", "2008-10-17"])),
            "Id": _maybe(st.just("id")),
            "Statement": FUZZ_STATEMENT | st.lists(FUZZ_STATEMENT, max_size=3) | JSON,
        },
    )
    | JSON
    | ODD_TEXT
)


def _mostly(valid: Any) -> Any:
    """Usually a valid value (which may still hold odd text), sometimes odd text or any JSON."""
    return st.integers(0, 9).flatmap(lambda n: valid if n < 8 else (ODD_TEXT if n == 8 else JSON))


WEIRD_ACTION = st.builds(lambda t: "xray:" + t, st.text(alphabet="GetGroupDl*?", min_size=1, max_size=10))
WEIRD_ARN = st.builds(lambda t: f"arn:aws:xray:us-east-1:{ACCOUNT}:" + t, ODD_TEXT)
VALID_CONDITIONS = st.dictionaries(
    st.sampled_from(BASE_OPERATORS)
    | st.builds(
        lambda q, base, e: q + base + e,
        st.sampled_from(["", "ForAllValues:", "ForAnyValue:"]),
        st.sampled_from([b for b in BASE_OPERATORS if b != "Null"]),
        st.sampled_from(["", "IfExists"]),
    ),
    st.dictionaries(
        st.sampled_from(KEYS),
        ODD_TEXT | st.lists(ODD_TEXT, min_size=1, max_size=3) | st.integers() | st.floats() | st.booleans(),
        min_size=1,
        max_size=2,
    ),
    min_size=1,
    max_size=2,
)


def mostly_valid_policies(principal: bool) -> Any:
    """Policies whose elements are usually well formed but hold odd text, numbers and patterns."""
    required = {
        "Effect": _mostly(st.sampled_from(["Allow", "Deny"])),
        "Action": _mostly(
            st.sampled_from(ACTION_PATTERNS) | WEIRD_ACTION | st.lists(WEIRD_ACTION, min_size=1, max_size=2)
        ),
        "Resource": _mostly(
            st.sampled_from(RESOURCE_PATTERNS) | WEIRD_ARN | st.lists(WEIRD_ARN, min_size=1, max_size=2)
        ),
    }
    if principal:
        required["Principal"] = _mostly(st.sampled_from(PRINCIPAL_ELEMENTS))
    statement = st.fixed_dictionaries(required, optional={"Condition": _mostly(VALID_CONDITIONS)})
    return st.builds(
        lambda v, ss: {"Version": v, "Statement": ss},
        _mostly(st.sampled_from(["2012-10-17", "2008-10-17"])),
        st.lists(statement, min_size=1, max_size=3),
    )


KINDS = [
    "identity-based policy",
    "permissions boundary",
    "session policy",
    "resource-based policy",
    "service control policy",
    "resource control policy",
]


def _survives(evaluation: Any) -> None:
    """A successful evaluation renders without raising."""
    assert evaluation_text(evaluation)
    assert evaluation_html(evaluation)
    assert evaluation_dict(evaluation)["decision"] == evaluation.decision.value


@FUZZ
@given(FUZZ_POLICY, st.sampled_from(KINDS))
def test_parsing_any_document_raises_only_xraykit_errors(document: Any, kind: str) -> None:
    try:
        parse_policy(document, kind)
    except XrayKitError as error:
        assert error.issues and all(issue.message for issue in error.issues)


@FUZZ
@given(st.text(max_size=200) | st.binary(max_size=60))
def test_parsing_any_text_raises_only_xraykit_errors(text: str | bytes) -> None:
    try:
        parsed = parse_policy(text)
    except XrayKitError as error:
        assert error.issues and all(issue.message for issue in error.issues)
    else:
        assert isinstance(parsed, Policy)


@FUZZ
@given(
    mostly_valid_policies(False),
    st.none() | mostly_valid_policies(True),
    st.sampled_from(REQUESTS),
    st.sampled_from(PRINCIPALS),
    CONTEXT,
)
def test_random_strings_in_every_element_raise_only_xraykit_errors(
    identity: Any,
    resource_policy: Any,
    request: tuple[str, str],
    principal: str,
    context: dict[str, Any],
) -> None:
    action, resource = request
    try:
        evaluation = simulate(
            action,
            resource,
            principal=principal,
            context=context,
            identity_policies=[identity],
            resource_policy=resource_policy,
        )
    except XrayKitError:
        event("rejected")
        return
    event("evaluated")
    _survives(evaluation)


REQUEST_VALUE = ODD_TEXT | JSON


@FUZZ
@given(
    st.sampled_from([a for a, _ in REQUESTS]) | REQUEST_VALUE,
    st.sampled_from([r for _, r in REQUESTS]) | REQUEST_VALUE,
    st.sampled_from(PRINCIPALS) | REQUEST_VALUE,
    st.dictionaries(st.sampled_from(KEYS) | ODD_TEXT, REQUEST_VALUE, max_size=3) | JSON,
    st.none() | REQUEST_VALUE,
)
def test_random_requests_raise_only_xraykit_errors(
    action: Any, resource: Any, principal: Any, context: Any, account: Any
) -> None:
    policies = PolicySet(
        identity_policies=[
            {
                "Version": "2012-10-17",
                "Statement": {
                    "Effect": "Allow",
                    "Action": "*",
                    "Resource": "*",
                    "Condition": {
                        "StringLikeIfExists": {"aws:username": "${aws:username}", "aws:ResourceTag/team": "*"}
                    },
                },
            }
        ]
    )
    try:
        evaluation = policies.evaluate(
            action, resource, principal=principal, context=context, resource_account=account
        )
    except XrayKitError:
        return
    _survives(evaluation)


@FUZZ
@given(
    st.fixed_dictionaries({}, optional={field: JSON | ODD_TEXT for field in CASE_FIELDS})
    | st.dictionaries(st.text(max_size=10), JSON, max_size=3)
    | JSON,
    st.sampled_from(REQUESTS),
)
def test_a_case_line_never_raises(case: Any, request: tuple[str, str]) -> None:
    if isinstance(case, dict) and not {"action", "principal"} & set(case):
        case = {**case, "action": request[0], "resource": request[1], "principal": ALICE}
    answer = decide_case(case)
    assert answer["decision"] in {"Allowed", "ImplicitlyDenied", "ExplicitlyDenied", "Error"}
    if answer["decision"] == "Error":
        assert answer["issues"]


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(math.nan, id="NaN"),
        pytest.param(math.inf, id="infinity"),
        pytest.param(10**400, id="a huge integer"),
    ],
)
def test_odd_numbers_in_conditions_and_context_raise_only_xraykit_errors(value: Any) -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": {
            "Effect": "Allow",
            "Action": "*",
            "Resource": "*",
            "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": value}},
        },
    }
    try:
        evaluation = simulate(
            "xray:GetSamplingRules", identity_policies=[policy], context={"aws:MultiFactorAuthAge": value}
        )
    except XrayKitError:
        return
    _survives(evaluation)


ALLOW_ALL_DOC = {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}
DEEP_CASE: dict[str, Any] = {
    "id": "deep",
    "principal": ALICE,
    "action": "xray:GetGroup",
    "resource": "arn:aws:xray:us-east-1:123456789012:group/g/ABC",
    "resource_account": "123456789012",
    "context": {"aws:username": "alice", "aws:TagKeys": ["team"]},
    "resource_tags": {"team": "core"},
    "request_tags": {"team": "core"},
    "identity_policies": [
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "A",
                    "Effect": "Allow",
                    "Action": ["xray:*"],
                    "Resource": ["*"],
                    "Condition": {"StringEquals": {"aws:username": ["alice"]}},
                }
            ],
        }
    ],
    "permission_boundaries": [ALLOW_ALL_DOC],
    "scps": [[ALLOW_ALL_DOC]],
    "rcps": [
        [
            {
                "Version": "2012-10-17",
                "Statement": {
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "xray:*",
                    "Resource": "*",
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                },
            }
        ]
    ],
    "session_policy": ALLOW_ALL_DOC,
    "resource_policy": {
        "Version": "2012-10-17",
        "Statement": {
            "Effect": "Allow",
            "Principal": {"AWS": ["arn:aws:iam::123456789012:root"]},
            "Action": "*",
            "Resource": "*",
        },
    },
}


def _places(value: Any, path: tuple[Any, ...] = ()) -> Any:
    yield path
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        yield from _places(item, (*path, key))


def _with(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    out = copy.deepcopy(value)
    inner = out
    for key in path[:-1]:
        inner = inner[key]
    inner[path[-1]] = new
    return out


@pytest.mark.parametrize("depth", [990, 1023])
def test_a_case_line_nested_about_as_deep_as_json_goes_never_raises(depth: int) -> None:
    """A list or object about a thousand levels deep in every place of a case: an answer, never a crash.

    Around this depth the fast JSON reader still reads a line that the standard library, Python's
    recursion limit and json.dumps cannot: each of those places once crashed the stream.
    """
    marker = "__deep__"
    for deep in ("[" * depth + "]" * depth, '{"a":' * depth + "1" + "}" * depth):
        for path in list(_places(DEEP_CASE))[1:]:
            line = json.dumps(_with(DEEP_CASE, path, marker)).replace(json.dumps(marker), deep)
            answer = answer_line(line.encode(), 1)
            assert answer["decision"] in {"Allowed", "ImplicitlyDenied", "ExplicitlyDenied", "Error"}, path
            if answer["decision"] == "Error":
                assert answer["issues"], path
