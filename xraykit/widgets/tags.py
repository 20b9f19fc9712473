"""Tags: the tag explorer (one call, the tag keys it carries) and the lifecycle stepper (a sequence of calls).

Both make real calls on the account model (:class:`xraykit.account.Account`), so the condition keys
are the ones AWS would put in the request: ``aws:RequestTag/...`` and ``aws:TagKeys`` from the tags a
call sends, ``aws:ResourceTag/...`` from the tags already on the group. Taught in
``notebooks/03_tags.ipynb`` and ``04_conditions.ipynb``.
"""

from __future__ import annotations

import copy
import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import ipywidgets as w

from xraykit.account import Account, CallLog, CallRecord
from xraykit.errors import Issue, XrayKitError
from xraykit.widgets._base import Tool, badge, code, on_click, text_box

__all__ = [
    "LIFECYCLE",
    "TAG_POLICIES",
    "LifecycleStepper",
    "TagExplorer",
    "lifecycle_stepper",
    "parse_tags",
    "tag_explorer",
    "tag_policy",
]

_STAGES = {"StringEquals": {"aws:ResourceTag/stage": ["preprod", "prod"]}}


def _doc(*statements: Mapping[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


_ALL = {"Sid": "AllowAllXRay", "Effect": "Allow", "Action": "xray:*", "Resource": "*"}
_NO_PROD_CREATE = {
    "Sid": "DenyCreateGroupWithStage",
    "Effect": "Deny",
    "Action": "xray:CreateGroup",
    "Resource": "*",
    "Condition": {"StringEquals": {"aws:RequestTag/stage": ["preprod", "prod"]}},
}
_NO_PROD_CHANGE = {
    "Sid": "DenyUpdateGroupWithStage",
    "Effect": "Deny",
    "Action": ["xray:UpdateGroup", "xray:DeleteGroup"],
    "Resource": "*",
    "Condition": _STAGES,
}
_READ = {
    "Sid": "ReadAndCreate",
    "Effect": "Allow",
    "Resource": "*",
    "Action": ["xray:Get*", "xray:CreateGroup", "xray:UpdateGroup", "xray:DeleteGroup"],
}

#: The policies the tag widgets offer, by a short description; the first two are the docs' example.
TAG_POLICIES: dict[str, dict[str, Any]] = {
    "docs: deny changes to stage=prod groups": _doc(_ALL, _NO_PROD_CREATE, _NO_PROD_CHANGE),
    "fixed: also deny tagging and untagging them": _doc(
        _ALL,
        _NO_PROD_CREATE,
        _NO_PROD_CHANGE,
        {
            "Sid": "DenyRetaggingStage",
            "Effect": "Deny",
            "Action": ["xray:TagResource", "xray:UntagResource"],
            "Resource": "*",
            "Condition": _STAGES,
        },
    ),
    "docs: no role=admin tags": _doc(
        _ALL,
        {
            "Sid": "DenyRequestTagAdmin",
            "Effect": "Deny",
            "Action": "xray:TagResource",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:RequestTag/role": "admin"}},
        },
        {
            "Sid": "DenyResourceTagAdmin",
            "Effect": "Deny",
            "Action": "xray:UntagResource",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:ResourceTag/role": "admin"}},
        },
    ),
    "tag keys allowlist (ForAllValues)": _doc(
        _READ,
        {
            "Sid": "TagOnlyTeamAndStage",
            "Effect": "Allow",
            "Action": "xray:TagResource",
            "Resource": "*",
            "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "stage"]}},
        },
    ),
    "tag keys allowlist with a Null guard": _doc(
        _READ,
        {
            "Sid": "TagOnlyTeamAndStage",
            "Effect": "Allow",
            "Action": "xray:TagResource",
            "Resource": "*",
            "Condition": {
                "ForAllValues:StringEquals": {"aws:TagKeys": ["team", "stage"]},
                "Null": {"aws:TagKeys": "false"},
            },
        },
    ),
}
OPERATIONS = ("CreateGroup", "UpdateGroup", "DeleteGroup", "TagResource", "UntagResource")
ROLE, SESSION, GROUP = "xray-team", "dana", "errors"


def tag_policy(name: str) -> dict[str, Any]:
    """A fresh copy of one of :data:`TAG_POLICIES` (edit it freely).

    Raises:
        XrayKitError: for a name not in :data:`TAG_POLICIES`.
    """
    if name not in TAG_POLICIES:
        from xraykit.errors import did_you_mean

        raise XrayKitError(
            Issue("name", f"unknown tag policy `{name}`", did_you_mean(name, list(TAG_POLICIES)))
        )
    return copy.deepcopy(TAG_POLICIES[name])


def parse_tags(text: str, path: str) -> dict[str, str]:
    """``stage=prod, team=web`` as a dict; a bare ``stage`` (a key to remove) maps to ``""``.

    Raises:
        XrayKitError: for an empty key or a key given twice.
    """
    tags: dict[str, str] = {}
    for item in (part.strip() for part in text.replace("\n", ",").split(",")):
        if not item:
            continue
        key, _, value = item.partition("=")
        key, value = key.strip(), value.strip()
        if not key:
            raise XrayKitError(
                Issue(path, f"`{item}` has no tag key", "write `key=value`, e.g. `stage=prod`")
            )
        if key in tags:
            raise XrayKitError(Issue(path, f"the tag key `{key}` is given twice"))
        tags[key] = value
    return tags


def _account(policy: Mapping[str, Any], group_tags: Mapping[str, str] | None) -> Account:
    account = Account(seed="tags")
    account.add_role(ROLE, policies=[{"name": "tag-policy", "policy": policy}], session_name=SESSION)
    if group_tags is not None:
        account.add_xray_group(GROUP, "fault = true", tags=dict(group_tags))
    return account


def _tag_list(tags: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def call_parameters(operation: str, account: Account, tags: Mapping[str, str]) -> dict[str, Any]:
    """The API parameters of ``operation`` on the group ``errors`` with the tags (or tag keys) given."""
    if operation == "CreateGroup":
        return {"GroupName": GROUP, "FilterExpression": "fault = true", "Tags": _tag_list(tags)}
    if operation == "UpdateGroup":
        return {"GroupName": GROUP, "FilterExpression": "fault = true AND http.status = 500"}
    if operation == "DeleteGroup":
        return {"GroupName": GROUP}
    arn = account.group(GROUP).arn
    if operation == "TagResource":
        return {"ResourceARN": arn, "Tags": _tag_list(tags)}
    return {"ResourceARN": arn, "TagKeys": list(tags)}


def _keys_html(record: CallRecord) -> str:
    keys = record.tag_keys_in_play()
    rows = "".join(
        f"<tr><td>{html.escape(k)}</td><td><code>{html.escape(', '.join(v) or '-')}</code></td></tr>"
        for k, v in keys.items()
    )
    return f"<table><tr><th>in the request</th><th></th></tr>{rows}</table>"


def _status(record: CallRecord) -> str:
    label = record.decision.value if record.decision is not None else "service error"
    return f"{badge(label)} {code(record.summary())}"


class TagExplorer(Tool):
    """One call on a tagged group: pick the policy, the operation and the tags; see the keys and the decision.

    Attributes:
        policy: which of :data:`TAG_POLICIES` the role has.
        operation: the X-Ray API operation.
        resource_tags: the tags already on the group ``errors`` (ignored for CreateGroup, which creates it).
        request_tags: the tags the call sends (for UntagResource: the keys to remove).
        result: the last :class:`~xraykit.account.CallRecord`.
    """

    def __init__(self, policy: str, operation: str, resource_tags: str, request_tags: str) -> None:
        self.policy = w.Dropdown(
            options=list(TAG_POLICIES), value=policy, description="Policy", layout=w.Layout(width="34em")
        )
        self.operation = w.Dropdown(options=list(OPERATIONS), value=operation, description="Operation")
        self.resource_tags = text_box(resource_tags, "Tags on group")
        self.request_tags = text_box(request_tags, "Tags sent")
        super().__init__([self.policy, self.operation, self.resource_tags, self.request_tags])

    def compute(self) -> CallRecord:
        operation = self.operation.value
        on_group = parse_tags(self.resource_tags.value, "tags on group")
        sent = parse_tags(self.request_tags.value, "tags sent")
        account = _account(TAG_POLICIES[self.policy.value], None if operation == "CreateGroup" else on_group)
        return account.call(ROLE, operation, **call_parameters(operation, account, sent))

    def show(self, result: CallRecord) -> None:
        self.status.value = _status(result)
        self.view.value = _keys_html(result) + result._repr_html_()


def tag_explorer(
    policy: str = "docs: deny changes to stage=prod groups",
    operation: str = "DeleteGroup",
    resource_tags: str = "stage=prod",
    request_tags: str = "",
) -> TagExplorer:
    """A tag explorer, starting on the docs' example: deleting a group tagged stage=prod is denied.

    Returns:
        The widget (not displayed); ``.result`` is the current call record.

    Raises:
        KeyError: for a policy or operation not offered.
    """
    return TagExplorer(policy, operation, resource_tags, request_tags)


# ------------------------------------------------------------------------------------------
# the lifecycle


@dataclass(frozen=True, slots=True)
class Step:
    """One call of the lifecycle: the operation and the tags it sends (or the keys it removes)."""

    operation: str
    tags: Mapping[str, str]
    why: str


#: create (as dev) → tag as prod → try to delete → untag → delete: the docs' policy lets the last one through.
LIFECYCLE: tuple[Step, ...] = (
    Step("CreateGroup", {"stage": "dev"}, "create the group, tagged stage=dev"),
    Step("TagResource", {"stage": "prod"}, "promote it: stage=prod"),
    Step("DeleteGroup", {}, "try to delete the production group"),
    Step("UntagResource", {"stage": ""}, "remove the stage tag"),
    Step("DeleteGroup", {}, "try again"),
)


def run_lifecycle(policy: Mapping[str, Any], steps: Sequence[Step] = LIFECYCLE) -> CallLog:
    """Run ``steps`` in order on a fresh account whose role has ``policy``.

    Each call sees the account as the calls before it left it.
    """
    account = _account(policy, None)
    records = []
    for step in steps:
        records.append(
            account.call(ROLE, step.operation, **call_parameters(step.operation, account, step.tags))
        )
    return CallLog(tuple(records))


class LifecycleStepper(Tool):
    """Step through create → tag → delete → untag → delete, with the docs' policy or the fixed one.

    Attributes:
        policy: the role's policy (``docs: ...`` or ``fixed: ...``).
        steps: how many calls have run (``next_step`` and ``reset`` move it).
        result: the :class:`~xraykit.account.CallLog` of the calls run so far.
    """

    def __init__(self, policy: str, steps: int) -> None:
        self.policy = w.Dropdown(
            options=list(TAG_POLICIES)[:2], value=policy, description="Policy", layout=w.Layout(width="34em")
        )
        self.steps = w.IntSlider(value=steps, min=0, max=len(LIFECYCLE), description="Calls run")
        self.next = w.Button(description="Next call")
        self.reset = w.Button(description="Reset")
        on_click(self.next, self.next_step)
        on_click(self.reset, lambda: setattr(self.steps, "value", 0))
        super().__init__([self.policy, self.steps])
        # ipywidgets is untyped: mypy cannot see the type of the inherited `children`
        self.children = (self.policy, w.HBox([self.steps, self.next, self.reset]), *self.children[2:])  # type: ignore[has-type]

    def next_step(self) -> None:
        """Run one more call (if any are left)."""
        self.steps.value = min(self.steps.value + 1, len(LIFECYCLE))

    def compute(self) -> CallLog:
        return run_lifecycle(TAG_POLICIES[self.policy.value], LIFECYCLE[: self.steps.value])

    def show(self, result: CallLog) -> None:
        if not result.records:
            self.status.value = "no call yet: press Next call"
            self.view.value = ""
            return
        last = result.records[-1]
        self.status.value = f"call {len(result.records)} of {len(LIFECYCLE)}: {_status(last)}"
        rows = []
        for step, row in zip(LIFECYCLE, result.timeline(), strict=False):
            after = (
                "(gone)"
                if row["tags after"] is None
                else ", ".join(f"{k}={v}" for k, v in row["tags after"].items())
            )
            rows.append(
                f"<tr><td>{row['step']}. {html.escape(step.why)}</td>"
                f"<td>{badge(row['decision'] or 'error')}</td>"
                f"<td><code>{html.escape(', '.join(row['resource tags']) or '-')}</code></td>"
                f"<td><code>{html.escape(after or '-')}</code></td></tr>"
            )
        self.view.value = (
            "<table><tr><th>call</th><th>decision</th><th>tags on the group before</th>"
            f"<th>after</th></tr>{''.join(rows)}</table>"
        )


def lifecycle_stepper(
    policy: str = "docs: deny changes to stage=prod groups", steps: int = len(LIFECYCLE)
) -> LifecycleStepper:
    """The lifecycle stepper, with every call run under the docs' policy (so the gap shows at once).

    Returns:
        The widget (not displayed); ``.result`` is the call log so far.
    """
    return LifecycleStepper(policy, steps)
