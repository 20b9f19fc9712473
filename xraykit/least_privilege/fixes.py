"""The smallest edit that makes a policy fit a wanted verdict table.

``propose_edit(policy, {"xray:PutTraceSegments": "Allowed", "*": "denied"})`` says: the daemon may
upload and nothing else. The edit first removes or narrows what over-grants (an exact action is
dropped, a wildcard becomes the list of the actions it should still give, a ``NotAction`` list
grows), then lifts denies and adds allows for what is missing, and only if something is still
allowed that should not be (a ``*``, a condition it cannot narrow) adds a ``Deny``. Verdicts are
per action over the X-Ray domain: *Allowed* when some request of the action is allowed.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from xraykit import catalog
from xraykit.compare.domain import domain
from xraykit.engine import PolicySet
from xraykit.errors import Issue, XrayKitError, did_you_mean, json_type, load_json
from xraykit.lint.model import PatchOp
from xraykit.lint.patch import Document, apply_patch
from xraykit.policy import parse_policy
from xraykit.result import Decision
from xraykit.wildcards import has_wildcards

__all__ = ["Fix", "VerdictRow", "propose_edit"]

_WANTED = {
    "allowed": "Allowed",
    "denied": "denied",
    "explicitlydenied": "ExplicitlyDenied",
    "implicitlydenied": "ImplicitlyDenied",
}


def _colour(ok: bool) -> str:
    return "#1a7f37" if ok else "#cf222e"


def _fits(wanted: str | None, decision: Decision) -> bool:
    if wanted is None:
        return True
    if wanted == "denied":
        return not decision.allowed
    return decision.value == wanted


@dataclass(frozen=True, slots=True)
class VerdictRow:
    """One action: the verdict wanted, before the edit and after it."""

    action: str
    wanted: str | None
    before: Decision
    after: Decision
    named: bool = True  # False when the verdict wanted comes from the table's `*`

    @property
    def ok(self) -> bool:
        """Whether the verdict after the edit is the wanted one."""
        return _fits(self.wanted, self.after)


@dataclass(frozen=True)
class Fix:
    """A proposed edit of a policy and the verdicts it changes.

    Attributes:
        before: the policy as given.
        after: the policy after the edit.
        operations: JSON-Patch-like operations, applied in order.
        steps: one line per change, in words.
        rows: the verdicts of every action the table speaks about.
    """

    before: Any
    after: Any
    operations: tuple[PatchOp, ...]
    steps: tuple[str, ...]
    rows: tuple[VerdictRow, ...]

    @property
    def holds(self) -> bool:
        """Whether every verdict after the edit is the wanted one."""
        return all(r.ok for r in self.rows)

    @property
    def policy_text(self) -> str:
        """The edited policy as JSON text."""
        return json.dumps(self.after, indent=4)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "holds": self.holds,
            "steps": list(self.steps),
            "patch": [op.to_dict() for op in self.operations],
            "policy": self.after,
            "verdicts": [
                {"action": r.action, "wanted": r.wanted, "before": r.before.value, "after": r.after.value}
                for r in self.rows
            ],
        }

    def _shown(self) -> tuple[list[VerdictRow], list[tuple[str, int, str]]]:
        """The rows named in the table, and the others summed up as ``(change, count, examples)``."""
        shown = [r for r in self.rows if r.named]
        groups: dict[tuple[str, str, bool], list[str]] = {}
        for r in self.rows:
            if not r.named:
                groups.setdefault((r.before.value, r.after.value, r.ok), []).append(r.action)
        summed = []
        for (before, after, ok), names in groups.items():
            change = f"{before} → {after}" if before != after else f"{before}, unchanged"
            examples = ", ".join(names[:3]) + (", ..." if len(names) > 3 else "")
            summed.append((f"{change} {'✓' if ok else '✗'}", len(names), examples))
        return shown, summed

    def text(self) -> str:
        """The edit and the verdicts, as plain text."""
        lines = [
            "No edit needed: the policy already fits the table."
            if not self.steps
            else f"Edit ({len(self.operations)} operation{'s' if len(self.operations) != 1 else ''}):"
        ]
        lines += [f"  - {step}" for step in self.steps]
        shown, summed = self._shown()
        if shown:
            width = max(len(r.action) for r in shown)
            lines.append(f"  {'action':<{width}}  {'wanted':<16}  {'before':<16}  after")
            for r in shown:
                mark = "✓" if r.ok else "✗"
                lines.append(
                    f"  {r.action:<{width}}  {r.wanted or '(any)':<16}  {r.before.value:<16}  "
                    f"{r.after.value} {mark}"
                )
        for change, count, examples in summed:
            lines.append(f"  every other X-Ray action ({count}, e.g. {examples}): {change}")
        lines.append("The table holds after the edit." if self.holds else "The table still does not hold.")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        shown, summed = self._shown()
        rows = "".join(
            f"<tr><td><code>{html.escape(r.action)}</code></td><td>{html.escape(r.wanted or '(any)')}</td>"
            f"<td>{r.before.value}</td><td style='color:{_colour(r.ok)}'>{r.after.value}</td></tr>"
            for r in shown
        )
        rows += "".join(
            f"<tr><td colspan='2'>every other X-Ray action ({count}, e.g. {html.escape(examples)})</td>"
            f"<td colspan='2'>{html.escape(change)}</td></tr>"
            for change, count, examples in summed
        )
        steps = "".join(f"<li>{html.escape(s)}</li>" for s in self.steps)
        return (
            f"<div class='xraykit-fix'><ul>{steps}</ul><table><tr><th>action</th><th>wanted</th>"
            f"<th>before</th><th>after</th></tr>{rows}</table>"
            f"<pre>{html.escape(self.policy_text)}</pre></div>"
        )

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(self.text())


class _Editor:
    """The document being edited, its operations, and verdicts over the domain."""

    def __init__(self, document: Any, universe: tuple[catalog.Action, ...]) -> None:
        self.document = document
        self.universe = universe
        self.operations: list[PatchOp] = []
        self.steps: list[str] = []

    def apply(self, step: str, ops: list[PatchOp]) -> None:
        self.document = apply_patch(self.document, ops)
        self.operations += ops
        self.steps.append(step)

    def verdicts(self) -> dict[str, Decision]:
        policy = parse_policy(self.document)
        policies = PolicySet([policy])
        out: dict[str, Decision] = {}
        for request in domain([policy], actions=self.universe).requests:
            decision = policies.decide(request.action, request.resource, context=request.context_dict())
            before = out.get(request.action)
            if (
                before is None
                or decision.allowed
                or (decision is Decision.EXPLICIT_DENY and not before.allowed)
            ):
                out[request.action] = decision
        return out

    @property
    def doc(self) -> Document:
        return Document(self.document)

    def add_statement(self, effect: str, actions: list[str], sid: str) -> None:
        statement: dict[str, Any] = {
            "Effect": effect,
            "Action": actions if len(actions) > 1 else actions[0],
            "Resource": "*",
        }
        if any("Sid" in s for s in self.doc.statements):
            statement = {"Sid": sid, **statement}
        self.apply(
            f"add a statement: {effect} {', '.join(actions)} on `*`", [self.doc.add_statement(statement)]
        )

    def narrow(self, effect: str, unwanted: set[str]) -> None:
        """Remove or narrow the Action entries of ``effect`` statements that match ``unwanted``."""
        for i in reversed(range(len(self.doc.statements))):
            doc = self.doc
            raw = doc.statements[i]
            if raw.get("Effect") != effect:
                continue
            if "NotAction" in raw and effect == "Allow":
                excluded = {a.full_name for e in doc.values(i, "NotAction") for a in catalog.expand(e)}
                extra = sorted(unwanted - excluded)
                if extra:
                    self.apply(
                        f"exclude {', '.join(extra)} in Statement {i}'s NotAction",
                        [doc.set_values(i, "NotAction", [*doc.values(i, "NotAction"), *extra])],
                    )
                continue
            entries = doc.values(i, "Action")
            kept: list[str] = []
            changed: list[str] = []
            for entry in entries:
                if entry.strip("*") == "":
                    kept.append(entry)
                    continue
                matched = [a.full_name for a in _expand(entry)]
                if not set(matched) & unwanted:
                    kept.append(entry)
                elif has_wildcards(entry):
                    kept += [m for m in matched if m not in unwanted and m not in kept]
                    changed.append(f"narrow `{entry}`")
                else:
                    changed.append(f"remove `{entry}`")
            if not changed:
                continue
            where = f"Statement {i}"
            if not kept:
                self.apply(f"remove {where} (nothing wanted is left in it)", [doc.remove_statement(i)])
            else:
                self.apply(f"{', '.join(changed)} in {where}", [doc.set_values(i, "Action", kept)])


def _expand(entry: str) -> tuple[catalog.Action, ...]:
    try:
        return catalog.expand(entry)
    except XrayKitError:
        return ()


def _parse_table(wanted: Mapping[str, str]) -> tuple[dict[str, str], str | None]:
    table: dict[str, str] = {}
    default = None
    for key, value in wanted.items():
        verdict = _WANTED.get(str(value).replace(" ", "").replace("_", "").lower())
        if verdict is None:
            raise XrayKitError(
                Issue(
                    f"wanted.{key}",
                    f"`{value}` is not a verdict",
                    did_you_mean(str(value), list(_WANTED.values()))
                    or "use `Allowed`, `denied`, `ExplicitlyDenied` or `ImplicitlyDenied`",
                )
            )
        if key == "*":
            default = verdict
        else:
            table[catalog.action(key, path=f"wanted.{key}").full_name] = verdict
    return table, default


def propose_edit(policy: Any, wanted: Mapping[str, str]) -> Fix:
    """The smallest edit that makes ``policy`` give the ``wanted`` verdicts.

    Args:
        policy: a policy document, JSON text or a managed policy name (edited as a copy).
        wanted: action -> ``Allowed``, ``denied`` (either kind), ``ExplicitlyDenied`` or
            ``ImplicitlyDenied``; the key ``*`` stands for every other X-Ray action. Actions the
            table does not name (without ``*``) may have any verdict.

    Returns:
        The :class:`Fix`: operations, edited policy, verdicts before and after.

    Raises:
        XrayKitError: for an invalid policy, an unknown action or verdict.
    """
    if isinstance(policy, bytes):
        policy = policy.decode("utf-8", errors="replace")
    if isinstance(policy, str):
        text = policy.strip()
        document = load_json(policy) if text.startswith("{") else catalog.managed_policy(text)
    elif isinstance(policy, Mapping) or hasattr(policy, "document"):
        document = json.loads(json.dumps(policy if not hasattr(policy, "document") else policy.document))
    else:
        raise XrayKitError(
            Issue(
                "policy",
                f"a policy is a document, JSON text or a managed policy name, not {json_type(policy)}",
            )
        )
    parse_policy(document)
    table, default = _parse_table(wanted)
    universe = tuple(dict.fromkeys([*catalog.actions("xray"), *(catalog.action(a) for a in table)]))

    def want(action: str) -> str | None:
        return table.get(action, default if action.startswith("xray:") else None)

    editor = _Editor(document, universe)
    before = editor.verdicts()
    # a Deny added at the end is all an action wanted ExplicitlyDenied needs
    over = {a for a, d in before.items() if want(a) in ("denied", "ImplicitlyDenied") and d.allowed}
    if over:
        editor.narrow("Allow", over)
    lift = {
        a
        for a, d in before.items()
        if want(a) in ("Allowed", "ImplicitlyDenied") and d is Decision.EXPLICIT_DENY
    }
    if lift:
        editor.narrow("Deny", lift)
    now = editor.verdicts()
    missing = sorted(a for a, d in now.items() if want(a) == "Allowed" and not d.allowed)
    if missing:
        _grant(editor, missing)
    now = editor.verdicts()
    deny = sorted(
        a
        for a, d in now.items()
        if (d.allowed and want(a) in ("denied", "ExplicitlyDenied"))
        or (want(a) == "ExplicitlyDenied" and d is not Decision.EXPLICIT_DENY)
    )
    if deny:
        editor.add_statement("Deny", deny, "DenyOutsideTheTable")
    after = editor.verdicts()
    rows = tuple(
        VerdictRow(
            a.full_name, want(a.full_name), before[a.full_name], after[a.full_name], a.full_name in table
        )
        for a in universe
        if want(a.full_name) is not None
    )
    return Fix(document, editor.document, tuple(editor.operations), tuple(editor.steps), rows)


def _grant(editor: _Editor, actions: list[str]) -> None:
    """Add ``actions`` to an Allow statement on ``*`` without conditions, or add one."""
    doc = editor.doc
    for i, raw in enumerate(doc.statements):
        if (
            raw.get("Effect") == "Allow"
            and "Action" in raw
            and "Condition" not in raw
            and doc.values(i, "Resource") == ["*"]
        ):
            values = doc.values(i, "Action")
            editor.apply(
                f"allow {', '.join(actions)} in Statement {i}",
                [PatchOp("replace", doc.pointer(i, "Action"), [*values, *actions])],
            )
            return
    editor.add_statement("Allow", actions, "AllowWanted")
