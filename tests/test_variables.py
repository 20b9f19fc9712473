"""Policy variables: parsing, escapes, defaults, substitution, advice on malformed variables."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xraykit.variables import Literal, Template, Var, has_variables, parse, validate


def kinds(template: Template) -> list[tuple[str, str]]:
    """Each part as ``(kind, text)`` so a table can state Literal vs wildcard text exactly."""
    out = []
    for part in template.parts:
        if isinstance(part, Var):
            out.append(("var", f"{part.key}|{part.default}"))
        elif isinstance(part, Literal):
            out.append(("lit", str(part)))
        else:
            out.append(("text", part))
    return out


PARSE_CASES = [
    pytest.param("home/*", [("text", "home/*")], id="text without variables is one wildcard part"),
    pytest.param("${aws:username}", [("var", "aws:username|None")], id="a variable alone"),
    pytest.param(
        "home/${aws:username}/*",
        [("text", "home/"), ("var", "aws:username|None"), ("text", "/*")],
        id="a variable between wildcard text",
    ),
    pytest.param(
        "${aws:PrincipalTag/team}", [("var", "aws:PrincipalTag/team|None")], id="a tag key with a slash"
    ),
    pytest.param("${*}", [("lit", "*")], id="the star escape is a literal star"),
    pytest.param("${?}", [("lit", "?")], id="the question mark escape is a literal question mark"),
    pytest.param("${$}", [("lit", "$")], id="the dollar escape is a literal dollar"),
    pytest.param(
        "a${*}b${?}c${$}",
        [("text", "a"), ("lit", "*"), ("text", "b"), ("lit", "?"), ("text", "c"), ("lit", "$")],
        id="escapes mixed with text",
    ),
    pytest.param(
        "${aws:username, 'anonymous'}",
        [("var", "aws:username|anonymous")],
        id="a default after a comma and space",
    ),
    pytest.param(
        "${ aws:username , 'anonymous' }",
        [("var", "aws:username|anonymous")],
        id="spaces around the key and the default are ignored",
    ),
    pytest.param("${aws:username, ''}", [("var", "aws:username|")], id="an empty default is a default"),
    pytest.param("${aws:username, 'a b'}", [("var", "aws:username|a b")], id="a default may hold spaces"),
    pytest.param(
        "${aws:username, 'a, b'}", [("var", "aws:username|a, b")], id="a default may hold a comma and space"
    ),
    pytest.param(
        "${aws:username, anonymous}", [("var", "aws:username|None")], id="an unquoted default is ignored"
    ),
    pytest.param(
        "${aws:username,'anonymous'}",
        [("var", "aws:username,'anonymous'|None")],
        id="without the space after the comma the whole text is the key name",
    ),
    pytest.param("${aws:username", [("text", "${aws:username")], id="an unterminated variable is plain text"),
    pytest.param(
        "${a}${b",
        [("var", "a|None"), ("text", "${b")],
        id="text after the last closed variable stays plain",
    ),
    pytest.param("${}", [("var", "|None")], id="an empty variable names the empty key"),
    pytest.param(
        "${a${b}c}",
        [("var", "a${b|None"), ("text", "c}")],
        id="a variable ends at the first closing brace",
    ),
    pytest.param("$", [("text", "$")], id="a lone dollar is plain text"),
    pytest.param("{x}", [("text", "{x}")], id="braces without a dollar are plain text"),
    pytest.param("", [], id="the empty string has no parts"),
]


@pytest.mark.parametrize(("text", "expected"), PARSE_CASES)
def test_parse(text: str, expected: list[tuple[str, str]]) -> None:
    template = parse(text)
    assert kinds(template) == expected
    assert template.text == text


def test_parse_records_keys_once_as_first_written() -> None:
    template = parse("${aws:username}/${AWS:USERNAME}/${aws:PrincipalTag/team, 'x'}/${*}")
    assert template.keys == ("aws:username", "aws:PrincipalTag/team")
    assert template.has_variables
    assert not template.is_plain


@pytest.mark.parametrize(
    ("text", "plain", "variables"),
    [
        pytest.param("home/*", True, False, id="wildcard text is plain"),
        pytest.param("a${*}", False, False, id="an escape is not plain and not a variable"),
        pytest.param("${aws:username}", False, True, id="a variable is neither plain nor free of variables"),
        pytest.param("${aws:username", True, False, id="an unterminated variable is plain text"),
    ],
)
def test_plain_and_variables(text: str, plain: bool, variables: bool) -> None:
    assert parse(text).is_plain is plain
    assert parse(text).has_variables is variables
    assert has_variables(text) is variables


def test_parse_is_cached() -> None:
    assert parse("home/${aws:username}") is parse("home/${aws:username}")


CONTEXT = {
    "aws:username": "alice",
    "aws:principaltag/team": "a*b",
    "aws:tagkeys": ("a", "b"),
    "aws:empty": "",
}


def lookup(key: str) -> str | tuple[str, ...] | None:
    assert key == key.lower(), "lookup is called with the key lowercased"
    return CONTEXT.get(key)


RESOLVE_CASES = [
    pytest.param("home/${aws:username}/*", "home/alice/*", id="a present key is substituted"),
    pytest.param("${AWS:UserName}", "alice", id="the key name is case-insensitive"),
    pytest.param("${aws:userid}", None, id="an absent key without a default cannot be resolved"),
    pytest.param("${aws:userid, 'anonymous'}", "anonymous", id="an absent key takes its default"),
    pytest.param("${aws:username, 'anonymous'}", "alice", id="a present key ignores its default"),
    pytest.param("${aws:TagKeys}", None, id="a multivalued key cannot be substituted"),
    pytest.param("${aws:TagKeys, 'none'}", "none", id="a multivalued key takes the default"),
    pytest.param("x${aws:empty}y", "xy", id="an empty value is substituted as empty"),
    pytest.param("${}", None, id="the empty variable never resolves"),
    pytest.param("a${*}", "a*", id="escapes resolve to their characters"),
    pytest.param("${aws:userid, ''}", "", id="an empty default is used"),
]


@pytest.mark.parametrize(("text", "expected"), RESOLVE_CASES)
def test_resolve_text(text: str, expected: str | None) -> None:
    assert parse(text).resolve_text(lookup) == expected


def test_substituted_values_are_literal_text() -> None:
    parts = parse("team-${aws:PrincipalTag/team}-*").resolve(lookup)
    assert parts == ("team-", "a*b", "-*")
    assert parts is not None
    assert [type(p) for p in parts] == [str, Literal, str]


def test_a_default_is_literal_text_too() -> None:
    parts = parse("${aws:userid, 'a*'}").resolve(lookup)
    assert parts is not None
    assert isinstance(parts[0], Literal)


def test_var_prints_as_written() -> None:
    var = parse("${ aws:username , 'x' }").parts[0]
    assert isinstance(var, Var)
    assert str(var) == "${ aws:username , 'x' }"
    assert str(Var("aws:username")) == "${aws:username}"


VALIDATE_CASES = [
    pytest.param("home/${aws:username}/*", None, id="a well-formed variable needs no advice"),
    pytest.param("${aws:username, 'anonymous'}", None, id="a well-formed default needs no advice"),
    pytest.param("a${*}${?}${$}", None, id="escapes need no advice"),
    pytest.param("plain text", None, id="text without variables needs no advice"),
    pytest.param("home/${aws:username", "has no closing", id="an unterminated variable is reported"),
    pytest.param("${}", "names no context key", id="an empty variable is reported"),
    pytest.param("${ }", "names no context key", id="a blank variable is reported"),
    pytest.param(
        "${aws:username,'x'}", "no space after the comma", id="a default without the space is reported"
    ),
    pytest.param("${aws:username, x}", "needs single quotes", id="an unquoted default is reported"),
    pytest.param("${a} and ${b", "has no closing", id="the first problem after good variables is reported"),
]


@pytest.mark.parametrize(("text", "fragment"), VALIDATE_CASES)
def test_validate(text: str, fragment: str | None) -> None:
    message = validate(text)
    if fragment is None:
        assert message is None
    else:
        assert message is not None
        assert fragment in message
        assert message[0].islower() or message[0] == "`"
        assert not message.endswith(".")


@given(st.text(st.characters(blacklist_characters="$"), max_size=20))
def test_text_without_dollar_is_one_plain_part(text: str) -> None:
    template = parse(text)
    assert template.parts == ((text,) if text else ())
    assert template.is_plain
    assert template.resolve(lookup) == template.parts


@given(
    st.lists(st.sampled_from(["a", "*", "${*}", "${aws:username}", "${x, 'd'}", "${", "}", "/"]), max_size=6)
)
def test_parts_join_back_to_the_text(pieces: list[str]) -> None:
    text = "".join(pieces)
    rebuilt = "".join(str(p) if not isinstance(p, Literal) else "${" + p + "}" for p in parse(text).parts)
    assert rebuilt == text
