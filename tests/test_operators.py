"""Condition operators: names, values, readers and comparisons of each family."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xraykit.errors import XrayKitError
from xraykit.operators import (
    BASE_OPERATORS,
    check_value,
    comparator,
    normalize_values,
    parse_bool,
    parse_date,
    parse_number,
    parse_operator,
    value_text,
)

# ------------------------------------------------------------------------------------------
# names

PARSE_CASES = [
    pytest.param(
        "StringEquals", ("StringEquals", "StringEquals", None, False, False, "String"), id="a plain operator"
    ),
    pytest.param(
        "StringNotLikeIfExists",
        ("StringNotLikeIfExists", "StringNotLike", None, True, True, "String"),
        id="IfExists on a negated operator",
    ),
    pytest.param(
        "ForAllValues:StringEquals",
        ("ForAllValues:StringEquals", "StringEquals", "ForAllValues", False, False, "String"),
        id="the ForAllValues qualifier",
    ),
    pytest.param(
        "ForAnyValue:ArnNotLikeIfExists",
        ("ForAnyValue:ArnNotLikeIfExists", "ArnNotLike", "ForAnyValue", True, True, "Arn"),
        id="qualifier, negation and IfExists together",
    ),
    pytest.param(
        "forallvalues:stringequalsignorecase",
        (
            "ForAllValues:StringEqualsIgnoreCase",
            "StringEqualsIgnoreCase",
            "ForAllValues",
            False,
            False,
            "String",
        ),
        id="names are case-insensitive and come back canonical",
    ),
    pytest.param(
        "NUMERICLESSTHANEQUALSIFEXISTS",
        ("NumericLessThanEqualsIfExists", "NumericLessThanEquals", None, True, False, "Numeric"),
        id="upper case works too",
    ),
    pytest.param(
        "NotIpAddress", ("NotIpAddress", "NotIpAddress", None, False, True, "IpAddress"), id="NotIpAddress"
    ),
    pytest.param(
        "DateNotEquals", ("DateNotEquals", "DateNotEquals", None, False, True, "Date"), id="DateNotEquals"
    ),
    pytest.param("BoolIfExists", ("BoolIfExists", "Bool", None, True, False, "Bool"), id="BoolIfExists"),
    pytest.param(
        "BinaryEquals", ("BinaryEquals", "BinaryEquals", None, False, False, "Binary"), id="BinaryEquals"
    ),
    pytest.param("Null", ("Null", "Null", None, False, False, "Null"), id="Null"),
    pytest.param(
        "ForAnyValue:Null",
        ("ForAnyValue:Null", "Null", "ForAnyValue", False, False, "Null"),
        id="a qualified Null is accepted (it tests presence all the same)",
    ),
]


@pytest.mark.parametrize(("name", "expected"), PARSE_CASES)
def test_parse_operator(name: str, expected: tuple[object, ...]) -> None:
    spec = parse_operator(name)
    assert (spec.name, spec.base, spec.qualifier, spec.if_exists, spec.negated, spec.family) == expected


@pytest.mark.parametrize("base", BASE_OPERATORS)
def test_every_base_operator_parses_with_its_variants(base: str) -> None:
    assert parse_operator(base).base == base
    assert parse_operator(f"ForAllValues:{base}").qualifier == "ForAllValues"
    if base != "Null":
        assert parse_operator(f"{base}IfExists").if_exists


@pytest.mark.parametrize(
    ("base", "negated", "wildcards", "variables"),
    [
        pytest.param("StringLike", False, True, True, id="StringLike has wildcards and variables"),
        pytest.param("StringEquals", False, False, True, id="StringEquals has variables but no wildcards"),
        pytest.param("ArnEquals", False, True, True, id="ArnEquals behaves like ArnLike"),
        pytest.param("ArnNotEquals", True, True, True, id="ArnNotEquals behaves like ArnNotLike"),
        pytest.param("Bool", False, False, True, id="Bool takes variables"),
        pytest.param("NumericEquals", False, False, False, id="Numeric takes no variables"),
        pytest.param("DateLessThan", False, False, False, id="Date takes no variables"),
        pytest.param("IpAddress", False, False, False, id="IpAddress takes no variables"),
        pytest.param("BinaryEquals", False, False, False, id="BinaryEquals takes no variables"),
        pytest.param(
            "StringNotEqualsIgnoreCase", True, False, True, id="the ignore-case negation is negated"
        ),
    ],
)
def test_operator_properties(base: str, negated: bool, wildcards: bool, variables: bool) -> None:
    spec = parse_operator(base)
    assert (spec.negated, spec.wildcards, spec.variables) == (negated, wildcards, variables)


ERROR_CASES = [
    pytest.param(
        "StringEqual",
        "unknown condition operator `StringEqual`",
        "did you mean `StringEquals`?",
        id="a typo gets a suggestion",
    ),
    pytest.param(
        "ForAnyValue:StringEqual",
        "unknown condition operator `ForAnyValue:StringEqual`",
        "did you mean `ForAnyValue:StringEquals`?",
        id="a typo after a qualifier keeps the qualifier in the suggestion",
    ),
    pytest.param(
        "ForAnyValues:StringEquals",
        "unknown condition operator `ForAnyValues:StringEquals`",
        "did you mean `ForAnyValue:StringEquals`?",
        id="a misspelled qualifier gets a suggestion",
    ),
    pytest.param(
        "StringEqualsIfExist",
        "unknown condition operator `StringEqualsIfExist`",
        "did you mean `StringEqualsIfExists`?",
        id="a misspelled IfExists gets a suggestion",
    ),
    pytest.param(
        "ForAllValues:ForAnyValue:StringEquals",
        "unknown condition operator `ForAllValues:ForAnyValue:StringEquals`",
        "an operator takes at most one prefix, `ForAllValues:` or `ForAnyValue:`",
        id="two qualifiers are refused",
    ),
    pytest.param(
        "NullIfExists",
        "`NullIfExists` is not a condition operator: `IfExists` cannot be added to `Null`",
        "use `Null` alone: it already tests whether the key is present",
        id="IfExists cannot be added to Null",
    ),
    pytest.param(
        "", "the condition operator is empty", "for example `StringEquals`", id="an empty name is refused"
    ),
    pytest.param(
        "Frobnicate", "unknown condition operator `Frobnicate`", None, id="nothing close, no suggestion"
    ),
]


@pytest.mark.parametrize(("name", "message", "hint"), ERROR_CASES)
def test_parse_operator_errors(name: str, message: str, hint: str | None) -> None:
    with pytest.raises(XrayKitError) as caught:
        parse_operator(name)
    (issue,) = caught.value.issues
    assert (issue.path, issue.message, issue.hint) == ("", message, hint)


def test_parse_operator_is_cached() -> None:
    assert parse_operator("StringLike") is parse_operator("StringLike")


# ------------------------------------------------------------------------------------------
# values


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("alice", ("alice",), id="a string is one value"),
        pytest.param(["a", "b"], ("a", "b"), id="a list keeps its order"),
        pytest.param(("a",), ("a",), id="a tuple is a list"),
        pytest.param(True, ("true",), id="a boolean reads as lowercase text"),
        pytest.param(False, ("false",), id="false reads as false"),
        pytest.param(10, ("10",), id="an integer reads as its digits"),
        pytest.param(10.0, ("10",), id="an integral float reads without a fraction"),
        pytest.param(2.5, ("2.5",), id="a fraction keeps its digits"),
        pytest.param([1, True, "x"], ("1", "true", "x"), id="a mixed list"),
        pytest.param([], (), id="an empty list has no values"),
    ],
)
def test_normalize_values(raw: object, expected: tuple[str, ...]) -> None:
    assert normalize_values(raw) == expected


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        pytest.param({"a": 1}, "not an object", id="an object is refused"),
        pytest.param(None, "not null", id="null is refused"),
        pytest.param(["a", ["b"]], "value [1] of the list", id="a nested list is refused with its position"),
        pytest.param(["a", None], "not null", id="null inside a list is refused"),
        pytest.param([{"a": 1}], "not an object", id="an object inside a list is refused"),
    ],
)
def test_normalize_values_refuses_non_scalars(raw: object, fragment: str) -> None:
    with pytest.raises(XrayKitError) as caught:
        normalize_values(raw)
    assert fragment in caught.value.issues[0].message
    assert caught.value.issues[0].hint


def test_value_text_of_booleans_is_not_integer_text() -> None:
    assert value_text(True) == "true"
    assert value_text(1) == "1"


CHECK_CASES = [
    pytest.param("StringEquals", "anything *?", None, id="any text is a string value"),
    pytest.param("NumericEquals", "10", None, id="an integer is a number"),
    pytest.param("NumericLessThan", "-2.5", None, id="a negative fraction is a number"),
    pytest.param("NumericEquals", "abc", "`abc` is not a number", id="letters are not a number"),
    pytest.param("NumericEquals", "1e3", "`1e3` is not a number", id="an exponent is not accepted"),
    pytest.param("NumericEquals", "10abc", "`10abc` is not a number", id="trailing text is not accepted"),
    pytest.param(
        "NumericEquals", "\u0661\u0660", "`\u0661\u0660` is not a number", id="only 0 to 9 are digits"
    ),
    pytest.param(
        "DateLessThan",
        "\u0661\u0667\u0660\u0664",
        "`\u0661\u0667\u0660\u0664` is not a date",
        id="epoch seconds in other digits are not a date",
    ),
    pytest.param("NumericEquals", "${aws:x}", "is not a number", id="Numeric takes no variables"),
    pytest.param("DateLessThan", "2024-01-01T00:00:00Z", None, id="an ISO date-time is a date"),
    pytest.param("DateLessThan", "1704067200", None, id="epoch seconds are a date"),
    pytest.param(
        "DateLessThan", "2024-02-30", "`2024-02-30` is not a date", id="an impossible day is not a date"
    ),
    pytest.param("DateLessThan", "yesterday", "`yesterday` is not a date", id="words are not a date"),
    pytest.param("Bool", "TRUE", None, id="a boolean in capitals"),
    pytest.param("Bool", "yes", "`yes` is not a boolean", id="yes is not a boolean"),
    pytest.param("Bool", "${aws:x}", None, id="Bool values with variables are judged at request time"),
    pytest.param("Null", "false", None, id="Null takes false"),
    pytest.param("Null", "absent", "`absent` is not `true` or `false`", id="Null takes only true or false"),
    pytest.param("BinaryEquals", "QmluYXJ5", None, id="base64 text"),
    pytest.param("BinaryEquals", "not base64!", "is not base64 text", id="text that is not base64"),
    pytest.param("IpAddress", "203.0.113.0/24", None, id="an IPv4 range"),
    pytest.param("IpAddress", "2001:DB8:1234:5678::/64", None, id="an IPv6 range"),
    pytest.param("IpAddress", "203.0.113.7", None, id="a bare address"),
    pytest.param("IpAddress", "203.0.113.0/33", "is not an IP address or CIDR range", id="a prefix too long"),
    pytest.param(
        "IpAddress", "203.0.113.0/255.255.255.0", "is not an IP address", id="a netmask is not CIDR"
    ),
    pytest.param("IpAddress", "010.0.0.1", "is not an IP address", id="leading zeros are refused"),
    pytest.param("ArnLike", "arn:aws:sns:*:*:*", None, id="an ARN pattern"),
    pytest.param("ArnLike", "*", None, id="a lone star is an ARN pattern"),
    pytest.param("ArnEquals", "arn:aws:sns", "`arn:aws:sns` is not an ARN", id="a short ARN matches nothing"),
    pytest.param(
        "ArnLike", "arn:aws:iam::${aws:PrincipalAccount}", None, id="ARN values with variables wait"
    ),
]


@pytest.mark.parametrize(("operator", "value", "fragment"), CHECK_CASES)
def test_check_value(operator: str, value: str, fragment: str | None) -> None:
    message = check_value(parse_operator(operator), value)
    if fragment is None:
        assert message is None
    else:
        assert message is not None
        assert fragment in message
        assert not message.endswith(".")


# ------------------------------------------------------------------------------------------
# readers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("10", Decimal(10), id="an integer"),
        pytest.param("10.0", Decimal(10), id="a trailing zero fraction equals the integer"),
        pytest.param("-1.5", Decimal("-1.5"), id="a negative fraction"),
        pytest.param("+3", Decimal(3), id="a leading plus"),
        pytest.param(".5", Decimal("0.5"), id="a fraction without integer digits"),
        pytest.param("5.", Decimal(5), id="a trailing dot"),
        pytest.param("", None, id="the empty string"),
        pytest.param(" 10", None, id="surrounding space"),
        pytest.param("0x10", None, id="hexadecimal"),
        pytest.param("1e3", None, id="an exponent"),
        pytest.param("NaN", None, id="not a number"),
        pytest.param("\u0661\u0660", None, id="digits other than 0 to 9"),
    ],
)
def test_parse_number(text: str, expected: Decimal | None) -> None:
    assert parse_number(text) == expected


JAN1 = 1_704_067_200 * 1_000_000


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("1704067200", JAN1, id="epoch seconds"),
        pytest.param("2024-01-01T00:00:00Z", JAN1, id="a UTC date-time"),
        pytest.param("2024-01-01T01:00:00+01:00", JAN1, id="an offset is applied"),
        pytest.param("2023-12-31T19:00:00-05:00", JAN1, id="a negative offset is applied"),
        pytest.param("2024-01-01T00:00Z", JAN1, id="minutes precision"),
        pytest.param("2024-01-01T00:00:00.000Z", JAN1, id="a zero fraction"),
        pytest.param("2024-01-01T00:00:00.5Z", JAN1 + 500_000, id="a fraction of a second"),
        pytest.param("2024-01-01", JAN1, id="a date alone is midnight UTC"),
        pytest.param("2024-01", JAN1, id="a month alone is its first day"),
        pytest.param("2024-01-01T00:00:00", JAN1, id="a date-time without a zone is UTC"),
        pytest.param("2024", 2024 * 1_000_000, id="four digits are epoch seconds, not a year"),
        pytest.param("0", 0, id="the epoch itself"),
        pytest.param("20240101T000000Z", None, id="the basic ISO form is not accepted"),
        pytest.param("2024-13-01", None, id="month thirteen"),
        pytest.param("2024-01-01T25:00Z", None, id="hour twenty-five"),
        pytest.param("2024-01-01 00:00:00Z", None, id="a space instead of T"),
        pytest.param("soon", None, id="a word"),
    ],
)
def test_parse_date(text: str, expected: int | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("true", True, id="true"),
        pytest.param("False", False, id="capitalised False"),
        pytest.param("TRUE", True, id="upper-case TRUE"),
        pytest.param("1", None, id="one is not a boolean"),
        pytest.param("", None, id="the empty string is not a boolean"),
    ],
)
def test_parse_bool(text: str, expected: bool | None) -> None:
    assert parse_bool(text) is expected


COMPARE_CASES = [
    # (operator, policy value, request value, expected): None means the pair cannot be compared
    pytest.param("StringEquals", "Alice", "Alice", True, id="StringEquals is exact"),
    pytest.param("StringEquals", "Alice", "alice", False, id="StringEquals is case-sensitive"),
    pytest.param("StringEquals", "a*", "abc", False, id="StringEquals treats a star as text"),
    pytest.param("StringEquals", "a*", "a*", True, id="StringEquals matches a star literally"),
    pytest.param("StringEqualsIgnoreCase", "Alice", "aLICE", True, id="StringEqualsIgnoreCase ignores case"),
    pytest.param("StringLike", "a*", "abc", True, id="StringLike has wildcards"),
    pytest.param("StringLike", "a?c", "abc", True, id="StringLike single-character wildcard"),
    pytest.param("StringLike", "A*", "abc", False, id="StringLike is case-sensitive"),
    pytest.param("NumericEquals", "10", "10.0", True, id="numbers compare by value"),
    pytest.param("NumericLessThan", "3600", "100", True, id="the request value is on the left: 100 < 3600"),
    pytest.param("NumericLessThan", "3600", "3600", False, id="less than is strict"),
    pytest.param("NumericLessThanEquals", "3600", "3600", True, id="less than or equal includes equality"),
    pytest.param("NumericGreaterThan", "-1.5", "-1", True, id="-1 > -1.5"),
    pytest.param("NumericGreaterThanEquals", "2", "1", False, id="1 is not >= 2"),
    pytest.param("NumericEquals", "10", "ten", None, id="a request value that is not a number"),
    pytest.param("DateLessThan", "2024-01-01T00:00:00Z", "2023-12-31T23:59:59Z", True, id="an earlier date"),
    pytest.param(
        "DateGreaterThan", "2024-01-01T00:00:00Z", "2023-12-31T23:59:59Z", False, id="not a later date"
    ),
    pytest.param("DateEquals", "1704067200", "2024-01-01T00:00:00Z", True, id="epoch and ISO on one scale"),
    pytest.param(
        "DateLessThanEquals", "2024-01-01", "2024-01-01T00:00:00Z", True, id="a day is its midnight"
    ),
    pytest.param("DateEquals", "2024-01-01T00:00:00Z", "noon", None, id="a request value that is not a date"),
    pytest.param("Bool", "true", "True", True, id="Bool ignores case"),
    pytest.param("Bool", "false", "true", False, id="Bool compares the truth values"),
    pytest.param("Bool", "true", "yes", None, id="a request value that is not a boolean"),
    pytest.param("BinaryEquals", "QmluYXJ5", "QmluYXJ5", True, id="BinaryEquals compares the bytes"),
    pytest.param("BinaryEquals", "QmluYXJ5", "QmluYXJz", False, id="different bytes"),
    pytest.param("BinaryEquals", "QmluYXJ5", "%%", None, id="a request value that is not base64"),
    pytest.param("IpAddress", "203.0.113.0/24", "203.0.113.7", True, id="an address in the range"),
    pytest.param("IpAddress", "203.0.113.0/24", "203.0.114.7", False, id="an address outside the range"),
    pytest.param("IpAddress", "203.0.113.5/24", "203.0.113.7", True, id="host bits in the range are ignored"),
    pytest.param("IpAddress", "203.0.113.7", "203.0.113.7", True, id="a bare address is a one-address range"),
    pytest.param(
        "IpAddress", "0.0.0.0/0", "198.51.100.1", True, id="a zero prefix covers every IPv4 address"
    ),
    pytest.param("IpAddress", "2001:DB8:1234:5678::/64", "2001:db8:1234:5678::9", True, id="an IPv6 range"),
    pytest.param(
        "IpAddress", "2001:db8::1", "2001:DB8::1", True, id="IPv6 addresses compare by value, not text"
    ),
    pytest.param(
        "IpAddress", "203.0.113.0/24", "2001:db8::1", False, id="an IPv6 address is in no IPv4 range"
    ),
    pytest.param("IpAddress", "::/0", "198.51.100.1", False, id="an IPv4 address is in no IPv6 range"),
    pytest.param(
        "IpAddress", "203.0.113.0/24", "203.0.113.0/24", None, id="a range is not a request address"
    ),
    pytest.param(
        "ArnLike", "arn:aws:sns:*:*:t", "arn:aws:sns:us-east-1:123456789012:t", True, id="ArnLike per segment"
    ),
    pytest.param(
        "ArnLike", "arn:aws:sns:*:*:*", "boop", False, id="a value that is not an ARN matches no ARN pattern"
    ),
]


@pytest.mark.parametrize(("operator", "policy", "request_value", "expected"), COMPARE_CASES)
def test_comparators(operator: str, policy: str, request_value: str, expected: bool | None) -> None:
    spec = parse_operator(operator)
    cmp = comparator(spec.family, spec.comparison)
    compiled, read = cmp.policy(policy), cmp.request(request_value)
    assert compiled is not None, "the policy value itself is usable in every row"
    if expected is None:
        assert read is None
    else:
        assert read is not None
        assert cmp.test(compiled, read) is expected


@given(st.integers(-(10**6), 10**6), st.integers(-(10**6), 10**6))
def test_numeric_order_follows_the_integers(policy: int, request: int) -> None:
    cmp = comparator("Numeric", "lt")
    assert cmp.test(cmp.policy(str(policy)), cmp.request(str(request))) is (request < policy)


@given(st.integers(0, 4_000_000_000))
def test_epoch_seconds_and_iso_agree(seconds: int) -> None:
    from datetime import UTC, datetime

    iso = datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert parse_date(iso) == parse_date(str(seconds))
