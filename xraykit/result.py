"""What an evaluation records: the decision, the layer that reached it, and why.

The engine fills these frozen records; :mod:`xraykit.render` turns them into text and HTML. The
vocabulary is closed: a :class:`Decision` has three values, every check carries a :class:`Reason`,
and the human sentence for each reason lives in ``xraykit/data/reasons.json`` (so an instructor can
reword it without touching the engine).

This module is a leaf: it imports nothing from xraykit but its data files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

__all__ = [
    "Check",
    "ConditionCheck",
    "Decision",
    "Evaluation",
    "Layer",
    "PolicyTrace",
    "Reason",
    "Request",
    "StatementTrace",
    "reason_text",
]


class Decision(StrEnum):
    """The three answers IAM can give (the names AWS's simulator uses)."""

    ALLOWED = "Allowed"
    EXPLICIT_DENY = "ExplicitlyDenied"
    IMPLICIT_DENY = "ImplicitlyDenied"

    @property
    def allowed(self) -> bool:
        """True for :attr:`ALLOWED` only."""
        return self is Decision.ALLOWED


class Layer(StrEnum):
    """The kinds of policy that take part in a decision, in the order AWS evaluates them."""

    SCP = "service control policy"
    RCP = "resource control policy"
    RESOURCE = "resource-based policy"
    IDENTITY = "identity-based policy"
    BOUNDARY = "permissions boundary"
    SESSION = "session policy"


class Reason(StrEnum):
    """Why a check matched or not. The wording is in ``data/reasons.json``."""

    # Action / NotAction
    ACTION_MATCHED = "action-matched"
    ACTION_NOT_MATCHED = "action-not-matched"
    NOT_ACTION_EXCLUDES = "not-action-excludes"
    NOT_ACTION_ALLOWS = "not-action-allows"
    # Resource / NotResource
    RESOURCE_MATCHED = "resource-matched"
    RESOURCE_NOT_MATCHED = "resource-not-matched"
    RESOURCE_NEEDS_STAR = "resource-needs-star"
    NOT_RESOURCE_EXCLUDES = "not-resource-excludes"
    NOT_RESOURCE_ALLOWS = "not-resource-allows"
    VARIABLE_UNRESOLVED = "variable-unresolved"
    # Principal / NotPrincipal
    PRINCIPAL_MATCHED = "principal-matched"
    PRINCIPAL_ACCOUNT_MATCHED = "principal-account-matched"
    PRINCIPAL_NOT_MATCHED = "principal-not-matched"
    NOT_PRINCIPAL_EXCLUDES = "not-principal-excludes"
    NOT_PRINCIPAL_ALLOWS = "not-principal-allows"
    # Condition
    NO_CONDITION = "no-condition"
    CONDITION_MATCHED = "condition-matched"
    CONDITION_NOT_MATCHED = "condition-not-matched"
    CONDITION_KEY_ABSENT = "condition-key-absent"
    CONDITION_ABSENT_IF_EXISTS = "condition-absent-if-exists"
    CONDITION_ABSENT_NEGATED = "condition-absent-negated"
    CONDITION_EMPTY_SET_ALL = "condition-empty-set-all"
    CONDITION_EMPTY_SET_ANY = "condition-empty-set-any"
    CONDITION_NULL_CHECK = "condition-null-check"
    CONDITION_BAD_VALUE = "condition-bad-value"
    CONDITION_VARIABLE_UNRESOLVED = "condition-variable-unresolved"
    # Layers and the final rule
    EXPLICIT_DENY = "explicit-deny"
    ALLOW_FOUND = "allow-found"
    NO_ALLOW = "no-allow"
    NOT_APPLICABLE = "not-applicable"
    CROSS_ACCOUNT_NEEDS_BOTH = "cross-account-needs-both"
    KEY_POLICY_REQUIRED = "key-policy-required"
    KEY_POLICY_DELEGATES = "key-policy-delegates"


@cache
def _reason_texts() -> dict[str, str]:
    data = json.loads(resources.files("xraykit.data").joinpath("reasons.json").read_text("utf-8"))
    texts: dict[str, str] = data["reasons"]
    return texts


def reason_text(reason: Reason, **values: Any) -> str:
    """The sentence for ``reason`` with ``{placeholders}`` filled from ``values``.

    Placeholders with no value are left as they are, so a sentence never fails to render.
    """
    return _reason_texts()[reason.value].format_map(_Keep(values))


class _Keep(dict[str, Any]):
    """Values for ``str.format_map`` that leave an unknown ``{placeholder}`` as it is."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


Values = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Check:
    """One element of one statement checked against the request.

    ``element`` is the policy element (``Action``, ``NotResource``, ``Principal`` ...), ``values``
    the resolved values that decided it, as ``(name, value)`` pairs in a fixed order (for example
    ``(("pattern", "xray:Get*"), ("value", "xray:GetGroup"))``).
    """

    element: str
    matched: bool
    reason: Reason
    values: Values = ()

    def value(self, name: str) -> str | None:
        """The resolved value called ``name``, if recorded."""
        return next((v for k, v in self.values if k == name), None)


@dataclass(frozen=True, slots=True)
class ConditionCheck:
    """One ``operator: {key: values}`` pair of a Condition block checked against the context."""

    operator: str
    key: str
    matched: bool
    reason: Reason
    policy_values: tuple[str, ...] = ()
    request_values: tuple[str, ...] | None = None  # None: the key is absent from the context
    variable: str | None = None  # when false: a policy variable in the values whose key is absent


@dataclass(frozen=True, slots=True)
class StatementTrace:
    """Every check of one statement, and whether the statement applies to the request."""

    index: int
    sid: str | None
    effect: str
    applies: bool
    checks: tuple[Check, ...] = ()
    conditions: tuple[ConditionCheck, ...] = ()


@dataclass(frozen=True, slots=True)
class PolicyTrace:
    """One policy document evaluated as part of a layer.

    ``outcome`` is ``"deny"`` (an explicit deny applies), ``"allow"`` (an allow applies and no deny)
    or ``"none"`` (nothing applies).
    """

    layer: Layer
    name: str
    outcome: str
    statements: tuple[StatementTrace, ...] = ()
    level: int | None = None  # SCP/RCP hierarchy level, root first


@dataclass(frozen=True, slots=True)
class Request:
    """One authorization request as IAM sees it."""

    principal: str
    action: str
    resource: str = "*"
    resource_account: str | None = None
    context: tuple[tuple[str, tuple[str, ...] | str], ...] = ()

    def context_dict(self) -> dict[str, tuple[str, ...] | str]:
        """The context as a dict (keys as given)."""
        return dict(self.context)


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The result of one request: the decision and everything that explains it.

    Attributes:
        decision: the final answer.
        reason: the rule that produced it (explicit deny, no allow, cross-account ...).
        decided_by: the layer whose statement decided (the deny, or the allow that counted).
        blocked_by: the layers that had no allow when the answer is an implicit deny.
        policies: a trace of every policy evaluated.
        missing_keys: context keys a condition looked for and did not find, sorted.
    """

    request: Request
    decision: Decision
    reason: Reason
    decided_by: Layer | None = None
    blocked_by: tuple[Layer, ...] = ()
    policies: tuple[PolicyTrace, ...] = ()
    missing_keys: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def allowed(self) -> bool:
        """True when the request is allowed."""
        return self.decision is Decision.ALLOWED

    # Display delegates to xraykit.render at call time (render reads this module, not the reverse).
    def __str__(self) -> str:
        from xraykit.render import evaluation_text

        return evaluation_text(self)

    def _repr_html_(self) -> str:
        from xraykit.render import evaluation_html

        return evaluation_html(self)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))
