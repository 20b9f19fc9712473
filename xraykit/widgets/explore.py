"""Explorers for the Action and Resource elements: which actions a pattern grants, and which ARN
segment a Resource pattern matched.

Taught in ``notebooks/01_actions_and_wildcards.ipynb`` and ``02_resources_and_arns.ipynb``.
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass

import ipywidgets as w

from xraykit import arn as arns
from xraykit import catalog
from xraykit.engine import simulate
from xraykit.errors import Issue, XrayKitError
from xraykit.render import decision_summary
from xraykit.result import Evaluation
from xraykit.widgets._base import Tool, badge, code, text_box
from xraykit.wildcards import ArnPattern

__all__ = ["ArnDissection", "PatternReport", "arn_dissector", "dissect", "pattern_explorer", "pattern_report"]

_READING = ("Read", "List")
PATTERN_EXAMPLES = (
    "xray:Get*",
    "xray:Put*",
    "xray:*Group*",
    "xray:List*",
    "XRAY:getgroup",
    "xray:Get?roup",
    "xray:*",
)


@dataclass(frozen=True, slots=True)
class PatternReport:
    """What an action pattern grants.

    Attributes:
        pattern: the pattern as typed.
        actions: ``(action, access level)`` for every action it matches, in catalog order.
        levels: access level -> how many of the matched actions have it.
        reading_missed: X-Ray Read and List actions the pattern does not grant.
        at_seed: how many of the matched X-Ray actions existed at the seed date (2020-09-21).
    """

    pattern: str
    actions: tuple[tuple[str, str], ...]
    levels: tuple[tuple[str, int], ...]
    reading_missed: tuple[str, ...]
    at_seed: int

    def __str__(self) -> str:
        levels = ", ".join(f"{n} {level}" for level, n in self.levels) or "nothing"
        line = f"`{self.pattern}` grants {len(self.actions)} action(s): {levels}"
        if self.actions and self.at_seed != len(self.actions):
            line += f"; {self.at_seed} of them existed at the seed date"
        if self.reading_missed:
            line += f"; misses {len(self.reading_missed)} X-Ray read/list action(s): " + ", ".join(
                a.split(":")[1] for a in self.reading_missed
            )
        return line


def pattern_report(pattern: str) -> PatternReport:
    """Expand an action pattern with the catalog and sum up what it grants.

    Args:
        pattern: ``service:Pattern`` (``xray:Get*``), case-insensitive like IAM.

    Returns:
        The :class:`PatternReport`.

    Raises:
        XrayKitError: for a pattern without a service prefix or an unknown service.
    """
    found = catalog.expand(pattern.strip())
    counts = Counter(a.access_level for a in found)
    levels = tuple((lv, counts[lv]) for lv in catalog.ACCESS_LEVELS if counts[lv])
    names = {a.full_name for a in found}
    missed = tuple(
        a.full_name
        for a in catalog.actions("xray")
        if a.access_level in _READING and a.full_name not in names
    )
    seed = set(catalog.seed_facts().actions_at_seed)
    return PatternReport(
        pattern.strip(),
        tuple((a.full_name, a.access_level) for a in found),
        levels,
        missed,
        sum(1 for a in found if a.full_name in seed),
    )


class PatternExplorer(Tool):
    """Type an action pattern, see exactly which actions it grants and their access levels.

    Attributes:
        pattern: the pattern control (a combobox with examples; any text works).
        result: the last :class:`PatternReport`.
    """

    def __init__(self, pattern: str) -> None:
        self.pattern = w.Combobox(
            value=pattern,
            options=PATTERN_EXAMPLES,
            description="Action",
            continuous_update=False,
            ensure_option=False,
            layout=w.Layout(width="24em"),
        )
        super().__init__([self.pattern])

    def compute(self) -> PatternReport:
        return pattern_report(self.pattern.value)

    def show(self, result: PatternReport) -> None:
        self.status.value = code(str(result))
        rows = "".join(
            f"<tr><td><code>{html.escape(a)}</code></td><td>{html.escape(lv)}</td></tr>"
            for a, lv in result.actions[:60]
        )
        more = f"<p>... and {len(result.actions) - 60} more</p>" if len(result.actions) > 60 else ""
        self.view.value = f"<table><tr><th>action</th><th>access level</th></tr>{rows}</table>{more}"


def pattern_explorer(pattern: str = "xray:Get*") -> PatternExplorer:
    """A pattern explorer widget, showing ``pattern`` first (the seed page's own example).

    Args:
        pattern: the initial pattern.

    Returns:
        The widget (not displayed); ``.result`` is the current :class:`PatternReport`.
    """
    return PatternExplorer(pattern)


# ------------------------------------------------------------------------------------------
# ARNs


@dataclass(frozen=True, slots=True)
class ArnDissection:
    """A Resource pattern against a request ARN, segment by segment, and the decision IAM reaches.

    Attributes:
        action: the action asked for.
        pattern: the policy's Resource.
        arn: the resource named by the request (``*`` is used instead when the action takes none).
        segments: ``(segment, pattern part, ARN part, matched)`` for the six segments.
        matched: whether the whole pattern matches the ARN.
        resource_type: the resource type the action sees in the ARN, if any.
        evaluation: the decision for a policy that allows ``action`` on ``pattern``.
    """

    action: str
    pattern: str
    arn: str
    segments: tuple[tuple[str, str, str, bool], ...]
    matched: bool
    resource_type: str | None
    evaluation: Evaluation

    def __str__(self) -> str:
        lines = [
            f"{seg:>9}: {p:<22} vs {a:<22} {'match' if ok else 'DIFFERENT'}"
            for seg, p, a, ok in self.segments
        ]
        lines.append(f"pattern {'matches' if self.matched else 'does not match'} the ARN")
        lines.append(decision_summary(self.evaluation))
        return "\n".join(lines)


def _segments(text: str) -> list[str]:
    parts = text.split(":", 5)
    return parts + [""] * (6 - len(parts))


def dissect(action: str, pattern: str, arn: str) -> ArnDissection:
    """Compare a Resource pattern with an ARN segment by segment, and decide the request.

    The request is ``action`` on ``arn`` when the action takes resources, else on ``*`` (which is
    what AWS authorizes for such actions, so a policy naming an ARN never grants them).

    Args:
        action: the action (``xray:CreateGroup``).
        pattern: the policy's Resource (an ARN pattern or ``*``).
        arn: the resource ARN of the request.

    Returns:
        The :class:`ArnDissection`.

    Raises:
        XrayKitError: for an unknown action, a malformed ARN, or an ARN of a type the action does not take.
    """
    info = catalog.action(action)
    parsed = arns.parse(arn.strip(), path="arn")
    pattern = pattern.strip()
    if not pattern:
        raise XrayKitError(Issue("pattern", "the Resource pattern is empty", "write an ARN pattern or `*`"))
    names = ("arn", *arns.SEGMENTS[1:])
    # the engine's own compiled pattern says both the verdict and each segment's part in it
    compiled = ArnPattern(pattern, expand_short=True, literal_type=True)
    given = ["*"] * 6 if pattern == "*" else pattern.split(":", 5)
    wanted = given + ["*"] * (6 - len(given))  # a short pattern's missing segments count as `*`
    rows = tuple(
        zip(names, wanted, _segments(str(parsed)), compiled.segment_matches(str(parsed)), strict=True)
    )
    resource = str(parsed) if info.resource_level else "*"
    kind = catalog.resource_type_of(str(parsed), info) if info.resource_level else None
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": info.full_name, "Resource": pattern}],
    }
    evaluation = simulate(
        info.full_name, resource, identity_policies=[{"name": "the policy", "policy": policy}]
    )
    return ArnDissection(
        info.full_name,
        pattern,
        resource,
        rows,
        compiled.matches(str(parsed)),
        kind.name if kind else None,
        evaluation,
    )


class ArnDissector(Tool):
    """Pick an action, write a Resource pattern and an ARN: see which segment matched and the decision.

    Attributes:
        action: the action dropdown (every X-Ray action).
        pattern: the policy's Resource.
        arn: the request's resource ARN.
        result: the last :class:`ArnDissection`.
    """

    def __init__(self, action: str, pattern: str, arn: str) -> None:
        self.action = w.Dropdown(
            options=[a.full_name for a in catalog.actions("xray")],
            value=catalog.action(action).full_name,
            description="Action",
        )
        self.pattern = text_box(pattern, "Resource pattern", "46em")
        self.arn = text_box(arn, "Request ARN", "46em")
        super().__init__([self.action, self.pattern, self.arn])

    def compute(self) -> ArnDissection:
        return dissect(self.action.value, self.pattern.value, self.arn.value)

    def show(self, result: ArnDissection) -> None:
        ev = result.evaluation
        self.status.value = f"{badge(ev.decision.value)} {code(decision_summary(ev).split(': ', 1)[1])}"
        cells = "".join(
            f"<tr><td>{seg}</td><td><code>{html.escape(p)}</code></td><td><code>{html.escape(a)}</code></td>"
            f'<td style="color:{"#1a7f37" if ok else "#cf222e"}">'
            f"{'✓ matches' if ok else '✗ differs'}</td></tr>"
            for seg, p, a, ok in result.segments
        )
        note = ""
        if result.arn == "*":
            why = f"`{result.action}` takes no resource: IAM asks about `*`, which no ARN pattern matches"
            note = f"<p>{code(why)}</p>"
        elif result.resource_type:
            note = f"<p>{code(f'`{result.action}` sees a `{result.resource_type}` resource here')}</p>"
        self.view.value = (
            f"<table><tr><th>segment</th><th>policy</th><th>request</th><th></th></tr>{cells}</table>{note}"
        )


def arn_dissector(
    action: str = "xray:CreateGroup",
    pattern: str = "arn:aws:xray:eu-west-1:123456789012:group/local-users/*",
    arn: str | None = None,
) -> ArnDissector:
    """An ARN dissector widget; the default is the seed page's CreateGroup example.

    Args:
        action: the initial action.
        pattern: the initial Resource pattern.
        arn: the initial request ARN (default: a ``local-users`` group in eu-west-1; its ID is
            derived from the name).

    Returns:
        The widget (not displayed); ``.result`` is the current :class:`ArnDissection`.
    """
    if arn is None:
        arn = arns.group_arn("local-users", region="eu-west-1")
    return ArnDissector(action, pattern, arn)
