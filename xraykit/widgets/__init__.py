"""Widgets for the notebooks: the only part of xraykit that imports ipywidgets (nothing imports it).

Every builder returns a widget without displaying it; the widget keeps its last result as an
attribute (``.result``; the playground also as ``.evaluation``), so plain pytest can set a
control's ``.value`` and check the result, no browser needed. Bad input never breaks a widget:
its issues are shown inline and the last good result stays.
"""

from __future__ import annotations

from xraykit.widgets.explore import arn_dissector, pattern_explorer
from xraykit.widgets.matrix import matrix_view
from xraykit.widgets.playground import playground
from xraykit.widgets.quiz import quiz

__all__ = ["arn_dissector", "matrix_view", "pattern_explorer", "playground", "quiz"]
