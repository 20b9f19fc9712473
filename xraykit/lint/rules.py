"""The lint rules as data: ``xraykit/data/lint/rules.json`` holds each rule's code, severity,
wording and documentation reference; this module loads it (once, on first use) and fills in the
``{placeholders}`` of a finding.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from xraykit.errors import Issue, XrayKitError, did_you_mean, json_type
from xraykit.lint.model import DocRef, Edit, Finding, Rule, Severity

__all__ = ["finding", "rule", "rules"]


@cache
def _load() -> dict[str, Rule]:
    data = json.loads(resources.files("xraykit.data").joinpath("lint/rules.json").read_text("utf-8"))
    out: dict[str, Rule] = {}
    for item in data["rules"]:
        doc = DocRef(item["doc"]["page"], item["doc"]["section"], item["doc"]["url"])
        out[item["code"]] = Rule(
            item["code"],
            item["name"],
            Severity(item["severity"]),
            item["title"],
            item["message"],
            item["why"],
            doc,
            item.get("fix"),
        )
    return out


def rules() -> tuple[Rule, ...]:
    """Every lint rule, in code order.

    Returns:
        The rules.
    """
    return tuple(_load()[code] for code in sorted(_load()))


def rule(code: str) -> Rule:
    """One rule by its code (``XK201``) or name (``arn-for-star-only-action``).

    Args:
        code: the code or the name.

    Returns:
        The :class:`Rule`.

    Raises:
        XrayKitError: for an unknown code, with the closest codes or names.
    """
    table = _load()
    if not isinstance(code, str):
        raise XrayKitError(
            Issue("rule", f"a rule is named by its code or name, not {json_type(code)}", "e.g. `XK201`")
        )
    found = table.get(code.upper()) or next((r for r in table.values() if r.name == code), None)
    if found is None:
        raise XrayKitError(
            Issue(
                "rule",
                f"unknown lint rule `{code}`",
                did_you_mean(code, [*table, *(r.name for r in table.values())]),
            )
        )
    return found


class _Keep(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fill(template: str, values: dict[str, Any]) -> str:
    return template.format_map(_Keep(values))


def finding(
    code: str,
    path: str,
    *,
    edit: Edit | None = None,
    hint: str | None = None,
    source: str | None = None,
    **values: Any,
) -> Finding:
    """A finding of rule ``code`` at ``path``, its sentences filled from ``values``.

    Args:
        code: the rule code.
        path: the JSON path of the offending element.
        edit: the suggested edit, if any.
        hint: a further suggestion.
        source: the policy's name.
        **values: the rule's placeholders.

    Returns:
        The :class:`Finding`.
    """
    found = rule(code)
    return Finding(found, path, _fill(found.message, values), _fill(found.why, values), hint, edit, source)
