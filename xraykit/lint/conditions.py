"""Lint of Condition blocks: keys that do not exist or that no action of the statement supplies,
set operators on the wrong kind of key, ``ForAllValues`` allowlists without a ``Null`` guard
(XK301–XK306).

Taught in ``notebooks/03_tags.ipynb``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from xraykit import catalog
from xraykit.errors import XrayKitError
from xraykit.lint.context import LintContext
from xraykit.lint.model import Finding, PatchOp
from xraykit.operators import OperatorSpec, parse_operator

__all__ = ["check_conditions", "supplied_keys"]

# keys AWS adds to a request only for some actions or resource types
_ACTION_BOUND = ("aws:requesttag/${tagkey}", "aws:resourcetag/${tagkey}", "aws:tagkeys")


def supplied_keys(actions: tuple[catalog.Action, ...]) -> set[str]:
    """The catalog names (lowercased) of the keys AWS can supply for any of ``actions``.

    Args:
        actions: the statement's actions.

    Returns:
        Each action's own keys and those of its resource types.
    """
    out: set[str] = set()
    for act in actions:
        out |= {k.lower() for k in act.condition_keys}
        for ref in act.resource_types:
            out |= {k.lower() for k in ref.condition_keys}
            try:
                out |= {k.lower() for k in catalog.resource_type(act.service, ref.name).condition_keys}
            except XrayKitError:  # a resource type another service defines (sts -> iam role)
                continue
    return out


def _holds_when_absent(spec: OperatorSpec, values: tuple[str, ...]) -> bool:
    """Whether the condition holds for a request without the key (AWS's rules for absent keys)."""
    if spec.family == "Null":
        return all(v.lower() == "true" for v in values)
    return spec.if_exists or spec.negated or spec.qualifier == "ForAllValues"


def check_conditions(ctx: LintContext) -> Iterator[Finding]:
    """Findings about each statement's Condition block.

    Args:
        ctx: the policy under review.

    Yields:
        XK301 to XK306.
    """
    for i, statement in ctx.indexed():
        if not statement.condition:
            continue
        actions = ctx.actions(i)
        supplied = supplied_keys(actions) if actions is not None else None
        block = ctx.doc.statements[i].get("Condition") or {}
        for operator, keys in statement.condition:
            spec = parse_operator(operator)
            for key, values in keys:
                path = ctx.doc.condition_path(i, operator, key)
                info = catalog.find_condition_key(key)
                if info is None:
                    yield _unknown_key(ctx, i, operator, key, block)
                    continue
                name = info.name.lower()
                if (
                    supplied is not None
                    and (not name.startswith("aws:") or name in _ACTION_BOUND)
                    and name not in supplied
                ):
                    effect = (
                        "always holds and limits nothing"
                        if _holds_when_absent(spec, values)
                        else "never holds and the statement never applies"
                    )
                    yield ctx.finding("XK302", path, key=key, effect=effect)
                if spec.family == "Null":
                    continue
                if info.multivalued and spec.qualifier is None:
                    yield ctx.finding("XK303", path, operator=operator, key=key)
                elif not info.multivalued and spec.qualifier is not None:
                    code = "XK304" if spec.qualifier == "ForAllValues" else "XK305"
                    plain = operator.split(":", 1)[1]
                    ops = _move(ctx, i, block, operator, key, plain, key)
                    edit = ctx.doc.edit(f"use `{plain}`", ops) if ops else None
                    yield ctx.finding(code, path, edit=edit, operator=operator, key=key, replacement=plain)
                elif (
                    info.multivalued
                    and spec.qualifier == "ForAllValues"
                    and statement.effect == "Allow"
                    and not _null_guard(block, key)
                ):
                    yield _null_guard_finding(ctx, i, block, operator, key)


def _unknown_key(ctx: LintContext, i: int, operator: str, key: str, block: Mapping[str, Any]) -> Finding:
    service, _, rest = key.partition(":")
    replacement = None
    hint = None
    if service.lower() != "aws" and "/" in rest:
        candidate = f"aws:{rest}"
        if catalog.find_condition_key(candidate) is not None:
            replacement = candidate
            hint = f"did you mean `{candidate}`?"
    if hint is None:
        try:
            catalog.condition_key(key)
        except XrayKitError as error:
            hint = error.issues[0].hint
    edit = None
    if replacement is not None:
        ops = _move(ctx, i, block, operator, key, operator, replacement)
        edit = ctx.doc.edit(f"rename `{key}` to `{replacement}`", ops) if ops else None
    return ctx.finding(
        "XK301",
        ctx.doc.condition_path(i, operator, key),
        edit=edit,
        hint=hint,
        key=key,
        replacement=replacement or "",
    )


def _find(mapping: Mapping[str, Any], name: str) -> str | None:
    """The key of ``mapping`` equal to ``name`` ignoring case (operators and keys compare so)."""
    return next((k for k in mapping if k.lower() == name.lower()), None)


def _move(
    ctx: LintContext,
    i: int,
    block: Mapping[str, Any],
    operator: str,
    key: str,
    new_operator: str,
    new_key: str,
) -> list[PatchOp]:
    """Operations moving ``operator: key`` to ``new_operator: new_key``; ``[]`` if that would clash."""
    doc = ctx.doc
    target_op = _find(block, new_operator) if new_operator.lower() != operator.lower() else operator
    if target_op is not None and target_op != operator and _find(block[target_op], new_key) is not None:
        return []
    if target_op == operator and new_key != key and _find(block[operator], new_key) is not None:
        return []
    source = doc.condition_pointer(i, operator, key)
    if target_op is not None:
        return [PatchOp("move", doc.condition_pointer(i, target_op, new_key), from_path=source)]
    if len(block[operator]) == 1 and new_key == key:
        return [
            PatchOp(
                "move", doc.condition_pointer(i, new_operator), from_path=doc.condition_pointer(i, operator)
            )
        ]
    value = block[operator][key]
    ops = [
        PatchOp("add", doc.condition_pointer(i, new_operator), {new_key: value}),
        PatchOp("remove", source),
    ]
    if len(block[operator]) == 1:
        ops[-1] = PatchOp("remove", doc.condition_pointer(i, operator))
    return ops


def _null_guard(block: Mapping[str, Any], key: str) -> bool:
    null = _find(block, "Null")
    if null is None:
        return False
    found = _find(block[null], key)
    if found is None:
        return False
    value = block[null][found]
    values = value if isinstance(value, list) else [value]
    return any(str(v).lower() == "false" for v in values)


def _null_guard_finding(
    ctx: LintContext, i: int, block: Mapping[str, Any], operator: str, key: str
) -> Finding:
    null = _find(block, "Null")
    doc = ctx.doc
    edit = None
    if null is None:
        op = PatchOp("add", doc.condition_pointer(i, "Null"), {key: "false"})
        edit = doc.edit(f'add `"Null": {{"{key}": "false"}}` to the condition', [op])
    elif _find(block[null], key) is None:
        op = PatchOp("add", doc.condition_pointer(i, null, key), "false")
        edit = doc.edit(f'add `"{key}": "false"` to the `Null` condition', [op])
    return ctx.finding("XK306", doc.condition_path(i, operator, key), edit=edit, operator=operator, key=key)
