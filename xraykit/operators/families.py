"""How each operator family reads values and compares one request value with one policy value.

A :class:`Comparator` turns policy text into a compiled value (None when the text can never be
compared: ``NumericEquals`` with ``abc``), turns a request value into a comparable one (None when it
cannot be compared), and tests the two. Negation, ``IfExists`` and set qualifiers are applied above
this level, in :mod:`xraykit.conditions`.

Readings chosen where AWS is silent or the independent evaluator is lax (each is recorded in the
tests):

- Numbers: an optional sign, digits, an optional fraction (``10``, ``-1.5``, ``.5``); nothing else
  (no exponent, no spaces, no trailing text), compared exactly.
- Dates: epoch seconds (digits only, so ``2024`` is a second count, not a year) or the W3C ISO 8601
  profile: ``YYYY-MM``, ``YYYY-MM-DD``, ``YYYY-MM-DDThh:mm``, ``...:ss``, ``...:ss.s``, each time
  with ``Z`` or ``+hh:mm``/``-hh:mm`` (UTC when omitted). Both kinds compare on one time scale.
- Bool: ``true`` or ``false`` in any letter case.
- Binary: base64 on both sides, compared as bytes.
- IP addresses: IPv4 or IPv6, a bare address meaning a single-address range; an address of the
  other family is never in the range.
- ARNs: six segments, matched segment by segment with wildcards (``ArnEquals`` behaves as
  ``ArnLike``); a value that is not an ARN matches no pattern but ``*``.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any

from xraykit.variables import Literal
from xraykit.wildcards import ArnPattern, Glob

__all__ = ["Comparator", "comparator", "parse_bool", "parse_date", "parse_number"]

Parts = Sequence[str | Literal]


@dataclass(frozen=True, slots=True)
class Comparator:
    """Reads and compares values for one family and comparison.

    Attributes:
        family: the operator family.
        comparison: the comparison (see :attr:`OperatorSpec.comparison`).
        policy: compiles a policy value; None when it can never be compared.
        policy_parts: compiles a value given as resolved template parts (literal parts match
            literally); None when it can never be compared.
        request: reads a request value; None when it cannot be compared.
        test: ``test(policy, request) -> bool``, the positive comparison (``request <op> policy``).
    """

    family: str
    comparison: str
    policy: Callable[[str], Any]
    policy_parts: Callable[[Parts], Any]
    request: Callable[[str], Any]
    test: Callable[[Any, Any], bool]


# ------------------------------------------------------------------------------------------
# readers

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)\Z", re.ASCII)


@lru_cache(maxsize=4096)
def parse_number(text: str) -> Decimal | None:
    """A number as the Numeric operators read it, or None.

    Args:
        text: ``10``, ``-1.5``, ``.5`` ...

    Returns:
        The exact value, or None for anything else (``1e3``, ``10abc``, `` 10``).
    """
    return Decimal(text) if _NUMBER.match(text) else None


_EPOCH = re.compile(r"-?\d+\Z", re.ASCII)
_ISO = re.compile(
    r"(\d{4})-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?"
    r"(Z|[+-]\d{2}:\d{2})?)?)?\Z",
    re.ASCII,
)
_EPOCH_START = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)


@lru_cache(maxsize=4096)
def parse_date(text: str) -> int | None:
    """A date as the Date operators read it, in microseconds since the epoch, or None.

    Args:
        text: epoch seconds (``1704067200``) or a W3C ISO 8601 date (``2024-01-01T00:00:00Z``).

    Returns:
        Microseconds since 1970-01-01T00:00:00Z, or None when ``text`` is neither form.
    """
    if _EPOCH.match(text):
        return int(text) * 1_000_000
    m = _ISO.match(text)
    if not m:
        return None
    year, month, day, hour, minute, second, fraction, zone = m.groups()
    tz = UTC
    if zone and zone != "Z":
        sign = -1 if zone[0] == "-" else 1
        tz = timezone(sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6])))
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    try:
        moment = datetime(
            int(year),
            int(month),
            int(day or 1),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            micro,
            tzinfo=tz,
        )
    except ValueError:
        return None
    return (moment - _EPOCH_START) // _MICRO


def parse_bool(text: str) -> bool | None:
    """``true`` or ``false`` in any letter case, else None.

    Args:
        text: a value.

    Returns:
        The boolean, or None.
    """
    lowered = text.lower()
    return True if lowered == "true" else False if lowered == "false" else None


@lru_cache(maxsize=1024)
def _binary(text: str) -> bytes | None:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


_IP_TEXT = re.compile(r"[0-9A-Fa-f:.]+\Z")
_CIDR_TEXT = re.compile(r"[0-9A-Fa-f:.]+(?:/\d{1,3})?\Z", re.ASCII)
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=1024)
def _network(text: str) -> Network | None:
    if not _CIDR_TEXT.match(text):
        return None
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def _address(text: str) -> Address | None:
    if not _IP_TEXT.match(text):
        return None
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _in_network(network: Network, address: Address) -> bool:
    return network.version == address.version and address in network


@lru_cache(maxsize=4096)
def _arn(text: str) -> ArnPattern | None:  # (a compiled pattern never changes: shared)
    pattern = ArnPattern(text)
    return pattern if pattern.valid else None


def _arn_parts(parts: Parts) -> ArnPattern | None:
    pattern = ArnPattern.from_parts(parts)
    return pattern if pattern.valid else None


@lru_cache(maxsize=4096)
def _glob(text: str) -> Glob:  # (a compiled pattern never changes: shared)
    return Glob(text)


def _joined(read: Callable[[str], Any]) -> Callable[[Parts], Any]:
    return lambda parts: read("".join(parts))


def _identity(text: str) -> str:
    return text


def _lower(text: str) -> str:
    return text.lower()


_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    # test(policy, request): the request value is on the left of the comparison
    "eq": operator.eq,
    "lt": lambda p, q: q < p,
    "le": lambda p, q: q <= p,
    "gt": lambda p, q: q > p,
    "ge": lambda p, q: q >= p,
}


@cache
def comparator(family: str, comparison: str) -> Comparator:
    """The :class:`Comparator` for a family and comparison (see :class:`OperatorSpec`).

    Args:
        family: ``String``, ``Numeric``, ``Date``, ``Bool``, ``Binary``, ``IpAddress`` or ``Arn``.
        comparison: the spec's comparison.

    Returns:
        The comparator (cached).

    Raises:
        KeyError: for ``Null`` or an unknown pair (never for a parsed :class:`OperatorSpec`).
    """
    if family == "String":
        if comparison == "like":
            return Comparator(
                family, comparison, _glob, Glob.from_parts, _identity, lambda g, v: g.matches(v)
            )
        read = _lower if comparison == "equals-ignore-case" else _identity
        return Comparator(family, comparison, read, _joined(read), read, operator.eq)
    if family == "Numeric":
        return Comparator(
            family, comparison, parse_number, _joined(parse_number), parse_number, _ORDER[comparison]
        )
    if family == "Date":
        return Comparator(family, comparison, parse_date, _joined(parse_date), parse_date, _ORDER[comparison])
    if family == "Bool":
        return Comparator(family, comparison, parse_bool, _joined(parse_bool), parse_bool, operator.eq)
    if family == "Binary":
        return Comparator(family, comparison, _binary, _joined(_binary), _binary, operator.eq)
    if family == "IpAddress":
        return Comparator(family, comparison, _network, _joined(_network), _address, _in_network)
    if family == "Arn":
        return Comparator(family, comparison, _arn, _arn_parts, _identity, lambda p, v: p.matches(v))
    raise KeyError((family, comparison))
