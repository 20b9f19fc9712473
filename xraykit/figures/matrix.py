"""The verdict matrix as a heatmap: which policy allows which action.

The data is :func:`xraykit.matrix.verdict_matrix` (subjects × every X-Ray action, split by resource
kind and tag situation); this module only draws it. Taught in ``notebooks/05_managed_policies.ipynb``;
the widget twin is :func:`xraykit.widgets.matrix_view`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from xraykit.figures._style import DECISION_COLOURS, pyplot

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from xraykit.matrix import Matrix

__all__ = ["XRAY_MANAGED", "verdict_matrix", "verdict_matrix_data"]

#: The five X-Ray managed policies, in the order the docs introduce them.
XRAY_MANAGED = (
    "AWSXrayReadOnlyAccess",
    "AWSXRayDaemonWriteAccess",
    "AWSXrayWriteOnlyAccess",
    "AWSXrayFullAccess",
    "AWSXrayCrossAccountSharingConfiguration",
)
_ORDER = ("ImplicitlyDenied", "Allowed", "ExplicitlyDenied")


def verdict_matrix_data(
    subjects: Sequence[str] | Mapping[str, Any] = XRAY_MANAGED,
    actions: str | Sequence[str] | None = None,
) -> Matrix:
    """The decisions behind the heatmap: :func:`xraykit.matrix.verdict_matrix` for ``subjects``.

    Args:
        subjects: managed policy names, or row name -> policy (document, name, list, PolicySet).
        actions: an action pattern or a list of patterns (default: every X-Ray action).

    Returns:
        The :class:`xraykit.matrix.Matrix`.

    Raises:
        XrayKitError: for invalid policies or unknown actions.
    """
    from xraykit.matrix import verdict_matrix as compute

    patterns = [actions] if isinstance(actions, str) else (list(actions) if actions is not None else None)
    return compute(subjects, actions=patterns)


def verdict_matrix(
    subjects: Sequence[str] | Mapping[str, Any] = XRAY_MANAGED,
    actions: str | Sequence[str] | None = None,
) -> tuple[Figure, Matrix]:
    """Draw subjects × actions as a heatmap coloured by decision.

    Args:
        subjects: see :func:`verdict_matrix_data`.
        actions: see :func:`verdict_matrix_data`.

    Returns:
        ``(figure, matrix)``: the figure and the :class:`xraykit.matrix.Matrix` it shows.
    """
    data = verdict_matrix_data(subjects, actions)
    heat = data.heatmap_data()
    plt = pyplot()
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    grid = [[_ORDER.index(d) for d in row] for row in heat["decisions"]]
    columns = [c.split(":", 1)[1] for c in heat["columns"]]
    fig, ax = plt.subplots(figsize=(max(6.0, 0.22 * len(columns) + 3), 0.42 * len(heat["rows"]) + 2.6))
    ax.imshow(grid, cmap=ListedColormap([DECISION_COLOURS[d] for d in _ORDER]), vmin=0, vmax=2, aspect="auto")
    ax.set_xticks(range(len(columns)), columns, rotation=90, fontsize=7)
    ax.set_yticks(range(len(heat["rows"])), heat["rows"], fontsize=8)
    ax.set_xticks([x - 0.5 for x in range(1, len(columns))], minor=True)
    ax.set_yticks([y - 0.5 for y in range(1, len(heat["rows"]))], minor=True)
    ax.grid(which="minor", color="white", linewidth=0.6)
    ax.tick_params(which="minor", length=0)
    handles = [Patch(color=DECISION_COLOURS[d], label=d) for d in _ORDER]
    ax.legend(handles=handles, loc="lower right", bbox_to_anchor=(1, 1), ncol=3, fontsize=8, frameon=False)
    ax.set_title("Which policy allows which action", fontsize=11, loc="left")
    fig.tight_layout()
    return fig, data
