"""IAM condition operators: names, values, and how one request value is compared with one policy value.

- :func:`parse_operator` reads a name such as ``ForAnyValue:StringLikeIfExists`` into an
  :class:`OperatorSpec` (case-insensitive; unknown names raise with a suggestion).
- :func:`normalize_values` turns a condition's JSON values into strings as IAM sees them.
- :func:`check_value` says when a policy value can never be compared (``NumericEquals: "abc"``).
- :func:`comparator` gives the reader and test for a family (String, Numeric, Date, Bool, Binary,
  IpAddress, Arn).

How operators combine over keys, values, absent keys and sets lives in :mod:`xraykit.conditions`.
Taught in ``notebooks/04_conditions.ipynb``.
"""

from xraykit.operators.families import Comparator, comparator, parse_bool, parse_date, parse_number
from xraykit.operators.spec import BASE_OPERATORS, OperatorSpec, Qualifier, parse_operator
from xraykit.operators.values import check_value, normalize_values, value_text

__all__ = [
    "BASE_OPERATORS",
    "Comparator",
    "OperatorSpec",
    "Qualifier",
    "check_value",
    "comparator",
    "normalize_values",
    "parse_bool",
    "parse_date",
    "parse_number",
    "parse_operator",
    "value_text",
]
