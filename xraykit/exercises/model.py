"""The record types of the exercises and the quiz, and the examples they share."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from xraykit import arn as arns

__all__ = [
    "ALICE",
    "ALLOW_XRAY",
    "DAEMON",
    "DEV",
    "KEY",
    "LOCAL",
    "PROD",
    "STAGE_PROD",
    "VIA",
    "Exercise",
    "QuizCard",
    "Requirement",
    "doc",
    "group",
    "req",
]

ALICE = "arn:aws:iam::123456789012:user/alice"
KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
VIA = {"kms:ViaService": "xray.us-east-1.amazonaws.com", "kms:CallerAccount": "123456789012"}
DAEMON = (
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
    "xray:GetSamplingStatisticSummaries",
)


def group(name: str, region: str = arns.EXAMPLE_REGION) -> str:
    """A group ARN in the example account; its ID is derived from the name, so it is stable across runs."""
    return arns.group_arn(name, region=region)


def doc(*statements: Mapping[str, Any]) -> dict[str, Any]:
    """A policy document (Version 2012-10-17) with these statements."""
    return {"Version": "2012-10-17", "Statement": list(statements)}


@dataclass(frozen=True, slots=True)
class Requirement:
    """One request an answer must allow (``allow=True``) or must not allow."""

    action: str
    resource: str = "*"
    allow: bool = True
    context: Mapping[str, Any] = field(default_factory=dict)
    principal: str = ALICE
    why: str = ""

    def label(self) -> str:
        """``xray:GetGroup on group/prod/…`` with the context, for reports."""
        where = self.resource if self.resource == "*" else self.resource.split(":", 5)[-1]
        if where.startswith("group/"):
            where = "/".join(where.split("/")[:2]) + "/…"  # the generated ID says nothing here
        ctx = ", ".join(
            f"{k}={'[' + ', '.join(v) + ']' if isinstance(v, list | tuple) else v}"
            for k, v in self.context.items()
            if not k.startswith("kms:")
        )
        who = "" if self.principal == ALICE else f" as {self.principal.rsplit(':', 1)[-1]}"
        return f"{self.action} on {where}{who}" + (f" [{ctx}]" if ctx else "")


@dataclass(frozen=True, slots=True)
class Exercise:
    """A task, the requests that test an answer, and a solution.

    ``kind`` says what the answer is: ``identity`` (an identity policy), ``actions`` (a list of
    action patterns), ``key-policy`` (a KMS key policy) or ``boundary`` (a permissions boundary
    for a principal holding ``AWSXrayFullAccess``).
    """

    name: str
    notebook: str
    task: str
    kind: str
    requirements: tuple[Requirement, ...]
    solution: Any
    only: bool = False  # least privilege: every other X-Ray action must not be allowed


def req(action: str, resource: str = "*", allow: bool = True, **kw: Any) -> Requirement:
    """A :class:`Requirement`; a bare action name means an X-Ray action (``GetGroup``)."""
    return Requirement(action if ":" in action else f"xray:{action}", resource, allow, **kw)


PROD, DEV, LOCAL = group("prod"), group("dev"), group("local-users", "eu-west-1")
ALLOW_XRAY = {"Effect": "Allow", "Action": "xray:*", "Resource": "*"}
STAGE_PROD = {"StringEquals": {"aws:ResourceTag/stage": ["preprod", "prod"]}}


@dataclass(frozen=True, slots=True)
class QuizCard:
    """A predict-then-reveal question: a request, the policies, and the lesson.

    ``answer`` is what the simulator says (checked by the tests); the widget computes it again.
    """

    key: str
    question: str
    action: str
    resource: str
    policies: Mapping[str, Any]
    answer: str
    lesson: str
    source: str
    context: Mapping[str, Any] = field(default_factory=dict)

    def evaluate(self) -> Any:
        """Run the card's request through the simulator."""
        from xraykit.engine import simulate

        return simulate(self.action, self.resource, context=dict(self.context), **dict(self.policies))
