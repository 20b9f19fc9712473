"""X-Ray API operations as AWS authorizes them, and what an allowed call changes.

For each operation this module builds the authorization requests AWS would make: the IAM action
(``xray:`` + the operation name), the resource (the group or sampling-rule ARN for the actions
that take one, ``*`` for the rest), and the tag keys the action supports according to the
catalog: ``aws:RequestTag/K`` and ``aws:TagKeys`` from the tags the request carries,
``aws:ResourceTag/K`` from the tags already on the target. With a KMS key configured, X-Ray
also asks KMS on the caller's behalf: ``kms:DescribeKey`` and ``kms:CreateGrant`` when the key is
set, ``kms:Decrypt`` when encrypted data is read.

Each plan carries an ``apply`` step that changes the account; the account runs it only when
every request is allowed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from xraykit.account.encryption import plan_put_encryption
from xraykit.account.identity import Identity
from xraykit.account.records import Change
from xraykit.account.requests import (
    ENCRYPTED_READS,
    Applied,
    Plan,
    kms_request,
    xray_request,
)
from xraykit.account.requests import parse_tags as _tags
from xraykit.account.requests import tag_problem as _tag_problem
from xraykit.account.resources import SamplingRule, XrayGroup, tags_text

if TYPE_CHECKING:  # pragma: no cover
    from xraykit.account.model import Account

__all__ = ["ENCRYPTED_READS", "Plan", "plan_call"]

# ----------------------------------------------------------------------------------- groups


def _find_group(account: Account, params: Mapping[str, Any]) -> XrayGroup | str:
    name, arn = params.get("GroupName"), params.get("GroupARN")
    for group in account.groups.values():
        if (name is not None and group.name == name) or (arn is not None and group.arn == arn):
            return group
    wanted = f"`{name}`" if name is not None else f"`{arn}`"
    if name is None and arn is None:
        return "give `GroupName` or `GroupARN`"
    return f"there is no group {wanted} in the account"


def _create_group(account: Account, identity: Identity, params: Mapping[str, Any]) -> Plan:
    name = params["GroupName"]
    tags = _tags(params.get("Tags"))
    arn = account.next_group_arn(name)
    plan = Plan(
        [xray_request(account, identity, "xray:CreateGroup", arn, request_tags=tags)], target=f"group {name}"
    )

    def apply() -> Applied:
        if name in account.groups:
            return [], f"a group named `{name}` already exists"
        problem = _tag_problem(tags)
        if problem:
            return [], problem
        account.commit_group_arn(name)
        account.groups[name] = XrayGroup(
            name, arn, params.get("FilterExpression"), dict(params.get("InsightsConfiguration") or {}), tags
        )
        return [Change("created", f"group {name}", f"{arn} tags {tags_text(tags)}")], None

    plan.apply = apply
    plan.tags_after = lambda: account.groups[name].tags if name in account.groups else None
    return plan


def _group_op(account: Account, identity: Identity, op: str, params: Mapping[str, Any]) -> Plan:
    found = _find_group(account, params)
    if isinstance(found, str):
        return Plan(error=found)
    group = found
    plan = Plan(
        [xray_request(account, identity, f"xray:{op}", group.arn, resource_tags=group.tags)],
        target=f"group {group.name}",
    )

    def apply() -> Applied:
        if op == "DeleteGroup":
            del account.groups[group.name]
            return [Change("deleted", f"group {group.name}", group.arn)], None
        if op == "UpdateGroup":
            updated = XrayGroup(
                group.name,
                group.arn,
                params.get("FilterExpression", group.filter_expression),
                dict(params.get("InsightsConfiguration", group.insights)),
                group.tags,
            )
            account.groups[group.name] = updated
            detail = ", ".join(k for k in ("FilterExpression", "InsightsConfiguration") if k in params)
            return [Change("updated", f"group {group.name}", detail or "no fields given")], None
        return [], None

    plan.apply = apply
    plan.tags_after = lambda: account.groups[group.name].tags if group.name in account.groups else None
    return plan


# ---------------------------------------------------------------------------- sampling rules


def _find_rule(account: Account, spec: Mapping[str, Any]) -> SamplingRule | str:
    name, arn = spec.get("RuleName"), spec.get("RuleARN")
    if name is not None and arn is not None:
        return "give `RuleName` or `RuleARN`, not both"
    for rule in account.rules.values():
        if (name is not None and rule.name == name) or (arn is not None and rule.arn == arn):
            return rule
    if name is None and arn is None:
        return "give `RuleName` or `RuleARN`"
    return f"there is no sampling rule `{name if name is not None else arn}` in the account"


def _create_rule(account: Account, identity: Identity, params: Mapping[str, Any]) -> Plan:
    spec = dict(params["SamplingRule"])
    name = spec.get("RuleName")
    if name is None:
        return Plan(error="the sampling rule needs a `RuleName`")
    tags = _tags(params.get("Tags"))
    arn = account.rule_arn(name)
    plan = Plan(
        [xray_request(account, identity, "xray:CreateSamplingRule", arn, request_tags=tags)],
        target=f"sampling rule {name}",
    )

    def apply() -> Applied:
        if name in account.rules:
            return [], f"a sampling rule named `{name}` already exists"
        problem = _tag_problem(tags)
        if problem:
            return [], problem
        fields = {k: v for k, v in spec.items() if k not in ("RuleName", "RuleARN")}
        account.rules[name] = SamplingRule(name, arn, fields, tags)
        return [Change("created", f"sampling rule {name}", f"{arn} tags {tags_text(tags)}")], None

    plan.apply = apply
    plan.tags_after = lambda: account.rules[name].tags if name in account.rules else None
    return plan


def _rule_op(account: Account, identity: Identity, op: str, params: Mapping[str, Any]) -> Plan:
    spec = params["SamplingRuleUpdate"] if op == "UpdateSamplingRule" else params
    found = _find_rule(account, spec)
    if isinstance(found, str):
        return Plan(error=found)
    rule = found
    plan = Plan(
        [xray_request(account, identity, f"xray:{op}", rule.arn, resource_tags=rule.tags)],
        target=f"sampling rule {rule.name}",
    )

    def apply() -> Applied:
        if op == "DeleteSamplingRule":
            if rule.name == "Default":
                return [], "the `Default` sampling rule cannot be deleted"
            del account.rules[rule.name]
            return [Change("deleted", f"sampling rule {rule.name}", rule.arn)], None
        changed = {k: v for k, v in spec.items() if k not in ("RuleName", "RuleARN")}
        if rule.name == "Default" and set(changed) - {"FixedRate", "ReservoirSize"}:
            return [], "only `FixedRate` and `ReservoirSize` of the `Default` rule can change"
        account.rules[rule.name] = SamplingRule(rule.name, rule.arn, {**rule.fields, **changed}, rule.tags)
        return [
            Change("updated", f"sampling rule {rule.name}", ", ".join(sorted(changed)) or "no fields given")
        ], None

    plan.apply = apply
    plan.tags_after = lambda: account.rules[rule.name].tags if rule.name in account.rules else None
    return plan


# ------------------------------------------------------------------------------------ tags


def _find_tagged(account: Account, arn: str) -> XrayGroup | SamplingRule | str:
    for group in account.groups.values():
        if group.arn == arn:
            return group
    for rule in account.rules.values():
        if rule.arn == arn:
            return rule
    return f"there is no group or sampling rule with the ARN `{arn}`"


def _tag_op(account: Account, identity: Identity, op: str, params: Mapping[str, Any]) -> Plan:
    found = _find_tagged(account, params["ResourceARN"])
    if isinstance(found, str):
        return Plan(error=found)
    resource = found
    kind = "group" if isinstance(resource, XrayGroup) else "sampling rule"
    target = f"{kind} {resource.name}"
    if op == "TagResource":
        tags = _tags(params["Tags"])
        request = xray_request(
            account,
            identity,
            "xray:TagResource",
            resource.arn,
            request_tags=tags,
            resource_tags=resource.tags,
        )
    elif op == "UntagResource":
        keys = list(params["TagKeys"])
        request = xray_request(
            account, identity, "xray:UntagResource", resource.arn, tag_keys=keys, resource_tags=resource.tags
        )
    else:
        request = xray_request(account, identity, f"xray:{op}", resource.arn, resource_tags=resource.tags)
    plan = Plan([request], target=target)

    def store(new_tags: dict[str, str]) -> None:
        if isinstance(resource, XrayGroup):
            account.groups[resource.name] = XrayGroup(
                resource.name, resource.arn, resource.filter_expression, resource.insights, new_tags
            )
        else:
            account.rules[resource.name] = SamplingRule(
                resource.name, resource.arn, resource.fields, new_tags
            )

    def apply() -> Applied:
        if op == "TagResource":
            problem = _tag_problem(tags, resource.tags)
            if problem:
                return [], problem
            store({**resource.tags, **tags})
            return [Change("tagged", target, tags_text(tags))], None
        if op == "UntagResource":
            removed = [k for k in keys if k in resource.tags]
            store({k: v for k, v in resource.tags.items() if k not in keys})
            return [Change("untagged", target, ", ".join(removed) or "no such keys")], None
        return [], None

    def after() -> Mapping[str, str] | None:
        table: Mapping[str, XrayGroup | SamplingRule] = account.groups if kind == "group" else account.rules
        current = table.get(resource.name)
        return None if current is None else current.tags

    plan.apply = apply
    plan.tags_after = after
    return plan


def _plain(account: Account, identity: Identity, op: str, params: Mapping[str, Any]) -> Plan:
    extra: dict[str, Any] = {}
    if op in ("PutResourcePolicy", "DeleteResourcePolicy") and "PolicyName" in params:
        extra["xray:ResourcePolicyName"] = params["PolicyName"]
    if op == "UpdateTraceSegmentDestination" and "Destination" in params:
        extra["xray:TraceSegmentDestination"] = params["Destination"]
    plan = Plan([xray_request(account, identity, f"xray:{op}", extra=extra)])
    config = account.encryption
    if config.type == "KMS" and config.key_arn is not None:
        key = account.find_key(config.key_arn)
        if key is not None and op in ENCRYPTED_READS:
            plan.requests.append(
                kms_request(
                    account, identity, "kms:Decrypt", key, "X-Ray decrypts the trace data for the caller"
                )
            )
        if (
            key is not None
            and op in ("PutTraceSegments", "PutTelemetryRecords")
            and (not key.enabled or not any(g.grantee == "xray.amazonaws.com" for g in key.grants))
        ):
            plan.notes.append(f"X-Ray cannot use the key `{key.label()}`, so it stops storing trace data")
    return plan


_HANDLERS: dict[str, Callable[[Account, Identity, str, Mapping[str, Any]], Plan]] = {
    "CreateGroup": lambda a, i, op, p: _create_group(a, i, p),
    "GetGroup": _group_op,
    "UpdateGroup": _group_op,
    "DeleteGroup": _group_op,
    "CreateSamplingRule": lambda a, i, op, p: _create_rule(a, i, p),
    "UpdateSamplingRule": _rule_op,
    "DeleteSamplingRule": _rule_op,
    "TagResource": _tag_op,
    "UntagResource": _tag_op,
    "ListTagsForResource": _tag_op,
    "PutEncryptionConfig": lambda a, i, op, p: plan_put_encryption(a, i, p),
}


def plan_call(account: Account, identity: Identity, operation: str, params: Mapping[str, Any]) -> Plan:
    """The authorization requests and the change of one call (parameters already checked).

    Args:
        account: the account model.
        identity: the caller.
        operation: the canonical operation name.
        params: the parameters.

    Returns:
        The :class:`Plan`.

    Raises:
        XrayKitError: for input X-Ray rejects before any authorization (an asymmetric key,
            ``KeyId`` with ``Type`` ``NONE``).
    """
    handler = _HANDLERS.get(operation, _plain)
    return handler(account, identity, operation, params)
