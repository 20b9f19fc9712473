"""What every lint check needs about the policy under review, computed once.

:class:`LintContext` holds the validated :class:`~xraykit.policy.Policy`, the raw document with its
addresses (:class:`~xraykit.lint.patch.Document`), and, per statement, what each Action entry
resolves to in the catalog.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

from xraykit import catalog
from xraykit.lint.model import Edit, Finding
from xraykit.lint.patch import Document
from xraykit.lint.rules import finding
from xraykit.policy import Policy, Statement
from xraykit.wildcards import has_wildcards

__all__ = ["ActionEntry", "LintContext", "all_actions", "article", "join_names"]


@dataclass(frozen=True, slots=True)
class ActionEntry:
    """One entry of an Action or NotAction element and what it matches.

    Attributes:
        index: its position in the element's list.
        text: as written.
        actions: the actions it matches, in catalog order (``()`` when none or unknown).
        wildcard: whether it holds ``*`` or ``?``.
        known_service: whether its service prefix exists (always true for ``*``).
    """

    index: int
    text: str
    actions: tuple[catalog.Action, ...]
    wildcard: bool
    known_service: bool


@cache
def all_actions() -> tuple[catalog.Action, ...]:
    """Every action of every service (read on first use; the catalog is large)."""
    return catalog.expand("*")


def article(word: str) -> str:
    """``a`` or ``an`` before ``word`` (by its first letter).

    Args:
        word: the word that follows (backticks are ignored).

    Returns:
        ``"a"`` or ``"an"``.
    """
    return "an" if word.strip("`").lower()[:1] in tuple("aeio") else "a"


def join_names(names: list[str] | tuple[str, ...], conjunction: str = "and", limit: int = 4) -> str:
    """Names in backticks joined for a sentence: ```a` and `b```, ```a`, `b`, `c` and 3 more``.

    Args:
        names: the names.
        conjunction: ``and`` or ``or``.
        limit: how many names at most before "and N more".

    Returns:
        The phrase.
    """
    quoted = [f"`{n}`" for n in names]
    if len(quoted) > limit:
        return ", ".join(quoted[: limit - 1]) + f" {conjunction} {len(quoted) - limit + 1} more"
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + f" {conjunction} " + quoted[-1]


class LintContext:
    """The policy under review and what the checks share.

    Args:
        policy: the validated policy (its ``document`` is the raw JSON object).
        source: a name for messages (the file name).
    """

    def __init__(self, policy: Policy, source: str | None = None) -> None:
        self.policy = policy
        self.doc = Document(policy.document)
        self.source = source

    @property
    def statements(self) -> tuple[Statement, ...]:
        """The statements, in order."""
        return self.policy.statements

    def indexed(self) -> Iterator[tuple[int, Statement]]:
        """``(index, statement)`` pairs."""
        return enumerate(self.policy.statements)

    def finding(
        self, code: str, path: str, *, edit: Edit | None = None, hint: str | None = None, **values: Any
    ) -> Finding:
        """A finding located in this policy."""
        return finding(code, path, edit=edit, hint=hint, source=self.source, **values)

    # -- actions -----------------------------------------------------------------------
    def action_element(self, index: int) -> str:
        """``Action`` or ``NotAction``, whichever the statement has."""
        return "Action" if self.statements[index].action is not None else "NotAction"

    @cached_property
    def _entries(self) -> dict[int, tuple[ActionEntry, ...]]:
        out: dict[int, tuple[ActionEntry, ...]] = {}
        for i, statement in self.indexed():
            texts = statement.action if statement.action is not None else statement.not_action or ()
            out[i] = tuple(_entry(j, text) for j, text in enumerate(texts))
        return out

    def entries(self, index: int) -> tuple[ActionEntry, ...]:
        """The statement's Action (or NotAction) entries, resolved."""
        return self._entries[index]

    def actions(self, index: int) -> tuple[catalog.Action, ...] | None:
        """The actions the statement's ``Action`` element names, in catalog order.

        ``None`` when that set is not a short list: the statement uses ``NotAction``, or an entry
        is ``*`` or has a wildcard in its service prefix.
        """
        statement = self.statements[index]
        if statement.action is None:
            return None
        out: dict[str, catalog.Action] = {}
        for entry in self.entries(index):
            if entry.text.strip("*") == "" or has_wildcards(entry.text.split(":", 1)[0]):
                return None
            out.update((a.full_name, a) for a in entry.actions)
        return tuple(out.values())


def _entry(index: int, text: str) -> ActionEntry:
    wildcard = has_wildcards(text)
    if text.strip("*") == "":
        return ActionEntry(index, text, (), True, True)
    service = text.split(":", 1)[0]
    if has_wildcards(service):
        found = catalog.expand(text)
        return ActionEntry(index, text, found, True, True)
    if not catalog.service_exists(service):
        return ActionEntry(index, text, (), wildcard, False)
    if wildcard:
        return ActionEntry(index, text, catalog.expand(text), True, True)
    single = catalog.find_action(text)
    return ActionEntry(index, text, (single,) if single else (), False, True)
