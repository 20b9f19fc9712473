"""What a call to the account model records, and how it reads (text twin and HTML).

A :class:`CallRecord` holds the authorization requests an X-Ray API call makes (often one; with
a KMS key, X-Ray also asks KMS on the caller's behalf), their evaluations, the decision of the
whole call, and what the call changed. A :class:`CallLog` is a sequence of calls, stepped through
in order, with the tag keys in play at each step (the tag lifecycle).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from xraykit.result import Decision, Evaluation

__all__ = ["AuthRequest", "CallLog", "CallRecord", "Change", "combine", "context_text"]

_COLOURS = {Decision.ALLOWED: "#1a7f37", Decision.EXPLICIT_DENY: "#cf222e", Decision.IMPLICIT_DENY: "#9a6700"}
# keys every request carries; the record's text leaves them to the evaluation's trace
_ROUTINE = (
    "aws:currenttime",
    "aws:epochtime",
    "aws:securetransport",
    "aws:requestedregion",
    "aws:principalisawsservice",
    "aws:username",
    "aws:userid",
    "aws:principalarn",
    "aws:principalaccount",
    "aws:principaltype",
    "aws:tokenissuetime",
    "aws:resourceaccount",
    "aws:viaawsservice",
    "aws:sourceip",
)


def _value_text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


def context_text(context: Mapping[str, Any], *, routine: bool = False) -> str:
    """Context keys as ``key=value`` pairs, sorted; routine keys left out unless asked for."""
    items = sorted(context.items(), key=lambda kv: kv[0].lower())
    shown = [f"{k}={_value_text(v)}" for k, v in items if routine or k.lower() not in _ROUTINE]
    return "  ".join(shown)


def combine(decisions: list[Decision]) -> Decision:
    """The decision of several requests taken together: any explicit deny, else any implicit deny."""
    if Decision.EXPLICIT_DENY in decisions:
        return Decision.EXPLICIT_DENY
    if Decision.IMPLICIT_DENY in decisions:
        return Decision.IMPLICIT_DENY
    return Decision.ALLOWED


@dataclass(frozen=True, slots=True)
class AuthRequest:
    """One authorization request a call makes.

    Attributes:
        action: e.g. ``xray:CreateGroup`` or ``kms:CreateGrant``.
        resource: the resource ARN, or ``*`` for actions without resource-level permissions.
        context: every condition key and value, as AWS would put it in the request.
        resource_account: the account owning the resource.
        purpose: why the request is made (``the call itself``, ``X-Ray creates a grant ...``).
        key: the KMS key ARN whose key policy takes part, if any.
    """

    action: str
    resource: str
    context: Mapping[str, Any]
    resource_account: str
    purpose: str = "the call itself"
    key: str | None = None

    def tag_keys_in_play(self) -> dict[str, tuple[str, ...]]:
        """The tag-related keys: request tags, ``aws:TagKeys``, resource tags (each sorted)."""
        out: dict[str, list[str]] = {"request tags": [], "aws:TagKeys": [], "resource tags": []}
        for key, value in self.context.items():
            lower = key.lower()
            if lower.startswith("aws:requesttag/"):
                out["request tags"].append(f"{key.split('/', 1)[1]}={value}")
            elif lower.startswith("aws:resourcetag/"):
                out["resource tags"].append(f"{key.split('/', 1)[1]}={value}")
            elif lower == "aws:tagkeys":
                out["aws:TagKeys"].extend(value)
        return {k: tuple(sorted(v)) for k, v in out.items()}


@dataclass(frozen=True, slots=True)
class Change:
    """One change an allowed call made to the account."""

    kind: str  # created, updated, deleted, tagged, untagged, configured, granted
    target: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.kind} {self.target}" + (f": {self.detail}" if self.detail else "")


@dataclass(frozen=True, slots=True)
class CallRecord:
    """One X-Ray API call made as a principal: requests, evaluations, decision, changes.

    Attributes:
        principal: the caller as the account names it.
        principal_arn: the request principal.
        operation: the API operation.
        parameters: the parameters as given.
        requests: the authorization requests, in the order AWS makes them.
        evaluations: one per request.
        decision: the decision of the call (``None`` when a service error stopped it first).
        changes: what the call changed (nothing when denied).
        error: the service's error message, when the call was allowed but failed, or failed
            before authorization (an unknown group).
        target: the resource the call acts on (``group prod``), if any.
        tags_after: that resource's tags after the call.
        notes: further facts (X-Ray cannot use the key, ...).
    """

    principal: str
    principal_arn: str
    operation: str
    parameters: Mapping[str, Any]
    requests: tuple[AuthRequest, ...]
    evaluations: tuple[Evaluation, ...]
    decision: Decision | None
    changes: tuple[Change, ...] = ()
    error: str | None = None
    target: str | None = None
    tags_after: Mapping[str, str] | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def allowed(self) -> bool:
        """True when every request was allowed (the call was authorized)."""
        return self.decision is Decision.ALLOWED

    @property
    def succeeded(self) -> bool:
        """True when the call was authorized and the service did not refuse it."""
        return self.allowed and self.error is None

    @property
    def failed(self) -> int | None:
        """The index of the first request that was not allowed, if any."""
        for i, evaluation in enumerate(self.evaluations):
            if not evaluation.allowed:
                return i
        return None

    @property
    def failing_request(self) -> AuthRequest | None:
        """The first request that was not allowed, if any."""
        index = self.failed
        return None if index is None else self.requests[index]

    def tag_keys_in_play(self) -> dict[str, tuple[str, ...]]:
        """The tag keys of the call's own request (its first)."""
        if not self.requests:
            return {"request tags": (), "aws:TagKeys": (), "resource tags": ()}
        return self.requests[0].tag_keys_in_play()

    def summary(self) -> str:
        """One line: ``alice: CreateGroup → Allowed``."""
        outcome = self.decision.value if self.decision is not None else "not authorized (service error)"
        if self.decision is Decision.ALLOWED and self.error:
            outcome += ", then refused by the service"
        return f"{self.principal}: {self.operation} → {outcome}"

    def __str__(self) -> str:
        from xraykit.render import decision_summary

        lines = [self.summary()]
        for i, (request, evaluation) in enumerate(zip(self.requests, self.evaluations, strict=True), 1):
            lines.append(f"  {i}. {request.action} on {request.resource}: {decision_summary(evaluation)}")
            lines.append(f"     why asked: {request.purpose}")
            shown = context_text(request.context)
            if shown:
                lines.append(f"     context: {shown}")
        if self.error:
            lines.append(f"  error: {self.error}")
        if self.decision is not None and not self.allowed:
            lines.append("  changed: nothing (a denied call changes nothing)")
        elif self.changes:
            lines += [f"  changed: {c}" for c in self.changes]
        elif self.decision is not None:
            lines.append("  changed: nothing")
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        colour = _COLOURS.get(self.decision, "#57606a") if self.decision is not None else "#57606a"
        label = self.decision.value if self.decision is not None else "service error"
        out = [
            f'<div class="xraykit-call"><div><b>{html.escape(self.principal)}</b> calls '
            f'<code>{html.escape(self.operation)}</code> <span style="background:{colour};color:white;'
            f'padding:2px 8px;border-radius:4px">{html.escape(label)}</span></div><ol>'
        ]
        for request, evaluation in zip(self.requests, self.evaluations, strict=True):
            action, resource = html.escape(request.action), html.escape(request.resource)
            out.append(
                f"<li><code>{action}</code> on <code>{resource}</code> ({html.escape(request.purpose)})"
                f"<br><small>{html.escape(context_text(request.context))}</small>"
                f"<details><summary>{evaluation.decision.value}: why</summary>"
                f"{evaluation._repr_html_()}</details></li>"
            )
        out.append("</ol>")
        if self.error:
            out.append(f"<div>error: {html.escape(self.error)}</div>")
        changes = [str(c) for c in self.changes] if self.allowed else []
        out.append("<div>changed: " + (html.escape("; ".join(changes)) if changes else "nothing") + "</div>")
        out += [f"<div><em>note:</em> {html.escape(n)}</div>" for n in self.notes]
        out.append("</div>")
        return "\n".join(out)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "principal": self.principal,
            "principal_arn": self.principal_arn,
            "operation": self.operation,
            "decision": None if self.decision is None else self.decision.value,
            "requests": [
                {
                    "action": r.action,
                    "resource": r.resource,
                    "purpose": r.purpose,
                    "context": {
                        k: list(v) if isinstance(v, tuple | list) else v for k, v in sorted(r.context.items())
                    },
                    "decision": e.decision.value,
                    "reason": e.reason.value,
                }
                for r, e in zip(self.requests, self.evaluations, strict=True)
            ],
            "changes": [str(c) for c in self.changes],
            "error": self.error,
            "tags_after": None if self.tags_after is None else dict(self.tags_after),
            "notes": list(self.notes),
        }


@dataclass(frozen=True, slots=True)
class CallLog:
    """Calls stepped through in order; each saw the account as the calls before it left it."""

    records: tuple[CallRecord, ...]

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, index: int) -> CallRecord:
        return self.records[index]

    def timeline(self) -> list[dict[str, Any]]:
        """One row per step: the data a tag-lifecycle figure needs.

        Returns:
            Rows with ``step``, ``principal``, ``operation``, ``target``, ``decision``,
            ``request tags``, ``aws:TagKeys``, ``resource tags`` and ``tags after``.
        """
        rows = []
        for i, record in enumerate(self.records, 1):
            row: dict[str, Any] = {
                "step": i,
                "principal": record.principal,
                "operation": record.operation,
                "target": record.target,
                "decision": None if record.decision is None else record.decision.value,
            }
            row.update(record.tag_keys_in_play())
            row["tags after"] = None if record.tags_after is None else dict(sorted(record.tags_after.items()))
            row["error"] = record.error
            rows.append(row)
        return rows

    def __str__(self) -> str:
        lines = []
        for row in self.timeline():
            keys = "  ".join(
                f"{k}: {', '.join(row[k]) or '-'}" for k in ("request tags", "aws:TagKeys", "resource tags")
            )
            after = (
                ""
                if row["tags after"] is None
                else "  after: {" + ", ".join(f"{k}={v}" for k, v in row["tags after"].items()) + "}"
            )
            err = f"  error: {row['error']}" if row["error"] else ""
            lines.append(
                f"{row['step']}. {row['principal']}: {row['operation']} {row['target'] or ''} → "
                f"{row['decision'] or 'service error'}\n   {keys}{after}{err}"
            )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = "".join(
            f"<th>{h}</th>"
            for h in (
                "step",
                "principal",
                "operation",
                "target",
                "decision",
                "request tags",
                "aws:TagKeys",
                "resource tags",
                "tags after",
            )
        )
        rows = []
        for row in self.timeline():
            colour = {"Allowed": "#1a7f37", "ExplicitlyDenied": "#cf222e", "ImplicitlyDenied": "#9a6700"}.get(
                row["decision"] or "", "#57606a"
            )
            after = (
                ""
                if row["tags after"] is None
                else ", ".join(f"{k}={v}" for k, v in row["tags after"].items())
            )
            cells = [str(row["step"]), row["principal"], row["operation"], row["target"] or ""]
            rows.append(
                "<tr>"
                + "".join(f"<td>{html.escape(c)}</td>" for c in cells)
                + f'<td style="color:{colour}">{html.escape(row["decision"] or "service error")}</td>'
                + "".join(
                    f"<td>{html.escape(', '.join(row[k]))}</td>"
                    for k in ("request tags", "aws:TagKeys", "resource tags")
                )
                + f"<td>{html.escape(after)}</td></tr>"
            )
        return f"<table><tr>{head}</tr>{''.join(rows)}</table>"
