"""Differential check of :mod:`xraykit.conditions` against iam-simulate, one Condition block at a time.

``generate(n, seed)`` builds random Condition blocks over global keys of every operator family, with
policy variables, escapes, sets, ``IfExists``, negations, ``Null`` and values that cannot be
compared. It stays inside the area where the independent evaluator follows AWS's documented rules;
each place where it does not is left out on purpose (``tests/test_conditions.py`` has a table row for
each, saying what the oracle does instead):

- ``ForAnyValue:...IfExists`` on an absent key (the oracle ignores IfExists there);
- ``${*}``/``${?}``/``${$}`` in operators without wildcards (the oracle keeps them as text);
- a policy variable in the first five segments of an ``Arn*`` value (the oracle splits the ARN at the
  colon inside ``${aws:...}``), and unresolvable variables in ``ArnNot*`` (its answer depends on
  which segment fails first);
- ``NotIpAddress`` with a bare address against the other IP family, and ``/0`` ranges;
- an empty string as a variable's value (the oracle treats it as absent);
- dates mixing epoch seconds with ISO text (the oracle compares seconds with milliseconds).

Run ``python tests/oracle_checks/conditions.py N SEED`` (needs ``node`` and ``make oracle``); it prints
the disagreements and exits 1 when there are any. Standard library and xraykit only.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DRIVER = HERE / "conditions_driver.mjs"
ORACLE_DIR = Path(os.environ.get("XRAYKIT_ORACLE_DIR", HERE.parent / "oracle"))

Case = dict[str, Any]

STRING_KEYS = ["aws:username", "aws:RequestTag/team", "aws:PrincipalTag/team"]
MULTI_KEYS = ["aws:TagKeys", "aws:PrincipalOrgPaths"]
WORDS = ["a", "b", "ab", "A", "a*", "x.y", "a?c", "abc", "", "ba"]
PATTERNS = [
    "a",
    "a*",
    "*",
    "?",
    "a?",
    "*b",
    "A",
    "x.y",
    "x?y",
    "a${*}",
    "${?}",
    "${aws:username}",
    "${aws:PrincipalTag/team, 'a'}",
    "a${aws:username}",
    "${aws:RequestTag/team}*",
    "ab",
]
NUMBERS = ["0", "1", "10", "-1", "2.5", "10.0", ".5", "3600", "abc"]
DATES = [
    "2024-01-01T00:00:00Z",
    "2024-01-01",
    "2024-06-01T12:30:00Z",
    "2023-12-31T23:59:59Z",
    "2024-01-01T01:00:00+01:00",
    "2024-01-01T00:00Z",
    "2024-01-01T00:00:00.000Z",
    "bogus",
]
EPOCHS = ["1704067200", "1704067199", "1704067201", "0", "1717245000"]
IP_POLICY = [
    "203.0.113.0/24",
    "203.0.113.7",
    "198.51.100.0/22",
    "10.0.0.0/8",
    "2001:db8::/32",
    "2001:db8:1234:5678::/64",
    "203.0.113.0/33",
]
IP_REQUEST = [
    "203.0.113.7",
    "203.0.114.1",
    "198.51.101.9",
    "10.1.2.3",
    "2001:db8::1",
    "2001:db9::1",
    "2001:db8:1234:5678::9",
    "not-ip",
]
ARN_POLICY = [
    "arn:aws:sns:us-east-1:123456789012:t",
    "arn:aws:sns:*:*:*",
    "arn:aws:sns:us-*:123456789012:t*",
    "arn:aws:sqs:*:*:q",
    "arn:aws:sns:??-east-1:*:*",
    "arn:aws:iam::123456789012:role/${aws:username}",
]
ARN_REQUEST = [
    "arn:aws:sns:us-east-1:123456789012:t",
    "arn:aws:sns:eu-west-1:123456789012:t:x",
    "arn:aws:sqs:us-east-1:123456789012:q",
    "arn:aws:iam::123456789012:role/a",
    "arn:aws:sns:us-east-1:a:t",
]
BOOL_POLICY = ["true", "false", "TRUE", "False", "yes", "${aws:username}"]
BOOL_REQUEST = ["true", "false", "True", "no"]
BASES = {
    "String": [
        "StringEquals",
        "StringNotEquals",
        "StringEqualsIgnoreCase",
        "StringNotEqualsIgnoreCase",
        "StringLike",
        "StringNotLike",
    ],
    "Numeric": [
        "NumericEquals",
        "NumericNotEquals",
        "NumericLessThan",
        "NumericLessThanEquals",
        "NumericGreaterThan",
        "NumericGreaterThanEquals",
    ],
    "Date": [
        "DateEquals",
        "DateNotEquals",
        "DateLessThan",
        "DateLessThanEquals",
        "DateGreaterThan",
        "DateGreaterThanEquals",
    ],
    "Bool": ["Bool"],
    "Ip": ["IpAddress", "NotIpAddress"],
    "Arn": ["ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"],
}


def _operator(rng: random.Random, family: str, qualifiers: bool) -> str:
    name = rng.choice(BASES[family])
    if rng.random() < 0.3:
        name += "IfExists"
    if qualifiers and rng.random() < 0.5:
        # ForAnyValue:...IfExists on an absent key is a departure of the oracle: leave it out
        name = (
            rng.choice(["ForAllValues:"] if name.endswith("IfExists") else ["ForAllValues:", "ForAnyValue:"])
            + name
        )
    return name


def _values(rng: random.Random, pool: list[str], most: int = 3) -> str | list[str]:
    count = rng.randint(1, most)
    chosen = rng.sample(pool, min(count, len(pool)))
    return chosen[0] if count == 1 and rng.random() < 0.5 else chosen


def _one(rng: random.Random) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    family = rng.choice(
        ["String", "String", "Multi", "Numeric", "Date", "Epoch", "Bool", "Ip", "Arn", "Null"]
    )
    context: dict[str, Any] = {}
    present = rng.random() < 0.85
    if family in ("String", "Multi"):
        key = rng.choice(MULTI_KEYS if family == "Multi" else STRING_KEYS)
        name = _operator(rng, "String", True)
        pool = PATTERNS if "Like" in name else [p for p in PATTERNS if "${*}" not in p and "${?}" not in p]
        block = {name: {key: _values(rng, pool)}}
        if present:
            context[key] = rng.sample(WORDS, rng.randint(0, 3)) if family == "Multi" else rng.choice(WORDS)
    elif family == "Numeric":
        key = "aws:MultiFactorAuthAge"
        block = {_operator(rng, "Numeric", False): {key: _values(rng, NUMBERS)}}
        if present:
            context[key] = rng.choice(NUMBERS)
    elif family in ("Date", "Epoch"):  # one format per key: mixing them is a departure
        key, pool = ("aws:CurrentTime", DATES) if family == "Date" else ("aws:EpochTime", EPOCHS)
        block = {_operator(rng, "Date", False): {key: _values(rng, pool)}}
        if present:
            context[key] = rng.choice([d for d in pool if d != "bogus"])
    elif family == "Bool":
        key = "aws:SecureTransport"
        block = {_operator(rng, "Bool", False): {key: _values(rng, BOOL_POLICY)}}
        if present:
            context[key] = rng.choice(BOOL_REQUEST)
    elif family == "Ip":
        key = "aws:SourceIp"
        name = _operator(rng, "Ip", False)
        pool = IP_POLICY if name.startswith("Ip") else [p for p in IP_POLICY if "/" in p]
        block = {name: {key: _values(rng, pool)}}
        if present:
            context[key] = rng.choice(IP_REQUEST)
    elif family == "Arn":
        key = rng.choice(["aws:SourceArn", "aws:PrincipalArn"])
        block = {_operator(rng, "Arn", False): {key: _values(rng, ARN_POLICY)}}
        if present:
            context[key] = rng.choice(ARN_REQUEST)
    else:
        key = rng.choice(STRING_KEYS + MULTI_KEYS)
        block = {"Null": {key: _values(rng, ["true", "false", "TRUE", "maybe"], 2)}}
        if rng.random() < 0.5:
            context[key] = [] if key in MULTI_KEYS else "x"
    return block, context


def case_at(seed: int, index: int) -> Case:
    """Case ``index`` of the stream for ``seed`` (each case depends only on the pair).

    Args:
        seed: the stream's seed.
        index: the case number.

    Returns:
        ``{"id", "condition", "context"}``.
    """
    rng = random.Random(f"{seed}:{index}")
    condition: dict[str, dict[str, Any]] = {}
    context: dict[str, Any] = {}
    for _ in range(rng.choice([1, 1, 2, 3])):
        block, values = _one(rng)
        for name, keys in block.items():
            condition.setdefault(name, {}).update(keys)
        context.update(values)
    for key in ("aws:username", "aws:PrincipalTag/team", "aws:RequestTag/team"):
        if key not in context and rng.random() < 0.5:
            context[key] = rng.choice(["a", "b", "A", "123456789012", "a*"])
        if context.get(key) == "":
            context[key] = "ab"  # an empty value read by a variable is a departure
    text = json.dumps(condition)
    if "ArnNot" in text and "${aws:username}" in text and "aws:username" not in context:
        context["aws:username"] = "a"  # unresolvable variables in ArnNot* are a departure
    return {"id": f"{seed}-{index}", "condition": condition, "context": context}


def generate(n: int, seed: int) -> list[Case]:
    """``n`` cases for ``seed``.

    Args:
        n: how many.
        seed: the stream's seed.

    Returns:
        The cases, in order.
    """
    return [case_at(seed, i) for i in range(n)]


def oracle_available() -> str | None:
    """Why the oracle cannot run here, or None when it can."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not (ORACLE_DIR / "node_modules" / "@cloud-copilot" / "iam-simulate").is_dir():
        return f"iam-simulate is not installed under {ORACLE_DIR.name}/node_modules (run `make oracle`)"
    return None


def run_oracle(cases: list[Case]) -> dict[str, str]:
    """The oracle's decision for each case id (one Node process for all of them).

    Args:
        cases: as from :func:`generate`.

    Returns:
        id -> ``Allowed``, ``ImplicitlyDenied`` or ``Error``.
    """
    stdin = "".join(json.dumps(c) + "\n" for c in cases)
    env = {**os.environ, "XRAYKIT_ORACLE_DIR": str(ORACLE_DIR)}
    done = subprocess.run(
        ["node", str(DRIVER)], input=stdin, capture_output=True, text=True, check=True, env=env
    )
    answers = (json.loads(line) for line in done.stdout.splitlines() if line.strip())
    return {a["id"]: a["decision"] for a in answers}


def run_xraykit(case: Case) -> str:
    """xraykit's decision for the same statement: ``Allowed`` when the block holds."""
    from xraykit.conditions import compile_conditions

    context = {k.lower(): tuple(v) if isinstance(v, list) else v for k, v in case["context"].items()}
    conditions = compile_conditions(case["condition"], variables=True)
    holds = conditions.matches(context)
    assert holds is conditions.explain(context)[0]
    return "Allowed" if holds else "ImplicitlyDenied"


def disagreements(cases: list[Case]) -> list[tuple[Case, str, str]]:
    """Each case where the two answers differ, with ``(case, oracle, xraykit)``."""
    oracle = run_oracle(cases)
    out = []
    for case in cases:
        mine = run_xraykit(case)
        if oracle[case["id"]] != mine:
            out.append((case, oracle[case["id"]], mine))
    return out


def main(argv: list[str]) -> int:
    n = int(argv[1]) if len(argv) > 1 else 1000
    seed = int(argv[2]) if len(argv) > 2 else 0
    reason = oracle_available()
    if reason:
        print(f"cannot run: {reason}", file=sys.stderr)
        return 2
    bad = disagreements(generate(n, seed))
    for case, oracle, mine in bad:
        print(
            json.dumps(
                {
                    "id": case["id"],
                    "oracle": oracle,
                    "xraykit": mine,
                    "condition": case["condition"],
                    "context": case["context"],
                }
            )
        )
    print(f"{n - len(bad)}/{n} agree", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent.parent))
    raise SystemExit(main(sys.argv))
