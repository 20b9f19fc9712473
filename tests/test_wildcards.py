"""IAM wildcards: Glob, glob_to_regex, has_wildcards, ARN matching."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xraykit.variables import Literal
from xraykit.wildcards import ArnPattern, Glob, glob_to_regex, has_wildcards, match_arn, match_resource


def naive_match(pattern: str, value: str) -> bool:
    """A deliberately simple reference: recursive descent over the pattern, no regex."""
    if not pattern:
        return not value
    head, rest = pattern[0], pattern[1:]
    if head == "*":
        return any(naive_match(rest, value[i:]) for i in range(len(value) + 1))
    if not value:
        return False
    return (head == "?" or head == value[0]) and naive_match(rest, value[1:])


GLOB_CASES = [
    pytest.param("*", "", True, id="a lone star matches the empty string"),
    pytest.param("*", "arn:aws:xray:us-east-1:1:group/a/b", True, id="a lone star matches anything"),
    pytest.param("xray:GetGroup", "xray:GetGroup", True, id="a literal pattern matches itself"),
    pytest.param("xray:GetGroup", "xray:GetGroups", False, id="a literal pattern must match the whole value"),
    pytest.param("xray:Get*", "xray:Get", True, id="a trailing star matches nothing after the prefix"),
    pytest.param("xray:Get*", "xray:GetTraceSummaries", True, id="a trailing star matches the rest"),
    pytest.param("xray:Get*", "xray:BatchGetTraces", False, id="a prefix pattern is anchored at the start"),
    pytest.param("*Traces", "xray:BatchGetTraces", True, id="a leading star matches a suffix"),
    pytest.param("*Trace*", "xray:GetTraceGraph", True, id="stars on both sides find a middle"),
    pytest.param("xray:*Trace*s", "xray:GetTraceSummaries", True, id="several stars combine"),
    pytest.param("a*b*c", "abc", True, id="stars may match nothing between literals"),
    pytest.param("a*b*c", "acb", False, id="literals between stars keep their order"),
    pytest.param("group/*", "group/a/b/c", True, id="a star crosses slashes"),
    pytest.param("arn:*:xray", "arn:aws:us-east-1:xray", True, id="a plain glob star crosses colons"),
    pytest.param("?", "", False, id="a question mark needs one character"),
    pytest.param("?", "ab", False, id="a question mark matches exactly one character"),
    pytest.param("g?oup", "group", True, id="a question mark matches any one character"),
    pytest.param("a??", "abc", True, id="two question marks match two characters"),
    pytest.param("a.c", "abc", False, id="a dot is a literal dot, not any character"),
    pytest.param("a.c", "a.c", True, id="a dot matches a dot"),
    pytest.param("a+", "aa", False, id="a plus is literal"),
    pytest.param("a+", "a+", True, id="a plus matches a plus"),
    pytest.param("(x)", "(x)", True, id="parentheses are literal"),
    pytest.param("[ab]", "a", False, id="brackets are not a character class"),
    pytest.param("[ab]", "[ab]", True, id="brackets match themselves"),
    pytest.param("a\\*", "a\\bc", True, id="a backslash does not escape the star"),
    pytest.param("^a$", "^a$", True, id="regex anchors are literal"),
    pytest.param("a|b", "a", False, id="a bar is not an alternative"),
    pytest.param("a{2}", "aa", False, id="braces are not a repetition"),
    pytest.param("line*", "line\nbreak", True, id="a star matches a newline"),
    pytest.param("a?c", "a\nc", True, id="a question mark matches a newline"),
    pytest.param("", "", True, id="an empty pattern matches only the empty value"),
    pytest.param("", "a", False, id="an empty pattern does not match text"),
    pytest.param("**", "abc", True, id="a double star means one star"),
    pytest.param("Xray:get*", "xray:GetGroup", False, id="matching is case-sensitive by default"),
]


@pytest.mark.parametrize(("pattern", "value", "expected"), GLOB_CASES)
def test_glob_matches(pattern: str, value: str, expected: bool) -> None:
    assert Glob(pattern).matches(value) is expected
    assert naive_match(pattern, value) is expected
    assert (re.match(glob_to_regex(pattern), value) is not None) is expected


@pytest.mark.parametrize(
    ("pattern", "kind"),
    [
        pytest.param("*", "any", id="a lone star never looks at the value"),
        pytest.param("xray:GetGroup", "equal", id="a literal compares by equality"),
        pytest.param("xray:Get*", "prefix", id="a trailing star compares by prefix"),
        pytest.param("*Traces", "suffix", id="a leading star compares by suffix"),
        pytest.param("*Trace*", "contains", id="stars on both sides look for a substring"),
        pytest.param("a?c", "segments", id="a question mark: fixed-length segments, no regex either"),
        pytest.param("a*b*c", "pieces", id="literals between several stars are found in order, no regex"),
    ],
)
def test_glob_picks_the_cheapest_test(pattern: str, kind: str) -> None:
    assert Glob(pattern).kind == kind


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        pytest.param("xray:get*", "XRAY:GetGroup", True, id="ignoring case a prefix matches any letter case"),
        pytest.param("XRAY:GETGROUP", "xray:getgroup", True, id="ignoring case a literal matches"),
        pytest.param("x?ay:*GROUP", "XRAY:getgroup", True, id="ignoring case a regex pattern matches"),
        pytest.param("xray:put*", "xray:GetGroup", False, id="ignoring case still needs the same letters"),
    ],
)
def test_glob_ignore_case(pattern: str, value: str, expected: bool) -> None:
    assert Glob(pattern, ignore_case=True).matches(value) is expected


@pytest.mark.parametrize(
    ("parts", "value", "expected"),
    [
        pytest.param(("a", Literal("*")), "a*", True, id="a literal star matches a star"),
        pytest.param(("a", Literal("*")), "abc", False, id="a literal star is not a wildcard"),
        pytest.param(
            ("home/", Literal("a?"), "/*"), "home/a?/x", True, id="a literal question mark matches itself"
        ),
        pytest.param(
            ("home/", Literal("a?"), "/*"), "home/ab/x", False, id="a literal question mark is no wildcard"
        ),
        pytest.param(
            ("x", Literal(".+"), "?"), "x.+y", True, id="literal text keeps regex characters literal"
        ),
        pytest.param(
            (Literal("*"),), "anything", False, id="a lone literal star is not the match-all pattern"
        ),
        pytest.param((), "", True, id="no parts match the empty string"),
    ],
)
def test_glob_from_parts(parts: tuple[str, ...], value: str, expected: bool) -> None:
    assert Glob.from_parts(parts).matches(value) is expected


def test_glob_equality_and_repr() -> None:
    assert Glob("a*") == Glob("a*")
    assert hash(Glob("a*")) == hash(Glob("a*"))
    assert Glob("a*") != Glob("a*", ignore_case=True)
    assert Glob.from_parts(("a", Literal("*"))) != Glob("a*")
    assert repr(Glob("a*", ignore_case=True)) == "Glob('a*', ignore_case=True)"
    assert Glob.from_parts(("a", Literal("*"))).pattern == "a*"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("xray:Get*", True, id="a star is a wildcard"),
        pytest.param("g?oup", True, id="a question mark is a wildcard"),
        pytest.param("arn:aws:xray:us-east-1:123456789012:group/a/ID", False, id="an ARN has no wildcards"),
        pytest.param("a.b+c", False, id="regex characters are not wildcards"),
    ],
)
def test_has_wildcards(text: str, expected: bool) -> None:
    assert has_wildcards(text) is expected


_ALPHABET = st.sampled_from("ab*?.:/\\$(")


@given(st.text(_ALPHABET, max_size=8), st.text(st.sampled_from("ab*?.:/"), max_size=8))
def test_glob_agrees_with_the_naive_matcher(pattern: str, value: str) -> None:
    expected = naive_match(pattern, value)
    assert Glob(pattern).matches(value) is expected
    assert (re.match(glob_to_regex(pattern), value) is not None) is expected


@settings(max_examples=3000)
@given(st.text(st.sampled_from("ab?*"), max_size=10), st.text(st.sampled_from("ab"), max_size=12))
def test_question_marks_between_stars_agree_with_the_naive_matcher(pattern: str, value: str) -> None:
    # dense in `?` runs between stars, where the segments matcher must not overlap its head and tail
    assert Glob(pattern).matches(value) is naive_match(pattern, value)


@given(st.text(_ALPHABET, max_size=8), st.text(st.sampled_from("abAB*?"), max_size=8))
def test_ignore_case_is_matching_lowercased(pattern: str, value: str) -> None:
    assert Glob(pattern, ignore_case=True).matches(value) is naive_match(pattern.lower(), value.lower())


def naive_tokens(tokens: list[str | tuple[str]], value: str) -> bool:
    """The reference over tokens: ``"*"``, ``"?"`` or a one-character literal ``(ch,)``."""
    if not tokens:
        return not value
    head, rest = tokens[0], tokens[1:]
    if head == "*":
        return any(naive_tokens(rest, value[i:]) for i in range(len(value) + 1))
    if not value:
        return False
    return (head == "?" or head == (value[0],)) and naive_tokens(rest, value[1:])


@given(
    st.lists(st.tuples(st.booleans(), st.text(_ALPHABET, max_size=4)), max_size=4),
    st.text("ab*?", max_size=8),
)
def test_literal_parts_match_only_themselves(pieces: list[tuple[bool, str]], value: str) -> None:
    parts = [Literal(text) if literal else text for literal, text in pieces]
    tokens: list[str | tuple[str]] = [
        (ch,) if literal or ch not in "*?" else ch for literal, text in pieces for ch in text
    ]
    assert Glob.from_parts(parts).matches(value) is naive_tokens(tokens, value)


# ------------------------------------------------------------------------------------------
# ARNs

TOPIC = "arn:aws:sns:us-east-2:123456789012:finance/report"
ARN_CASES = [
    pytest.param("*", TOPIC, True, id="a lone star matches every ARN"),
    pytest.param("*", "not-an-arn", True, id="a lone star matches even a value that is not an ARN"),
    pytest.param(TOPIC, TOPIC, True, id="an ARN matches itself"),
    pytest.param("arn:aws:sns:*:123456789012:finance/*", TOPIC, True, id="a star fills one segment"),
    pytest.param("arn:aws:sns:us-*-2:*:*", TOPIC, True, id="a star inside a segment"),
    pytest.param("arn:aws:sns:??-east-2:*:*", TOPIC, True, id="question marks inside a segment"),
    pytest.param(
        "arn:aws:someservice:*:111122223333:finance/*",
        "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt",
        False,
        id="the documented example: a star in the region cannot reach into the account",
    ),
    pytest.param(
        "arn:aws:sns:*:*:finance*",
        "arn:aws:sns:us-east-2:123456789012:finance:extra:parts",
        True,
        id="the resource segment keeps its colons and a star there spans them",
    ),
    pytest.param(
        "arn:aws:sns:*:*:t",
        "arn:aws:sns:us-east-1:123456789012:t:x",
        False,
        id="the resource must match whole",
    ),
    pytest.param("arn:aws:SNS:*:*:*", TOPIC, False, id="ARN matching is case-sensitive"),
    pytest.param("arn:aws:sns:*:*:finance/REPORT", TOPIC, False, id="the resource part is case-sensitive"),
    pytest.param(
        "arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/key", True, id="empty region and account segments"
    ),
    pytest.param(
        "arn:aws:s3:::bucket/*",
        "arn:aws:s3:us-east-1::bucket/key",
        False,
        id="an empty segment matches only empty",
    ),
    pytest.param("arn:aws:sns:*", TOPIC, False, id="a short pattern matches nothing by default"),
    pytest.param("arn:aws:sns:*:*:*", "arn:aws:sns:us-east-1", False, id="a short value is not an ARN"),
    pytest.param("arn:aws:sns:*:*:*", "boop", False, id="a value without colons is not an ARN"),
    pytest.param(
        "arn:*:sns:*:*:*", "xyz:aws:sns:us-east-1:1:t", False, id="the first segment must match too"
    ),
]


@pytest.mark.parametrize(("pattern", "arn", "expected"), ARN_CASES)
def test_match_arn(pattern: str, arn: str, expected: bool) -> None:
    assert match_arn(pattern, arn) is expected
    assert ArnPattern(pattern).matches(arn) is expected


@pytest.mark.parametrize(
    ("pattern", "arn", "expected"),
    [
        pytest.param("arn:aws:sns:*", TOPIC, True, id="expanded, missing segments are stars"),
        pytest.param(
            "arn:aws:sns:us-east-2", TOPIC, True, id="expanded, a short literal pattern covers the rest"
        ),
        pytest.param("arn:aws:sqs:*", TOPIC, False, id="expanded, the given segments must still match"),
        pytest.param(
            "arn:aws:sns:*:*:*", "arn:aws:sns", False, id="expansion applies to patterns, not values"
        ),
    ],
)
def test_match_arn_expanding_short_patterns(pattern: str, arn: str, expected: bool) -> None:
    assert match_arn(pattern, arn, expand_short=True) is expected


def test_a_short_pattern_is_flagged_invalid() -> None:
    assert not ArnPattern("arn:aws:sns").valid
    assert ArnPattern("arn:aws:sns", expand_short=True).valid
    assert ArnPattern("*").valid


@pytest.mark.parametrize(
    ("parts", "arn", "expected"),
    [
        pytest.param(
            ("arn:aws:sns:*:", Literal("123456789012"), ":*"),
            TOPIC,
            True,
            id="a substituted account fills its segment",
        ),
        pytest.param(
            ("arn:aws:sns:*:", Literal("a:b"), ":*"),
            "arn:aws:sns:us-east-1:a:b:t",
            False,
            id="a colon in substituted text does not start a segment",
        ),
        pytest.param(
            ("arn:aws:iam::123456789012:role/", Literal("dev*")),
            "arn:aws:iam::123456789012:role/dev*",
            True,
            id="a substituted star matches a star",
        ),
        pytest.param(
            ("arn:aws:iam::123456789012:role/", Literal("dev*")),
            "arn:aws:iam::123456789012:role/developer",
            False,
            id="a substituted star is not a wildcard",
        ),
    ],
)
def test_arn_pattern_from_parts(parts: tuple[str, ...], arn: str, expected: bool) -> None:
    assert ArnPattern.from_parts(parts).matches(arn) is expected


_SEGMENT = st.text(st.sampled_from("ab*?"), max_size=3)


@given(
    st.lists(_SEGMENT, min_size=6, max_size=6), st.lists(st.text("ab", max_size=3), min_size=6, max_size=6)
)
def test_arn_matching_is_glob_matching_per_segment(pattern: list[str], value: list[str]) -> None:
    expected = all(naive_match(p, v) for p, v in zip(pattern, value, strict=True))
    text = ":".join(pattern)
    if text == "*":
        return
    assert match_arn(text, ":".join(value)) is expected


# ------------------------------------------------------------------------------------------
# Resource elements: the resource-type prefix is literal, short patterns expand


@pytest.mark.parametrize(
    ("pattern", "arn", "expected"),
    [
        pytest.param(
            "arn:aws:xray:*:*:group/*",
            "arn:aws:xray:us-east-1:123456789012:group/prod/ABC",
            True,
            id="a wildcard after the type prefix matches",
        ),
        pytest.param(
            "arn:aws:xray:*:*:gr*p/prod/*",
            "arn:aws:xray:us-east-1:123456789012:group/prod/ABC",
            False,
            id="a wildcard inside the type prefix is literal",
        ),
        pytest.param(
            "arn:aws:xray:*:*:gr*p/prod/*",
            "arn:aws:xray:us-east-1:123456789012:gr*p/prod/ABC",
            True,
            id="a literal star in the type prefix matches only a star",
        ),
        pytest.param(
            "arn:aws:secretsmanager:*:*:se?ret:db-*",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-1",
            False,
            id="a question mark before the first colon of the resource is literal",
        ),
        pytest.param(
            "arn:aws:xray:*:*:*",
            "arn:aws:xray:us-east-1:123456789012:group/prod/ABC",
            True,
            id="a resource segment of only a star has no type prefix",
        ),
        pytest.param(
            "arn:aws:s3:::b*/key", "arn:aws:s3:::bucket/key", True, id="S3 bucket names have no type prefix"
        ),
        pytest.param(
            "arn:aws:xray",
            "arn:aws:xray:us-east-1:123456789012:group/prod/ABC",
            True,
            id="a short pattern's missing segments count as stars",
        ),
        pytest.param(
            "*", "arn:aws:xray:us-east-1:123456789012:group/prod/ABC", True, id="a star alone matches all"
        ),
    ],
)
def test_a_resource_pattern_matches_as_iam_matches_resource_elements(
    pattern: str, arn: str, expected: bool
) -> None:
    assert match_resource(pattern, arn) is expected


def test_arnlike_keeps_wildcards_in_the_type_prefix() -> None:
    # ArnLike compares segment by segment without the Resource element's type-prefix rule
    assert match_arn("arn:aws:xray:*:*:gr*p/prod/*", "arn:aws:xray:us-east-1:123456789012:group/prod/ABC")


_SEGMENT_TEXT = st.text(st.sampled_from("ab*?/:"), max_size=6)


@given(
    st.lists(_SEGMENT_TEXT, min_size=1, max_size=6),
    st.lists(st.text("ab/:", max_size=4), min_size=6, max_size=6),
)
def test_segment_matches_agree_with_the_whole_match(pattern_parts: list[str], value_parts: list[str]) -> None:
    pattern = ArnPattern(":".join(pattern_parts), expand_short=True, literal_type=True)
    value = ":".join(value_parts)
    per_segment = pattern.segment_matches(value)
    assert len(per_segment) == 6
    assert pattern.matches(value) is all(per_segment)


def test_segment_matches_name_the_segment_that_fails() -> None:
    pattern = ArnPattern("arn:aws:xray:us-east-1:*:group/prod/*", literal_type=True)
    value = "arn:aws:xray:eu-west-1:123456789012:group/prod/ABC"
    assert pattern.segment_matches(value) == (True, True, True, False, True, True)
    assert ArnPattern("*").segment_matches(value) == (True,) * 6
    assert ArnPattern("arn:aws:xray").segment_matches(value) == (False,) * 6  # short, not expanded
