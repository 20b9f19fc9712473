"""Exercises for the notebooks, and checks that say what an answer gets right, misses or grants too broadly.

Each notebook ends with exercises whose answers a learner checks with one call::

    from xraykit.exercises import check_policy
    check_policy("daemon-least-privilege", my_policy)

An exercise is a list of requests with the verdict each must get (allowed, or not allowed). A check
runs every one through the simulator with the learner's answer and sorts them into *right*,
*missing* (should be allowed, is not) and *too broad* (allowed, should not be). Least-privilege
exercises (``only=True``) also ask every other X-Ray action: anything else the answer allows is
too broad. Solutions are one call away (:func:`solution`), never printed on the page.

The gotchas quiz lives here too (:data:`QUIZ`, in :mod:`xraykit.exercises.quiz`): each card's answer
is computed by the simulator at reveal time; the stored answer is only what the tests check the
engine against.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from xraykit.errors import Issue, XrayKitError, did_you_mean, json_type, load_json
from xraykit.exercises.model import Exercise, QuizCard, Requirement, doc
from xraykit.exercises.quiz import QUIZ
from xraykit.exercises.tasks import EXERCISES

__all__ = [
    "EXERCISES",
    "QUIZ",
    "CheckResult",
    "Exercise",
    "QuizCard",
    "Requirement",
    "check_actions",
    "check_boundary",
    "check_daemon_policy",
    "check_environment",
    "check_key_policy",
    "check_policy",
    "check_quiz",
    "exercise",
    "exercises",
    "quiz_card",
    "solution",
    "solution_environment",
]

_BY_NAME = {e.name: e for e in EXERCISES}
_CARDS = {c.key: c for c in QUIZ}


def exercises(notebook: str | None = None) -> tuple[str, ...]:
    """The exercise names, in series order (those of one notebook if ``notebook`` is given)."""
    return tuple(e.name for e in EXERCISES if notebook is None or e.notebook == notebook)


def exercise(name: str) -> Exercise:
    """The exercise called ``name``.

    Raises:
        XrayKitError: for an unknown name (with the closest one).
    """
    if not isinstance(name, str) or name not in _BY_NAME:
        shown = (
            f"unknown exercise `{name}`"
            if isinstance(name, str)
            else f"an exercise is named by text, not {json_type(name)}"
        )
        raise XrayKitError(Issue("name", shown, did_you_mean(name, list(_BY_NAME)) or "see `exercises()`"))
    return _BY_NAME[name]


def solution(name: str) -> str:
    """One possible answer to exercise ``name``, as JSON text (try yours first)."""
    if name == "daemon-uses-role":
        return json.dumps(solution_environment(), indent=2)
    return json.dumps(exercise(name).solution, indent=2)


@dataclass(frozen=True, slots=True)
class CheckResult:
    """What an answer got right, what it misses and what it grants too broadly.

    ``problems`` holds the issues of an answer that could not be evaluated (invalid JSON, an
    unknown action): then nothing else is filled in.
    """

    exercise: str
    task: str
    right: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    too_broad: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    headings: tuple[str, str] = ("missing (should be allowed)", "too broad (should not be allowed)")

    @property
    def passed(self) -> bool:
        """True when nothing is missing, nothing is too broad, and the answer was valid."""
        return not (self.missing or self.too_broad or self.problems)

    def __str__(self) -> str:
        head = f"{self.exercise}: " + ("all good" if self.passed else "not yet")
        lines = [head, f"  task: {self.task}"]
        for title, items in (
            ("problems", self.problems),
            (self.headings[0], self.missing),
            (self.headings[1], self.too_broad),
            ("right", self.right),
        ):
            if items:
                lines.append(f"  {title}:")
                lines += [f"    - {item}" for item in items]
        return "\n".join(lines)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))

    def _repr_html_(self) -> str:
        colour = "#1a7f37" if self.passed else "#cf222e"
        out = [
            f'<div class="xraykit-check"><b style="color:{colour}">'
            f"{html.escape(str(self).splitlines()[0])}</b>"
            f"<br><em>{html.escape(self.task)}</em><ul>"
        ]
        for title, items in (
            ("problems", self.problems),
            (self.headings[0], self.missing),
            (self.headings[1], self.too_broad),
            ("right", self.right),
        ):
            if items:
                out.append(
                    f"<li>{title}: " + "; ".join(f"<code>{html.escape(i)}</code>" for i in items) + "</li>"
                )
        out.append("</ul></div>")
        return "".join(out)


def _loaded(answer: Any) -> Any:
    if isinstance(answer, str) and answer.lstrip().startswith(("{", "[")):
        return load_json(answer, path="answer")
    return answer


def _policy_set(ex: Exercise, answer: Any) -> Any:
    from xraykit.engine import PolicySet

    answer = _loaded(answer)
    if ex.kind == "actions":
        patterns = [answer] if isinstance(answer, str) else list(answer)
        return PolicySet(
            [{"name": "answer", "policy": doc({"Effect": "Allow", "Action": patterns, "Resource": "*"})}]
        )
    named = {"name": "answer", "policy": answer} if isinstance(answer, Mapping) else answer
    if ex.kind == "key-policy":
        return PolicySet([], resource_policy=named)
    if ex.kind == "boundary":
        return PolicySet(["AWSXrayFullAccess"], permission_boundaries=[named])
    return PolicySet(named if isinstance(named, list) else [named])


def _swept(ex: Exercise, policies: Any) -> list[str]:
    """The X-Ray actions the answer allows beyond the exercise's allow requirements (every resource kind)."""
    from xraykit.matrix import verdict_matrix

    named = {r.action.lower() for r in ex.requirements if r.allow}
    allowed = verdict_matrix({"answer": policies}).allowed_actions("answer")
    return [a for a in allowed if a.lower() not in named]


def _check(name: str, answer: Any, kind: str | None = None) -> CheckResult:
    ex = exercise(name)
    if kind is not None and ex.kind != kind:
        raise XrayKitError(
            Issue(
                "name",
                f"`{name}` asks for a {ex.kind} answer, not a {kind}",
                f"call the check for {ex.kind} answers",
            )
        )
    try:
        policies = _policy_set(ex, answer)

        def allowed(r: Requirement) -> bool:
            return bool(
                policies.decide(r.action, r.resource, principal=r.principal, context=dict(r.context)).allowed
            )

        verdicts = [(r, allowed(r)) for r in ex.requirements]
        swept = _swept(ex, policies) if ex.only else []
    except XrayKitError as error:
        return CheckResult(name, ex.task, problems=tuple(str(i) for i in error.issues))
    right = [r.label() + (f" ({r.why})" if r.why else "") for r, ok in verdicts if ok == r.allow]
    if ex.only and not swept:
        right.append("no other X-Ray action is allowed")
    missing = tuple(r.label() for r, ok in verdicts if r.allow and not ok)
    too_broad = [r.label() for r, ok in verdicts if ok and not r.allow]
    if swept:
        shown = ", ".join(a.split(":", 1)[1] for a in swept[:8]) + (
            f" and {len(swept) - 8} more" if len(swept) > 8 else ""
        )
        too_broad.append(f"{len(swept)} other X-Ray action(s): {shown}")
    return CheckResult(name, ex.task, tuple(right), missing, tuple(too_broad))


def check_policy(name: str, policy: Any) -> CheckResult:
    """Check an identity policy (a document, JSON text, or a list of policies/managed names).

    Args:
        name: the exercise (see :func:`exercises`).
        policy: the answer.

    Returns:
        The :class:`CheckResult`; invalid answers give ``problems`` rather than an exception.

    Raises:
        XrayKitError: for an unknown exercise, or one that asks for another kind of answer.
    """
    return _check(name, policy, "identity")


def check_actions(name: str, patterns: str | Sequence[str]) -> CheckResult:
    """Check a list of action patterns (as an Allow statement on ``*``) against exercise ``name``."""
    return _check(name, patterns, "actions")


def check_key_policy(name: str, key_policy: Any) -> CheckResult:
    """Check a KMS key policy; the users have no IAM policies, so the key policy alone must decide."""
    return _check(name, key_policy, "key-policy")


def check_boundary(name: str, boundary: Any) -> CheckResult:
    """Check a permissions boundary for a principal whose identity policy is ``AWSXrayFullAccess``."""
    return _check(name, boundary, "boundary")


def check_daemon_policy(policy: Any) -> Any:
    """Check a least-privilege policy for the X-Ray daemon (exercise ``daemon-least-privilege``).

    Delegates to :func:`xraykit.least_privilege.check_policy_for_task` with the ``daemon`` bundle,
    which also names the lint findings that explain a miss.

    Returns:
        A :class:`xraykit.least_privilege.TaskCheck` (``passed``, ``right``, ``missing``, ``too_broad``).
    """
    from xraykit.least_privilege import check_policy_for_task

    return check_policy_for_task(_loaded(policy), "daemon")


#: the credentials exercise: the environment to start from, and what the daemon must resolve
DAEMON_ROLE_TASK = (
    "on alice's laptop (her keys, which have no X-Ray permissions, are in [default]), make the X-Ray "
    "daemon run as the role `xray-daemon` in us-east-2, without changing the credentials file"
)
DAEMON_ROLE_START: dict[str, Any] = {
    "name": "alice's laptop",
    "platform": {"kind": "laptop"},
    "credentials_file": [
        "[default]",
        "aws_access_key_id = AKIAI44QH8DHBEXAMPLE",
        "aws_secret_access_key = je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
    ],
    "config_file": None,
    "env": {},
    "daemon": {"local_mode": True},
    "access_keys": {"AKIAI44QH8DHBEXAMPLE": "arn:aws:iam::123456789012:user/alice"},
}
_DAEMON_ROLE = "arn:aws:iam::123456789012:role/xray-daemon"


def check_environment(name: str, environment: Mapping[str, Any]) -> CheckResult:
    """Check an environment (the kit's JSON form, see :func:`xraykit.credentials.environment_from_dict`).

    Only one such exercise exists, ``daemon-uses-role``: the daemon must resolve a session of the
    role ``xray-daemon`` in us-east-2, and the credentials file must be the one it started with.

    Returns:
        The :class:`CheckResult`; an environment the model cannot load gives ``problems``.

    Raises:
        XrayKitError: for an unknown exercise name.
    """
    if name != "daemon-uses-role":
        raise XrayKitError(
            Issue("name", f"unknown environment exercise `{name}`", did_you_mean(name, ["daemon-uses-role"]))
        )
    from xraykit.credentials import environment_from_dict, resolve_daemon

    try:
        env, options = environment_from_dict(dict(environment), "answer")
    except XrayKitError as error:
        return CheckResult(name, DAEMON_ROLE_TASK, problems=tuple(str(i) for i in error.issues))
    resolution = resolve_daemon(env, options)
    right: list[str] = []
    missing: list[str] = []
    broad: list[str] = []
    identity = resolution.identity.iam_arn
    (right if identity == _DAEMON_ROLE else missing).append(
        f"the daemon's credentials are {identity or 'none'}'s; wanted a session of {_DAEMON_ROLE}"
    )
    (right if resolution.region == "us-east-2" else missing).append(
        f"the daemon's region is {resolution.region or '(none)'}; wanted us-east-2"
    )
    if resolution.error:
        missing.append(f"the daemon stops: {resolution.error}")
    start, _ = environment_from_dict(DAEMON_ROLE_START, "start")
    if env.credentials_file != start.credentials_file:
        broad.append("the credentials file changed: leave alice's keys where they are")
    return CheckResult(
        name,
        DAEMON_ROLE_TASK,
        tuple(right),
        tuple(missing),
        tuple(broad),
        headings=("still to fix", "changed but should not be"),
    )


def solution_environment() -> dict[str, Any]:
    """One answer to ``daemon-uses-role``: a profile that assumes the role from [default], via AWS_PROFILE."""
    return {
        **DAEMON_ROLE_START,
        "env": {"AWS_PROFILE": "xray"},
        "config_file": [
            "[profile xray]",
            f"role_arn = {_DAEMON_ROLE}",
            "source_profile = default",
            "region = us-east-2",
        ],
    }


# ------------------------------------------------------------------------------------------
# the gotchas quiz


def quiz_card(key: str) -> QuizCard:
    """The quiz card called ``key``.

    Raises:
        XrayKitError: for an unknown key.
    """
    if not isinstance(key, str) or key not in _CARDS:
        shown = (
            f"unknown quiz card `{key}`"
            if isinstance(key, str)
            else f"a quiz card is named by text, not {json_type(key)}"
        )
        raise XrayKitError(Issue("key", shown, did_you_mean(key, list(_CARDS))))
    return _CARDS[key]


def check_quiz(predictions: Mapping[str, str]) -> CheckResult:
    """Check quiz predictions (card key -> ``Allowed``, ``ImplicitlyDenied`` or ``ExplicitlyDenied``).

    Returns:
        ``right`` lists the cards predicted correctly, ``missing`` the cards not answered and
        ``too_broad`` the wrong predictions (with the real answer and the lesson).
    """
    if not isinstance(predictions, Mapping):
        raise XrayKitError(
            Issue(
                "predictions",
                f"the predictions map card keys to decisions, not {json_type(predictions)}",
                'e.g. `{"arn-on-star-action": "ImplicitlyDenied"}`',
            )
        )
    right: list[str] = []
    wrong: list[str] = []
    problems: list[str] = []
    for key, guess in predictions.items():
        if key not in _CARDS:
            problems.append(
                str(Issue("predictions", f"unknown quiz card `{key}`", did_you_mean(key, list(_CARDS))))
            )
            continue
        card = _CARDS[key]
        actual = card.evaluate().decision.value
        (right if guess == actual else wrong).append(
            key if guess == actual else f"{key}: {actual}, not {guess} ({card.lesson})"
        )
    unanswered = tuple(k for k in _CARDS if k not in predictions)
    return CheckResult(
        "gotchas-quiz",
        "predict each card's decision",
        tuple(right),
        unanswered,
        tuple(wrong),
        tuple(problems),
        ("not answered yet", "wrong predictions"),
    )
