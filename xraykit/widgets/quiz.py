"""Predict-then-reveal cards for the IAM traps the kit demonstrates.

Taught in ``notebooks/09_gotchas_quiz.ipynb``. The cards are :data:`xraykit.exercises.QUIZ`; the
answer on each card is computed by the simulator when it is revealed, never read from the card.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import ipywidgets as w

from xraykit.exercises import QUIZ, CheckResult, QuizCard, check_quiz, quiz_card
from xraykit.render import decision_summary
from xraykit.result import Decision, Evaluation
from xraykit.widgets._base import Tool, badge, code, on_click

__all__ = ["Quiz", "QuizState", "quiz"]

_CHOICES = [d.value for d in Decision]


@dataclass(frozen=True, slots=True)
class QuizState:
    """The card on screen, the learner's prediction, and (once revealed) IAM's answer."""

    card: QuizCard
    prediction: str | None
    evaluation: Evaluation | None

    @property
    def correct(self) -> bool | None:
        """Whether the prediction was right (``None`` before the reveal)."""
        if self.evaluation is None:
            return None
        return self.prediction == self.evaluation.decision.value


class Quiz(Tool):
    """One card at a time: read the question, pick a decision, reveal what IAM says and why.

    Attributes:
        card: the card chooser.
        prediction: the decision the learner predicts.
        reveal: the button that runs the request through the simulator.
        predictions: card key -> the prediction made when it was revealed.
        evaluations: card key -> IAM's answer, for every revealed card.
        result: the current :class:`QuizState`; :attr:`score` checks all revealed predictions.
    """

    def __init__(self, cards: Sequence[QuizCard]) -> None:
        self.cards = {c.key: c for c in cards}
        self.predictions: dict[str, str] = {}
        self.evaluations: dict[str, Evaluation] = {}
        self.card = w.Dropdown(
            options=[(f"{i}. {c.key.replace('-', ' ')}", c.key) for i, c in enumerate(cards, 1)],
            description="Card",
            layout=w.Layout(width="34em"),
        )
        self.question = w.HTML()
        self.prediction = w.ToggleButtons(options=_CHOICES, value=None, description="Predict")
        self.reveal = w.Button(description="Reveal", button_style="primary")
        on_click(self.reveal, self.show_answer)
        super().__init__([self.card, self.prediction], extra=[])
        self.children = (self.card, self.question, self.prediction, self.reveal, *self.children[2:])  # type: ignore[has-type]  # ipywidgets is untyped

    def compute(self) -> QuizState:
        card = self.cards[self.card.value]
        if card.key in self.evaluations:  # once revealed, the prediction on record counts
            return QuizState(card, self.predictions.get(card.key), self.evaluations[card.key])
        return QuizState(card, self.prediction.value, None)

    def refresh(self, change: Any = None) -> None:
        if change is not None and change.get("owner") is getattr(self, "card", None):
            self.prediction.value = self.predictions.get(change["new"])  # a new card starts unanswered
        super().refresh(change)

    def show(self, result: QuizState) -> None:
        card = result.card
        self.question.value = f"<p style='font-size:1.05em'>{code(card.question)}</p>"
        if result.evaluation is None:
            self.status.value = (
                f"card {list(self.cards).index(card.key) + 1} of {len(self.cards)}: predict, then reveal"
            )
            self.view.value = ""
            return
        ev = result.evaluation
        verdict = "right" if result.correct else "not quite"
        self.status.value = (
            f"{verdict}: you predicted {html.escape(str(result.prediction))}; IAM says "
            f"{badge(ev.decision.value)} ({self.score_line()})"
        )
        self.view.value = (
            f"<p><b>Why:</b> {code(card.lesson)}<br><small>{html.escape(card.source)}</small></p>"
            f"<p>{code(decision_summary(ev))}</p>"
            f"<details><summary>full trace</summary>{ev._repr_html_()}</details>"
        )

    def show_answer(self) -> None:
        """Reveal the current card: run its request and compare with the prediction."""
        card = self.cards[self.card.value]
        self.evaluations[card.key] = card.evaluate()
        if self.prediction.value is not None:
            self.predictions[card.key] = self.prediction.value
        self.refresh()

    @property
    def score(self) -> CheckResult:
        """The revealed predictions checked by :func:`xraykit.exercises.check_quiz`."""
        return check_quiz(self.predictions)

    def score_line(self) -> str:
        """``3 of 5 revealed cards right``."""
        right = sum(1 for k, p in self.predictions.items() if self.evaluations[k].decision.value == p)
        return f"{right} of {len(self.evaluations)} revealed cards right"


def quiz(keys: Sequence[str] | None = None) -> Quiz:
    """The gotchas quiz widget.

    Args:
        keys: the cards to ask, in order (default: every card of :data:`xraykit.exercises.QUIZ`).

    Returns:
        The widget (not displayed).

    Raises:
        XrayKitError: for an unknown card key.
    """
    cards = QUIZ if keys is None else tuple(quiz_card(k) for k in keys)
    return Quiz(cards)
