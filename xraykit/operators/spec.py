"""Condition operator names: what ``ForAnyValue:StringNotLikeIfExists`` is made of.

An operator name has up to three pieces: an optional set qualifier (``ForAllValues:`` or
``ForAnyValue:``), a base operator from one of the families in the AWS reference (String, Numeric,
Date, Bool, Binary, IpAddress, Arn, Null), and an optional ``IfExists`` suffix (never on ``Null``).
Names compare case-insensitively, as the independent evaluator does; :attr:`OperatorSpec.name`
gives the canonical spelling.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from xraykit.errors import Issue, XrayKitError, did_you_mean

__all__ = ["BASE_OPERATORS", "OperatorSpec", "Qualifier", "parse_operator"]

Qualifier = Literal["ForAllValues", "ForAnyValue"]

# base operator -> (family, comparison, negated)
_TABLE: dict[str, tuple[str, str, bool]] = {
    "StringEquals": ("String", "equals", False),
    "StringNotEquals": ("String", "equals", True),
    "StringEqualsIgnoreCase": ("String", "equals-ignore-case", False),
    "StringNotEqualsIgnoreCase": ("String", "equals-ignore-case", True),
    "StringLike": ("String", "like", False),
    "StringNotLike": ("String", "like", True),
    "NumericEquals": ("Numeric", "eq", False),
    "NumericNotEquals": ("Numeric", "eq", True),
    "NumericLessThan": ("Numeric", "lt", False),
    "NumericLessThanEquals": ("Numeric", "le", False),
    "NumericGreaterThan": ("Numeric", "gt", False),
    "NumericGreaterThanEquals": ("Numeric", "ge", False),
    "DateEquals": ("Date", "eq", False),
    "DateNotEquals": ("Date", "eq", True),
    "DateLessThan": ("Date", "lt", False),
    "DateLessThanEquals": ("Date", "le", False),
    "DateGreaterThan": ("Date", "gt", False),
    "DateGreaterThanEquals": ("Date", "ge", False),
    "Bool": ("Bool", "eq", False),
    "BinaryEquals": ("Binary", "eq", False),
    "IpAddress": ("IpAddress", "in", False),
    "NotIpAddress": ("IpAddress", "in", True),
    "ArnEquals": ("Arn", "like", False),
    "ArnLike": ("Arn", "like", False),
    "ArnNotEquals": ("Arn", "like", True),
    "ArnNotLike": ("Arn", "like", True),
    "Null": ("Null", "null", False),
}

BASE_OPERATORS: tuple[str, ...] = tuple(_TABLE)
"""Every base operator in its canonical spelling, in the order of the AWS reference."""

_BY_LOWER = {name.lower(): name for name in _TABLE}
_QUALIFIERS: dict[str, Qualifier] = {"forallvalues": "ForAllValues", "foranyvalue": "ForAnyValue"}
# Families whose values may hold policy variables: the string and ARN operators (IAM's variables
# page) and Bool (the condition-operators page; the two pages disagree, the evaluator substitutes).
_VARIABLE_FAMILIES = frozenset({"String", "Arn", "Bool"})


@dataclass(frozen=True, slots=True)
class OperatorSpec:
    """A parsed condition operator.

    Attributes:
        name: the canonical spelling, e.g. ``ForAnyValue:StringNotLikeIfExists``.
        base: the base operator, e.g. ``StringNotLike``.
        qualifier: ``"ForAllValues"``, ``"ForAnyValue"`` or None.
        if_exists: whether ``IfExists`` was added.
        negated: whether the base operator is a negated one (``...Not...``, ``NotIpAddress``).
        family: ``String``, ``Numeric``, ``Date``, ``Bool``, ``Binary``, ``IpAddress``, ``Arn`` or
            ``Null``.
        comparison: what one request value is tested for against one policy value, before
            negation: ``equals``, ``equals-ignore-case``, ``like`` (wildcards), ``eq``, ``lt``,
            ``le``, ``gt``, ``ge``, ``in`` (address in range) or ``null``.
        variables: whether policy variables are substituted in this operator's values.
        wildcards: whether ``*`` and ``?`` in its values are wildcards.
    """

    name: str
    base: str
    qualifier: Qualifier | None
    if_exists: bool
    negated: bool
    family: str
    comparison: str
    variables: bool
    wildcards: bool


def _unknown(name: str, hint: str | None) -> XrayKitError:
    return XrayKitError(Issue("", f"unknown condition operator `{name}`", hint))


@lru_cache(maxsize=512)
def _operator_hint(rest: str, prefix: str) -> str | None:
    """The closest operator name (cached: errors are not, and difflib is slow)."""
    candidates = [*BASE_OPERATORS, *(b + "IfExists" for b in BASE_OPERATORS if b != "Null")]
    hint = did_you_mean(rest, candidates, n=1)
    return hint and hint.replace("`", "`" + prefix, 1)


@lru_cache(maxsize=512)
def parse_operator(name: str) -> OperatorSpec:
    """Parse a condition operator name such as ``ForAllValues:StringLikeIfExists``.

    Args:
        name: the operator as written in the ``Condition`` block (any letter case).

    Returns:
        The :class:`OperatorSpec` (cached).

    Raises:
        XrayKitError: for a name that is not an IAM condition operator, with a suggestion when one
            is close; for ``NullIfExists``, which AWS does not allow.
    """
    if not name:
        raise XrayKitError(Issue("", "the condition operator is empty", "for example `StringEquals`"))
    qualifier: Qualifier | None = None
    prefix = ""
    rest = name
    if ":" in name:
        head, _, rest = name.partition(":")
        if ":" in rest:
            raise _unknown(name, "an operator takes at most one prefix, `ForAllValues:` or `ForAnyValue:`")
        if head.lower() not in _QUALIFIERS:
            hint = did_you_mean(head, list(_QUALIFIERS.values()), n=1)
            if hint:
                hint = hint.replace("`?", f":{rest}`?")
            raise _unknown(name, hint or "the prefix must be `ForAllValues:` or `ForAnyValue:`")
        qualifier = _QUALIFIERS[head.lower()]
        prefix = qualifier + ":"
    lowered = rest.lower()
    if_exists = lowered.endswith("ifexists") and lowered != "ifexists"
    base = _BY_LOWER.get(lowered[: -len("ifexists")] if if_exists else lowered)
    if base is None:
        raise _unknown(name, _operator_hint(rest, prefix))
    if base == "Null" and if_exists:
        raise XrayKitError(
            Issue(
                "",
                f"`{name}` is not a condition operator: `IfExists` cannot be added to `Null`",
                "use `Null` alone: it already tests whether the key is present",
            )
        )
    family, comparison, negated = _TABLE[base]
    return OperatorSpec(
        name=prefix + base + ("IfExists" if if_exists else ""),
        base=base,
        qualifier=qualifier,
        if_exists=if_exists,
        negated=negated,
        family=family,
        comparison=comparison,
        variables=family in _VARIABLE_FAMILIES,
        wildcards=comparison == "like",
    )
