"""Lint of Resource entries: ARNs for actions that take only ``*``, ARNs of a resource type no action
of the statement uses, group ARNs without their ID part (XK201–XK203).

Taught in ``notebooks/02_resources_and_arns.ipynb``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from xraykit import catalog
from xraykit.lint.context import LintContext, article, join_names
from xraykit.lint.model import Finding, PatchOp
from xraykit.wildcards import Glob

__all__ = ["check_resources", "group_arn_without_id"]

_VARIABLE = re.compile(r"\$\{[^}]*\}")


def group_arn_without_id(arn: str) -> bool:
    """Whether ``arn`` names an X-Ray group by name only (``.../group/NAME``, no ``/ID``).

    Args:
        arn: a Resource entry.

    Returns:
        True for ``arn:aws:xray:REGION:ACCOUNT:group/NAME`` where NAME has no ``/`` and does not
        end with ``*`` (which would also match the ID).
    """
    parts = arn.split(":", 5)
    if len(parts) < 6 or not Glob(parts[2], ignore_case=True).matches("xray"):
        return False
    resource = parts[5]
    if not resource.startswith("group/"):
        return False
    name = resource[len("group/") :]
    return bool(name) and "/" not in name and not name.endswith("*")


def check_resources(ctx: LintContext) -> Iterator[Finding]:
    """Findings about each statement's Resource entries.

    Args:
        ctx: the policy under review.

    Yields:
        XK201 (an ARN for actions without resource-level permissions), XK202 (an ARN of a type no
        action of the statement uses) and XK203 (a group ARN without its ID part).
    """
    for i, statement in ctx.indexed():
        if statement.resource is None:
            continue
        entries = list(enumerate(statement.resource))
        missing_id = set()
        for j, arn in entries:
            if arn != "*" and group_arn_without_id(arn):
                missing_id.add(j)
                fixed = arn + "/*"
                op = PatchOp("replace", ctx.doc.pointer(i, "Resource", j), fixed)
                yield ctx.finding(
                    "XK203",
                    ctx.doc.path(i, "Resource", j),
                    arn=arn,
                    name=arn.rsplit("/", 1)[1],
                    replacement=fixed,
                    edit=ctx.doc.edit(f"write `{fixed}`", [op]),
                )
        actions = ctx.actions(i)
        if actions is None or "*" in statement.resource:
            continue
        yield from _star_only(ctx, i, entries)
        scoped = [a for a in actions if a.resource_level]
        if not scoped:
            continue
        for j, arn in entries:
            if j in missing_id:
                continue
            pattern = _VARIABLE.sub("*", arn)
            if any(catalog.matching_resource_types(pattern, a) for a in scoped):
                continue
            kinds = list(dict.fromkeys(r.name for a in scoped for r in a.resource_types))
            kind_text = article(kinds[0]) + " " + join_names(kinds, "or")
            edit = None
            if len(entries) > 1:
                edit = ctx.doc.edit(f"remove `{arn}`", ctx.doc.remove_entries(i, "Resource", [j]))
            yield ctx.finding("XK202", ctx.doc.path(i, "Resource", j), edit=edit, arn=arn, kinds=kind_text)


def _star_only(ctx: LintContext, i: int, entries: list[tuple[int, str]]) -> Iterator[Finding]:
    """XK201: actions named (or matched only) by entries that take no ARN, in a statement of ARNs."""
    element = "Action"
    star_entries = []
    names: list[str] = []
    for entry in ctx.entries(i):
        if entry.actions and all(not a.resource_level for a in entry.actions):
            star_entries.append(entry.index)
            names += [a.full_name for a in entry.actions if a.full_name not in names]
    if not names:
        return
    statement = ctx.statements[i]
    j, arn = entries[0]
    everything = len(star_entries) == len(ctx.entries(i))
    if everything:
        ops = [ctx.doc.set_values(i, "Resource", ["*"])]
        fix = 'use `"Resource": "*"`'
    else:
        raw = ctx.doc.statements[i]
        texts = [ctx.entries(i)[k].text for k in star_entries]
        moved: dict[str, Any] = {}
        if statement.sid:
            moved["Sid"] = f"{statement.sid}AnyResource"
        moved["Effect"] = statement.effect
        moved["Action"] = texts if len(texts) > 1 else texts[0]
        moved["Resource"] = "*"
        if "Condition" in raw:
            moved["Condition"] = raw["Condition"]
        ops = [*ctx.doc.remove_entries(i, element, star_entries), ctx.doc.add_statement(moved)]
        own = "its" if len(texts) == 1 else "their"
        fix = f'move {join_names(texts)} to a statement of {own} own with `"Resource": "*"`'
    one = len(names) == 1
    yield ctx.finding(
        "XK201",
        ctx.doc.path(i, "Resource", j),
        edit=ctx.doc.edit(fix, ops),
        fix=fix,
        arn=arn,
        actions=join_names(names),
        verb="has" if one else "have",
        them="it" if one else "them",
    )
