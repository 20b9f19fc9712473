"""Condition blocks: every operator family, absent keys, IfExists, sets, Null, variables, traces."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from xraykit.conditions import Block, Conditions, compile_conditions, holds
from xraykit.errors import XrayKitError
from xraykit.operators import normalize_values
from xraykit.render import condition_text
from xraykit.result import Reason

R = Reason
MATCHED, NOT_MATCHED, BAD = R.CONDITION_MATCHED, R.CONDITION_NOT_MATCHED, R.CONDITION_BAD_VALUE
UNRESOLVED = R.CONDITION_VARIABLE_UNRESOLVED
ABSENT, IF_EXISTS, NEGATED = R.CONDITION_KEY_ABSENT, R.CONDITION_ABSENT_IF_EXISTS, R.CONDITION_ABSENT_NEGATED
EMPTY_ALL, EMPTY_ANY, NULL = R.CONDITION_EMPTY_SET_ALL, R.CONDITION_EMPTY_SET_ANY, R.CONDITION_NULL_CHECK


def ctx(**values: Any) -> dict[str, str | tuple[str, ...]]:
    """A context from keyword pairs; ``__`` stands for ``:`` and ``_S_`` for ``/``; lists become tuples."""
    out: dict[str, str | tuple[str, ...]] = {}
    for name, value in values.items():
        key = name.replace("__", ":").replace("_S_", "/").lower()
        out[key] = tuple(value) if isinstance(value, list) else value
    return out


def context_of(mapping: Mapping[str, Any]) -> dict[str, str | tuple[str, ...]]:
    return {k.lower(): tuple(v) if isinstance(v, list) else v for k, v in mapping.items()}


U = "aws:username"
TAG = "aws:RequestTag/team"
PTAG = "aws:PrincipalTag/team"
KEYS = "aws:TagKeys"
MFA = "aws:MultiFactorAuthAge"
NOW = "aws:CurrentTime"
EPOCH = "aws:EpochTime"
TLS = "aws:SecureTransport"
IP = "aws:SourceIp"
SRC = "aws:SourceArn"
BIN = "aws:RequestTag/blob"
TOPIC = "arn:aws:sns:us-east-1:123456789012:topic"

# (operator, key, values, context, expected, reason)
# fmt: off
CASES = [
    # --- String ---------------------------------------------------------------------------
    pytest.param("StringEquals", U, "alice", {U: "alice"}, True, MATCHED,
                 id="StringEquals matches the same text"),
    pytest.param("StringEquals", U, "alice", {U: "bob"}, False, NOT_MATCHED,
                 id="StringEquals fails on other text"),
    pytest.param("StringEquals", U, "alice", {U: "Alice"}, False, NOT_MATCHED,
                 id="StringEquals is case-sensitive"),
    pytest.param("StringEquals", U, "alice", {}, False, ABSENT, id="StringEquals is false for an absent key"),
    pytest.param("StringEquals", U, ["bob", "alice"], {U: "alice"}, True, MATCHED,
                 id="listed values are alternatives"),
    pytest.param("StringEquals", "AWS:UserName", "alice", {U: "alice"}, True, MATCHED,
                 id="key names are case-insensitive"),
    pytest.param("StringEquals", U, "", {U: ""}, True, MATCHED, id="an empty value equals an empty value"),
    pytest.param("StringEquals", U, "a*", {U: "abc"}, False, NOT_MATCHED, id="StringEquals has no wildcards"),
    pytest.param("StringNotEquals", U, "alice", {U: "bob"}, True, MATCHED,
                 id="StringNotEquals holds for other text"),
    pytest.param("StringNotEquals", U, ["bob", "alice"], {U: "alice"}, False, NOT_MATCHED,
                 id="StringNotEquals fails when any listed value equals"),
    pytest.param("StringNotEquals", U, "alice", {}, True, NEGATED,
                 id="StringNotEquals is true for an absent key"),
    pytest.param("StringEqualsIgnoreCase", U, "ALICE", {U: "alice"}, True, MATCHED,
                 id="StringEqualsIgnoreCase ignores case"),
    pytest.param("StringNotEqualsIgnoreCase", U, "ALICE", {U: "alice"}, False, NOT_MATCHED,
                 id="StringNotEqualsIgnoreCase fails on a case variant"),
    pytest.param("StringNotEqualsIgnoreCase", U, "ALICE", {}, True, NEGATED,
                 id="StringNotEqualsIgnoreCase is true for an absent key"),
    pytest.param("StringLike", TAG, "dev-*", {TAG: "dev-ops"}, True, MATCHED,
                 id="StringLike matches a wildcard"),
    pytest.param("StringLike", TAG, "dev-?", {TAG: "dev-ops"}, False, NOT_MATCHED,
                 id="StringLike question mark is one character"),
    pytest.param("StringLike", TAG, "*", {TAG: ""}, True, MATCHED,
                 id="StringLike star matches an empty value"),
    pytest.param("StringLike", TAG, "*", {}, False, ABSENT,
                 id="StringLike star is still false for an absent key"),
    pytest.param("StringNotLike", TAG, "dev-*", {TAG: "dev-ops"}, False, NOT_MATCHED,
                 id="StringNotLike fails on a match"),
    pytest.param("StringNotLike", TAG, "dev-*", {TAG: "prod"}, True, MATCHED,
                 id="StringNotLike holds without a match"),
    pytest.param("StringNotLike", TAG, "dev-*", {}, True, NEGATED,
                 id="StringNotLike is true for an absent key"),
    pytest.param("StringLikeIfExists", TAG, "dev-*", {}, True, IF_EXISTS,
                 id="IfExists is true for an absent key"),
    pytest.param("StringLikeIfExists", TAG, "dev-*", {TAG: "prod"}, False, NOT_MATCHED,
                 id="IfExists still tests a present key"),
    pytest.param("StringNotEqualsIfExists", U, "alice", {}, True, IF_EXISTS,
                 id="a negated IfExists is true for an absent key"),
    pytest.param("StringEqualsIfExists", U, "alice", {U: "alice"}, True, MATCHED,
                 id="IfExists matches a present key"),
    # --- Numeric --------------------------------------------------------------------------
    pytest.param("NumericLessThan", MFA, "3600", {MFA: "100"}, True, MATCHED,
                 id="NumericLessThan holds below the limit"),
    pytest.param("NumericLessThan", MFA, "3600", {MFA: "3600"}, False, NOT_MATCHED,
                 id="NumericLessThan fails at the limit"),
    pytest.param("NumericLessThanEquals", MFA, "3600", {MFA: "3600"}, True, MATCHED,
                 id="NumericLessThanEquals holds at the limit"),
    pytest.param("NumericGreaterThan", MFA, "10", {MFA: "10.5"}, True, MATCHED,
                 id="NumericGreaterThan compares fractions"),
    pytest.param("NumericGreaterThanEquals", MFA, "10", {MFA: "9"}, False, NOT_MATCHED,
                 id="NumericGreaterThanEquals fails below"),
    pytest.param("NumericEquals", MFA, "10", {MFA: "10.0"}, True, MATCHED,
                 id="NumericEquals compares values not text"),
    pytest.param("NumericEquals", MFA, 10, {MFA: "10"}, True, MATCHED,
                 id="a JSON number in the policy reads as its text"),
    pytest.param("NumericNotEquals", MFA, "10", {MFA: "11"}, True, MATCHED,
                 id="NumericNotEquals holds for another number"),
    pytest.param("NumericLessThan", MFA, "3600", {}, False, ABSENT,
                 id="NumericLessThan is false for an absent key"),
    pytest.param("NumericNotEquals", MFA, "5", {}, True, NEGATED,
                 id="NumericNotEquals is true for an absent key"),
    pytest.param("NumericLessThanIfExists", MFA, "3600", {}, True, IF_EXISTS,
                 id="NumericLessThanIfExists is true for an absent key"),
    pytest.param("NumericEquals", MFA, "abc", {MFA: "10"}, False, BAD,
                 id="a policy value that is not a number never matches"),
    pytest.param("NumericEquals", MFA, ["abc", "10"], {MFA: "10"}, True, MATCHED,
                 id="a bad value beside a good one does not block a match"),
    pytest.param("NumericNotEquals", MFA, ["abc", "5"], {MFA: "10"}, False, BAD,
                 id="a bad value makes a negated operator false"),
    pytest.param("NumericNotEquals", MFA, "5", {MFA: "ten"}, False, BAD,
                 id="a request value that is not a number makes a negated operator false"),
    pytest.param("NumericLessThan", MFA, "5", {MFA: "ten"}, False, BAD,
                 id="a request value that is not a number never matches"),
    # --- Date -----------------------------------------------------------------------------
    pytest.param("DateLessThan", NOW, "2024-01-01T00:00:00Z", {NOW: "2023-12-31T23:59:59Z"}, True, MATCHED,
                 id="DateLessThan holds before the date"),
    pytest.param("DateGreaterThan", NOW, "2024-01-01T00:00:00Z", {NOW: "2023-12-31T23:59:59Z"}, False,
                 NOT_MATCHED, id="DateGreaterThan fails before the date"),
    pytest.param("DateEquals", NOW, "2024-01-01T01:00:00+01:00", {NOW: "2024-01-01T00:00:00Z"}, True, MATCHED,
                 id="DateEquals applies time zone offsets"),
    pytest.param("DateLessThanEquals", EPOCH, "1704067200", {EPOCH: "1704067200"}, True, MATCHED,
                 id="epoch seconds compare with epoch seconds"),
    pytest.param("DateEquals", EPOCH, "1704067200", {EPOCH: "2024-01-01T00:00:00Z"}, True, MATCHED,
                 id="epoch seconds and ISO dates share one scale (the oracle compares seconds with ms)"),
    pytest.param("DateGreaterThanEquals", NOW, "2024-01-01", {NOW: "2024-01-01T00:00:00Z"}, True, MATCHED,
                 id="a date alone means its midnight UTC"),
    pytest.param("DateNotEquals", NOW, "bogus", {NOW: "2024-01-01T00:00:00Z"}, False, BAD,
                 id="a policy value that is not a date makes DateNotEquals false"),
    pytest.param("DateNotEquals", NOW, "2024-01-01T00:00:00Z", {}, True, NEGATED,
                 id="DateNotEquals is true for an absent key"),
    pytest.param("DateLessThanIfExists", NOW, "2024-01-01T00:00:00Z", {}, True, IF_EXISTS,
                 id="DateLessThanIfExists is true for an absent key"),
    # --- Bool -----------------------------------------------------------------------------
    pytest.param("Bool", TLS, "true", {TLS: "true"}, True, MATCHED, id="Bool matches true"),
    pytest.param("Bool", TLS, "false", {TLS: "true"}, False, NOT_MATCHED,
                 id="Bool false does not match true"),
    pytest.param("Bool", TLS, True, {TLS: "True"}, True, MATCHED,
                 id="Bool takes a JSON boolean and ignores case"),
    pytest.param("Bool", TLS, "false", {}, False, ABSENT, id="Bool is false for an absent key"),
    pytest.param("BoolIfExists", TLS, "false", {}, True, IF_EXISTS,
                 id="BoolIfExists is true for an absent key"),
    pytest.param("Bool", TLS, "yes", {TLS: "true"}, False, BAD,
                 id="a policy value that is not a boolean never matches"),
    pytest.param("Bool", TLS, "true", {TLS: "1"}, False, BAD,
                 id="a request value that is not a boolean never matches"),
    # --- Binary ---------------------------------------------------------------------------
    pytest.param("BinaryEquals", BIN, "QmluYXJ5VmFsdWU=", {BIN: "QmluYXJ5VmFsdWU="}, True, MATCHED,
                 id="BinaryEquals matches the same bytes"),
    pytest.param("BinaryEquals", BIN, "QmluYXJ5VmFsdWU=", {BIN: "T3RoZXI="}, False, NOT_MATCHED,
                 id="BinaryEquals fails on other bytes"),
    pytest.param("BinaryEquals", BIN, "QmluYXJ5VmFsdWU=", {}, False, ABSENT,
                 id="BinaryEquals is false for an absent key"),
    pytest.param("BinaryEqualsIfExists", BIN, "QmluYXJ5VmFsdWU=", {}, True, IF_EXISTS,
                 id="BinaryEqualsIfExists is true for an absent key"),
    # --- IpAddress ------------------------------------------------------------------------
    pytest.param("IpAddress", IP, "203.0.113.0/24", {IP: "203.0.113.7"}, True, MATCHED,
                 id="IpAddress holds inside the range"),
    pytest.param("IpAddress", IP, ["203.0.113.0/24", "2001:DB8:1234:5678::/64"],
                 {IP: "2001:db8:1234:5678::9"}, True, MATCHED, id="IPv4 and IPv6 ranges mix in one list"),
    pytest.param("IpAddress", IP, "203.0.113.7", {IP: "203.0.113.7"}, True, MATCHED,
                 id="a bare address is a one-address range"),
    pytest.param("IpAddress", IP, "203.0.113.0/24", {}, False, ABSENT,
                 id="IpAddress is false for an absent key"),
    pytest.param("NotIpAddress", IP, "203.0.113.0/24", {IP: "203.0.113.7"}, False, NOT_MATCHED,
                 id="NotIpAddress fails inside the range"),
    pytest.param("NotIpAddress", IP, "203.0.113.0/24", {IP: "198.51.100.1"}, True, MATCHED,
                 id="NotIpAddress holds outside the range"),
    pytest.param("NotIpAddress", IP, "203.0.113.0/24", {}, True, NEGATED,
                 id="NotIpAddress is true for an absent key"),
    pytest.param("NotIpAddress", IP, "203.0.113.7", {IP: "2001:db8::1"}, True, MATCHED,
                 id="IPv6 is outside a bare IPv4 address (the oracle: false, though true for a CIDR)"),
    pytest.param("IpAddress", IP, "0.0.0.0/0", {IP: "198.51.100.1"}, True, MATCHED,
                 id="a zero prefix covers every address (the oracle's shift by 32 matches nothing)"),
    pytest.param("IpAddress", IP, "203.0.113.0/24", {IP: "not-an-ip"}, False, BAD,
                 id="a request value that is not an address never matches"),
    pytest.param("NotIpAddress", IP, "203.0.113.0/24", {IP: "not-an-ip"}, False, BAD,
                 id="a request value that is not an address makes NotIpAddress false"),
    pytest.param("IpAddress", IP, "203.0.113.0/33", {IP: "203.0.113.7"}, False, BAD,
                 id="a prefix longer than 32 never matches"),
    # --- Arn ------------------------------------------------------------------------------
    pytest.param("ArnLike", SRC, "arn:aws:sns:*:123456789012:*", {SRC: TOPIC}, True, MATCHED,
                 id="ArnLike matches segment by segment"),
    pytest.param("ArnEquals", SRC, "arn:aws:sns:*:123456789012:*", {SRC: TOPIC}, True, MATCHED,
                 id="ArnEquals takes wildcards like ArnLike"),
    pytest.param("ArnLike", SRC, "arn:aws:sqs:*:*:*", {SRC: TOPIC}, False, NOT_MATCHED,
                 id="ArnLike fails on another service"),
    pytest.param("ArnNotLike", SRC, "arn:aws:sqs:*:*:*", {SRC: TOPIC}, True, MATCHED,
                 id="ArnNotLike holds on another service"),
    pytest.param("ArnNotEquals", SRC, "arn:aws:sns:*:*:*", {SRC: TOPIC}, False, NOT_MATCHED,
                 id="ArnNotEquals fails on a match"),
    pytest.param("ArnNotLike", SRC, "arn:aws:sqs:*:*:*", {}, True, NEGATED,
                 id="ArnNotLike is true for an absent key"),
    pytest.param("ArnLikeIfExists", SRC, "arn:aws:sqs:*:*:*", {}, True, IF_EXISTS,
                 id="ArnLikeIfExists is true for an absent key"),
    pytest.param("ArnLike", SRC, "arn:aws:sns:*:t*", {SRC: TOPIC}, False, BAD,
                 id="a pattern with five segments never matches"),
    pytest.param("ArnLike", SRC, "*", {SRC: TOPIC}, True, MATCHED,
                 id="a lone star matches every ARN (the oracle matches nothing)"),
    pytest.param("ArnNotLike", SRC, "arn:aws:sns:*:*:*", {SRC: "boop"}, True, MATCHED,
                 id="a value that is not an ARN is not like any ARN pattern (the oracle says false)"),
    # --- Null -----------------------------------------------------------------------------
    pytest.param("Null", U, "true", {}, True, NULL, id="Null true holds for an absent key"),
    pytest.param("Null", U, "true", {U: "alice"}, False, NULL, id="Null true fails for a present key"),
    pytest.param("Null", U, "false", {U: "alice"}, True, NULL, id="Null false holds for a present key"),
    pytest.param("Null", U, "false", {}, False, NULL, id="Null false fails for an absent key"),
    pytest.param("Null", U, "false", {U: ""}, True, NULL, id="an empty string is present"),
    pytest.param("Null", KEYS, "false", {KEYS: []}, True, NULL, id="an empty list is present"),
    pytest.param("Null", U, "TRUE", {}, True, NULL, id="Null values ignore case"),
    pytest.param("Null", U, True, {}, True, NULL, id="Null takes a JSON boolean"),
    pytest.param("Null", U, ["maybe", "true"], {}, True, NULL, id="one usable Null value is enough"),
    pytest.param("Null", U, "maybe", {}, False, BAD,
                 id="a Null value other than true or false never matches"),
    pytest.param("ForAnyValue:Null", KEYS, "true", {}, True, NULL,
                 id="a qualified Null tests presence all the same"),
    # --- sets -----------------------------------------------------------------------------
    pytest.param("ForAllValues:StringEquals", KEYS, ["env", "team"], {KEYS: ["env"]}, True, MATCHED,
                 id="ForAllValues holds when every request value is listed"),
    pytest.param("ForAllValues:StringEquals", KEYS, ["env", "team"], {KEYS: ["env", "cost"]}, False,
                 NOT_MATCHED, id="ForAllValues fails on one unlisted request value"),
    pytest.param("ForAllValues:StringEquals", KEYS, ["env"], {}, True, EMPTY_ALL,
                 id="ForAllValues is true for an absent key"),
    pytest.param("ForAllValues:StringEquals", KEYS, ["env"], {KEYS: []}, True, EMPTY_ALL,
                 id="ForAllValues is true for an empty list"),
    pytest.param("ForAnyValue:StringEquals", KEYS, ["env"], {KEYS: ["cost", "env"]}, True, MATCHED,
                 id="ForAnyValue holds when one request value is listed"),
    pytest.param("ForAnyValue:StringEquals", KEYS, ["env"], {KEYS: ["cost"]}, False, NOT_MATCHED,
                 id="ForAnyValue fails when none is listed"),
    pytest.param("ForAnyValue:StringEquals", KEYS, ["env"], {}, False, EMPTY_ANY,
                 id="ForAnyValue is false for an absent key"),
    pytest.param("ForAnyValue:StringEquals", KEYS, ["env"], {KEYS: []}, False, EMPTY_ANY,
                 id="ForAnyValue is false for an empty list"),
    pytest.param("ForAllValues:StringNotEquals", KEYS, ["env", "team"], {KEYS: ["cost", "owner"]}, True,
                 MATCHED, id="ForAllValues:StringNotEquals holds when no request value is listed"),
    pytest.param("ForAllValues:StringNotEquals", KEYS, ["env", "team"], {KEYS: ["cost", "env"]}, False,
                 NOT_MATCHED, id="ForAllValues:StringNotEquals fails when one request value is listed"),
    pytest.param("ForAnyValue:StringNotEquals", KEYS, ["env", "team"], {KEYS: ["env", "cost"]}, True, MATCHED,
                 id="ForAnyValue:StringNotEquals holds when one request value is unlisted"),
    pytest.param("ForAnyValue:StringNotEquals", KEYS, ["env", "team"], {KEYS: ["env", "team"]}, False,
                 NOT_MATCHED, id="ForAnyValue:StringNotEquals fails when every request value is listed"),
    pytest.param("ForAnyValue:StringNotEquals", KEYS, ["env"], {}, False, EMPTY_ANY,
                 id="the set rule beats negation: ForAnyValue:StringNotEquals is false for an absent key"),
    pytest.param("ForAllValues:StringNotLike", KEYS, ["aws:*"], {}, True, EMPTY_ALL,
                 id="ForAllValues:StringNotLike is true for an absent key"),
    pytest.param("ForAnyValue:StringEqualsIfExists", KEYS, ["env"], {}, True, IF_EXISTS,
                 id="IfExists beats ForAnyValue for an absent key (the oracle says false)"),
    pytest.param("ForAllValues:StringLike", KEYS, ["team-*", "env"], {KEYS: ["team-a", "env"]}, True, MATCHED,
                 id="ForAllValues:StringLike uses wildcards"),
    pytest.param("ForAnyValue:StringEquals", U, "alice", {U: "alice"}, True, MATCHED,
                 id="a set operator reads a single value as a one-element set"),
    pytest.param("ForAllValues:NumericLessThan", KEYS, "10", {KEYS: ["1", "9"]}, True, MATCHED,
                 id="set operators work with other families"),
    pytest.param("ForAllValues:NumericLessThan", KEYS, "10", {KEYS: ["1", "x"]}, False, BAD,
                 id="one incomparable request value fails ForAllValues as a bad value"),
    pytest.param("ForAllValues:NumericLessThan", KEYS, "10", {KEYS: ["11", "x"]}, False, NOT_MATCHED,
                 id="a plain mismatch beside a bad value reports the mismatch"),
    pytest.param("ForAnyValue:NumericLessThan", KEYS, "10", {KEYS: ["x", "y"]}, False, BAD,
                 id="only incomparable request values fail ForAnyValue as bad values"),
    # --- a list for an operator without a set qualifier ------------------------------------
    pytest.param("StringEquals", KEYS, "env", {KEYS: ["env"]}, False, BAD,
                 id="a multivalued key needs a set operator"),
    pytest.param("StringNotEquals", KEYS, "env", {KEYS: ["cost"]}, False, BAD,
                 id="a negated operator on a multivalued key is false too"),
    pytest.param("StringNotEquals", KEYS, "env", {KEYS: []}, False, BAD,
                 id="an empty list is present, so not an absent key"),
    pytest.param("StringEqualsIfExists", KEYS, "env", {KEYS: ["env"]}, False, BAD,
                 id="IfExists does not rescue a multivalued key"),
]
# fmt: on


def one(operator: str, key: str, values: Any, variables: bool = True) -> Conditions:
    return compile_conditions({operator: {key: values}}, variables=variables)


def normal(block: Mapping[str, Mapping[str, Any]]) -> Block:
    """A block in the normal form the policy check gives (what ``holds`` reads)."""
    return tuple(
        (operator, tuple((key, normalize_values(raw)) for key, raw in keys.items()))
        for operator, keys in block.items()
    )


@pytest.mark.parametrize(("operator", "key", "values", "context", "expected", "reason"), CASES)
def test_single_condition(
    operator: str, key: str, values: Any, context: Mapping[str, Any], expected: bool, reason: Reason
) -> None:
    conditions = one(operator, key, values)
    request = context_of(context)
    assert conditions.matches(request) is expected
    assert holds(normal({operator: {key: values}}), request, variables=True) is expected  # read once
    matched, (check,) = conditions.explain(request)
    assert matched is expected
    assert (check.matched, check.reason) == (expected, reason)
    assert check.operator == operator
    assert check.key == key


# (operator, key, values, context, expected, reason) with variables substituted (Version 2012-10-17)
# fmt: off
VARIABLE_CASES = [
    pytest.param("StringEquals", TAG, "${aws:username}", {U: "alice", TAG: "alice"}, True, MATCHED,
                 id="a variable is replaced by the request value"),
    pytest.param("StringLike", TAG, "home/${aws:username}/*", {U: "alice", TAG: "home/alice/x"}, True,
                 MATCHED, id="a variable inside a wildcard pattern"),
    pytest.param("StringLike", TAG, "${aws:username}", {U: "a*", TAG: "abc"}, False, NOT_MATCHED,
                 id="a substituted star is not a wildcard"),
    pytest.param("StringLike", TAG, "${aws:username}", {U: "a*", TAG: "a*"}, True, MATCHED,
                 id="a substituted star matches a star"),
    pytest.param("StringEquals", TAG, "${AWS:USERNAME}", {U: "alice", TAG: "alice"}, True, MATCHED,
                 id="variable names are case-insensitive"),
    pytest.param("StringEquals", TAG, "${aws:username}", {TAG: "alice"}, False, UNRESOLVED,
                 id="an unresolvable variable never matches"),
    pytest.param("StringEquals", TAG, ["${aws:username}", "x"], {TAG: "x"}, True, MATCHED,
                 id="an unresolvable variable does not block another value"),
    pytest.param("StringNotEquals", TAG, "${aws:username}", {TAG: "x"}, False, UNRESOLVED,
                 id="an unresolvable variable makes a negated operator false"),
    pytest.param("NumericLessThan", MFA, "${aws:PrincipalTag/age}", {MFA: "ten"}, False, BAD,
                 id="a request value that is no number is the fault before an unresolvable variable"),
    pytest.param("StringEquals", TAG, "${aws:username, 'anonymous'}", {TAG: "anonymous"}, True, MATCHED,
                 id="an absent key takes the default"),
    pytest.param("StringEquals", TAG, "${aws:username, 'anonymous'}", {U: "bob", TAG: "anonymous"}, False,
                 NOT_MATCHED, id="a present key ignores the default"),
    pytest.param("StringEquals", TAG, "${aws:TagKeys}", {KEYS: ["a"], TAG: "a"}, False, BAD,
                 id="a multivalued key is no variable"),
    pytest.param("StringEquals", TAG, "${aws:TagKeys, 'd'}", {KEYS: ["a"], TAG: "d"}, True, MATCHED,
                 id="a multivalued key falls back to the default"),
    pytest.param("StringEquals", TAG, "a${*}", {TAG: "a*"}, True, MATCHED,
                 id="the star escape works in StringEquals too (the oracle keeps it as text)"),
    pytest.param("StringLike", TAG, "a${*}", {TAG: "abc"}, False, NOT_MATCHED,
                 id="the star escape is no wildcard in StringLike"),
    pytest.param("StringLike", TAG, "a${*}", {TAG: "a*"}, True, MATCHED,
                 id="the star escape matches a star in StringLike"),
    pytest.param("StringLike", TAG, "why${?}", {TAG: "why?"}, True, MATCHED, id="the question mark escape"),
    pytest.param("StringLike", TAG, "cost${$}*", {TAG: "cost$10"}, True, MATCHED, id="the dollar escape"),
    pytest.param("StringEqualsIgnoreCase", TAG, "${aws:username}", {U: "Alice", TAG: "ALICE"}, True, MATCHED,
                 id="ignoring case applies to substituted text"),
    pytest.param("Bool", TLS, "${aws:PrincipalTag/tls}", {"aws:PrincipalTag/tls": "true", TLS: "true"}, True,
                 MATCHED, id="Bool takes variables"),
    pytest.param("ArnLike", SRC, "arn:aws:sns:*:${aws:PrincipalAccount}:*",
                 {"aws:PrincipalAccount": "123456789012", SRC: TOPIC}, True, MATCHED,
                 id="a variable in the account segment (the oracle splits at the colon inside the variable)"),
    pytest.param("ArnLike", SRC, "arn:aws:sns:*:*:${aws:username}", {U: "topic", SRC: TOPIC}, True, MATCHED,
                 id="a variable in the resource segment"),
    pytest.param("NumericEquals", MFA, "${aws:PrincipalTag/n}", {"aws:PrincipalTag/n": "5", MFA: "5"}, False,
                 BAD, id="Numeric takes no variables"),
    pytest.param("IpAddress", IP, "${aws:PrincipalTag/ip}",
                 {"aws:PrincipalTag/ip": "203.0.113.7", IP: "203.0.113.7"}, False, BAD,
                 id="IpAddress takes no variables"),
]
# fmt: on


@pytest.mark.parametrize(("operator", "key", "values", "context", "expected", "reason"), VARIABLE_CASES)
def test_policy_variables_in_values(
    operator: str, key: str, values: Any, context: Mapping[str, Any], expected: bool, reason: Reason
) -> None:
    conditions = one(operator, key, values)
    request = context_of(context)
    assert conditions.matches(request) is expected
    assert holds(normal({operator: {key: values}}), request, variables=True) is expected  # read once
    _, (check,) = conditions.explain(request)
    assert (check.matched, check.reason) == (expected, reason)
    if reason is UNRESOLVED:
        assert check.variable is not None
    if expected or "${" not in str(values):
        assert check.variable is None


def test_an_unresolvable_variable_in_a_condition_value_is_named_in_the_reason() -> None:
    _, (check,) = one("StringEquals", TAG, "${aws:PrincipalTag/team}").explain(context_of({TAG: "core"}))
    assert (check.reason, check.variable) == (UNRESOLVED, "${aws:PrincipalTag/team}")
    assert condition_text(check) == (
        "the policy variable `${aws:PrincipalTag/team}` has no value in the request, so "
        f"`{TAG}` `core` cannot satisfy StringEquals"
    )
    # beside a value that resolves and differs, the check reports the mismatch, and still names
    # the variable whose key is absent (the evaluation lists that key as one to supply)
    _, (check,) = one("StringEquals", TAG, ["${aws:PrincipalTag/team}", "${aws:username}"]).explain(
        context_of({TAG: "core", U: "alice"})
    )
    assert (check.reason, check.variable) == (NOT_MATCHED, "${aws:PrincipalTag/team}")
    # with the key itself absent, the variable is named too: it is wanted once the key is there
    _, (check,) = one("StringEquals", TAG, "${aws:PrincipalTag/team}").explain(context_of({}))
    assert (check.reason, check.variable) == (R.CONDITION_KEY_ABSENT, "${aws:PrincipalTag/team}")


@pytest.mark.parametrize(
    ("operator", "values", "request_value", "expected"),
    [
        pytest.param(
            "StringEquals",
            "${aws:username}",
            "${aws:username}",
            True,
            id="without variables the text is literal",
        ),
        pytest.param(
            "StringLike",
            "a${*}",
            "a${anything}",
            True,
            id="without variables the star in an escape is a wildcard",
        ),
        pytest.param("StringEquals", "a${*}", "a*", False, id="without variables an escape is just text"),
    ],
)
def test_without_variables_text_means_itself(
    operator: str, values: str, request_value: str, expected: bool
) -> None:
    conditions = one(operator, TAG, values, variables=False)
    assert conditions.matches(context_of({TAG: request_value, U: "alice"})) is expected


# ------------------------------------------------------------------------------------------
# whole blocks


def test_operators_and_keys_combine_with_and() -> None:
    block = {
        "StringEquals": {U: "alice", TAG: "dev"},
        "Bool": {TLS: "true"},
    }
    conditions = compile_conditions(block, variables=True)
    good = context_of({U: "alice", TAG: "dev", TLS: "true"})
    assert conditions.matches(good)
    bad = context_of({U: "alice", TAG: "prod", TLS: "true"})
    assert not conditions.matches(bad)
    matched, checks = conditions.explain(bad)
    assert not matched
    assert [(c.operator, c.key, c.matched) for c in checks] == [
        ("StringEquals", U, True),
        ("StringEquals", TAG, False),
        ("Bool", TLS, True),
    ]


def test_keys_are_reported_lowercased_once() -> None:
    conditions = compile_conditions(
        {
            "StringEquals": {"AWS:UserName": "a"},
            "StringLike": {"aws:username": "b*", TAG: "${aws:PrincipalTag/team}"},
        },
        variables=True,
    )
    assert conditions.keys == ("aws:username", "aws:requesttag/team")
    assert conditions.variable_keys == ("aws:principaltag/team",)
    assert conditions.checks == 3


def test_the_trace_records_values_as_written_and_the_request_values() -> None:
    conditions = compile_conditions({"StringLike": {TAG: ["dev-*", "${aws:username}"]}}, variables=True)
    _, (present,) = conditions.explain(context_of({TAG: "dev-x"}))
    assert present.policy_values == ("dev-*", "${aws:username}")
    assert present.request_values == ("dev-x",)
    _, (absent,) = conditions.explain({})
    assert absent.request_values is None
    listed = compile_conditions({"ForAnyValue:StringEquals": {KEYS: "a"}}, variables=True)
    _, (check,) = listed.explain(context_of({KEYS: ["b", "a"]}))
    assert check.request_values == ("b", "a")


def test_an_empty_block_holds() -> None:
    conditions = compile_conditions({}, variables=True)
    assert conditions.matches({})
    assert conditions.explain({}) == (True, ())


def test_compile_refuses_unknown_operators_and_object_values() -> None:
    with pytest.raises(XrayKitError, match="unknown condition operator `StringEqual`"):
        compile_conditions({"StringEqual": {U: "a"}}, variables=True)
    with pytest.raises(XrayKitError, match="not an object"):
        compile_conditions({"StringEquals": {U: {"a": 1}}}, variables=True)


def test_variables_are_resolved_per_request() -> None:
    conditions = one("StringLike", TAG, "home/${aws:username}/*")
    assert conditions.matches(context_of({U: "alice", TAG: "home/alice/doc"}))
    assert not conditions.matches(context_of({U: "bob", TAG: "home/alice/doc"}))
    assert conditions.matches(context_of({U: "bob", TAG: "home/bob/doc"}))


# ------------------------------------------------------------------------------------------
# properties

OPERATORS = [
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericGreaterThanEquals",
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateGreaterThan",
    "Bool",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
    "ArnLike",
    "ArnNotLike",
    "ArnEquals",
    "ArnNotEquals",
]
VALUES = st.sampled_from(
    [
        "a",
        "a*",
        "*",
        "?",
        "A",
        "",
        "10",
        "-1",
        "2.5",
        "abc",
        "true",
        "False",
        "2024-01-01T00:00:00Z",
        "1704067200",
        "203.0.113.0/24",
        "203.0.113.7",
        "2001:db8::/32",
        "QUJD",
        "arn:aws:sns:*:*:*",
        TOPIC,
        "${aws:username}",
        "${aws:username, 'a'}",
        "a${*}",
        "${aws:TagKeys}",
    ]
)
REQUEST = st.sampled_from(
    [
        "a",
        "A",
        "a*",
        "",
        "abc",
        "10",
        "2.5",
        "true",
        "2024-01-01T00:00:00Z",
        "1704067200",
        "203.0.113.7",
        "2001:db8::1",
        "QUJD",
        TOPIC,
        "arn:aws:sqs:us-east-1:1:q",
    ]
)
KEY_NAMES = st.sampled_from(["aws:username", "aws:TagKeys", "aws:RequestTag/team"])


@st.composite
def operator_names(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from([*OPERATORS, "Null"]))
    if name != "Null" and draw(st.booleans()):
        name += "IfExists"
    if draw(st.integers(0, 3)) == 0:
        name = draw(st.sampled_from(["ForAllValues:", "ForAnyValue:"])) + name
    return name


BLOCKS = st.dictionaries(
    operator_names(),
    st.dictionaries(
        KEY_NAMES, st.one_of(VALUES, st.lists(VALUES, min_size=1, max_size=3)), min_size=1, max_size=2
    ),
    max_size=3,
)
CONTEXTS = st.dictionaries(
    st.sampled_from(["aws:username", "aws:tagkeys", "aws:requesttag/team"]),
    st.one_of(REQUEST, st.lists(REQUEST, max_size=3).map(tuple)),
    max_size=3,
)


@settings(max_examples=400)
@given(BLOCKS, CONTEXTS, st.booleans())
def test_matches_and_explain_always_agree(
    block: dict[str, Any], context: dict[str, Any], variables: bool
) -> None:
    conditions = compile_conditions(block, variables=variables)
    matched, checks = conditions.explain(context)
    assert conditions.matches(context) is matched
    assert holds(normal(block), context, variables=variables) is matched  # read once, not compiled
    assert len(checks) == sum(len(keys) for keys in block.values())
    assert matched is all(c.matched for c in checks)


@given(st.sampled_from(OPERATORS), st.lists(VALUES, min_size=1, max_size=3), REQUEST)
def test_if_exists_changes_nothing_for_a_present_key(operator: str, values: list[str], request: str) -> None:
    context = {"aws:username": request}
    assert one(operator + "IfExists", U, values).matches(context) is one(operator, U, values).matches(context)


STRING_NEGATIONS = [
    ("StringEquals", "StringNotEquals"),
    ("StringLike", "StringNotLike"),
    ("StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase"),
]
STRINGS = st.sampled_from(["a", "a*", "*", "?", "A", "", "ab", "b?"])


@given(
    st.sampled_from(STRING_NEGATIONS),
    st.lists(STRINGS, min_size=1, max_size=3),
    st.sampled_from(["a", "A", "ab", ""]),
)
def test_negation_is_the_opposite_when_every_value_is_comparable(
    pair: tuple[str, str], values: list[str], request: str
) -> None:
    positive, negative = pair
    context = {"aws:username": request}
    assert one(negative, U, values).matches(context) is not one(positive, U, values).matches(context)


ARN_VALUES = st.sampled_from(
    ["*", "arn:aws:sns:*:*:*", TOPIC, "arn:aws:sqs:*:*:q", "arn:aws:sns:us-*:1?3*:t*"]
)
ARN_REQUESTS = st.sampled_from(
    [TOPIC, "arn:aws:sqs:us-east-1:1:q", "arn:aws:sns:us-west-2:123:topic", "boop"]
)


@given(
    st.sampled_from([("ArnLike", "ArnNotLike"), ("ArnEquals", "ArnNotEquals")]),
    st.lists(ARN_VALUES, min_size=1, max_size=3),
    ARN_REQUESTS,
)
def test_arn_negation_is_the_opposite_for_valid_patterns(
    pair: tuple[str, str], values: list[str], request: str
) -> None:
    positive, negative = pair
    context = {"aws:sourcearn": request}
    assert one(negative, SRC, values).matches(context) is not one(positive, SRC, values).matches(context)


@given(st.sampled_from(OPERATORS), st.lists(VALUES, min_size=1, max_size=3), st.lists(REQUEST, max_size=4))
def test_set_operators_quantify_the_single_value_test(
    operator: str, values: list[str], requests: list[str]
) -> None:
    assume(not any("TagKeys" in v for v in values))  # a variable reading the key under test
    single = one(operator, KEYS, values)
    every = one("ForAllValues:" + operator, KEYS, values)
    some = one("ForAnyValue:" + operator, KEYS, values)
    context = {"aws:tagkeys": tuple(requests), "aws:username": "a"}
    assert every.matches(context) is all(
        single.matches({"aws:tagkeys": r, "aws:username": "a"}) for r in requests
    )
    assert some.matches(context) is any(
        single.matches({"aws:tagkeys": r, "aws:username": "a"}) for r in requests
    )


@given(
    st.sampled_from([o for o in OPERATORS if "Not" not in o]),
    st.lists(VALUES, min_size=1, max_size=3),
    VALUES,
    REQUEST,
)
def test_adding_a_value_to_a_positive_operator_never_removes_a_match(
    operator: str, values: list[str], extra: str, request: str
) -> None:
    context = {"aws:username": request, TAG.lower(): "a"}
    if one(operator, U, values).matches(context):
        assert one(operator, U, [*values, extra]).matches(context)


# ------------------------------------------------------------------------------------------
# the independent evaluator


@pytest.mark.oracle
@pytest.mark.slow
def test_condition_blocks_agree_with_iam_simulate() -> None:
    from oracle_checks import conditions as diff

    reason = diff.oracle_available()
    if reason:
        pytest.skip(reason)
    bad = diff.disagreements(diff.generate(1500, seed=20261128))
    assert not bad, "\n".join(f"{oracle} vs {mine}: {case}" for case, oracle, mine in bad[:10])
