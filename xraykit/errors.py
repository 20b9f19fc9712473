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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["Issue", "XrayKitError", "closest", "did_you_mean"]


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


def closest(word: str, candidates: Sequence[str], n: int = 3, cutoff: float = 0.6) -> list[str]:
    """The candidates closest to ``word``, compared case-insensitively, best first."""
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
