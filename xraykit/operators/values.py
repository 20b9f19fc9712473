"""Condition values as IAM reads them, and the ones an operator can never use."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from xraykit.errors import Issue, XrayKitError, json_type
from xraykit.operators.families import comparator, parse_bool
from xraykit.operators.spec import OperatorSpec
from xraykit.variables import has_variables

__all__ = ["check_value", "normalize_values", "value_text"]

_HINT = 'write each value as a string, or list several: `["a", "b"]`'


def value_text(value: bool | int | float | str) -> str:
    """The string IAM sees for one JSON scalar.

    Args:
        value: a string, number or boolean from a policy or a request.

    Returns:
        ``true``/``false`` for booleans, integral numbers without a fraction (``10.0`` reads as
        ``10``, as JSON parsers in JavaScript do), other numbers in their shortest form.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return str(value)


def normalize_values(raw: Any) -> tuple[str, ...]:
    """The values of one condition key, as strings.

    Args:
        raw: a string, number or boolean, or a list of them (a tuple is accepted too).

    Returns:
        The values in order; an empty list gives an empty tuple.

    Raises:
        XrayKitError: for null, an object, or a list holding a list, an object or null.
    """
    if type(raw) is list and all(type(v) is str for v in raw):  # the everyday shape, first
        return tuple(raw)
    if isinstance(raw, str):
        return (raw,)
    if isinstance(raw, bool | int | float):
        return (value_text(raw),)
    if isinstance(raw, Sequence) and not isinstance(raw, bytes | bytearray):
        out: list[str] = []
        for i, item in enumerate(raw):
            if isinstance(item, str):
                out.append(item)
            elif isinstance(item, bool | int | float):
                out.append(value_text(item))
            else:
                raise XrayKitError(
                    Issue(
                        "",
                        f"value [{i}] of the list must be a string, a number or a boolean, "
                        f"not {json_type(item)}",
                        _HINT,
                    )
                )
        return tuple(out)
    raise XrayKitError(
        Issue(
            "",
            "a condition value must be a string, a number, a boolean or a list of them, "
            f"not {json_type(raw)}",
            _HINT,
        )
    )


_EXAMPLES = {
    "Numeric": "`10` or `2.5`",
    "Date": "`2024-01-01T00:00:00Z` or epoch seconds such as `1704067200`",
    "Bool": "`true` or `false`",
    "Null": "`true` (the key is absent) or `false` (the key is present)",
    "Binary": "base64 text such as `QmluYXJ5VmFsdWU=`",
    "IpAddress": "a CIDR range such as `203.0.113.0/24` or `2001:db8::/32`, or one address",
    "Arn": "an ARN of six colon-separated parts (`arn:aws:sns:us-east-1:123456789012:topic`) or `*`",
}
_NOUNS = {
    "Numeric": "a number",
    "Date": "a date",
    "Bool": "a boolean",
    "Null": "`true` or `false`",
    "Binary": "base64 text",
    "IpAddress": "an IP address or CIDR range",
    "Arn": "an ARN",
}


def check_value(spec: OperatorSpec, value: str) -> str | None:
    """Why ``value`` can never be compared by the operator, or None when it is usable.

    IAM accepts such policies (and the independent evaluator evaluates them): the value simply never
    matches, and for a negated operator it makes the whole test false. So this is a warning for
    a linter, not a reason to reject the policy. Values with policy variables are not judged for
    families that substitute them (their text is only known at request time).

    Args:
        spec: the parsed operator.
        value: one policy value, as normalized by :func:`normalize_values`.

    Returns:
        One lowercase sentence with the value in backticks, or None.
    """
    family = spec.family
    if family == "String":
        return None
    if spec.variables and has_variables(value):
        return None
    if family == "Null":
        usable = parse_bool(value) is not None
    else:
        usable = comparator(family, spec.comparison).policy(value) is not None
    if usable:
        return None
    return f"`{value}` is not {_NOUNS[family]}, so {spec.base} never matches it: use {_EXAMPLES[family]}"
