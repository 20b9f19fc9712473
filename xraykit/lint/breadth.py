"""Lint of statements that grant more than they seem to: ``Allow`` with ``NotAction`` or
``NotResource``, ``Action: *``, and ``xray:*`` where a managed policy or a short list would do
(XK401, XK402, XK701, XK702).

Taught in ``notebooks/01_actions_and_wildcards.ipynb`` (NotAction) and
``notebooks/05_managed_policies.ipynb``.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

from xraykit import catalog
from xraykit.lint.context import LintContext, all_actions, join_names
from xraykit.lint.model import Finding, PatchOp
from xraykit.policy import PolicyKind

__all__ = ["check_breadth", "managed_xray_actions"]


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


@cache
def managed_xray_actions() -> dict[str, frozenset[str]]:
    """For each managed policy (current version): the X-Ray actions it allows on ``*`` outright."""
    out: dict[str, frozenset[str]] = {}
    for name in catalog.managed_policy_names():
        document = catalog.managed_policy(name)
        raw = document["Statement"]
        found: set[str] = set()
        for statement in [raw] if isinstance(raw, dict) else raw:
            resources = statement.get("Resource", [])
            resources = [resources] if isinstance(resources, str) else resources
            if statement.get("Effect") != "Allow" or "Condition" in statement or "*" not in resources:
                continue
            entries = statement.get("Action", [])
            for entry in [entries] if isinstance(entries, str) else entries:
                if entry.lower().startswith("xray:") or entry.strip("*") == "":
                    found |= {a.full_name for a in catalog.expand(entry) if a.service == "xray"}
        out[name] = frozenset(found)
    return out


def check_breadth(ctx: LintContext) -> Iterator[Finding]:
    """Findings about statements that allow more than they appear to.

    Args:
        ctx: the policy under review.

    Yields:
        XK401, XK402, XK701 and XK702, for policies that grant (identity-based and resource-based
        ones).
    """
    if ctx.policy.kind not in (PolicyKind.IDENTITY, PolicyKind.RESOURCE):
        return  # boundaries, session policies, SCPs and RCPs only limit: their Allow grants nothing
    for i, statement in ctx.indexed():
        if statement.effect != "Allow":
            continue
        if statement.not_action is not None:
            yield from _not_action(ctx, i)
        if statement.not_resource is not None and "*" not in statement.not_resource:
            yield _not_resource(ctx, i)
        if statement.action is None:
            continue
        for entry in ctx.entries(i):
            if entry.text.strip("*") == "":
                yield _every_action(ctx, i, entry.index)
            elif entry.text.lower() == "xray:*" and (
                "*" in (statement.resource or ()) or statement.not_resource
            ):
                yield _xray_star(ctx, i, entry.index, entry.text)


def _not_action(ctx: LintContext, i: int) -> Iterator[Finding]:
    entries = ctx.entries(i)
    if any(e.text.strip("*") == "" for e in entries):
        return  # NotAction "*" matches no action at all
    excluded = {a.full_name for e in entries for a in e.actions}
    granted = [a for a in all_actions() if a.full_name not in excluded]
    xray = [a for a in granted if a.service == "xray"]
    other = [a for a in granted if a.service != "xray"]
    services = {a.service for a in other}
    grants = (
        f"{_count(len(xray), 'X-Ray action')} and {_count(len(other), 'action')} in "
        f"{_count(len(services), 'other service')}"
    )
    named = {e.text.split(":", 1)[0].lower() for e in entries if e.known_service}
    intended = [a.full_name for a in granted if a.service in named]
    edit = None
    if intended:
        fix = f"list the {len(intended)} actions of {join_names(sorted(named))} it leaves in `Action` instead"
        op = ctx.doc.rename_element(i, "NotAction", "Action", intended)
        edit = ctx.doc.edit(fix, [op])
    else:
        fix = "list the actions the statement is meant to allow in `Action` instead"
    yield ctx.finding("XK401", ctx.doc.path(i, "NotAction"), edit=edit, grants=grants, fix=fix)


def _not_resource(ctx: LintContext, i: int) -> Finding:
    actions = ctx.actions(i)
    if actions is None:
        grants = "its actions, on every resource not listed, in every account"
    else:
        star = [a for a in actions if not a.resource_level]
        scoped = len(actions) - len(star)
        pieces = []
        if star:
            pieces.append(f"{_count(len(star), 'action')} that take only `*` everywhere")
        if scoped:
            pieces.append(f"{_count(scoped, 'action')} on every resource not listed, in every account")
        grants = " and ".join(pieces) or "nothing"
    return ctx.finding("XK402", ctx.doc.path(i, "NotResource"), grants=grants)


def _every_action(ctx: LintContext, i: int, j: int) -> Finding:
    actions = all_actions()
    services = len({a.service for a in actions})
    resources = ctx.statements[i].resource or ()
    scope = "" if "*" in resources or not resources else " on " + join_names(list(resources), "and")
    others = {
        e.text.split(":", 1)[0].lower()
        for k, _ in ctx.indexed()
        if k != i
        for e in ctx.entries(k)
        if e.text.strip("*")
    }
    edit = None
    if others == {"xray"}:
        fix = "replace `*` with `xray:*`: the rest of the policy is about X-Ray"
        edit = ctx.doc.edit(fix, [PatchOp("replace", ctx.doc.pointer(i, "Action", j), "xray:*")])
    else:
        fix = "list the actions the principal needs"
    return ctx.finding(
        "XK702",
        ctx.doc.path(i, "Action", j),
        edit=edit,
        fix=fix,
        count=f"{len(actions):,}",
        services=services,
        scope=scope,
    )


def _xray_star(ctx: LintContext, i: int, j: int, text: str) -> Finding:
    xray = catalog.actions("xray")
    sensitive = [
        a.full_name
        for a in xray
        if a.category in ("encryption", "resource-policies") and a.access_level not in ("Read", "List")
    ]
    statement = ctx.statements[i]
    denied: set[str] = set()
    for k, other in ctx.indexed():
        acts = ctx.actions(k)
        if other.effect == "Deny" and not other.condition and "*" in (other.resource or ()) and acts:
            denied |= {a.full_name for a in acts}
    edit = None
    hint = None
    if ctx.source in catalog.managed_policy_names():
        advice = "attach it only to principals that administer X-Ray"
        fix = advice
    elif statement.condition or statement.resource != ("*",) or not denied:
        advice = "list the actions the task needs, or attach `AWSXrayFullAccess` if it truly needs them all"
        fix = advice
        if not statement.condition and statement.resource == ("*",):
            hint = "`AWSXrayFullAccess` grants the same and follows X-Ray as AWS adds actions"
    else:
        left = [a.full_name for a in xray if a.full_name not in denied]
        same = [name for name, acts in managed_xray_actions().items() if acts == frozenset(left)]
        if same:
            advice = f"with the denies it allows exactly what `{same[0]}` allows: attach that instead"
        else:
            advice = f"the denies leave {len(left)}: list them instead"
        fix = f"replace `{text}` with the {len(left)} actions the denies leave"
        values = ctx.doc.values(i, "Action")
        values[j : j + 1] = left
        edit = ctx.doc.edit(fix, [PatchOp("replace", ctx.doc.pointer(i, "Action"), values)])
    return ctx.finding(
        "XK701",
        ctx.doc.path(i, "Action", j),
        edit=edit,
        hint=hint,
        pattern=text,
        count=len(xray),
        examples=join_names(sensitive),
        advice=advice,
        fix=fix,
    )
