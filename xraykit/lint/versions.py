"""Lint of the Version element: policy variables that are plain text under an old or missing
Version (XK501), and a policy without a Version (XK502).

Taught in ``notebooks/08_playground.ipynb``.
"""

from __future__ import annotations

from collections.abc import Iterator

from xraykit import variables
from xraykit.lint.context import LintContext
from xraykit.lint.model import Finding, PatchOp

__all__ = ["check_version"]

CURRENT = "2012-10-17"


def _variable_places(ctx: LintContext) -> Iterator[tuple[str, str]]:
    """``(path, variable text)`` for every policy variable in a Resource or a condition value."""
    for i, statement in ctx.indexed():
        for element, texts in (("Resource", statement.resource), ("NotResource", statement.not_resource)):
            for j, text in enumerate(texts or ()):
                if variables.has_variables(text):
                    yield ctx.doc.path(i, element, j), _first_variable(text)
        for operator, keys in statement.condition:
            for key, values in keys:
                for text in values:
                    if variables.has_variables(text):
                        yield ctx.doc.condition_path(i, operator, key), _first_variable(text)
                        break


def _first_variable(text: str) -> str:
    template = variables.parse(text)
    return next(str(p.text) for p in template.parts if isinstance(p, variables.Var))


def check_version(ctx: LintContext) -> Iterator[Finding]:
    """Findings about the Version element.

    Args:
        ctx: the policy under review.

    Yields:
        XK501 for each element whose variables are plain text; XK502 when there is no Version and
        no XK501 finding already says so.
    """
    version = ctx.policy.version
    if version == CURRENT:
        return
    op = PatchOp("replace" if version is not None else "add", "/Version", CURRENT)
    edit = ctx.doc.edit(f'set `"Version": "{CURRENT}"`', [op])
    said = "has no `Version`" if version is None else f'says `"Version": "{version}"`'
    found = False
    for path, variable in _variable_places(ctx):
        found = True
        yield ctx.finding("XK501", path, edit=edit, variable=variable, version=said)
    if not found and version is None:
        yield ctx.finding("XK502", "", edit=ctx.doc.edit(f'add `"Version": "{CURRENT}"`', [op]))
