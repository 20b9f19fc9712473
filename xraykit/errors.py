"""The one error type xraykit raises for bad input, and the issues it carries.

Every problem a user can cause (malformed policy JSON, an unknown action, a bad ARN, a value of the
wrong type) is reported as an :class:`XrayKitError` holding one or more :class:`Issue` objects.
Each issue names *where* it was found (a JSON path such as ``Statement[1].Condition``, or an
argument name), *what* is wrong, in one lowercase sentence with the user's text in backticks,
and, where one exists, a *hint* ("did you mean `Effect`?").

This module is a leaf: it imports nothing from xraykit.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "Issue",
    "XrayKitError",
    "closest",
    "did_you_mean",
    "json_issue",
    "json_type",
    "load_json",
    "require_text",
    "shown",
    "snippet",
    "text_map_issues",
    "too_deep",
]


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem found in the user's input.

    Attributes:
        path: where it is, e.g. ``Statement[1].Condition.StringEquals`` or ``action``; ``""`` for
            the whole input.
        message: what is wrong, lowercase, no final period, user text in backticks.
        hint: an optional suggestion (``did you mean `Effect`?``).
        source: an optional name of the input (a file name, ``identity_policies[0]``).
    """

    path: str
    message: str
    hint: str | None = None
    source: str | None = None

    def located(self, source: str | None = None, prefix: str | None = None) -> Issue:
        """Return a copy placed inside ``source`` and under the path ``prefix``."""
        path = self.path
        if prefix:
            path = prefix if not path else (f"{prefix}{path}" if path.startswith("[") else f"{prefix}.{path}")
        return Issue(path, self.message, self.hint, source if source is not None else self.source)

    def __str__(self) -> str:
        where = ": ".join(p for p in (self.source, self.path) if p)
        text = f"{where}: {self.message}" if where else self.message
        return f"{text} ({self.hint})" if self.hint else text

    def to_dict(self) -> dict[str, str]:
        """A JSON-ready form (keys with no value are left out)."""
        out = {"path": self.path, "message": self.message}
        if self.hint:
            out["hint"] = self.hint
        if self.source:
            out["source"] = self.source
        return out


class XrayKitError(ValueError):
    """Bad input: carries every :class:`Issue` found, and reads as one message.

    It subclasses :class:`ValueError` so that code catching the built-in still works, but xraykit
    never raises anything else for input a user can get wrong.
    """

    def __init__(self, issues: Issue | Iterable[Issue]) -> None:
        self.issues: tuple[Issue, ...] = (issues,) if isinstance(issues, Issue) else tuple(issues)
        if not self.issues:
            raise ValueError("an XrayKitError needs at least one issue")
        super().__init__(str(self))

    def __str__(self) -> str:
        if len(self.issues) == 1:
            return str(self.issues[0])
        lines = [f"{len(self.issues)} problems found:"]
        lines += [f"  - {issue}" for issue in self.issues]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form: ``{"issues": [...]}``."""
        return {"issues": [issue.to_dict() for issue in self.issues]}


def json_type(value: Any) -> str:
    """The JSON type of a parsed value as an issue words it: ``a list``, ``an object``, ``null`` ..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


def closest(word: str, candidates: Sequence[str], n: int = 3, cutoff: float = 0.6) -> list[str]:
    """The candidates closest to ``word``, compared case-insensitively, best first (none for non-text)."""
    if not isinstance(word, str):
        return []
    lowered: dict[str, str] = {}
    for candidate in candidates:
        lowered.setdefault(candidate.lower(), candidate)
    hits = difflib.get_close_matches(word.lower(), list(lowered), n=n, cutoff=cutoff)
    return [lowered[h] for h in hits]


def did_you_mean(word: str, candidates: Sequence[str], n: int = 3) -> str | None:
    """A hint such as ``did you mean `Effect`?``, or ``None`` when nothing is close."""
    hits = closest(word, candidates, n=n)
    if not hits:
        return None
    return "did you mean " + " or ".join(f"`{h}`" for h in hits) + "?"


def shown(value: Any) -> str:
    """A user's value as a message quotes it: text in backticks, anything else by its JSON type."""
    return f"`{value}`" if isinstance(value, str) else json_type(value)


def text_map_issues(value: Any, path: str, hint: str | None = None) -> list[Issue]:
    """What is wrong with a value that must map text to text (tags, environment variables)."""
    if not isinstance(value, Mapping):
        return [Issue(path, f"`{path}` maps text to text, not {json_type(value)}", hint)]
    return [
        Issue(f"{path}.{key}", f"expected text, not {json_type(item)}")
        if isinstance(key, str)
        else Issue(path, f"a key is text, not {json_type(key)}")
        for key, item in value.items()
        if not (isinstance(key, str) and isinstance(item, str))
    ]


def require_text(**values: Any) -> None:
    """Raise one issue per argument that is not text, named by the argument (``name``, ``arn``)."""
    issues = [
        Issue(k, f"`{k}` must be text, not {json_type(v)}")
        for k, v in values.items()
        if not isinstance(v, str)
    ]
    if issues:
        raise XrayKitError(issues)


def snippet(value: Any, limit: int = 60) -> str:
    """A value as JSON text for a message, cut to ``limit`` characters; its type when too deep to write."""
    try:
        return json.dumps(value, default=str)[:limit]
    except (RecursionError, ValueError):  # nested too deeply, or a container that holds itself
        return json_type(value)


def load_json(
    text: str | bytes, source: str | None = None, path: str = "", *, expected: str = "a policy"
) -> Any:
    """Parse JSON text given by a user; whatever is wrong with it is one located :class:`XrayKitError`.

    Args:
        text: the JSON text.
        source, path, expected: as for :func:`json_issue`.

    Raises:
        XrayKitError: for text that is not JSON (worded by :func:`json_issue`), or nested too
            deeply to read (:func:`too_deep`).
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise XrayKitError(json_issue(error, source, path, expected=expected)) from None
    except RecursionError:
        raise XrayKitError(too_deep(source, path, expected=expected)) from None


def too_deep(source: str | None = None, path: str = "", *, expected: str = "a policy") -> Issue:
    """The issue for JSON nested more deeply than the parser goes (about a thousand levels)."""
    return Issue(
        path,
        "the JSON is nested too deeply to read: lists or objects about a thousand levels deep",
        f"{expected} needs only a few levels: look for brackets that never close or repeat",
        source,
    )


def json_issue(
    error: json.JSONDecodeError,
    source: str | None = None,
    path: str = "",
    *,
    expected: str = "a policy",
    line: int | None = None,
) -> Issue:
    """One readable issue for text that is not JSON: what is wrong, where (line and column), a hint.

    Trailing commas, comments, cut-off text and single quotes get their own message; anything else
    gets the parser's own words. Every place in xraykit that reads JSON text reports through this.

    Args:
        error: what :func:`json.loads` raised.
        source: a name for the text (a file name), if any.
        path: where the text was given (an argument or control name); ``""`` for the whole input.
        expected: what the text should hold, for the hint on empty text (``"a scenario"``).
        line: the text is this line of a longer input (a JSON Lines stream): places are given as
            that line and the column in it.
    """
    where = f"line {error.lineno if line is None else line} column {error.colno}"
    doc, pos = error.doc, error.pos
    if not doc.strip():
        return Issue(
            path, "not valid JSON: the text is empty", f"{expected} is a JSON object: `{{...}}`", source
        )
    if error.msg.startswith("Unterminated string"):
        return Issue(
            path, f"not valid JSON: the text ends inside a string ({where})", "the text looks cut off", source
        )
    if doc[:pos].rstrip().endswith(",") and doc[pos : pos + 1] in ("]", "}"):
        return Issue(
            path,
            f"not valid JSON: a comma before `{doc[pos]}` at {where}",
            "JSON allows no comma after the last item: remove it",
            source,
        )
    if doc[pos : pos + 2] in ("//", "/*") or doc[pos : pos + 1] == "#":
        return Issue(path, f"not valid JSON: a comment at {where}", "JSON has no comments: remove it", source)
    if pos >= len(doc.rstrip()):
        return Issue(
            path, f"not valid JSON: the text ends too early ({where})", "the text looks cut off", source
        )
    if error.msg.startswith("Expecting property name enclosed in double quotes"):
        return Issue(
            path,
            f"not valid JSON: a name not in double quotes at {where}",
            "JSON needs double quotes around names and strings: `\"Effect\"`, not `'Effect'`",
            source,
        )
    if error.msg.startswith("Invalid control character"):
        return Issue(
            path,
            f"not valid JSON: a control character inside a string at {where}",
            "write a line break or tab inside a string as `\\n` or `\\t`, or remove it",
            source,
        )
    said = error.msg
    return Issue(
        path,
        f"not valid JSON: {said[0].lower()}{said[1:]} at {where}",
        "check for a missing comma, quote or bracket near that place",
        source,
    )
