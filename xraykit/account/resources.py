"""X-Ray resources of the account model: groups, sampling rules, the encryption configuration.

Groups and sampling rules are the two X-Ray resource types IAM knows; both carry tags, which
become ``aws:ResourceTag/...`` in requests on them. A group's ARN ends in an ID X-Ray generates
at creation (seeded here, so examples repeat); a sampling rule's ARN ends in its name. Every
account has the sampling rule ``Default``, which can be updated (rate and reservoir) but never
deleted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["DEFAULT_RULE", "EncryptionConfig", "SamplingRule", "XrayGroup", "tags_text"]

#: The fields of the ``Default`` sampling rule, as X-Ray creates it.
DEFAULT_RULE: Mapping[str, Any] = {
    "Priority": 10000,
    "FixedRate": 0.05,
    "ReservoirSize": 1,
    "ServiceName": "*",
    "ServiceType": "*",
    "Host": "*",
    "HTTPMethod": "*",
    "URLPath": "*",
    "ResourceARN": "*",
    "Version": 1,
}


def tags_text(tags: Mapping[str, str]) -> str:
    """``{a=1, b=2}`` in key order, or ``{}``."""
    return "{" + ", ".join(f"{k}={v}" for k, v in sorted(tags.items())) + "}"


@dataclass(frozen=True, slots=True)
class XrayGroup:
    """An X-Ray group: a filter expression that selects traces, with tags."""

    name: str
    arn: str
    filter_expression: str | None = None
    insights: Mapping[str, Any] = field(default_factory=dict)
    tags: Mapping[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"group {self.name} {tags_text(self.tags)}"


@dataclass(frozen=True, slots=True)
class SamplingRule:
    """A sampling rule: which requests to record, with tags. ``Default`` always exists."""

    name: str
    arn: str
    fields: Mapping[str, Any] = field(default_factory=dict)
    tags: Mapping[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"sampling rule {self.name} {tags_text(self.tags)}"


@dataclass(frozen=True, slots=True)
class EncryptionConfig:
    """The account's X-Ray encryption setting: ``NONE`` (default encryption) or ``KMS`` with a key.

    ``key`` is the ``KeyId`` as given (alias, ID or ARN); ``key_arn`` the key it resolved to.
    """

    type: str = "NONE"
    key: str | None = None
    key_arn: str | None = None

    def describe(self) -> str:
        """``default encryption`` or ``KMS key alias/xray-cmk``."""
        return "default encryption" if self.type == "NONE" else f"KMS key {self.key}"
