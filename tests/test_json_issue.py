"""Text that is not JSON gets the same issue wherever xraykit reads it."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from xraykit import scenarios, simulate
from xraykit.cli.lint import read_policy_argument
from xraykit.credentials import load_environment
from xraykit.errors import Issue, XrayKitError, json_issue, snippet
from xraykit.exercises import check_policy as check_exercise
from xraykit.least_privilege.fixes import propose_edit
from xraykit.lint import lint
from xraykit.policy import parse_policy
from xraykit.stream import run_stream_bytes
from xraykit.widgets._base import parse_json

GENERAL = "check for a missing comma, quote or bracket near that place"
CUT_OFF = "the text looks cut off"

BAD_TEXT = [
    pytest.param(
        '{"Version": "2012-10-17",}',
        "not valid JSON: a comma before `}` at line 1 column 26",
        "JSON allows no comma after the last item: remove it",
        id="a trailing comma",
    ),
    pytest.param(
        '{"Version": "2012-10-17" // the date\n}',
        "not valid JSON: a comment at line 1 column 26",
        "JSON has no comments: remove it",
        id="a comment",
    ),
    pytest.param(
        '{"Effect": "Allo',
        "not valid JSON: the text ends inside a string (line 1 column 12)",
        CUT_OFF,
        id="cut off inside a string",
    ),
    pytest.param(
        '\n\n  {"Statement": [',
        "not valid JSON: the text ends too early (line 3 column 18)",
        CUT_OFF,
        id="cut off, lines counted in the text as given",
    ),
    pytest.param(
        "{'Effect': 'Allow'}",
        "not valid JSON: a name not in double quotes at line 1 column 2",
        "JSON needs double quotes around names and strings: `\"Effect\"`, not `'Effect'`",
        id="single quotes",
    ),
    pytest.param(
        '{"Effect": "Allow" "Action": "*"}',
        "not valid JSON: expecting ',' delimiter at line 1 column 20",
        GENERAL,
        id="a missing comma",
    ),
    pytest.param(
        '{"Effect": "Allow"} extra',
        "not valid JSON: extra data at line 1 column 21",
        GENERAL,
        id="text after the object",
    ),
    pytest.param(
        '{"Effect": "Allow\t"}',
        "not valid JSON: a control character inside a string at line 1 column 18",
        "write a line break or tab inside a string as `\\n` or `\\t`, or remove it",
        id="a tab inside a string",
    ),
]


def _issue(text: str, source: str | None = None, path: str = "") -> Issue:
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        return json_issue(error, source, path)
    raise AssertionError(f"{text!r} is JSON")  # pragma: no cover


def _raised(call: Callable[..., object], *args: object, **kwargs: object) -> tuple[Issue, ...]:
    with pytest.raises(XrayKitError) as caught:
        call(*args, **kwargs)
    return caught.value.issues


@pytest.fixture
def scenario_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A scenario folder of the test's own, with the scenario caches emptied before and after."""
    monkeypatch.setattr(scenarios, "_folder", lambda: tmp_path)
    scenarios.scenario_names.cache_clear()
    scenarios._load_file.cache_clear()
    yield tmp_path
    scenarios.scenario_names.cache_clear()
    scenarios._load_file.cache_clear()


@pytest.mark.parametrize(("text", "message", "hint"), BAD_TEXT)
def test_the_message_names_the_mistake_and_where_it_is(text: str, message: str, hint: str) -> None:
    assert _issue(text, "a.json", "answer") == Issue("answer", message, hint, "a.json")


@pytest.mark.parametrize(("text", "message", "hint"), BAD_TEXT)
def test_every_place_that_reads_json_gives_the_same_issue(
    text: str, message: str, hint: str, tmp_path: Path, scenario_folder: Path
) -> None:
    issue = Issue("", message, hint)
    (tmp_path / "bad.json").write_text(text, "utf-8")
    (scenario_folder / "broken.json").write_text(text, "utf-8")
    assert _raised(parse_policy, text) == (issue,)
    assert _raised(parse_policy, text.encode(), source="bad.json") == (issue.located("bad.json"),)
    assert _raised(lint, text) == (issue,)
    assert _raised(read_policy_argument, str(tmp_path / "bad.json")) == (
        issue.located(str(tmp_path / "bad.json")),
    )
    assert _raised(load_environment, tmp_path / "bad.json") == (issue.located("bad.json"),)
    assert _raised(scenarios.load_scenario, "broken") == (issue.located("broken.json"),)
    assert _raised(parse_json, text, "identity") == (issue.located(prefix="identity"),)
    assert check_exercise("read-prod-group", text).problems == (str(issue.located(prefix="answer")),)
    if text.lstrip().startswith("{"):
        assert _raised(propose_edit, text, {"xray:GetGroup": "allow"}) == (issue,)


def test_json_nested_too_deeply_is_one_issue_at_every_door(tmp_path: Path, scenario_folder: Path) -> None:
    text = "[" * 100_000 + "]" * 100_000  # deeper than any JSON parser here goes
    message = "the JSON is nested too deeply to read: lists or objects about a thousand levels deep"

    def deep(expected: str, source: str | None = None, path: str = "") -> Issue:
        hint = f"{expected} needs only a few levels: look for brackets that never close or repeat"
        return Issue(path, message, hint, source)

    (tmp_path / "deep.json").write_text(text, "utf-8")
    (scenario_folder / "deep.json").write_text(text, "utf-8")
    assert _raised(parse_policy, text) == (deep("a policy"),)
    assert _raised(lint, text) == (deep("a policy"),)
    assert _raised(read_policy_argument, str(tmp_path / "deep.json")) == (
        deep("a policy", str(tmp_path / "deep.json")),
    )
    assert _raised(load_environment, tmp_path / "deep.json") == (deep("an environment", "deep.json"),)
    assert _raised(scenarios.load_scenario, "deep") == (deep("a scenario", "deep.json"),)
    assert _raised(parse_json, text, "identity") == (deep("a policy", path="identity"),)
    assert check_exercise("read-prod-group", text).problems == (str(deep("a policy", path="answer")),)
    out = io.BytesIO()
    assert run_stream_bytes(io.BytesIO(text.encode() + b"\n" + b'{"id": 2}\n'), out) == 0
    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert first == {"id": None, "decision": "Error", "issues": [deep("a case", path="line 1").to_dict()]}
    assert second["id"] == 2 and second["decision"] == "Error"  # the stream goes on


def test_empty_text_names_what_was_expected(tmp_path: Path, scenario_folder: Path) -> None:
    (tmp_path / "env.json").write_text("\n", "utf-8")
    (scenario_folder / "empty.json").write_text("", "utf-8")
    empty = "not valid JSON: the text is empty"
    assert _raised(parse_policy, " ") == (Issue("", empty, "a policy is a JSON object: `{...}`"),)
    assert _raised(lint, " ") == (Issue("", empty, "a policy is a JSON object: `{...}`"),)
    assert _raised(load_environment, tmp_path / "env.json") == (
        Issue("", empty, "an environment is a JSON object: `{...}`", "env.json"),
    )
    assert _raised(scenarios.load_scenario, "empty") == (
        Issue("", empty, "a scenario is a JSON object: `{...}`", "empty.json"),
    )


def test_a_value_too_deep_to_write_back_is_named_by_its_type() -> None:
    deep: list[object] = []
    for _ in range(5_000):  # deeper than json.dumps goes, as a parsed case line can be
        deep = [deep]
    assert snippet({"a": 1}) == '{"a": 1}'
    assert snippet(deep) == "a list"
    assert _raised(simulate, "xray:GetGroup", context={"aws:username": [deep]}) == (
        Issue("context.aws:username", "context values must be strings, numbers or booleans, not a list"),
    )
    assert _raised(simulate, deep) == (
        Issue("action", "expected an action such as `xray:GetGroup`, got `a list`"),
    )
