"""The verdict-matrix view: which of the chosen policies allows which action, as a coloured table.

Taught in ``notebooks/05_managed_policies.ipynb``. The heatmap figure is
:func:`xraykit.figures.verdict_matrix`; this widget shows the same data as HTML so it redraws
in a few milliseconds.
"""

from __future__ import annotations

import html

import ipywidgets as w

from xraykit import catalog
from xraykit.figures import DECISION_COLOURS, XRAY_MANAGED, verdict_matrix_data
from xraykit.matrix import MANAGED_POLICIES, Matrix
from xraykit.widgets._base import Tool, code

__all__ = ["MatrixView", "matrix_html", "matrix_summary", "matrix_view"]

_HEAD = "writing-mode:vertical-rl;font-weight:normal;font-size:11px"


def matrix_html(data: Matrix) -> str:
    """The matrix as an HTML table: one row per policy, one coloured cell per column (hover for its name)."""
    heat = data.heatmap_data()
    head = "".join(f'<th style="{_HEAD}">{html.escape(c.split(":", 1)[1])}</th>' for c in heat["columns"])
    rows = []
    for name, cells in zip(heat["rows"], heat["decisions"], strict=True):
        tds = "".join(
            f'<td title="{html.escape(col)}: {d}" style="background:{DECISION_COLOURS[d]};width:12px"></td>'
            for col, d in zip(heat["columns"], cells, strict=True)
        )
        rows.append(f"<tr><th style='text-align:right;font-size:12px'>{html.escape(name)}</th>{tds}</tr>")
    table = '<table style="border-collapse:separate;border-spacing:1px">'
    return f"{table}<tr><th></th>{head}</tr>{''.join(rows)}</table>"


def matrix_summary(data: Matrix) -> str:
    """One line per row: how many of the matrix's actions it allows (``AWSXrayFullAccess: 44 of 44``)."""
    total = len({c.action for c in data.columns})
    return "\n".join(
        f"{row}: allows {len(data.allowed_actions(row))} of {total} actions" for row in data.rows
    )


class MatrixView(Tool):
    """Pick managed policies and an action pattern; see the verdict of each policy on each action.

    Attributes:
        policies: a multiple selection of managed policy names.
        actions: the action pattern (``xray:*``).
        result: the last :class:`~xraykit.matrix.Matrix`.
    """

    def __init__(self, policies: tuple[str, ...], actions: str) -> None:
        self.policies = w.SelectMultiple(
            options=list(MANAGED_POLICIES),
            value=policies,
            rows=len(MANAGED_POLICIES),
            description="Policies",
            layout=w.Layout(width="34em"),
        )
        self.actions = w.Combobox(
            value=actions,
            options=["xray:*", "xray:Get*", "xray:Put*", "xray:*Group*", "xray:*Sampling*"],
            description="Actions",
            continuous_update=False,
            ensure_option=False,
        )
        super().__init__([self.policies, self.actions])

    def compute(self) -> Matrix:
        catalog.expand(self.actions.value)  # unknown services raise here, before any policy work
        return verdict_matrix_data(list(self.policies.value), self.actions.value)

    def show(self, result: Matrix) -> None:
        self.status.value = (
            "<br>".join(code(line) for line in matrix_summary(result).splitlines()) or "no policy"
        )
        self.view.value = matrix_html(result)


def matrix_view(policies: tuple[str, ...] = XRAY_MANAGED[:4], actions: str = "xray:*") -> MatrixView:
    """A verdict-matrix widget: the read, daemon, write and full-access policies against every X-Ray action.

    Args:
        policies: the managed policies selected first.
        actions: the action pattern shown first.

    Returns:
        The widget (not displayed); ``.result`` is the current :class:`~xraykit.matrix.Matrix`.
    """
    return MatrixView(tuple(policies), actions)
