"""Colours and the lazy matplotlib import every figure shares."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from xraykit.result import Decision

__all__ = ["DECISION_COLOURS", "GREY", "INK", "PALE", "pyplot"]

#: One colour per decision, the same in every figure and widget.
DECISION_COLOURS: Mapping[str, str] = {
    Decision.ALLOWED.value: "#1a7f37",
    Decision.EXPLICIT_DENY.value: "#cf222e",
    Decision.IMPLICIT_DENY.value: "#d4a72c",
}
GREY, PALE, INK = "#8c959f", "#f6f8fa", "#24292f"


def pyplot() -> Any:
    """matplotlib's pyplot, imported on first use (figures are drawn with it so notebooks show them)."""
    import matplotlib.pyplot as plt

    return plt
