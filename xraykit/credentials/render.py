"""Text and HTML views of a resolution and of a daemon verdict.

The text view is deterministic (golden tests and notebooks compare it); the HTML view shows the
same facts with the chain as a table, the winning source highlighted. Secrets arrive already
masked, and everything user-supplied is escaped.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from xraykit.credentials.resolution import Outcome, Resolution

if TYPE_CHECKING:  # pragma: no cover
    from xraykit.credentials.verdict import DaemonVerdict

__all__ = ["resolution_html", "resolution_text", "verdict_html", "verdict_text"]

_ROW_STYLE = {
    Outcome.WON: "background:#d9f2d9;font-weight:bold",
    Outcome.FAILED: "background:#f8d7da",
    Outcome.SKIPPED: "",
    Outcome.NOT_REACHED: "color:#888",
}


_MARK = {True: "allowed", False: "DENIED", None: "unknown"}


def _result_line(r: Resolution) -> str:
    if r.error:
        return f"error {r.error_code}: {r.error}"
    winner = r.winner
    return f"credentials from {r.method} ({winner.label})" if winner else "no credentials"


def _keys_line(r: Resolution) -> str | None:
    if r.access_key_id is None and r.secret_key is None:
        return None
    parts = [r.access_key_id or "(unknown key)"]
    if r.secret_key:
        parts.append(f"secret {r.secret_key}")
    if r.session_token:
        parts.append(f"token {r.session_token}")
    return " / ".join(parts)


def resolution_text(r: Resolution) -> str:
    """The plain-text view of a resolution."""
    lines = [f"{r.resolver}: {r.environment}", f"  result    {_result_line(r)}"]
    if r.identity.arn:
        lines.append(f"  identity  {r.identity.arn} ({r.identity.kind.value})")
    if r.identity.why:
        lines.append(f"            {r.identity.why}")
    keys = _keys_line(r)
    if keys:
        lines.append(f"  keys      {keys}")
    lines.append(f"  profile   {r.profile}: {r.profile_why}")
    lines.append(f"  region    {r.region or '(none)'}: {r.region_why}")
    if r.chain:
        lines.append("  assume-role chain")
        for n, step in enumerate(r.chain, 1):
            lines.append(f"    {n}. {step.role_arn} as `{step.session_name}`, called with {step.source}")
    lines.append("  sources tried, in order")
    width = max((len(a.provider) for a in r.attempts), default=10)
    for n, a in enumerate(r.attempts, 1):
        outcome = a.outcome.value.upper() if a.outcome in (Outcome.WON, Outcome.FAILED) else a.outcome.value
        why = "" if a.outcome is Outcome.NOT_REACHED else f"  {a.why}"
        lines.append(f"    {n:>2}. {a.provider:<{width}}  {outcome:<11}{why}".rstrip())
    if r.notes:
        lines.append("  notes")
        lines += [f"    - {note}" for note in r.notes]
    return "\n".join(lines)


def resolution_html(r: Resolution) -> str:
    """The HTML view of a resolution (a small card with the chain as a table)."""
    e = escape
    facts = [("result", _result_line(r))]
    if r.identity.arn:
        facts.append(("identity", f"{r.identity.arn} ({r.identity.kind.value})"))
    if r.identity.why:
        facts.append(("", r.identity.why))
    keys = _keys_line(r)
    if keys:
        facts.append(("keys", keys))
    facts += [
        ("profile", f"{r.profile}: {r.profile_why}"),
        ("region", f"{r.region or '(none)'}: {r.region_why}"),
    ]
    rows = "".join(f"<tr><th style='text-align:left'>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in facts)
    chain = ""
    if r.chain:
        items = "".join(
            f"<li><code>{e(s.role_arn)}</code> as <code>{e(s.session_name)}</code>, "
            f"called with {e(s.source)}</li>"
            for s in r.chain
        )
        chain = f"<p>assume-role chain</p><ol>{items}</ol>"
    body = "".join(
        f"<tr style='{_ROW_STYLE[a.outcome]}'><td>{n}</td><td><code>{e(a.provider)}</code></td>"
        f"<td>{e(a.label)}</td><td>{e(a.outcome.value)}</td>"
        f"<td>{'' if a.outcome is Outcome.NOT_REACHED else e(a.why)}</td></tr>"
        for n, a in enumerate(r.attempts, 1)
    )
    table = (
        "<table><thead><tr><th>#</th><th>source</th><th></th><th>outcome</th><th>why</th></tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )
    notes = "".join(f"<li>{e(note)}</li>" for note in r.notes)
    notes_html = f"<p>notes</p><ul>{notes}</ul>" if notes else ""
    return (
        f"<div class='xraykit-credentials'><h4>{e(r.resolver)}: {e(r.environment)}</h4>"
        f"<table>{rows}</table>{chain}{table}{notes_html}</div>"
    )


def verdict_text(v: DaemonVerdict) -> str:
    """The plain-text view of a daemon verdict."""
    who = v.principal or "(no identity)"
    lines = [f"daemon permissions for {who}: {v.summary}"]
    for check in v.checks:
        mark = _MARK[check.allowed]
        lines.append(f"  {check.action:<38} {mark:<8} {check.decision}".rstrip())
    return "\n".join(lines)


def verdict_html(v: DaemonVerdict) -> str:
    """The HTML view of a daemon verdict."""
    e = escape
    rows = "".join(
        f"<tr style='{'' if c.allowed else 'background:#f8d7da'}'><td><code>{e(c.action)}</code></td>"
        f"<td>{e(_MARK[c.allowed].lower())}</td><td>{e(c.decision)}</td></tr>"
        for c in v.checks
    )
    return (
        f"<div class='xraykit-daemon-verdict'><p>daemon permissions for <code>{e(v.principal or '')}</code>: "
        f"{e(v.summary)}</p><table>{rows}</table></div>"
    )
