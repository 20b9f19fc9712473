"""Lint of Action and NotAction entries: unknown actions and services, wildcards that match no
action, entries the same statement already covers (XK101–XK104).

Taught in ``notebooks/01_actions_and_wildcards.ipynb``.
"""

from __future__ import annotations

from collections.abc import Iterator

from xraykit import catalog
from xraykit.errors import closest
from xraykit.lint.context import LintContext
from xraykit.lint.model import Finding, PatchOp

__all__ = ["check_actions"]


def check_actions(ctx: LintContext) -> Iterator[Finding]:
    """Findings about each statement's Action or NotAction entries.

    Args:
        ctx: the policy under review.

    Yields:
        XK101 (unknown action), XK102 (unknown service), XK103 (pattern matching nothing) and
        XK104 (an entry the same statement already covers).
    """
    for i, _ in ctx.indexed():
        element = ctx.action_element(i)
        entries = ctx.entries(i)
        for entry in entries:
            path = ctx.doc.path(i, element, entry.index)
            service, _, name = entry.text.partition(":")
            if not entry.known_service:
                yield _unknown_service(ctx, i, element, entry.index, entry.text, service, name, path)
            elif entry.wildcard and not entry.actions and entry.text.strip("*"):
                edit = None
                if len(entries) > 1:
                    ops = ctx.doc.remove_entries(i, element, [entry.index])
                    edit = ctx.doc.edit(f"remove `{entry.text}`", ops)
                yield ctx.finding("XK103", path, edit=edit, pattern=entry.text, service=service.lower())
            elif not entry.wildcard and not entry.actions:
                names = [a.full_name for a in catalog.actions(service)]
                hits = closest(f"{service.lower()}:{name}", names)
                edit = None
                hint = None
                if hits:
                    hint = "did you mean " + " or ".join(f"`{h}`" for h in hits) + "?"
                    op = _replace_entry(ctx, i, element, entry.index, hits[0])
                    edit = ctx.doc.edit(f"rename `{entry.text}` to `{hits[0]}`", [op])
                yield ctx.finding(
                    "XK101",
                    path,
                    edit=edit,
                    hint=hint,
                    action=entry.text,
                    service=service.lower(),
                    replacement=hits[0] if hits else "",
                )
        yield from _covered(ctx, i, element)


def _replace_entry(ctx: LintContext, index: int, element: str, entry: int, text: str) -> PatchOp:
    return PatchOp("replace", ctx.doc.pointer(index, element, entry), text)


def _unknown_service(
    ctx: LintContext, i: int, element: str, j: int, text: str, service: str, name: str, path: str
) -> Finding:
    prefixes = closest(service.lower(), list(catalog.services()), n=3)
    hint = None
    edit = None
    replacement = ""
    if prefixes:
        replacement = f"{prefixes[0]}:{name}"
        hint = "did you mean " + " or ".join(f"`{p}:{name}`" for p in prefixes) + "?"
        edit = ctx.doc.edit(
            f"rename `{text}` to `{replacement}`", [_replace_entry(ctx, i, element, j, replacement)]
        )
    return ctx.finding(
        "XK102", path, edit=edit, hint=hint, service=service, action=text, replacement=replacement
    )


def _covered(ctx: LintContext, i: int, element: str) -> Iterator[Finding]:
    """XK104: an exact action listed twice, or already matched by a pattern of the same statement."""
    entries = ctx.entries(i)
    for entry in entries:
        if entry.wildcard or len(entry.actions) != 1:
            continue
        target = entry.actions[0].full_name
        for other in entries:
            if other.index == entry.index:
                continue
            whole = other.text.strip("*") == ""
            if not whole and target not in {a.full_name for a in other.actions}:
                continue
            if not other.wildcard and other.index > entry.index:
                continue  # the later duplicate is the one reported
            ops = ctx.doc.remove_entries(i, element, [entry.index])
            edit = ctx.doc.edit(f"remove `{entry.text}`", ops)
            yield ctx.finding(
                "XK104", ctx.doc.path(i, element, entry.index), edit=edit, action=entry.text, by=other.text
            )
            break
