"""Lint by evaluation: statements proven redundant or inert with the engine, and tag-based denies
that tagging actions get around (XK403, XK601–XK603).

These checks do not reason about the policy text; they build the statement's domain (its actions,
the resources they can name, the condition situations of the policy: :func:`xraykit.compare.domain`)
and decide every request of it as the domain does (:class:`~xraykit.compare.domain.Decider`).

Taught in ``notebooks/03_tags.ipynb`` (the untag-then-delete trap).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from xraykit import catalog
from xraykit.compare.domain import OTHER, Decider, DomainBuilder, DomainRequest, resources_for
from xraykit.errors import XrayKitError
from xraykit.lint.context import LintContext
from xraykit.lint.model import Finding
from xraykit.operators import parse_operator
from xraykit.policy import Statement
from xraykit.result import Decision

__all__ = ["check_semantics"]

_ALLOW_ALL = {"Effect": "Allow", "Action": "*", "Resource": "*"}


class _Judge:
    """Decides requests against the whole policy, parts of it, or one statement."""

    def __init__(self, ctx: LintContext) -> None:
        self.ctx = ctx
        self.version = ctx.policy.version
        self._deciders: dict[tuple[tuple[int, ...], bool], Decider] = {}

    def _document(self, statements: list[Any]) -> dict[str, Any]:
        out: dict[str, Any] = {} if self.version is None else {"Version": self.version}
        out["Statement"] = statements
        return out

    def decider(self, indices: tuple[int, ...], with_allow_all: bool) -> Decider:
        """The statements ``indices`` as one policy (after an allow of everything, if asked)."""
        found = self._deciders.get((indices, with_allow_all))
        if found is None:
            raw = [dict(self.ctx.doc.statements[i]) for i in indices]
            if with_allow_all:
                raw.insert(0, dict(_ALLOW_ALL))
            found = self._deciders[indices, with_allow_all] = Decider([self._document(raw)] if raw else [])
        return found

    def decide(
        self, indices: tuple[int, ...], request: DomainRequest, with_allow_all: bool = False
    ) -> Decision:
        # the statements' own verdict: as the domain decides (the resource in the caller's account)
        return self.decider(indices, with_allow_all).request(request)

    def applies(self, i: int, request: DomainRequest) -> bool:
        """Whether statement ``i`` on its own applies to the request."""
        if self.ctx.statements[i].effect == "Allow":
            return self.decide((i,), request) is Decision.ALLOWED
        return self.decide((i,), request, with_allow_all=True) is Decision.EXPLICIT_DENY

    def allowed(self, request: DomainRequest) -> bool:
        return self.decide(tuple(range(len(self.ctx.statements))), request) is Decision.ALLOWED


def _domain_actions(ctx: LintContext, i: int) -> tuple[catalog.Action, ...]:
    listed = ctx.actions(i)
    if listed is not None:
        return listed
    xray = catalog.actions("xray")
    statement = ctx.statements[i]
    if statement.action is None:  # NotAction: the X-Ray actions it leaves
        excluded = {a.full_name for e in ctx.entries(i) for a in e.actions}
        return tuple(a for a in xray if a.full_name not in excluded)
    found: dict[str, catalog.Action] = {}
    for entry in ctx.entries(i):
        if entry.text.strip("*") == "":
            found.update((a.full_name, a) for a in xray)
        else:
            found.update((a.full_name, a) for a in entry.actions)
    return tuple(found.values())


def check_semantics(ctx: LintContext) -> Iterator[Finding]:
    """Findings that need the engine.

    Args:
        ctx: the policy under review (skipped for policies that name principals).

    Yields:
        XK602/XK603 (a statement that never applies), XK601 (a redundant statement) and XK403
        (a tag-based deny that tagging actions get around).
    """
    if ctx.policy.kind.names_principal or not ctx.statements:
        return
    judge = _Judge(ctx)
    spaces: dict[int, tuple[DomainRequest, ...]] = {}
    inert: set[int] = set()
    builder: DomainBuilder | None = None  # the policy's domain, made once, each action's part once
    for i, statement in ctx.indexed():
        actions = _domain_actions(ctx, i)
        try:
            if actions:
                builder = builder or DomainBuilder([ctx.policy])
                spaces[i] = builder.requests(actions)
            else:
                spaces[i] = ()
            # a real request for an action with resource-level permissions names an ARN
            scoped = {a.full_name for a in actions if a.resource_level}
            never = not any(
                judge.applies(i, r) for r in spaces[i] if r.resource != "*" or r.action not in scoped
            )
        except XrayKitError:
            continue
        if never:
            inert.add(i)
            because = _because(statement, actions)
            code = "XK602" if statement.is_deny else "XK603"
            yield ctx.finding(code, ctx.doc.statement_path(i), because=because)
    yield from _redundant(ctx, judge, spaces, inert)
    for i, statement in ctx.indexed():
        if statement.is_deny and i not in inert:
            try:
                yield from _tag_bypass(ctx, judge, i)
            except XrayKitError:
                continue


def _because(statement: Statement, actions: tuple[catalog.Action, ...]) -> str:
    """Why a statement never applies, where one cause is plain to see."""
    if not actions:
        return " (none of its actions exists)"
    unknown = [
        key for _, keys in statement.condition for key, _ in keys if catalog.find_condition_key(key) is None
    ]
    if unknown:
        return f" (no request carries `{unknown[0]}`)"
    return ""


def _label(ctx: LintContext, k: int) -> str:
    sid = ctx.statements[k].sid
    return f"`{ctx.doc.statement_path(k)}`" + (f" (Sid `{sid}`)" if sid else "")


def _redundant(
    ctx: LintContext, judge: _Judge, spaces: Mapping[int, tuple[DomainRequest, ...]], inert: set[int]
) -> Iterator[Finding]:
    active = [i for i in range(len(ctx.statements)) if i not in inert]
    if len(active) < 2:
        return
    for i in reversed(list(active)):
        if i not in spaces or len(active) < 2:
            continue
        rest = tuple(k for k in active if k != i)
        whole = tuple(active)
        requests = spaces[i]
        try:
            if any(judge.decide(whole, r) is not judge.decide(rest, r) for r in requests):
                continue
            touched = [r for r in requests if judge.applies(i, r)]
            effect = ctx.statements[i].effect
            cover = next(
                (
                    k
                    for k in rest
                    if ctx.statements[k].effect == effect and all(judge.applies(k, r) for r in touched)
                ),
                None,
            )
        except XrayKitError:
            continue
        verb = "allows" if effect == "Allow" else "denies"
        by = (
            f"{_label(ctx, cover)} already {verb} every request it {verb}"
            if cover is not None
            else "the other statements already decide every request it applies to"
        )
        edit = ctx.doc.edit("remove the statement", [ctx.doc.remove_statement(i)])
        yield ctx.finding("XK601", ctx.doc.statement_path(i), edit=edit, by=by)
        active.remove(i)


def _title(key: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in re.split(r"[^0-9A-Za-z]+", key) if p)


def _tag_bypass(ctx: LintContext, judge: _Judge, d: int) -> Iterator[Finding]:
    statement = ctx.statements[d]
    actions = [a for a in (ctx.actions(d) or ()) if a.resource_level]
    if not actions:
        return
    patterns = list(statement.resource or ())
    for operator, keys in statement.condition:
        spec = parse_operator(operator)
        if spec.negated or spec.family != "String" or spec.qualifier is not None:
            continue
        for key, values in keys:
            lower = key.lower()
            tag = key.split("/", 1)[1] if "/" in key else ""
            value = values[0].replace("*", "x").replace("?", "x") if values else ""
            if lower.startswith("aws:resourcetag/"):
                found = _after_untag(judge, actions, patterns, key, tag, value)
                extra = {
                    "Effect": "Deny",
                    "Action": ["xray:TagResource", "xray:UntagResource"],
                    "Resource": "*",
                    "Condition": {operator: {key: list(values) if len(values) > 1 else values[0]}},
                }
                sid = f"Deny{_title(tag)}TagChanges"
            elif lower.startswith("aws:requesttag/"):
                found = _after_create(judge, actions, patterns, tag, value)
                extra = {
                    "Effect": "Deny",
                    "Action": "xray:TagResource",
                    "Resource": "*",
                    "Condition": {operator: {key: list(values) if len(values) > 1 else values[0]}},
                }
                sid = f"DenyAdding{_title(tag)}Tag"
            else:
                continue
            if found is None:
                continue
            if any(s.sid for s in ctx.statements):
                extra = {"Sid": sid, **extra}
            fix = (
                "deny `xray:TagResource` and `xray:UntagResource` on resources with those tags"
                if "Untag" in str(extra["Action"])
                else "deny `xray:TagResource` when the request adds those tags"
            )
            edit = ctx.doc.edit(fix, [ctx.doc.add_statement(extra)])
            yield ctx.finding(
                "XK403", ctx.doc.condition_path(d, operator, key), edit=edit, how=found, fix=fix
            )


def _kind(arn: str) -> str:
    kind = catalog.resource_type_of(arn)
    return kind.name if kind else "resource"


def _after_untag(
    judge: _Judge, actions: list[catalog.Action], patterns: list[str], key: str, tag: str, value: str
) -> str | None:
    """How to escape a ResourceTag deny: untag (or retag) first, then act; None if not possible."""
    untag, retag = catalog.action("xray:UntagResource"), catalog.action("xray:TagResource")
    for act in actions:
        for arn in resources_for(act, patterns)[1:]:
            after = DomainRequest(act.full_name, arn)
            if not judge.allowed(after):
                continue
            tagged = ((key, value),)
            if judge.allowed(DomainRequest(untag.full_name, arn, (*tagged, ("aws:TagKeys", (tag,))))):
                return f"`xray:UntagResource` can remove `{tag}` from {_a(_kind(arn))} tagged `{tag}={value}`"
            request = (*tagged, (f"aws:RequestTag/{tag}", OTHER), ("aws:TagKeys", (tag,)))
            if judge.allowed(DomainRequest(retag.full_name, arn, request)):
                return f"`xray:TagResource` can change `{tag}` on {_a(_kind(arn))} tagged `{tag}={value}`"
    return None


def _after_create(
    judge: _Judge, actions: list[catalog.Action], patterns: list[str], tag: str, value: str
) -> str | None:
    """How to escape a RequestTag deny on creation: create untagged, then add the tag."""
    retag = catalog.action("xray:TagResource")
    for act in actions:
        if not act.name.startswith("Create"):
            continue
        for arn in resources_for(act, patterns)[1:]:
            if not judge.allowed(DomainRequest(act.full_name, arn)):
                continue
            request = ((f"aws:RequestTag/{tag}", value), ("aws:TagKeys", (tag,)))
            if judge.allowed(DomainRequest(retag.full_name, arn, request)):
                kind = _kind(arn)
                return f"`xray:TagResource` can add `{tag}={value}` to {_a(kind)} created without it"
    return None


def _a(word: str) -> str:
    return ("an " if word[:1] in "aeiou" else "a ") + word
