"""Lint: what a policy really does that its author may not mean, with the rule, the doc and a fix.

A learner's most common mistakes are policies that look right and silently do nothing (an ARN on
an action that only accepts ``*``, the seed page's ``xray:ResourceTag`` key) or far more than meant
(``Allow`` with ``NotAction``). :func:`lint` finds them::

    >>> from xraykit.lint import lint
    >>> findings = lint({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
    ...     "Action": "xray:PutTraceSegments", "Resource": "arn:aws:xray:us-east-1:123456789012:group/a/*"}]})
    >>> findings.codes
    ('XK201', 'XK603')

Each :class:`Finding` carries a code, a :class:`Severity`, the JSON path of the element, a message,
the :class:`Rule` with its documentation reference, and (where one exists) an :class:`Edit`. The
rules' wording lives in ``xraykit/data/lint/rules.json``; :func:`rules` lists them.

Taught in ``notebooks/08_playground.ipynb`` and used by the exercises' checks.
"""

from __future__ import annotations

from xraykit.lint.model import DocRef, Edit, Finding, Findings, PatchOp, Rule, Severity
from xraykit.lint.patch import apply_patch
from xraykit.lint.rules import rule, rules
from xraykit.lint.runner import lint

__all__ = [
    "DocRef",
    "Edit",
    "Finding",
    "Findings",
    "PatchOp",
    "Rule",
    "Severity",
    "apply_patch",
    "lint",
    "rule",
    "rules",
]
