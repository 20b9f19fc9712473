"""The credential provider chain as a resolver walked it, the winning source highlighted.

Taught in ``notebooks/07_credentials.ipynb``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from xraykit.figures._style import DECISION_COLOURS, GREY, INK, PALE, pyplot

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from xraykit.credentials import Resolution

__all__ = ["ChainData", "ChainLink", "provider_chain", "provider_chain_data"]


@dataclass(frozen=True, slots=True)
class ChainLink:
    """One source of a credential chain: its label and what happened (won, skipped, failed, not reached)."""

    label: str
    outcome: str
    why: str


@dataclass(frozen=True, slots=True)
class ChainData:
    """The chain as a resolver walked it, with the winning source (if any)."""

    resolver: str
    links: tuple[ChainLink, ...]
    winner: str | None
    identity: str | None

    def __str__(self) -> str:
        lines = [f"{self.resolver}:"]
        lines += [f"  {i}. {link.label}: {link.outcome}" for i, link in enumerate(self.links, 1)]
        lines.append(
            f"  => {self.winner or 'no credentials'}" + (f" as {self.identity}" if self.identity else "")
        )
        return "\n".join(lines)


def provider_chain_data(resolution: Resolution) -> ChainData:
    """The sources a resolution tried, in order, and which one won.

    Args:
        resolution: from :func:`xraykit.credentials.resolve_sdk` or ``resolve_daemon``.

    Returns:
        The :class:`ChainData`.
    """
    links = tuple(ChainLink(a.label, a.outcome.value, a.why) for a in resolution.attempts)
    winner = resolution.winner
    return ChainData(
        resolution.resolver,
        links,
        winner.label if winner and resolution.ok else None,
        resolution.identity.arn if resolution.ok else None,
    )


def provider_chain(resolution: Resolution) -> tuple[Figure, ChainData]:
    """Draw the provider chain as a row of boxes, the winning source highlighted.

    Args:
        resolution: see :func:`provider_chain_data`.

    Returns:
        ``(figure, data)``.
    """
    data = provider_chain_data(resolution)
    plt = pyplot()
    fills = {
        "won": DECISION_COLOURS["Allowed"],
        "failed": DECISION_COLOURS["ExplicitlyDenied"],
        "skipped": "white",
        "not reached": PALE,
    }
    n = max(len(data.links), 1)
    fig, ax = plt.subplots(figsize=(8, 0.5 * n + 1.3))
    ax.set_axis_off()
    ax.set_xlim(0, 10)
    ax.set_ylim(-0.8, n)
    for i, link in enumerate(data.links):
        y = n - 1 - i
        strong = link.outcome in ("won", "failed")
        ax.text(
            0.1,
            y,
            f"{i + 1}. {link.label}",
            va="center",
            fontsize=9,
            weight="bold" if strong else "normal",
            color="white" if strong else (GREY if link.outcome == "not reached" else INK),
            bbox={
                "boxstyle": "round,pad=0.3",
                "fc": fills.get(link.outcome, "white"),
                "ec": GREY,
                "lw": 0.6,
            },
        )
        ax.text(5.6, y, link.outcome, va="center", fontsize=8.5, color=GREY)
    ax.text(
        0.1,
        -0.6,
        "=> " + (data.winner or "no credentials") + (f"  ({data.identity})" if data.identity else ""),
        fontsize=9,
        color=INK,
    )
    ax.set_title(data.resolver, fontsize=10, loc="left")
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.02, top=0.93)  # axes are off: no tight_layout needed
    return fig, data
