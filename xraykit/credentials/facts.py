"""The facts behind the credential model, read lazily from ``xraykit/data/credentials/``.

``chains.json`` holds the provider orders (botocore, the X-Ray daemon's AWS SDK for Go),
``platforms.json`` what each compute platform hands to code, and ``wording.json`` every sentence
a resolution says, so an instructor can reword them without touching the resolvers. Each file
records its sources; ``SOURCES.md`` beside them says more.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["chains", "daemon_bundle", "platforms", "say", "wording"]


@cache
def _load(name: str) -> dict[str, Any]:
    path = resources.files("xraykit").joinpath("data", "credentials", name)
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def chains() -> dict[str, Any]:
    """The provider orders and SDK facts (``chains.json``)."""
    return _load("chains.json")


@cache
def daemon_bundle() -> tuple[str, ...]:
    """The actions of the daemon's operation bundle, as ``xraykit/data/bundles.json`` lists them.

    The one list of what the daemon calls: the account model's ``daemon`` bundle, the least-privilege
    task and the daemon verdict all read it.
    """
    path = resources.files("xraykit").joinpath("data", "bundles.json")
    members = json.loads(path.read_text(encoding="utf-8"))["bundles"]["daemon"]["members"]
    return tuple(member["action"] for member in members)


def platforms() -> dict[str, Any]:
    """The compute platforms and environment-variable facts (``platforms.json``)."""
    return _load("platforms.json")


def wording() -> dict[str, str]:
    """Every sentence template, by key (``wording.json``)."""
    sentences: dict[str, str] = _load("wording.json")["sentences"]
    return sentences


def say(sentence: str, /, **values: object) -> str:
    """The sentence ``key`` with its placeholders filled in.

    Args:
        sentence: a key of ``wording.json``.
        **values: the placeholder values.

    Returns:
        The sentence, lowercase, no final period.

    Raises:
        KeyError: ``sentence`` is not in the wording file (a defect of the kit, not of the input).
    """
    return wording()[sentence].format(**values)
