"""Addresses inside a raw policy document, and JSON-Patch-like edits of it.

A finding names its place twice: as the JSON path a person reads (``Statement[1].Resource[0]``,
the same form the policy validator uses; a lone statement object is plain ``Statement``, a lone
string is the element itself) and, in its edit, as a JSON pointer (``/Statement/1/Resource/0``).
:class:`Document` computes both for the document exactly as written, and builds
:class:`~xraykit.lint.model.Edit` objects whose operations are applied to a copy.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from xraykit.lint.model import Edit, PatchOp

__all__ = ["Document", "apply_patch", "escape"]


def escape(token: str) -> str:
    """A JSON pointer token: ``~`` as ``~0`` and ``/`` as ``~1`` (RFC 6901).

    Args:
        token: an object key, e.g. ``aws:ResourceTag/stage``.

    Returns:
        The escaped token, e.g. ``aws:ResourceTag~1stage``.
    """
    return token.replace("~", "~0").replace("/", "~1")


def _tokens(pointer: str) -> list[str]:
    if pointer == "":
        return []
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/")]


def _parent(document: Any, pointer: str) -> tuple[Any, str]:
    tokens = _tokens(pointer)
    node = document
    for token in tokens[:-1]:
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node, tokens[-1]


def _add(document: Any, pointer: str, value: Any) -> Any:
    if pointer == "":
        return value
    parent, last = _parent(document, pointer)
    if isinstance(parent, list):
        if last == "-":
            parent.append(value)
        else:
            parent.insert(int(last), value)
    elif pointer == "/Version" and "Version" not in parent:
        items = list(parent.items())
        parent.clear()
        parent["Version"] = value  # the Version element reads best first
        parent.update(items)
    else:
        parent[last] = value
    return document


def _remove(document: Any, pointer: str) -> tuple[Any, Any]:
    parent, last = _parent(document, pointer)
    if isinstance(parent, list):
        return document, parent.pop(int(last))
    return document, parent.pop(last)


def _replace(document: Any, pointer: str, value: Any) -> Any:
    if pointer == "":
        return value
    parent, last = _parent(document, pointer)
    if isinstance(parent, list):
        parent[int(last)] = value
    else:
        parent[last] = value
    return document


def apply_patch(document: Any, operations: Sequence[PatchOp]) -> Any:
    """A copy of ``document`` with ``operations`` applied in order.

    Args:
        document: a JSON value.
        operations: ``add``, ``remove``, ``replace`` and ``move`` operations.

    Returns:
        The edited copy (``document`` is left as it is).
    """
    out = copy.deepcopy(document)
    for op in operations:
        if op.op == "add":
            out = _add(out, op.path, copy.deepcopy(op.value))
        elif op.op == "remove":
            out = _remove(out, op.path)[0]
        elif op.op == "replace":
            out = _replace(out, op.path, copy.deepcopy(op.value))
        elif op.op == "move":
            assert op.from_path is not None
            out, moved = _remove(out, op.from_path)
            out = _add(out, op.path, moved)
        else:  # pragma: no cover - the checks only build the four kinds above
            raise ValueError(f"unknown patch operation {op.op}")
    return out


class Document:
    """A raw policy document and the addresses of its parts."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.raw = raw
        statements = raw.get("Statement")
        self.single = isinstance(statements, Mapping)
        self.statements: list[Mapping[str, Any]] = (
            [statements] if isinstance(statements, Mapping) else list(statements or ())
        )

    # -- addresses ---------------------------------------------------------------------
    def statement_path(self, index: int) -> str:
        """``Statement[1]``, or ``Statement`` for a lone statement object."""
        return "Statement" if self.single else f"Statement[{index}]"

    def statement_pointer(self, index: int) -> str:
        """``/Statement/1``, or ``/Statement`` for a lone statement object."""
        return "/Statement" if self.single else f"/Statement/{index}"

    def is_list(self, index: int, element: str) -> bool:
        """Whether the element is written as a list (rather than a lone string)."""
        return isinstance(self.statements[index].get(element), list)

    def values(self, index: int, element: str) -> list[str]:
        """The element's values as a list (``[]`` when absent)."""
        value = self.statements[index].get(element)
        if value is None:
            return []
        return list(value) if isinstance(value, list) else [value]

    def path(self, index: int, element: str, entry: int | None = None) -> str:
        """``Statement[1].Resource[0]`` (no ``[0]`` when the element is a lone string)."""
        base = f"{self.statement_path(index)}.{element}"
        return f"{base}[{entry}]" if entry is not None and self.is_list(index, element) else base

    def pointer(self, index: int, element: str, entry: int | None = None) -> str:
        """``/Statement/1/Resource/0`` (no ``/0`` when the element is a lone string)."""
        base = f"{self.statement_pointer(index)}/{escape(element)}"
        return f"{base}/{entry}" if entry is not None and self.is_list(index, element) else base

    def condition_path(self, index: int, operator: str, key: str | None = None) -> str:
        """``Statement[0].Condition.StringEquals.aws:TagKeys``."""
        base = f"{self.statement_path(index)}.Condition.{operator}"
        return f"{base}.{key}" if key is not None else base

    def condition_pointer(self, index: int, operator: str, key: str | None = None) -> str:
        """``/Statement/0/Condition/StringEquals/aws:TagKeys``."""
        base = f"{self.statement_pointer(index)}/Condition/{escape(operator)}"
        return f"{base}/{escape(key)}" if key is not None else base

    # -- edits -------------------------------------------------------------------------
    def edit(self, description: str, operations: Sequence[PatchOp]) -> Edit:
        """An :class:`Edit` whose document is this one with ``operations`` applied."""
        return Edit(description, tuple(operations), apply_patch(self.raw, operations))

    def set_values(self, index: int, element: str, values: Sequence[str]) -> PatchOp:
        """Replace an element's values, keeping a lone string a string where one value remains."""
        value: Any = values[0] if len(values) == 1 and not self.is_list(index, element) else list(values)
        return PatchOp("replace", self.pointer(index, element), value)

    def remove_entries(self, index: int, element: str, entries: Sequence[int]) -> list[PatchOp]:
        """Remove list entries (highest index first, so the pointers stay right)."""
        if not self.is_list(index, element):
            return [PatchOp("remove", self.pointer(index, element))]
        return [
            PatchOp("remove", self.pointer(index, element, j)) for j in sorted(set(entries), reverse=True)
        ]

    def rename_element(self, index: int, old: str, new: str, value: Any) -> PatchOp:
        """Replace the statement with one where ``old`` becomes ``new: value``, in the same place."""
        statement = {
            (new if k == old else k): (value if k == old else copy.deepcopy(v))
            for k, v in self.statements[index].items()
        }
        return PatchOp("replace", self.statement_pointer(index), statement)

    def add_statement(self, statement: Mapping[str, Any]) -> PatchOp:
        """Append a statement (turning a lone statement object into a list)."""
        if self.single:
            return PatchOp("replace", "/Statement", [copy.deepcopy(self.statements[0]), dict(statement)])
        return PatchOp("add", "/Statement/-", dict(statement))

    def remove_statement(self, index: int) -> PatchOp:
        """Remove one statement."""
        return PatchOp("remove", self.statement_pointer(index))
