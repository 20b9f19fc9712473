"""Findings as plain text (deterministic: for the terminal, tests and nbval) and as HTML."""

from __future__ import annotations

import html
import re

from xraykit.lint.model import Finding, Findings, Severity

__all__ = ["finding_text", "findings_html", "findings_text", "summary"]

_COLOURS = {
    Severity.ERROR: "#cf222e",
    Severity.SECURITY_WARNING: "#bc4c00",
    Severity.WARNING: "#9a6700",
    Severity.SUGGESTION: "#0969da",
}


def summary(findings: Findings) -> str:
    """``3 findings: 1 error, 2 suggestions`` (or ``no findings``).

    Args:
        findings: the findings.

    Returns:
        One line.
    """
    if not findings:
        return "no findings"
    counts = [(s, n) for s, n in findings.counts().items() if n]
    parts = [f"{n} {s.value}{'' if n == 1 else 's'}" for s, n in counts]
    total = len(findings)
    return f"{total} finding{'' if total == 1 else 's'}: " + ", ".join(parts)


def finding_text(finding: Finding, *, details: bool = True) -> str:
    """One finding: a headline, and with ``details`` the rule, the fix and the edit.

    Args:
        finding: the finding.
        details: add the hint, the explanation, the rule and the edit.

    Returns:
        The text (one line without details).
    """
    lines = [str(finding)]
    if not details:
        return lines[0]
    if finding.hint:
        lines.append(f"    hint: {finding.hint}")
    lines.append(f"    why: {finding.why}")
    lines.append(f"    rule: {finding.rule.name} ({finding.rule.doc})")
    if finding.edit is not None:
        lines.append(f"    fix: {finding.edit.description}")
        lines += [f"      {op}" for op in finding.edit.operations]
    return "\n".join(lines)


def findings_text(findings: Findings, *, details: bool = True) -> str:
    """Every finding as text, headed by the policy name and a count.

    Args:
        findings: the findings.
        details: as for :func:`finding_text`.

    Returns:
        The text, deterministic for the same findings.
    """
    head = f"{findings.source}: {summary(findings)}" if findings.source else summary(findings)
    return "\n".join([head, *(finding_text(f, details=details) for f in findings)])


def _code(text: str) -> str:
    """Escape, then show `backticked` text as code."""
    return re.sub(r"`([^`]*)`", r"<code>\1</code>", html.escape(text))


def findings_html(findings: Findings) -> str:
    """The findings as an HTML table, each with its rule, documentation link and fix.

    Args:
        findings: the findings.

    Returns:
        An HTML fragment.
    """
    head = html.escape(findings.source + ": " if findings.source else "") + html.escape(summary(findings))
    rows = []
    for f in findings:
        colour = _COLOURS[f.severity]
        fix = ""
        if f.edit is not None:
            ops = html.escape("\n".join(str(op) for op in f.edit.operations))
            fix = (
                f"<details><summary>fix: {_code(f.edit.description)}</summary><pre>{ops}</pre>"
                f"<pre>{html.escape(f.edit.policy_text)}</pre></details>"
            )
        hint = f"<br><i>{_code(f.hint)}</i>" if f.hint else ""
        severity = f"<b>{html.escape(f.severity.value)}</b><br>{f.code}"
        link = f"<a href='{html.escape(f.rule.doc.url)}' target='_blank'>{html.escape(str(f.rule.doc))}</a>"
        rows.append(
            f"<tr><td style='color:{colour};white-space:nowrap'>{severity}</td>"
            f"<td><code>{html.escape(f.path or '(policy)')}</code></td>"
            f"<td>{_code(f.message)}{hint}<br><small>{_code(f.why)} — {link}</small>{fix}</td></tr>"
        )
    table = (
        ("<table><tr><th>severity</th><th>where</th><th>finding</th></tr>" + "".join(rows) + "</table>")
        if rows
        else ""
    )
    return f"<div class='xraykit-lint'><p><b>{head}</b></p>{table}</div>"
