"""Automatic checks for exercises: is a learner's policy right for a task?

``check_policy_for_task(my_policy, "daemon")`` says what is right (task requests the policy
allows), what is still missing (task requests it denies, with the reason the simulator gives), and
what is too broad (requests of the X-Ray domain it allows beyond the least-privilege policy for the
task), plus the lint findings that explain a miss. The notebooks' exercises call it.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from xraykit.compare import compare
from xraykit.compare.domain import Decider, load_policies
from xraykit.least_privilege.core import least_privilege
from xraykit.least_privilege.task import EXAMPLE_KEY_ARN, Task, TaskRequest, task
from xraykit.lint import Severity, lint
from xraykit.render import decision_summary

__all__ = ["Broad", "Missing", "TaskCheck", "check_policy_for_task"]


@dataclass(frozen=True, slots=True)
class Missing:
    """A task request the policy does not allow, and why."""

    request: TaskRequest
    reason: str

    def __str__(self) -> str:
        return f"{self.request}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Broad:
    """An action the policy allows beyond the task: how many requests of the domain, one example."""

    action: str
    count: int
    example: str

    def __str__(self) -> str:
        return f"{self.action} ({self.count} request{'s' if self.count != 1 else ''}, e.g. {self.example})"


@dataclass(frozen=True)
class TaskCheck:
    """The verdict on a learner's policy for a task.

    Attributes:
        task: the task.
        right: the task requests the policy allows.
        missing: the task requests it does not allow, with the reason.
        too_broad: actions it allows beyond the least-privilege policy for the task.
        notes: lint findings (errors and security warnings) that explain a miss or an excess.
    """

    task: Task
    right: tuple[TaskRequest, ...]
    missing: tuple[Missing, ...]
    too_broad: tuple[Broad, ...]
    notes: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        """True when the policy allows the whole task and nothing more."""
        return not self.missing and not self.too_broad

    def text(self) -> str:
        """The check as plain text (deterministic)."""
        lines = [f"Check for `{self.task.name}`:"]
        if self.right:
            lines.append(f"  ✓ right ({len(self.right)}): " + ", ".join(str(r) for r in self.right))
        if self.missing:
            lines.append(f"  ✗ missing ({len(self.missing)}):")
            lines += [f"      {m}" for m in self.missing]
        if self.too_broad:
            lines.append(f"  ✗ too broad ({len(self.too_broad)} actions beyond the task):")
            lines += [f"      {b}" for b in self.too_broad]
        if self.notes:
            lines.append("  lint:")
            lines += [f"      {n}" for n in self.notes]
        if self.passed:
            lines.append("All right: the policy allows the task and nothing more.")
        else:
            lines.append(f"Not yet: {len(self.missing)} missing, {len(self.too_broad)} too broad.")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        def items(title: str, colour: str, rows: Sequence[object]) -> str:
            if not rows:
                return ""
            body = "".join(f"<li>{html.escape(str(r))}</li>" for r in rows)
            return f"<p style='color:{colour}'><b>{title} ({len(rows)})</b></p><ul>{body}</ul>"

        verdict = (
            "<p style='color:#1a7f37'><b>All right: the policy allows the task and nothing more.</b></p>"
            if self.passed
            else f"<p style='color:#cf222e'><b>Not yet: {len(self.missing)} missing, "
            f"{len(self.too_broad)} too broad.</b></p>"
        )
        return (
            f"<div class='xraykit-check'><p>Check for <code>{html.escape(self.task.name)}</code></p>"
            + items("✓ right", "#1a7f37", self.right)
            + items("✗ missing", "#cf222e", self.missing)
            + items("✗ too broad", "#bc4c00", self.too_broad)
            + items("lint", "#57606a", self.notes)
            + verdict
            + "</div>"
        )

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(self.text())


def check_policy_for_task(
    policy: Any,
    what: Any = None,
    *,
    actions: Sequence[str] | None = None,
    resources: Sequence[str] | None = None,
    key_arn: str = EXAMPLE_KEY_ARN,
    region: str = "us-east-1",
) -> TaskCheck:
    """Check a learner's policy (or policies) against a task.

    ``check_policy_for_task(my_policy, "daemon")``

    Args:
        policy: a policy (document, JSON text, managed policy name) or a list of them.
        what: the task: a bundle name, requests, or a :class:`Task` (see
            :func:`xraykit.least_privilege.task`).
        actions: actions (with ``resources``) instead of ``what``.
        resources: the resources for ``actions``.
        key_arn: the KMS key of a bundle's key members.
        region: the region for ``kms:ViaService``.

    Returns:
        The :class:`TaskCheck`.

    Raises:
        XrayKitError: for an invalid policy or task.
    """
    work = task(what, actions=actions, resources=resources, key_arn=key_arn, region=region)
    policies = load_policies(policy)
    right: list[TaskRequest] = []
    missing: list[Missing] = []
    decider = Decider(policies)
    for request in work.requests:
        evaluation = decider.evaluate(request.action, request.resource, request.context_dict())
        if evaluation.allowed:
            right.append(request)
        else:
            missing.append(Missing(request, decision_summary(evaluation).split(": ", 1)[1]))
    reference = least_privilege(work)
    diff = compare(reference.policy, policies, a_name="least privilege", b_name="your policy")
    broad = []
    for action, group in itertools.groupby(diff.only_b, key=lambda d: d.request.action):
        rows = list(group)
        broad.append(Broad(action, len(rows), str(rows[0].request).split(" ", 1)[1]))
    notes = []
    for item in policies:
        for found in lint(item).at_least(Severity.SECURITY_WARNING):
            notes.append(str(found))
    return TaskCheck(work, tuple(right), tuple(missing), tuple(broad), tuple(notes))
