"""Turn evaluation records into text (deterministic: for tests, nbval and the terminal) and HTML.

Only reads :mod:`xraykit.result` types; never decides anything. The sentences come from
``data/reasons.json`` through :func:`xraykit.result.reason_text`.
"""

from __future__ import annotations

import html
from typing import Any

from xraykit.result import (
    Check,
    ConditionCheck,
    Decision,
    Evaluation,
    PolicyTrace,
    StatementTrace,
    reason_text,
)

__all__ = [
    "check_text",
    "condition_text",
    "decision_summary",
    "evaluation_dict",
    "evaluation_html",
    "evaluation_text",
]

_MARK = {True: "✓", False: "✗"}
_COLOURS = {Decision.ALLOWED: "#1a7f37", Decision.EXPLICIT_DENY: "#cf222e", Decision.IMPLICIT_DENY: "#9a6700"}


def _values(values: tuple[str, ...] | None) -> str:
    if values is None:
        return "(absent)"
    if len(values) == 1:
        return f"`{values[0]}`"
    return "[" + ", ".join(f"`{v}`" for v in values) + "]"


def check_text(check: Check) -> str:
    """One element check as a sentence."""
    return reason_text(check.reason, **dict(check.values))


def condition_text(check: ConditionCheck) -> str:
    """One condition check as a sentence."""
    presence = "absent" if check.request_values is None else "present"
    return reason_text(
        check.reason,
        key=check.key,
        operator=check.operator,
        request=_values(check.request_values),
        policy=_values(check.policy_values),
        presence=presence,
        variable=check.variable or "",
    )


def decision_summary(evaluation: Evaluation) -> str:
    """One line: the decision and the rule that produced it."""
    layer = evaluation.decided_by or (evaluation.blocked_by[0] if evaluation.blocked_by else None)
    because = reason_text(evaluation.reason, layer=layer.value if layer else "policy")
    return f"{evaluation.decision.value}: {because}"


def _statement_lines(statement: StatementTrace, indent: str) -> list[str]:
    sid = f" (Sid `{statement.sid}`)" if statement.sid else ""
    verdict = "applies" if statement.applies else "does not apply"
    lines = [f"{indent}Statement[{statement.index}]{sid} {statement.effect}: {verdict}"]
    for check in statement.checks:
        lines.append(f"{indent}  {_MARK[check.matched]} {check.element}: {check_text(check)}")
    for cond in statement.conditions:
        lines.append(f"{indent}  {_MARK[cond.matched]} Condition {cond.operator}: {condition_text(cond)}")
    return lines


def _policy_heading(policy: PolicyTrace) -> str:
    level = f" (level {policy.level})" if policy.level is not None else ""
    return f"{policy.layer.value}{level} `{policy.name}`: {policy.outcome}"


def evaluation_text(evaluation: Evaluation, *, details: bool = True) -> str:
    """The evaluation as plain text: the request, the decision, and (with ``details``) every check."""
    request = evaluation.request
    lines = [
        f"{request.action} on {request.resource}",
        f"  by {request.principal}"
        + (f" (resource account {request.resource_account})" if request.resource_account else ""),
    ]
    if request.context:
        lines.append(
            "  context: "
            + ", ".join(f"{k}={_values(v if isinstance(v, tuple) else (v,))}" for k, v in request.context)
        )
    lines.append(f"Decision: {decision_summary(evaluation)}")
    if evaluation.decided_by:
        lines.append(f"Decided by: {evaluation.decided_by.value}")
    if evaluation.blocked_by:
        lines.append("Blocked by: " + ", ".join(layer.value for layer in evaluation.blocked_by))
    if evaluation.missing_keys:
        lines.append("Context keys looked for but absent: " + ", ".join(evaluation.missing_keys))
    lines += [f"Note: {note}" for note in evaluation.notes]
    if details:
        for policy in evaluation.policies:
            lines.append("")
            lines.append(_policy_heading(policy))
            for statement in policy.statements:
                lines += _statement_lines(statement, "  ")
    return "\n".join(lines)


def evaluation_dict(evaluation: Evaluation) -> dict[str, Any]:
    """A JSON-ready form of the evaluation (the CLI's ``--json``)."""
    return {
        "decision": evaluation.decision.value,
        "reason": evaluation.reason.value,
        "summary": decision_summary(evaluation),
        "decided_by": evaluation.decided_by.value if evaluation.decided_by else None,
        "blocked_by": [layer.value for layer in evaluation.blocked_by],
        "missing_context_keys": list(evaluation.missing_keys),
        "notes": list(evaluation.notes),
        "request": {
            "principal": evaluation.request.principal,
            "action": evaluation.request.action,
            "resource": evaluation.request.resource,
            "resource_account": evaluation.request.resource_account,
            "context": {k: list(v) if isinstance(v, tuple) else v for k, v in evaluation.request.context},
        },
        "policies": [
            {
                "layer": p.layer.value,
                "name": p.name,
                "outcome": p.outcome,
                "level": p.level,
                "statements": [
                    {
                        "index": s.index,
                        "sid": s.sid,
                        "effect": s.effect,
                        "applies": s.applies,
                        "checks": [
                            {
                                "element": c.element,
                                "matched": c.matched,
                                "reason": c.reason.value,
                                "text": check_text(c),
                                **dict(c.values),
                            }
                            for c in s.checks
                        ],
                        "conditions": [
                            {
                                "operator": c.operator,
                                "key": c.key,
                                "matched": c.matched,
                                "reason": c.reason.value,
                                "text": condition_text(c),
                                "policy_values": list(c.policy_values),
                                "request_values": None
                                if c.request_values is None
                                else list(c.request_values),
                                **({"variable": c.variable} if c.variable else {}),
                            }
                            for c in s.conditions
                        ],
                    }
                    for s in p.statements
                ],
            }
            for p in evaluation.policies
        ],
    }


def _code(text: str) -> str:
    """Escape text and turn `backticks` into <code>."""
    parts = html.escape(text).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))


def evaluation_html(evaluation: Evaluation) -> str:
    """The evaluation as an HTML fragment for notebooks (same content as :func:`evaluation_text`)."""
    colour = _COLOURS[evaluation.decision]
    request = evaluation.request
    out = [
        '<div class="xraykit-evaluation" style="font-family: sans-serif; line-height: 1.4">',
        f'<div><span class="xraykit-decision" style="background:{colour};color:white;padding:2px 8px;'
        f'border-radius:4px;font-weight:bold">{evaluation.decision.value}</span> '
        f"{_code(decision_summary(evaluation).split(': ', 1)[1])}</div>",
        f"<div><code>{html.escape(request.action)}</code> on <code>{html.escape(request.resource)}</code> "
        f"by <code>{html.escape(request.principal)}</code>"
        + (
            f" (resource account <code>{html.escape(request.resource_account)}</code>)"
            if request.resource_account
            else ""
        )
        + "</div>",
    ]
    if request.context:
        out.append(
            "<div>Context: "
            + ", ".join(
                f"<code>{html.escape(k)}</code>={_code(_values(v if isinstance(v, tuple) else (v,)))}"
                for k, v in request.context
            )
            + "</div>"
        )
    if evaluation.decided_by:
        out.append(f"<div>Decided by: {html.escape(evaluation.decided_by.value)}</div>")
    if evaluation.blocked_by:
        out.append(
            "<div>Blocked by: "
            + html.escape(", ".join(layer.value for layer in evaluation.blocked_by))
            + "</div>"
        )
    if evaluation.missing_keys:
        out.append(
            "<div>Context keys looked for but absent: "
            + ", ".join(f"<code>{html.escape(k)}</code>" for k in evaluation.missing_keys)
            + "</div>"
        )
    out += [f"<div><em>Note:</em> {_code(n)}</div>" for n in evaluation.notes]
    for policy in evaluation.policies:
        out.append(
            f"<details{' open' if policy.outcome != 'none' else ''}>"
            f"<summary>{_code(_policy_heading(policy))}</summary><ul>"
        )
        for statement in policy.statements:
            sid = f" (Sid <code>{html.escape(statement.sid)}</code>)" if statement.sid else ""
            verdict = "applies" if statement.applies else "does not apply"
            out.append(f"<li>Statement[{statement.index}]{sid} {statement.effect}: <b>{verdict}</b><ul>")
            for check in statement.checks:
                out.append(f"<li>{_MARK[check.matched]} {check.element}: {_code(check_text(check))}</li>")
            for cond in statement.conditions:
                out.append(
                    f"<li>{_MARK[cond.matched]} Condition {html.escape(cond.operator)}: "
                    f"{_code(condition_text(cond))}</li>"
                )
            out.append("</ul></li>")
        out.append("</ul></details>")
    out.append("</div>")
    return "\n".join(out)
