"""The tag lifecycle of a group: create → tag → untag → update → delete, stepped through as a principal.

Each step is an X-Ray call whose authorization request carries different tag keys: creation
carries the request's tags (``aws:RequestTag/K``, ``aws:TagKeys``), tagging carries the new tags
and the group's current ones (``aws:ResourceTag/K``), untagging carries only the keys, updates and
deletion only the group's tags as they are at that moment. The :class:`~xraykit.account.CallLog`
it returns lists those keys per step (the data of the lifecycle timeline figure).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from xraykit.account.model import Account
from xraykit.account.records import CallLog, CallRecord

__all__ = ["tag_lifecycle"]


def _tags(tags: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def tag_lifecycle(
    account: Account,
    principal: str,
    group: str = "lifecycle",
    *,
    create_tags: Mapping[str, str] | None = None,
    add: Mapping[str, str] | None = None,
    remove: Sequence[str] = (),
    filter_expression: str = "fault = true",
) -> CallLog:
    """Create a group, tag it, untag it, update it and delete it, as ``principal``, in order.

    Every call sees the account as the previous calls left it; a denied step changes nothing and
    the next steps go on (a step on a group that does not exist is a service error).

    Args:
        account: the account model (changed by the allowed steps).
        principal: the caller.
        group: the group's name.
        create_tags: tags sent with ``CreateGroup``.
        add: tags added with ``TagResource`` (skipped when empty).
        remove: tag keys removed with ``UntagResource`` (skipped when empty).
        filter_expression: the filter expression of the create and the update.

    Returns:
        The :class:`CallLog`, one record per step.

    Raises:
        XrayKitError: for an unknown principal or invalid tags.
    """
    records: list[CallRecord] = []
    created: dict[str, Any] = {"GroupName": group, "FilterExpression": filter_expression}
    if create_tags:
        created["Tags"] = _tags(create_tags)
    records.append(account.call(principal, "CreateGroup", **created))

    def arn() -> str:
        return account.groups[group].arn if group in account.groups else account.next_group_arn(group)

    if add:
        records.append(account.call(principal, "TagResource", ResourceARN=arn(), Tags=_tags(add)))
    if remove:
        records.append(account.call(principal, "UntagResource", ResourceARN=arn(), TagKeys=list(remove)))
    records.append(
        account.call(principal, "UpdateGroup", GroupName=group, FilterExpression=f"({filter_expression})")
    )
    records.append(account.call(principal, "DeleteGroup", GroupName=group))
    return CallLog(tuple(records))
