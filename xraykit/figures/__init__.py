"""Figures where looking beats reading: the decision flow, the verdict matrix, the provider chain,
the tag lifecycle.

Each figure has a ``*_data`` twin that computes what the figure shows, as small frozen records
with a deterministic text form (``str(data)``), so tests and nbval check the data while the
picture is left to the eye. The drawing functions return ``(figure, data)``; they draw with
pyplot, so a notebook shows the figure at the end of the cell.

matplotlib is imported inside the drawing functions only: importing this package (and computing
any ``*_data``) does not load it, and ``import xraykit`` never loads this package.

Taught in ``notebooks/00_index.ipynb`` (decision flow), ``03_tags`` (tag lifecycle),
``05_managed_policies`` (verdict matrix) and ``07_credentials`` (provider chain).
"""

from __future__ import annotations

from xraykit.figures._style import DECISION_COLOURS
from xraykit.figures.chain import ChainData, ChainLink, provider_chain, provider_chain_data
from xraykit.figures.flow import FLOW, FlowData, FlowStep, decision_flow, decision_flow_data
from xraykit.figures.matrix import XRAY_MANAGED, verdict_matrix, verdict_matrix_data
from xraykit.figures.timeline import TimelineData, TimelineStep, tag_timeline, tag_timeline_data

__all__ = [
    "DECISION_COLOURS",
    "FLOW",
    "XRAY_MANAGED",
    "ChainData",
    "ChainLink",
    "FlowData",
    "FlowStep",
    "TimelineData",
    "TimelineStep",
    "decision_flow",
    "decision_flow_data",
    "provider_chain",
    "provider_chain_data",
    "tag_timeline",
    "tag_timeline_data",
    "verdict_matrix",
    "verdict_matrix_data",
]
