"""Run every lint check over one policy and collect the findings."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from typing import Any

from xraykit import catalog
from xraykit.errors import XrayKitError, load_json
from xraykit.grammar import policy_kind
from xraykit.lint.actions import check_actions
from xraykit.lint.breadth import check_breadth
from xraykit.lint.conditions import check_conditions
from xraykit.lint.context import LintContext
from xraykit.lint.model import Finding, Findings
from xraykit.lint.resources import check_resources
from xraykit.lint.rules import finding, rule
from xraykit.lint.semantics import check_semantics
from xraykit.lint.versions import check_version
from xraykit.policy import Policy, PolicyKind, parse_policy

__all__ = ["CHECKS", "lint"]

#: The checks, in the order they run (the findings are sorted afterwards).
CHECKS: tuple[Callable[[LintContext], Iterator[Finding]], ...] = (
    check_version,
    check_actions,
    check_resources,
    check_conditions,
    check_breadth,
    check_semantics,
)


def _document(policy: Policy | Mapping[str, Any] | str | bytes, source: str | None) -> tuple[Any, str | None]:
    """The raw document and a name for it; a managed policy name is looked up."""
    if isinstance(policy, Policy):
        return policy.document, source or policy.name
    if isinstance(policy, bytes):
        policy = policy.decode("utf-8", errors="replace")
    if isinstance(policy, str):
        text = policy.strip()
        if text and not text.startswith(("{", "[")):
            return catalog.managed_policy(text), source or text
        return load_json(policy, source), source
    return policy, source


def lint(
    policy: Policy | Mapping[str, Any] | str | bytes,
    kind: PolicyKind | str = PolicyKind.IDENTITY,
    *,
    source: str | None = None,
    select: Iterable[str] | None = None,
    ignore: Collection[str] = (),
) -> Findings:
    """Everything worth knowing about what a policy really does.

    ``lint({"Version": "2012-10-17", "Statement": [...]})``, ``lint(json_text)`` or
    ``lint("AWSXrayFullAccess")``.

    Args:
        policy: a document, JSON text, a managed policy name or a :class:`Policy`.
        kind: where the policy is attached.
        source: a name for the policy in messages (a file name).
        select: only these rule codes (default: all).
        ignore: rule codes to leave out.

    Returns:
        The :class:`Findings`, in policy order. A document the validator rejects gives one XK001
        finding per problem, and no other findings.

    Raises:
        XrayKitError: when the text is not JSON, or a managed policy or rule code is unknown.
    """
    document, source = _document(policy, source)
    wanted = {rule(code).code for code in select} if select is not None else None
    skip = {rule(code).code for code in ignore}

    def keep(item: Finding) -> bool:
        return item.code not in skip and (wanted is None or item.code in wanted)

    kind = policy_kind(kind)  # a bad argument raises; it is not a finding about the policy
    try:
        parsed = parse_policy(document, kind, name=source or "policy", source=source)
    except XrayKitError as error:
        found = [
            finding("XK001", issue.path, hint=issue.hint, source=source, problem=issue.message)
            for issue in error.issues
        ]
        return Findings(tuple(f for f in found if keep(f)), source, document)
    ctx = LintContext(parsed, source)
    found = [item for check in CHECKS for item in check(ctx) if keep(item)]
    return Findings(tuple(found), source, document)
