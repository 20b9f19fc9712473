"""Authorization requests as AWS builds them for X-Ray calls, and the plan of one call.

An X-Ray request names the IAM action, the resource (an ARN for the actions that take one, ``*``
for the rest) and the tag keys the action supports according to the catalog:
``aws:RequestTag/K`` and ``aws:TagKeys`` from the tags the request carries,
``aws:ResourceTag/K`` from the tags already on the target. A request X-Ray makes to KMS on the
caller's behalf adds ``kms:ViaService``, ``kms:CallerAccount`` and the key's own keys.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from xraykit import catalog
from xraykit.account.identity import Identity
from xraykit.account.records import AuthRequest, Change
from xraykit.kms import KmsKey, kms_context

if TYPE_CHECKING:  # pragma: no cover
    from xraykit.account.model import Account

__all__ = ["ENCRYPTED_READS", "Applied", "Plan", "kms_request", "parse_tags", "tag_problem", "xray_request"]

Applied = tuple[list[Change], str | None]

#: Operations that return trace data, which X-Ray must decrypt for the caller.
ENCRYPTED_READS = frozenset(
    {
        "BatchGetTraces",
        "GetTraceSummaries",
        "GetTraceGraph",
        "GetServiceGraph",
        "GetTimeSeriesServiceStatistics",
    }
)


@dataclass
class Plan:
    """The requests of one call, the resource it targets, and the change to make if allowed."""

    requests: list[AuthRequest] = field(default_factory=list)
    target: str | None = None
    apply: Callable[[], Applied] | None = None
    error: str | None = None
    notes: list[str] = field(default_factory=list)
    tags_after: Callable[[], Mapping[str, str] | None] | None = None


@cache
def _supported(action: str) -> tuple[bool, bool, bool]:
    """Whether ``action`` supports request tags, ``aws:TagKeys``, resource tags."""
    info = catalog.action(action)
    keys = {k.lower() for k in info.condition_keys}
    for ref in info.resource_types:
        keys |= {k.lower() for k in ref.condition_keys}
        keys |= {k.lower() for k in catalog.resource_type(info.service, ref.name).condition_keys}
    return (
        any(k.startswith("aws:requesttag/") for k in keys),
        "aws:tagkeys" in keys,
        any(k.startswith("aws:resourcetag/") for k in keys),
    )


def parse_tags(value: Any) -> dict[str, str]:
    """``[{"Key": k, "Value": v}, ...]`` as a dict (a missing value is empty)."""
    return {str(t["Key"]): str(t.get("Value", "")) for t in value or ()}


def xray_request(
    account: Account,
    identity: Identity,
    action: str,
    resource: str = "*",
    *,
    request_tags: Mapping[str, str] | None = None,
    tag_keys: list[str] | None = None,
    resource_tags: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> AuthRequest:
    """One X-Ray authorization request with the context AWS would build."""
    with_request, with_keys, with_resource = _supported(action)
    context = account.base_context(identity)
    context["aws:ResourceAccount"] = account.account_id
    if request_tags and with_request:
        context.update({f"aws:RequestTag/{k}": v for k, v in request_tags.items()})
    keys = tag_keys if tag_keys is not None else (list(request_tags) if request_tags else None)
    if keys and with_keys:
        context["aws:TagKeys"] = list(keys)
    if resource != "*" and resource_tags and with_resource:
        context.update({f"aws:ResourceTag/{k}": v for k, v in resource_tags.items()})
    context.update(extra or {})
    return AuthRequest(action, resource, context, account.account_id)


def kms_request(account: Account, identity: Identity, action: str, key: KmsKey, purpose: str) -> AuthRequest:
    """A request X-Ray makes to KMS on the caller's behalf (a forward access session)."""
    context = account.base_context(identity)
    context["aws:ResourceAccount"] = key.account
    context.update(kms_context(key, caller_account=identity.account, region=account.region, action=action))
    return AuthRequest(action, key.arn, context, key.account, purpose, key.arn)


def tag_problem(tags: Mapping[str, str], existing: Mapping[str, str] | None = None) -> str | None:
    """The service's objection to a set of tags (reserved prefix, too many), if any."""
    reserved = [k for k in tags if k.lower().startswith("aws:")]
    if reserved:
        return f"tag keys starting with `aws:` are reserved for AWS: `{reserved[0]}`"
    total = len({**(existing or {}), **tags})
    if total > 50:
        return f"a resource can have at most 50 tags, this would give it {total}"
    return None
