"""What a principal needs to do: a task as a list of authorization requests.

A task can be named in several ways, and :func:`task` turns each into the same thing:

- an operation bundle name (``"daemon"``: the daemon's five actions on ``*``), from
  ``xraykit/data/bundles.json``;
- actions and resources (``actions=["xray:GetGroup"], resources=[group_arn]``): each action on
  each resource it can name (on ``*`` when it takes no ARN);
- requests: ``(action, resource)`` or ``(action, resource, context)`` tuples, or dicts with those
  keys;
- a recorded call (or a sequence of calls) of the account model: the authorization requests AWS
  made for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from xraykit import catalog
from xraykit.compare.domain import DomainRequest
from xraykit.errors import Issue, XrayKitError, json_type

__all__ = ["EXAMPLE_KEY_ARN", "Task", "TaskRequest", "task"]

#: The KMS key a bundle's key members use unless another is given (the AWS docs' example key ID).
EXAMPLE_KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


#: One request of a task (action by its canonical name, resource, context): the same value as a
#: request of the compare domain, so a task's requests are decided and shown as the domain's are.
TaskRequest = DomainRequest


@dataclass(frozen=True, slots=True)
class Task:
    """A named list of requests that must all be allowed."""

    name: str
    requests: tuple[TaskRequest, ...]

    @property
    def actions(self) -> tuple[str, ...]:
        """The actions, in the order they first appear."""
        return tuple(dict.fromkeys(r.action for r in self.requests))

    def __str__(self) -> str:
        return f"{self.name}: " + "; ".join(str(r) for r in self.requests)


def _request(
    action: str, resource: str = "*", context: Mapping[str, Any] | None = None, path: str = "task"
) -> TaskRequest:
    found = catalog.action(action, path=path)
    if not isinstance(resource, str) or not resource:
        raise XrayKitError(Issue(path, "the resource must be an ARN or `*`"))
    if context is not None and not isinstance(context, Mapping):
        raise XrayKitError(
            Issue(path, f"a request's context maps condition keys to values, not {json_type(context)}")
        )
    if resource != "*" and not catalog.arn_fits_action(found, resource):
        kinds = " or ".join(f"`{r.name}`" for r in found.resource_types) or "`*`"
        raise XrayKitError(
            Issue(
                path,
                f"`{found.full_name}` cannot name `{resource}`",
                f"it takes {kinds}" if found.resource_types else "it takes only `*`",
            )
        )
    items = tuple(
        sorted(
            ((k, tuple(v) if isinstance(v, list) else v) for k, v in (context or {}).items()),
            key=lambda kv: kv[0].lower(),
        )
    )
    return TaskRequest(found.full_name, resource, items)


def _from_bundle(name: str, key_arn: str, region: str) -> Task:
    from xraykit.account.bundles import bundle

    found = bundle(name)
    requests = []
    for member in found.members:
        if member.resource == "key":
            context = {"kms:ViaService": f"xray.{region}.amazonaws.com"}
            requests.append(_request(member.action, key_arn, context))
        else:
            requests.append(_request(member.action, member.resource))
    return Task(found.name, tuple(requests))


def _from_recorded(item: Any) -> list[TaskRequest]:
    records = getattr(item, "records", None)
    calls = records if records is not None else [item]
    out = []
    for call in calls:
        for req in call.requests:
            out.append(_request(req.action, req.resource, req.context))
    return out


def task(
    what: str | Task | Iterable[Any] | Any = None,
    *,
    actions: Sequence[str] | None = None,
    resources: Sequence[str] | None = None,
    key_arn: str = EXAMPLE_KEY_ARN,
    region: str = "us-east-1",
    name: str | None = None,
) -> Task:
    """A :class:`Task` from a bundle name, a list of requests, a recorded call, or actions and resources.

    Args:
        what: a bundle name (``"daemon"``), a :class:`Task`, requests (tuples or dicts), or a
            recorded call or call log of the account model.
        actions: actions to allow (with ``resources``), instead of ``what``.
        resources: the resources for ``actions``; each action gets those it can name (``*``
            when it can name none, or none are given).
        key_arn: the KMS key of a bundle's key members.
        region: the region of ``kms:ViaService`` for a bundle's key members.
        name: a name for the task.

    Returns:
        The task.

    Raises:
        XrayKitError: for an unknown bundle or action, a resource an action cannot name, or
            nothing to do.
    """
    if isinstance(what, Task):
        return what
    if isinstance(what, str):
        return _from_bundle(what, key_arn, region)
    requests: list[TaskRequest] = []
    if isinstance(actions, str):
        raise XrayKitError(
            Issue("actions", "`actions` is a list of actions", f'e.g. `actions=["{actions}"]`')
        )
    if actions is not None:
        for i, text in enumerate(actions):
            found = catalog.action(text, path=f"actions[{i}]")
            fitting = [r for r in resources or () if r != "*" and catalog.arn_fits_action(found, r)]
            if not fitting:
                requests.append(_request(found.full_name, "*"))
            requests += [_request(found.full_name, r) for r in fitting]
    elif what is not None and (hasattr(what, "requests") or hasattr(what, "records")):
        requests = _from_recorded(what)
        calls = getattr(what, "records", None) or [what]
        name = name or "recorded calls: " + ", ".join(dict.fromkeys(str(c.operation) for c in calls))
    elif what is not None:
        if isinstance(what, Mapping) or not isinstance(what, Iterable):
            raise XrayKitError(
                Issue(
                    "task",
                    f"a task is a bundle name, a list of requests or a recorded call, not {json_type(what)}",
                    'e.g. `"daemon"` or `[("xray:GetGroup", group_arn)]`',
                )
            )
        for i, item in enumerate(what):
            path = f"task[{i}]"
            if isinstance(item, TaskRequest):
                requests.append(item)
            elif isinstance(item, Mapping):
                if "action" not in item:
                    raise XrayKitError(
                        Issue(path, "a request needs `action`", '`{"action": ..., "resource": ...}`')
                    )
                requests.append(
                    _request(item["action"], item.get("resource", "*"), item.get("context"), path)
                )
            elif isinstance(item, str):
                requests.append(_request(item, "*", None, path))
            elif not isinstance(item, list | tuple):
                raise XrayKitError(
                    Issue(
                        path,
                        "a request is (action, resource) or (action, resource, context), "
                        f"not {json_type(item)}",
                    )
                )
            else:
                parts = tuple(item)
                if not 1 <= len(parts) <= 3:
                    shape = "a request is (action, resource) or (action, resource, context)"
                    raise XrayKitError(Issue(path, shape))
                action, resource, context = (*parts, "*", None)[:3] if len(parts) == 1 else (*parts, None)[:3]
                requests.append(_request(action, resource, context, path))
    if not requests:
        raise XrayKitError(
            Issue("task", "the task has no requests", "name a bundle such as `daemon`, or give actions")
        )
    label = name or (
        "custom task"
        if actions is None
        else "actions " + ", ".join(dict.fromkeys(r.action for r in requests))
    )
    return Task(label, tuple(dict.fromkeys(requests)))
