"""The verdict matrix: who may do what, for every X-Ray action at once.

Rows are subjects (managed policies, custom policy sets, or the principals of an account model);
columns are the X-Ray actions, split by resource kind where an action takes a resource (a group
or a sampling rule) and by tag situation where the action's condition keys make tags matter.
Each cell is a :class:`~xraykit.result.Decision`, computed with the compiled
:class:`~xraykit.engine.PolicySet` (decide, no trace), so the full matrix of the seven managed
policies takes milliseconds.

The matrix is a small frozen table with a text twin and HTML; :meth:`Matrix.heatmap_data` gives
what a heatmap needs (the figure itself is drawn in :mod:`xraykit.figures`).

Taught in the notebook on managed policies ("which policy grants what").
"""

from __future__ import annotations

import functools
import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from xraykit import catalog
from xraykit.arn import IdGenerator, group_arn, sampling_rule_arn
from xraykit.errors import Issue, XrayKitError, did_you_mean, json_type
from xraykit.result import Decision

if TYPE_CHECKING:  # pragma: no cover
    from xraykit.account import Account
    from xraykit.engine import PolicySet

__all__ = ["MANAGED_POLICIES", "Column", "Matrix", "Situation", "principal_matrix", "verdict_matrix"]

#: The seven AWS managed policies the kit teaches with, in the order the docs introduce them.
MANAGED_POLICIES = (
    "AWSXrayReadOnlyAccess",
    "AWSXRayDaemonWriteAccess",
    "AWSXrayWriteOnlyAccess",
    "AWSXrayFullAccess",
    "AWSXrayCrossAccountSharingConfiguration",
    "AmazonS3ReadOnlyAccess",
    "AWSElasticBeanstalkWebTier",
)
_MARK = {Decision.ALLOWED: "✓", Decision.IMPLICIT_DENY: "·", Decision.EXPLICIT_DENY: "✗"}
_VALUE = {Decision.ALLOWED: 1, Decision.IMPLICIT_DENY: 0, Decision.EXPLICIT_DENY: -1}
_COLOUR = {Decision.ALLOWED: "#1a7f37", Decision.IMPLICIT_DENY: "#d0d7de", Decision.EXPLICIT_DENY: "#cf222e"}


@dataclass(frozen=True, slots=True)
class Situation:
    """A tag situation: tags on the target resource and tags the request carries."""

    name: str
    resource_tags: Mapping[str, str]
    request_tags: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Column:
    """One column: an action, on a resource kind (``*``, ``group``, ``sampling-rule``), in a tag situation."""

    action: str
    resource_kind: str = "*"
    situation: str = ""

    @property
    def label(self) -> str:
        """``xray:GetGroup`` or ``xray:TagResource [group, prod-tagged]``."""
        extra = [x for x in (self.resource_kind if self.resource_kind != "*" else "", self.situation) if x]
        return self.action + (f" [{', '.join(extra)}]" if extra else "")


@dataclass(frozen=True, slots=True)
class Matrix:
    """Decisions for subjects × columns.

    Attributes:
        rows: the subjects' names.
        columns: the columns, in catalog order.
        decisions: ``decisions[r][c]`` for row ``r`` and column ``c``.
    """

    rows: tuple[str, ...]
    columns: tuple[Column, ...]
    decisions: tuple[tuple[Decision, ...], ...]

    def _row(self, row: str) -> int:
        if row not in self.rows:
            raise XrayKitError(Issue("row", f"no row `{row}`", did_you_mean(row, self.rows)))
        return self.rows.index(row)

    def decision(
        self, row: str, action: str, resource_kind: str | None = None, situation: str | None = None
    ) -> Decision:
        """The decision of one cell; ``resource_kind``/``situation`` default to the action's first column.

        Raises:
            XrayKitError: for an unknown row or a column not in the matrix.
        """
        r = self._row(row)
        for c, column in enumerate(self.columns):
            if (
                column.action.lower() == action.lower()
                and (resource_kind is None or column.resource_kind == resource_kind)
                and (situation is None or column.situation == situation)
            ):
                return self.decisions[r][c]
        raise XrayKitError(
            Issue(
                "action", f"no column for `{action}`", did_you_mean(action, [c.action for c in self.columns])
            )
        )

    def allowed_actions(self, row: str) -> tuple[str, ...]:
        """The actions with at least one allowed column for ``row``, in column order."""
        r = self._row(row)
        seen: dict[str, None] = {}
        for column, decision in zip(self.columns, self.decisions[r], strict=True):
            if decision.allowed:
                seen.setdefault(column.action, None)
        return tuple(seen)

    def counts(self) -> dict[str, dict[str, int]]:
        """Per row: how many columns are allowed, implicitly denied, explicitly denied."""
        return {
            row: {d.value: sum(1 for x in cells if x is d) for d in Decision}
            for row, cells in zip(self.rows, self.decisions, strict=True)
        }

    def heatmap_data(self) -> dict[str, Any]:
        """What a heatmap needs: labels and values (1 allowed, 0 implicit deny, -1 explicit deny)."""
        return {
            "rows": list(self.rows),
            "columns": [c.label for c in self.columns],
            "values": [[_VALUE[d] for d in cells] for cells in self.decisions],
            "decisions": [[d.value for d in cells] for cells in self.decisions],
            "legend": {
                "1": Decision.ALLOWED.value,
                "0": Decision.IMPLICIT_DENY.value,
                "-1": Decision.EXPLICIT_DENY.value,
            },
        }

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form (the heatmap data)."""
        return self.heatmap_data()

    def __str__(self) -> str:
        width = max(len(c.label) for c in self.columns) if self.columns else 6
        numbers = "  ".join(f"{i + 1:>2}" for i in range(len(self.rows)))
        lines = [f"{'':<{width}}  {numbers}"]
        for c, column in enumerate(self.columns):
            marks = "  ".join(f"{_MARK[self.decisions[r][c]]:>2}" for r in range(len(self.rows)))
            lines.append(f"{column.label:<{width}}  {marks}")
        lines.append("")
        lines += [f"{i + 1:>2} = {row}" for i, row in enumerate(self.rows)]
        lines.append("✓ Allowed   · ImplicitlyDenied   ✗ ExplicitlyDenied")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = "".join(f"<th style='writing-mode:vertical-rl'>{html.escape(r)}</th>" for r in self.rows)
        body = []
        for c, column in enumerate(self.columns):
            cells = "".join(
                f"<td title='{self.decisions[r][c].value}' style='background:{_COLOUR[self.decisions[r][c]]};"
                f"text-align:center'>{_MARK[self.decisions[r][c]]}</td>"
                for r in range(len(self.rows))
            )
            body.append(f"<tr><td><code>{html.escape(column.label)}</code></td>{cells}</tr>")
        return f"<table class='xraykit-matrix'><tr><th></th>{head}</tr>{''.join(body)}</table>"


def _situations(raw: Mapping[str, Mapping[str, Any]] | None) -> tuple[Situation, ...]:
    if not raw:
        return (Situation("", {}, {}),)
    out = []
    for name, spec in raw.items():
        unknown = set(spec) - {"resource_tags", "request_tags"}
        if unknown:
            raise XrayKitError(
                Issue(
                    f"situations.{name}",
                    f"unknown field `{sorted(unknown)[0]}`",
                    "a situation has `resource_tags` and `request_tags`",
                )
            )
        out.append(Situation(name, dict(spec.get("resource_tags", {})), dict(spec.get("request_tags", {}))))
    return tuple(out)


def _plan(
    actions: Sequence[str] | None, situations: tuple[Situation, ...], account: str, region: str
) -> list[tuple[Column, str, dict[str, Any]]]:
    """Every column with the resource and tag context of its request."""
    found = (
        catalog.actions("xray") if actions is None else tuple(a for p in actions for a in catalog.expand(p))
    )
    samples = {
        "group": group_arn("example", region=region, account=account, ids=IdGenerator(seed="matrix")),
        "sampling-rule": sampling_rule_arn("example", region=region, account=account),
    }
    plan = []
    for action in found:
        keys = {k.lower() for k in action.condition_keys}
        for ref in action.resource_types:
            keys |= {k.lower() for k in ref.condition_keys}
            keys |= {k.lower() for k in catalog.resource_type(action.service, ref.name).condition_keys}
        uses_request = any(k.startswith("aws:requesttag/") for k in keys) or "aws:tagkeys" in keys
        uses_resource = any(k.startswith("aws:resourcetag/") for k in keys)
        kinds = [ref.name for ref in action.resource_types] or ["*"]
        for kind in kinds:
            resource = samples.get(kind, "*")
            tagged = (uses_resource and kind != "*") or uses_request
            for situation in situations if tagged else situations[:1]:
                context: dict[str, Any] = {}
                if uses_resource and kind != "*":
                    context.update({f"aws:ResourceTag/{k}": v for k, v in situation.resource_tags.items()})
                if uses_request and situation.request_tags:
                    context.update({f"aws:RequestTag/{k}": v for k, v in situation.request_tags.items()})
                    context["aws:TagKeys"] = list(situation.request_tags)
                name = situation.name if tagged else ""
                plan.append((Column(action.full_name, kind, name), resource, context))
    return plan


@functools.lru_cache(maxsize=64)
def _named_set(name: str) -> PolicySet:
    """A managed policy (or JSON text) compiled once: its decisions are cached with it."""
    from xraykit.engine import PolicySet

    return PolicySet([name])


def _as_policy_set(subject: Any) -> PolicySet:
    from xraykit.engine import PolicySet

    if isinstance(subject, PolicySet):
        return subject
    if isinstance(subject, str):
        return _named_set(subject)
    if isinstance(subject, Mapping):
        return PolicySet([subject])
    if not isinstance(subject, Iterable):
        raise XrayKitError(
            Issue(
                "",
                "a row is a managed policy name, a policy, a list of policies or a PolicySet, "
                f"not {json_type(subject)}",
            )
        )
    return PolicySet(list(subject))


@functools.lru_cache(maxsize=16)
def _default_plan(account: str, region: str) -> tuple[tuple[Column, str, dict[str, Any]], ...]:
    return tuple(_plan(None, _situations(None), account, region))


def verdict_matrix(
    subjects: Mapping[str, Any] | Sequence[str],
    *,
    actions: Sequence[str] | None = None,
    situations: Mapping[str, Mapping[str, Any]] | None = None,
    principal: str = "arn:aws:iam::123456789012:user/alice",
    context: Mapping[str, Any] | None = None,
    account: str = "123456789012",
    region: str = "us-east-1",
) -> Matrix:
    """Decide every X-Ray action for every subject.

    ``verdict_matrix(MANAGED_POLICIES)`` gives the managed policies × every X-Ray action.

    Args:
        subjects: managed policy names (each a row), or row name → a :class:`PolicySet`, a policy
            (document, JSON text, managed name) or a list of policies.
        actions: action patterns to include (default: every X-Ray action, in catalog order).
        situations: tag situations, name → ``{"resource_tags": {...}, "request_tags": {...}}``;
            applied to the actions whose condition keys use tags.
        principal: the requester of every request.
        context: keys added to every request.
        account: the account of the sample resources.
        region: the region of the sample resources.

    Returns:
        The :class:`Matrix`.

    Raises:
        XrayKitError: for invalid policies, unknown actions or malformed situations.
    """
    if isinstance(subjects, str) or not isinstance(subjects, Mapping | Iterable):
        raise XrayKitError(
            Issue(
                "subjects",
                f"the rows are a list of managed policy names or a mapping of name to policies, "
                f"not {json_type(subjects)}",
                'e.g. `["AWSXrayReadOnlyAccess"]` or `{"mine": my_policy}`',
            )
        )
    rows = {name: name for name in subjects} if not isinstance(subjects, Mapping) else dict(subjects)
    sets = {}
    for name, subject in rows.items():
        try:
            sets[name] = _as_policy_set(subject)
        except XrayKitError as error:
            several = isinstance(subject, list | tuple)  # then say which policy of the row
            raise XrayKitError(
                [
                    Issue(
                        issue.path,
                        issue.message,
                        issue.hint,
                        f"row {name!r}, {issue.source}" if several and issue.source else f"row {name!r}",
                    )
                    for issue in error.issues
                ]
            ) from None
    if actions is None and not situations:
        plan: Sequence[tuple[Column, str, dict[str, Any]]] = _default_plan(account, region)
    else:
        plan = _plan(actions, _situations(situations), account, region)
    base = dict(context or {})
    decisions = tuple(
        tuple(
            policies.decide(column.action, resource, principal=principal, context={**base, **ctx})
            for column, resource, ctx in plan
        )
        for policies in sets.values()
    )
    return Matrix(tuple(sets), tuple(column for column, _, _ in plan), decisions)


def principal_matrix(
    account: Account,
    principals: Sequence[str] | None = None,
    *,
    actions: Sequence[str] | None = None,
    situations: Mapping[str, Mapping[str, Any]] | None = None,
) -> Matrix:
    """Decide every X-Ray action for principals of an account model, with the keys AWS derives.

    Args:
        account: the account model.
        principals: names as the account knows them (default: every user and role).
        actions: action patterns to include (default: every X-Ray action).
        situations: tag situations, as for :func:`verdict_matrix`.

    Returns:
        The :class:`Matrix` (rows named as given).

    Raises:
        XrayKitError: for an unknown principal, invalid policies or unknown actions.
    """
    names = list(principals) if principals is not None else account.principal_names()
    plan = _plan(actions, _situations(situations), account.account_id, account.region)
    rows = []
    for name in names:
        identity = account.identity(name)
        policies = account.policy_set(identity)
        base = {**account.base_context(identity), "aws:ResourceAccount": account.account_id}
        rows.append(
            tuple(
                policies.decide(column.action, resource, principal=identity.arn, context={**base, **ctx})
                for column, resource, ctx in plan
            )
        )
    return Matrix(tuple(names), tuple(column for column, _, _ in plan), tuple(rows))
