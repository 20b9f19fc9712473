"""What every xraykit widget shares: a status line, inline issues, and keeping the last good result.

A :class:`Tool` is a ``VBox`` of controls and views. Subclasses name their controls as attributes,
implement :meth:`Tool.compute` (read the controls, return a result or raise
:class:`~xraykit.errors.XrayKitError`) and :meth:`Tool.show` (put a result on screen). Every change
of a control calls :meth:`Tool.refresh`, which runs both; on bad input it shows the issues inline
and leaves ``.result`` (and the views) as they were, so a learner's typo never breaks the widget.

Builders return the widget, never display it; plain pytest sets ``control.value`` and reads
``.result`` (and ``.status.value``, the line a browser test reads).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as w

from xraykit.errors import XrayKitError, load_json
from xraykit.figures import DECISION_COLOURS

__all__ = ["Tool", "badge", "code", "issues_html", "parse_json", "text_area", "text_box"]

#: the CSS class of every widget's one-line status: browser tests find the decision there
STATUS_CLASS = "xraykit-status"


def code(text: str) -> str:
    """Escape ``text`` and turn `backticked` parts into ``<code>``."""
    parts = html.escape(text).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))


def badge(decision: str, label: str | None = None) -> str:
    """A coloured label for a decision (``Allowed``, ``ExplicitlyDenied``, ``ImplicitlyDenied``)."""
    colour = DECISION_COLOURS.get(decision, "#57606a")
    return (
        f'<span style="background:{colour};color:white;padding:1px 7px;border-radius:4px;'
        f'font-weight:bold">{html.escape(label or decision)}</span>'
    )


def issues_html(error: XrayKitError) -> str:
    """The issues of an error as an HTML list (path, message, hint), in the kit's voice."""
    items = []
    for issue in error.issues:
        where = ": ".join(p for p in (issue.source, issue.path) if p)
        hint = f" <em>({code(issue.hint)})</em>" if issue.hint else ""
        items.append(
            f"<li>{'<b>' + html.escape(where) + '</b>: ' if where else ''}{code(issue.message)}{hint}</li>"
        )
    return (
        '<div style="color:#cf222e"><b>Not applied:</b> the last good result is kept.<ul>'
        + "".join(items)
        + "</ul></div>"
    )


def parse_json(text: str, path: str, expected: str = "a policy") -> Any:
    """JSON text as a value, or an :class:`XrayKitError` located at ``path``.

    ``expected`` says what the control holds (``a policy``, ``a context``), for the hints.
    """
    return load_json(text, path=path, expected=expected)


def text_box(value: str, description: str, width: str = "34em") -> w.Text:
    """A one-line text control that reports its value on Enter or when it loses focus."""
    return w.Text(
        value=value,
        description=description,
        continuous_update=False,
        style={"description_width": "8em"},
        layout=w.Layout(width=width),
    )


def text_area(value: str, description: str, rows: int = 8, width: str = "34em") -> w.Textarea:
    """A multi-line text control that reports its value when it loses focus."""
    return w.Textarea(
        value=value,
        description=description,
        continuous_update=False,
        rows=rows,
        style={"description_width": "8em"},
        layout=w.Layout(width=width),
    )


class Tool(w.VBox):  # type: ignore[misc]
    """A widget that recomputes its result whenever one of its controls changes.

    Attributes:
        result: the last good result (``None`` only if the first computation failed).
        error: the :class:`XrayKitError` of the last change, or ``None`` when it was applied.
        status: the one-line summary (an HTML widget with the CSS class ``xraykit-status``).
        issues: where problems with the input are shown.
        view: the detailed view of the result.
    """

    def __init__(
        self, controls: Sequence[w.Widget], *, extra: Sequence[w.Widget] = (), **kwargs: Any
    ) -> None:
        self.result: Any = None
        self.error: XrayKitError | None = None
        self.status = w.HTML()
        self.status.add_class(STATUS_CLASS)
        self.issues = w.HTML()
        self.view = w.HTML()
        super().__init__([*controls, self.status, self.issues, *extra, self.view], **kwargs)
        self.add_class("xraykit-tool")
        self._watch(controls)
        self.refresh()

    def _watch(self, controls: Sequence[w.Widget]) -> None:
        for control in controls:
            if isinstance(control, w.Box):
                self._watch(control.children)
            elif isinstance(control, w.ValueWidget):
                control.observe(self.refresh, names="value")

    # subclasses ----------------------------------------------------------------------------
    def compute(self) -> Any:
        """Read the controls and return the new result (raise XrayKitError on bad input)."""
        raise NotImplementedError

    def show(self, result: Any) -> None:
        """Put ``result`` on screen (``self.status``, ``self.view``)."""
        raise NotImplementedError

    # the loop --------------------------------------------------------------------------------
    def refresh(self, change: Any = None) -> None:
        """Recompute from the controls; on bad input show the issues and keep the last good result."""
        try:
            result = self.compute()
        except XrayKitError as error:
            self.error = error
            self.issues.value = issues_html(error)
            return
        self.error = None
        self.issues.value = ""
        self.result = result
        self.show(result)


def on_click(button: w.Button, action: Callable[[], None]) -> None:
    """Run ``action`` when ``button`` is clicked (also from ``button.click()`` in tests)."""
    button.on_click(lambda _: action())
