"""What a lint run returns: findings, each with its rule, its place in the policy, and a fix.

A :class:`Finding` says *what* (a one-line message), *where* (the JSON path of the offending
element, ``Statement[1].Resource[0]``), *how bad* (a :class:`Severity`, in the spirit of IAM Access
Analyzer's finding types), *why* (its :class:`Rule`, with the documentation page and section it
rests on) and, where one exists, *how to fix it* (an :class:`Edit`: JSON-Patch-like operations and
the edited policy text). :class:`Findings` is the notebook-facing collection: it renders as HTML
and has a deterministic text twin.

The rule wording lives in ``xraykit/data/lint/rules.json``; see :mod:`xraykit.lint.rules`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, overload

__all__ = ["DocRef", "Edit", "Finding", "Findings", "PatchOp", "Rule", "Severity"]


class Severity(StrEnum):
    """How much a finding matters, most serious first (Access Analyzer's four finding types)."""

    ERROR = "error"
    SECURITY_WARNING = "security warning"
    WARNING = "warning"
    SUGGESTION = "suggestion"

    @property
    def rank(self) -> int:
        """0 for an error ... 3 for a suggestion (sort key)."""
        return list(Severity).index(self)


@dataclass(frozen=True, slots=True)
class DocRef:
    """Where the rule is documented: a page, a section of it, and its address."""

    page: str
    section: str
    url: str

    def __str__(self) -> str:
        return f"{self.page} › {self.section}"


@dataclass(frozen=True, slots=True)
class Rule:
    """One lint rule as ``rules.json`` defines it.

    Attributes:
        code: ``XK201``.
        name: a short slug, ``arn-for-star-only-action``.
        severity: the severity of every finding of this rule.
        title: what the rule is about, as a noun phrase.
        message: the finding's sentence, with ``{placeholders}``.
        why: why it matters (may use the same placeholders).
        doc: the documentation the rule rests on.
        fix: the sentence describing the suggested edit, when the rule has one.
    """

    code: str
    name: str
    severity: Severity
    title: str
    message: str
    why: str
    doc: DocRef
    fix: str | None = None


@dataclass(frozen=True, slots=True)
class PatchOp:
    """One JSON-Patch-like operation on the policy document (RFC 6902 vocabulary).

    ``path`` (and ``from_path`` for ``move``) are JSON pointers: ``/Statement/0/Resource``.
    """

    op: str  # add | remove | replace | move
    path: str
    value: Any = None
    from_path: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The operation as RFC 6902 writes it."""
        out: dict[str, Any] = {"op": self.op}
        if self.from_path is not None:
            out["from"] = self.from_path
        out["path"] = self.path
        if self.op in ("add", "replace"):
            out["value"] = self.value
        return out

    def __str__(self) -> str:
        if self.op == "remove":
            return f"remove {self.path}"
        if self.op == "move":
            return f"move {self.from_path} to {self.path}"
        return f"{self.op} {self.path} = {json.dumps(self.value, separators=(', ', ': '))}"


@dataclass(frozen=True, slots=True)
class Edit:
    """A suggested change: what it does, the operations, and the policy after them.

    Attributes:
        description: one line, e.g. "replace the resource with `*`".
        operations: the JSON-Patch-like operations, in order.
        document: the whole policy document after the operations.
    """

    description: str
    operations: tuple[PatchOp, ...]
    document: Any

    @property
    def policy_text(self) -> str:
        """The edited policy as JSON text (4-space indent, key order kept)."""
        return json.dumps(self.document, indent=4)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "description": self.description,
            "patch": [op.to_dict() for op in self.operations],
            "policy": self.document,
        }


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing the lint found.

    Attributes:
        rule: the rule (code, severity, documentation).
        path: the JSON path of the offending element (``Statement[1].Resource[0]``; ``""`` for the
            whole policy).
        message: one line, lowercase, user text in backticks.
        why: the rule's explanation for this case.
        hint: a further suggestion in words (e.g. "did you mean `xray:GetGroup`?").
        edit: the suggested edit, when one exists.
        source: the policy's name or file.
    """

    rule: Rule
    path: str
    message: str
    why: str = ""
    hint: str | None = None
    edit: Edit | None = None
    source: str | None = None

    @property
    def code(self) -> str:
        """The rule code, e.g. ``XK201``."""
        return self.rule.code

    @property
    def severity(self) -> Severity:
        """The rule's severity."""
        return self.rule.severity

    @property
    def statement(self) -> int | None:
        """The index of the statement the finding is in (``None`` for policy-level findings)."""
        if not self.path.startswith("Statement"):
            return None
        rest = self.path[len("Statement") :]
        if rest.startswith("["):
            return int(rest[1 : rest.index("]")])
        return 0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form (stable key order)."""
        out: dict[str, Any] = {
            "code": self.code,
            "severity": self.severity.value,
            "rule": self.rule.name,
            "path": self.path,
            "message": self.message,
            "why": self.why,
            "doc": {"page": self.rule.doc.page, "section": self.rule.doc.section, "url": self.rule.doc.url},
        }
        if self.hint:
            out["hint"] = self.hint
        if self.edit is not None:
            out["edit"] = self.edit.to_dict()
        if self.source:
            out["source"] = self.source
        return out

    def __str__(self) -> str:
        where = f" {self.path}" if self.path else ""
        return f"{self.severity.value} {self.code}{where}: {self.message}"


def _sort_key(finding: Finding) -> tuple[int, str, int, str]:
    statement = finding.statement
    return (-1 if statement is None else statement, finding.path, finding.severity.rank, finding.code)


@dataclass(frozen=True)
class Findings(Sequence[Finding]):
    """The findings of one lint run, in policy order; renders as text and HTML.

    Attributes:
        items: the findings, sorted by statement, path, severity and code.
        source: the policy's name or file.
        document: the policy document that was linted.
    """

    items: tuple[Finding, ...] = ()
    source: str | None = None
    document: Any = field(default=None, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", tuple(sorted(self.items, key=_sort_key)))

    @overload
    def __getitem__(self, index: int) -> Finding: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Finding, ...]: ...
    def __getitem__(self, index: int | slice) -> Finding | tuple[Finding, ...]:
        return self.items[index]

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.items)

    @property
    def codes(self) -> tuple[str, ...]:
        """The codes of the findings, in order (with repeats)."""
        return tuple(f.code for f in self.items)

    def by_code(self, code: str) -> tuple[Finding, ...]:
        """The findings of one rule."""
        return tuple(f for f in self.items if f.code == code)

    def at_least(self, severity: Severity | str) -> tuple[Finding, ...]:
        """The findings of ``severity`` or more serious."""
        rank = Severity(severity).rank
        return tuple(f for f in self.items if f.severity.rank <= rank)

    @property
    def errors(self) -> tuple[Finding, ...]:
        """The error-severity findings."""
        return self.at_least(Severity.ERROR)

    def counts(self) -> dict[Severity, int]:
        """How many findings of each severity (every severity present as a key)."""
        out = dict.fromkeys(Severity, 0)
        for finding in self.items:
            out[finding.severity] += 1
        return out

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form: ``{"source", "counts", "findings"}``."""
        return {
            "source": self.source,
            "counts": {s.value: n for s, n in self.counts().items()},
            "findings": [f.to_dict() for f in self.items],
        }

    def text(self, *, details: bool = True) -> str:
        """Plain text, deterministic (see :func:`xraykit.lint.render.findings_text`)."""
        from xraykit.lint.render import findings_text

        return findings_text(self, details=details)

    def __str__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        from xraykit.lint.render import findings_html

        return findings_html(self)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(self.text())
