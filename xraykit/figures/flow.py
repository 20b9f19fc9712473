"""The decision flow: the IAM user guide's policy-evaluation flowchart, the deciding step highlighted.

Taught in ``notebooks/00_index.ipynb``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from xraykit.figures._style import DECISION_COLOURS, GREY, INK, PALE, pyplot
from xraykit.result import Decision, Evaluation, Layer

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["FLOW", "FlowData", "FlowStep", "decision_flow", "decision_flow_data"]

#: The questions of the flowchart, in order: (key, question, the layer it asks about).
FLOW: tuple[tuple[str, str, Layer | None], ...] = (
    ("deny", "Does any policy explicitly deny?", None),
    ("scp", "Do the SCPs allow (every level)?", Layer.SCP),
    ("rcp", "Do the RCPs allow?", Layer.RCP),
    ("resource", "Does a resource-based policy allow?", Layer.RESOURCE),
    ("identity", "Does an identity-based policy allow?", Layer.IDENTITY),
    ("boundary", "Does the permissions boundary allow?", Layer.BOUNDARY),
    ("session", "Does the session policy allow?", Layer.SESSION),
)
_KEY_OF = {layer: key for key, _, layer in FLOW if layer is not None}


@dataclass(frozen=True, slots=True)
class FlowStep:
    """One question of the flowchart and what the evaluation made of it.

    ``state`` is ``decided`` (this step produced the decision), ``blocked`` (no allow here: it
    denied implicitly), ``passed`` (asked, let the request through), ``absent`` (no such policy
    took part) or ``open`` (no evaluation given).
    """

    key: str
    question: str
    layer: str | None
    state: str


@dataclass(frozen=True, slots=True)
class FlowData:
    """What the decision-flow figure shows: every step's state and the final decision."""

    steps: tuple[FlowStep, ...]
    decision: str | None
    highlighted: tuple[str, ...]

    def step(self, key: str) -> FlowStep:
        """The step called ``key`` (``deny``, ``scp``, ``identity`` ...)."""
        return next(s for s in self.steps if s.key == key)

    def __str__(self) -> str:
        lines = [f"{s.state:>7}  {s.question}" for s in self.steps]
        lines.append(f"=> {self.decision or 'the answer depends on the policies'}")
        return "\n".join(lines)


def decision_flow_data(evaluation: Evaluation | None = None) -> FlowData:
    """The flowchart's steps, marked with what ``evaluation`` did at each (plain when ``None``).

    Args:
        evaluation: a result of :func:`xraykit.simulate` or :meth:`xraykit.PolicySet.evaluate`.

    Returns:
        The :class:`FlowData`; ``highlighted`` names the steps that decided or blocked.
    """
    if evaluation is None:
        return FlowData(
            tuple(FlowStep(k, q, lay.value if lay else None, "open") for k, q, lay in FLOW), None, ()
        )
    present = {p.layer for p in evaluation.policies} | {Layer.IDENTITY}
    highlighted: list[str] = []
    if evaluation.decision is Decision.EXPLICIT_DENY:
        highlighted.append("deny")
    elif evaluation.decision is Decision.ALLOWED and evaluation.decided_by in _KEY_OF:
        highlighted.append(_KEY_OF[evaluation.decided_by])
    else:
        highlighted += [_KEY_OF[layer] for layer in evaluation.blocked_by if layer in _KEY_OF]
    steps = []
    for key, question, layer in FLOW:
        if key in highlighted:
            state = "blocked" if evaluation.decision is Decision.IMPLICIT_DENY else "decided"
        elif layer is not None and layer not in present:
            state = "absent"
        else:
            state = "passed"
        steps.append(FlowStep(key, question, layer.value if layer else None, state))
    return FlowData(tuple(steps), evaluation.decision.value, tuple(highlighted))


def decision_flow(evaluation: Evaluation | None = None) -> tuple[Figure, FlowData]:
    """Draw the evaluation flowchart, the deciding (or blocking) step highlighted.

    Args:
        evaluation: the evaluation to trace through the flow; ``None`` draws the plain chart.

    Returns:
        ``(figure, data)``: the matplotlib figure and the :class:`FlowData` it shows.
    """
    data = decision_flow_data(evaluation)
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(8, 6.2))
    ax.set_axis_off()
    ax.set_xlim(0, 10)
    ax.set_ylim(-0.6, len(data.steps) + 1.2)
    fills = {
        "decided": DECISION_COLOURS.get(data.decision or "", GREY),
        "blocked": DECISION_COLOURS["ImplicitlyDenied"],
        "passed": "white",
        "absent": PALE,
        "open": "white",
    }
    top = len(data.steps)
    for i, step in enumerate(data.steps):
        y = top - i
        dim = step.state == "absent"
        ax.text(
            3.6,
            y,
            step.question + ("\n(no such policy here)" if dim else ""),
            ha="center",
            va="center",
            fontsize=9.5,
            color=GREY if dim else INK,
            bbox={
                "boxstyle": "round,pad=0.45",
                "fc": fills[step.state],
                "ec": INK if step.key in data.highlighted else GREY,
                "lw": 2.4 if step.key in data.highlighted else 0.8,
            },
        )
        if i < len(data.steps) - 1:
            ax.annotate("", (3.6, y - 0.62), (3.6, y - 0.38), arrowprops={"arrowstyle": "->", "color": GREY})
        exit_label = "yes" if step.key == "deny" else "no"
        target = "ExplicitlyDenied" if step.key == "deny" else "ImplicitlyDenied"
        if step.key == "resource":  # within one account a resource-based allow is enough
            exit_label, target = "yes", "Allowed"
        ax.annotate(
            exit_label,
            (7.2, y),
            (6.4, y),
            fontsize=8,
            color=GREY,
            va="center",
            arrowprops={"arrowstyle": "->", "color": GREY},
        )
        ax.text(
            8.5,
            y,
            target,
            ha="center",
            va="center",
            fontsize=8.5,
            color="white",
            bbox={
                "boxstyle": "round,pad=0.3",
                "fc": DECISION_COLOURS[target],
                "alpha": 1.0 if step.key in data.highlighted else 0.35,
                "ec": "none",
            },
        )
    ax.text(
        3.6,
        -0.2,
        "Allowed",
        ha="center",
        va="center",
        fontsize=10,
        color="white",
        weight="bold",
        bbox={
            "boxstyle": "round,pad=0.4",
            "fc": DECISION_COLOURS["Allowed"],
            "alpha": 1.0 if data.decision == "Allowed" else 0.35,
            "ec": "none",
        },
    )
    ax.annotate("", (3.6, 0.15), (3.6, 0.62), arrowprops={"arrowstyle": "->", "color": GREY})
    title = "How IAM decides" + (f": {data.decision}" if data.decision else "")
    ax.set_title(title, fontsize=12, loc="left")
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.02, top=0.93)  # axes are off: no tight_layout needed
    return fig, data
