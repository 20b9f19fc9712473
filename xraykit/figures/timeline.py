"""The tag lifecycle: one column per call, its decision, the tags it sent and the tags it left.

Taught in ``notebooks/03_tags.ipynb``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from xraykit.figures._style import DECISION_COLOURS, GREY, INK, PALE, pyplot

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["TimelineData", "TimelineStep", "tag_timeline", "tag_timeline_data"]


@dataclass(frozen=True, slots=True)
class TimelineStep:
    """One call of a lifecycle: what it did, its decision, and the tags it carried and left."""

    step: int
    operation: str
    decision: str | None
    request_tags: tuple[str, ...]
    tag_keys: tuple[str, ...]
    resource_tags: tuple[str, ...]
    tags_after: tuple[str, ...] | None


@dataclass(frozen=True, slots=True)
class TimelineData:
    """The steps of a tag lifecycle, in order."""

    steps: tuple[TimelineStep, ...]

    def __str__(self) -> str:
        out = []
        for s in self.steps:
            after = "-" if s.tags_after is None else "{" + ", ".join(s.tags_after) + "}"
            out.append(
                f"{s.step}. {s.operation} -> {s.decision or 'service error'}; resource tags "
                f"{{{', '.join(s.resource_tags)}}}, request tags {{{', '.join(s.request_tags)}}}, "
                f"aws:TagKeys [{', '.join(s.tag_keys)}]; after {after}"
            )
        return "\n".join(out)


def _pairs(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, Mapping):
        return tuple(f"{k}={v}" for k, v in sorted(value.items()))
    return tuple(str(v) for v in value)


def tag_timeline_data(steps: Any) -> TimelineData:
    """The rows of a tag lifecycle: from a call log (``.timeline()``) or a list of row mappings.

    Args:
        steps: an :class:`xraykit.account.records.CallLog`, or rows with ``step``, ``operation``,
            ``decision``, ``request tags``, ``aws:TagKeys``, ``resource tags`` and ``tags after``
            (tags as ``{key: value}`` or ``("key=value", ...)``).

    Returns:
        The :class:`TimelineData`.
    """
    rows: Iterable[Mapping[str, Any]] = steps.timeline() if hasattr(steps, "timeline") else steps
    out = []
    for i, row in enumerate(rows, 1):
        after = row.get("tags after")
        out.append(
            TimelineStep(
                int(row.get("step", i)),
                str(row["operation"]),
                row.get("decision"),
                _pairs(row.get("request tags")),
                tuple(row.get("aws:TagKeys") or ()),
                _pairs(row.get("resource tags")),
                None if after is None else _pairs(after),
            )
        )
    return TimelineData(tuple(out))


def tag_timeline(steps: Any) -> tuple[Figure, TimelineData]:
    """Draw a tag lifecycle: one column per call, its decision, and the tags on the resource after it.

    Args:
        steps: see :func:`tag_timeline_data`.

    Returns:
        ``(figure, data)``.
    """
    data = tag_timeline_data(steps)
    plt = pyplot()
    n = max(len(data.steps), 1)
    fig, ax = plt.subplots(figsize=(max(6.0, 1.7 * n), 3.2))
    ax.set_axis_off()
    ax.set_xlim(-0.6, n - 0.4)
    ax.set_ylim(-2.6, 1.2)
    ax.plot([0, n - 1], [0, 0], color=GREY, lw=1, zorder=0)
    for i, s in enumerate(data.steps):
        colour = DECISION_COLOURS.get(s.decision or "", GREY)
        ax.scatter([i], [0], s=260, color=colour, zorder=2)
        ax.text(i, 0.55, f"{s.step}. {s.operation}", ha="center", fontsize=8.5, weight="bold")
        ax.text(i, 0.3, s.decision or "service error", ha="center", fontsize=7.5, color=colour)
        sent = "\n".join(
            [
                *(f"+{t}" for t in s.request_tags),
                *(f"-{k}" for k in s.tag_keys if not any(t.startswith(k + "=") for t in s.request_tags)),
            ]
        )
        if sent:
            ax.text(i, -0.45, sent, ha="center", va="top", fontsize=7.5, color=INK)
        after = "(gone)" if s.tags_after is None else ("\n".join(s.tags_after) or "(no tags)")
        ax.text(
            i,
            -1.75,
            after,
            ha="center",
            va="top",
            fontsize=7.5,
            color=GREY,
            bbox={"boxstyle": "round,pad=0.3", "fc": PALE, "ec": "none"},
        )
    ax.text(-0.55, -0.45, "sent", fontsize=7, color=GREY, ha="left", va="top")
    ax.text(-0.55, -1.75, "after", fontsize=7, color=GREY, ha="left", va="top")
    ax.set_title("Tags through a lifecycle", fontsize=11, loc="left")
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.02, top=0.93)  # axes are off: no tight_layout needed
    return fig, data
