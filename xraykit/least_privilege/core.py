"""The smallest policy for a task, and the evaluation that proves it (see the package docstring)."""

from __future__ import annotations

import html
import json
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from xraykit import catalog
from xraykit.compare.domain import Decider, domain, key_policy_for
from xraykit.least_privilege.task import EXAMPLE_KEY_ARN, Task, TaskRequest, task
from xraykit.policy import parse_policy
from xraykit.result import Decision
from xraykit.wildcards import match_resource

__all__ = [
    "LeastPrivilege",
    "Proof",
    "ProofRow",
    "key_policy_for",
    "least_privilege",
    "prove",
    "scope_of",
    "statements_for",
]

_PINNED_PREFIXES = ("aws:requesttag/", "aws:resourcetag/")
_PINNED = ("kms:viaservice", "aws:tagkeys")
_SAMPLE = 20


def scope_of(action: catalog.Action, resource: str) -> str:
    """The Resource a least-privilege statement uses for ``action`` on ``resource``.

    Args:
        action: the action.
        resource: the request's resource.

    Returns:
        ``*`` for an action without resource-level permissions (or a request on ``*``); for an
        X-Ray group ``arn:...:group/NAME/*`` (the ID is generated); otherwise the ARN itself.
    """
    if not action.resource_level or resource == "*":
        return "*"
    kind = catalog.resource_type_of(resource, action)
    if kind is not None and kind.service == "xray" and kind.name == "group":
        head, _, rest = resource.rpartition(":")
        pieces = rest.split("/")
        if len(pieces) >= 3:
            return f"{head}:group/{pieces[1]}/*"
    return resource


def _pinned(key: str) -> bool:
    lower = key.lower()
    return lower.startswith(_PINNED_PREFIXES) or lower in _PINNED


def _condition(requests: Sequence[TaskRequest]) -> dict[str, dict[str, Any]]:
    """The conditions every request of a group shares (tags and ``kms:ViaService``)."""
    contexts = [{k.lower(): (k, v) for k, v in r.context if _pinned(k)} for r in requests]
    common = set(contexts[0]).intersection(*contexts[1:]) if contexts else set()
    block: dict[str, dict[str, Any]] = {}
    for lower in sorted(common):
        name = contexts[0][lower][0]
        if lower == "aws:tagkeys":
            keys = sorted({k for c in contexts for k in _values(c[lower][1])})
            block.setdefault("ForAllValues:StringEquals", {})[name] = keys
            block.setdefault("Null", {})[name] = "false"
            continue
        values = sorted({v for c in contexts for v in _values(c[lower][1])})
        block.setdefault("StringEquals", {})[name] = values[0] if len(values) == 1 else values
    return block


def _values(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list | tuple) else (str(value),)


def _kind_word(scopes: Sequence[str]) -> str:
    if scopes == ["*"]:
        return "AnyResource"
    words = set()
    for scope in scopes:
        kind = catalog.resource_type_of(scope)
        words.add("".join(p.capitalize() for p in (kind.name if kind else "resource").split("-")))
    return "".join(sorted(words)) + "s"


def statements_for(requests: Sequence[TaskRequest]) -> list[dict[str, Any]]:
    """The statements of the smallest policy allowing ``requests``.

    Each request gets its scope (:func:`scope_of`); requests of one action and scope share the
    conditions all of them carry; actions with the same scopes and conditions share a statement.

    Args:
        requests: the task's requests.

    Returns:
        Allow statements, in the order their first action appears.
    """
    groups: dict[tuple[str, str], list[TaskRequest]] = {}
    for request in requests:
        scope = scope_of(catalog.action(request.action), request.resource)
        groups.setdefault((request.action, scope), []).append(request)
    by_action: dict[tuple[str, str], list[str]] = {}  # (action, condition json) -> scopes
    for (action, scope), members in groups.items():
        cond = json.dumps(_condition(members), sort_keys=True)
        by_action.setdefault((action, cond), []).append(scope)
    statements: dict[tuple[str, str], list[str]] = {}  # (scopes json, condition json) -> actions
    for (action, cond), scopes in by_action.items():
        statements.setdefault((json.dumps(sorted(set(scopes))), cond), []).append(action)
    out: list[dict[str, Any]] = []
    used: set[str] = set()
    for (scopes_text, cond), actions in statements.items():
        scopes = json.loads(scopes_text)
        sid = base = "Allow" + _kind_word(scopes)
        n = 2
        while sid in used:
            sid, n = f"{base}{n}", n + 1
        used.add(sid)
        statement: dict[str, Any] = {
            "Sid": sid,
            "Effect": "Allow",
            "Action": actions[0] if len(actions) == 1 else actions,
            "Resource": scopes[0] if len(scopes) == 1 else scopes,
        }
        condition = json.loads(cond)
        if condition:
            statement["Condition"] = condition
        out.append(statement)
    return out


# ------------------------------------------------------------------------------------------
# proof


@dataclass(frozen=True, slots=True)
class ProofRow:
    """One request checked: whether the task needs it, and what the policy decided."""

    action: str
    resource: str
    context: tuple[tuple[str, Any], ...]
    expected: bool
    decision: Decision

    @property
    def ok(self) -> bool:
        """Whether the decision is what least privilege wants."""
        return self.decision.allowed is self.expected

    def __str__(self) -> str:
        text = str(TaskRequest(self.action, self.resource, self.context))
        return f"{text}: {self.decision.value}"


@dataclass(frozen=True)
class Proof:
    """Evidence that a policy allows a task and nothing else of the X-Ray domain.

    Attributes:
        task_rows: every request of the task (each must be allowed).
        other_rows: every other request of the X-Ray domain, and a seeded sample of the other
            actions of each other service in the task (each must be denied).
    """

    task_rows: tuple[ProofRow, ...]
    other_rows: tuple[ProofRow, ...]

    @property
    def failures(self) -> tuple[ProofRow, ...]:
        """The rows where the decision is not the wanted one."""
        return tuple(r for r in (*self.task_rows, *self.other_rows) if not r.ok)

    @property
    def holds(self) -> bool:
        """True when every task request is allowed and every other request denied."""
        return not self.failures

    def text(self) -> str:
        """The proof in a few lines (failures listed)."""
        allowed = sum(r.ok for r in self.task_rows)
        denied = sum(r.ok for r in self.other_rows)
        lines = [
            f"Proof: {allowed} of {len(self.task_rows)} task requests allowed; "
            f"{denied} of {len(self.other_rows)} other requests denied "
            "(every other request of the X-Ray domain, and a sample of other services' actions)",
        ]
        lines += [f"  ✗ {r}" for r in self.failures]
        lines.append("The proof holds." if self.holds else "The proof fails.")
        return "\n".join(lines)


def _in_task(row: tuple[str, str, Mapping[str, Any]], statements: Sequence[dict[str, Any]]) -> bool:
    """Whether the policy is meant to allow the request (an independent reading of the statements)."""
    action, resource, context = row
    lowered = {k.lower(): v for k, v in context.items()}
    for statement in statements:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        scopes = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        if action not in actions:
            continue
        if not (resource == "*" or any(match_resource(s, resource) for s in scopes)):
            continue
        if all(
            _holds(op, key, want, lowered)
            for op, keys in statement.get("Condition", {}).items()
            for key, want in keys.items()
        ):
            return True
    return False


def _holds(operator: str, key: str, want: Any, context: Mapping[str, Any]) -> bool:
    have = context.get(key.lower())
    wanted = set(_values(want))
    if operator == "Null":
        return have is not None
    if have is None:
        return operator.startswith("ForAllValues")
    if operator.startswith("ForAllValues"):
        return set(_values(have)) <= wanted
    return bool(set(_values(have)) & wanted) and len(_values(have)) == 1


def prove(policy: dict[str, Any], work: Task, *, seed: int = 0) -> Proof:
    """Evaluate a least-privilege claim: the task allowed, everything else of the domain denied.

    Args:
        policy: the policy document.
        work: the task.
        seed: the seed of the sample of other services' actions.

    Returns:
        The :class:`Proof`.
    """
    statements = policy["Statement"] if isinstance(policy["Statement"], list) else [policy["Statement"]]
    decider = Decider([policy])
    task_rows = tuple(
        ProofRow(
            r.action, r.resource, r.context, True, decider.decide(r.action, r.resource, r.context_dict())
        )
        for r in work.requests
    )
    seen = {(r.action, r.resource, r.context) for r in work.requests}
    others: list[ProofRow] = []
    space = domain([parse_policy(policy)])
    for request in space.requests:
        context = request.context_dict()
        if (request.action, request.resource, request.context) in seen or _in_task(
            (request.action, request.resource, context), statements
        ):
            continue
        decision = decider.decide(request.action, request.resource, context)
        others.append(ProofRow(request.action, request.resource, request.context, False, decision))
    rng = random.Random(seed)
    for service in sorted({a.split(":", 1)[0] for a in work.actions} - {"xray"}):
        mine = [r for r in work.requests if r.action.startswith(service + ":")]
        candidates = [a for a in catalog.actions(service) if a.full_name not in work.actions]
        for act in rng.sample(candidates, min(_SAMPLE, len(candidates))):
            fitting = [
                r.resource for r in mine if r.resource != "*" and catalog.arn_fits_action(act, r.resource)
            ]
            resource = fitting[0] if fitting else "*"
            context = dict(mine[0].context)
            decision = decider.decide(act.full_name, resource, context)
            others.append(ProofRow(act.full_name, resource, tuple(sorted(context.items())), False, decision))
    return Proof(task_rows, tuple(others))


# ------------------------------------------------------------------------------------------
# the result


@dataclass(frozen=True)
class LeastPrivilege:
    """The smallest policy for a task, and the proof that it allows exactly that.

    Attributes:
        task: the task.
        policy: the policy document.
        proof: the evaluation evidence.
    """

    task: Task
    policy: dict[str, Any]
    proof: Proof

    @property
    def policy_text(self) -> str:
        """The policy as JSON text (4-space indent)."""
        return json.dumps(self.policy, indent=4)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "task": self.task.name,
            "requests": [str(r) for r in self.task.requests],
            "policy": self.policy,
            "proof": {
                "holds": self.proof.holds,
                "task_requests": len(self.proof.task_rows),
                "other_requests": len(self.proof.other_rows),
                "failures": [str(r) for r in self.proof.failures],
            },
        }

    def text(self) -> str:
        """The task, the policy and the proof as plain text."""
        count = len(self.task.requests)
        lines = [
            f"Least-privilege policy for `{self.task.name}` ({count} request{'s' if count != 1 else ''}):",
            self.policy_text,
            self.proof.text(),
        ]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        colour = "#1a7f37" if self.proof.holds else "#cf222e"
        proof = html.escape(self.proof.text()).replace("\n", "<br>")
        return (
            f"<div class='xraykit-least-privilege'><p><b>Least-privilege policy for "
            f"<code>{html.escape(self.task.name)}</code></b></p><pre>{html.escape(self.policy_text)}</pre>"
            f"<p style='color:{colour}'>{proof}</p></div>"
        )

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(self.text())


def least_privilege(
    what: str | Task | Sequence[Any] | Any = None,
    *,
    actions: Sequence[str] | None = None,
    resources: Sequence[str] | None = None,
    key_arn: str = EXAMPLE_KEY_ARN,
    region: str = "us-east-1",
    seed: int = 0,
) -> LeastPrivilege:
    """The smallest identity-based policy that allows exactly a task, with its proof.

    ``least_privilege("daemon")``; ``least_privilege(actions=["xray:GetGroup"], resources=[arn])``.

    Args:
        what: a bundle name, a :class:`Task`, requests, or a recorded call (see :func:`task`).
        actions: actions (with ``resources``) instead of ``what``.
        resources: the resources for ``actions``.
        key_arn: the KMS key of a bundle's key members.
        region: the region for ``kms:ViaService``.
        seed: the seed of the proof's sample of other services' actions.

    Returns:
        The :class:`LeastPrivilege`: policy and proof.

    Raises:
        XrayKitError: for an unknown bundle or action, or a resource an action cannot name.
    """
    work = task(what, actions=actions, resources=resources, key_arn=key_arn, region=region)
    policy = {"Version": "2012-10-17", "Statement": statements_for(work.requests)}
    return LeastPrivilege(work, policy, prove(policy, work, seed=seed))
