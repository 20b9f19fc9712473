"""The notebooks as documents: committed executed in order, built from scripts/make_notebooks.py, each with
its doc page, a Summary and Exercises, no machine paths, no stored widget state.

nbval (``pytest --nbval ... notebooks/``) re-runs them and compares outputs; these tests check what
nbval does not: that a notebook has the shape of a lesson and that what is committed is what the
generator writes.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
NAMES = [p.stem for p in NOTEBOOKS]
MACHINE_PATH = re.compile(r"(/work/|/tmp/|/home/|/root/|/Users/|[A-Z]:\\\\|site-packages)")


def _script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GENERATOR = _script("make_notebooks")
WIDGET_NOTE = _script("execute_notebooks").WIDGET_NOTE


def _read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def _headings(nb: nbformat.NotebookNode, level: str = "## ") -> list[str]:
    return [
        line[len(level) :].strip()
        for cell in nb.cells
        if cell.cell_type == "markdown"
        for line in cell.source.splitlines()
        if line.startswith(level)
    ]


def test_the_series_is_complete():
    assert list(GENERATOR.SERIES) == NAMES
    assert NAMES[0] == "00_index"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NAMES)
def test_committed_notebook_is_what_the_generator_writes(path):
    built = GENERATOR.build(path.stem)
    committed = _read(path)
    assert [(c.cell_type, c.source, c.get("metadata", {}).get("tags")) for c in committed.cells] == [
        (c.cell_type, c.source, c.get("metadata", {}).get("tags")) for c in built.cells
    ], "run `python scripts/execute_notebooks.py` after editing scripts/make_notebooks.py"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NAMES)
def test_executed_top_to_bottom_in_one_fresh_kernel(path):
    nb = _read(path)
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1)), "every code cell run once, in order, from 1"
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NAMES)
def test_no_stored_widget_state_and_no_timings(path):
    nb = _read(path)
    assert "widgets" not in nb.metadata
    assert not any("execution" in c.get("metadata", {}) for c in nb.cells)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NAMES)
def test_no_machine_paths(path):
    text = path.read_text("utf-8")
    assert not MACHINE_PATH.search(text), MACHINE_PATH.search(text).group(0)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NAMES)
def test_anatomy_of_a_lesson(path):
    nb = _read(path)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# ")
    assert "**" in first.source, "a one-line promise in bold under the title"
    headings = _headings(nb)
    assert "Where this comes from" in headings
    assert headings[-2:] == ["Summary", "Exercises"], "end with a Summary and Exercises"
    summary = next(c for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("## Summary"))
    assert 3 <= sum(1 for line in summary.source.splitlines() if line.startswith("- ")) <= 5


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NAMES)
def test_cites_its_doc_page(path):
    nb = _read(path)
    source = next(
        c.source for c in nb.cells if c.cell_type == "markdown" and "## Where this comes from" in c.source
    )
    assert re.search(r"\]\(https://docs\.aws\.amazon\.com/[^)]+\)", source), "a link to the AWS doc page"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NAMES)
def test_exercises_call_a_check(path):
    nb = _read(path)
    exercises = [
        i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and c.source.startswith("## Exercises")
    ]
    checks = [
        c for c in nb.cells[exercises[0] :] if c.cell_type == "code" and re.search(r"\bcheck_\w+\(", c.source)
    ]
    assert checks, "an exercise checked by a function from xraykit.exercises"
    assert all(c.outputs for c in checks), "the check's answer is shown"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NAMES)
def test_widget_cells_are_not_compared_and_store_no_view(path):
    nb = _read(path)
    assert not any(
        "application/vnd.jupyter.widget-view+json" in o.get("data", {})
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
    ), "a stored widget view points at a model that exists only while a kernel runs"
    notes = [
        c
        for c in nb.cells
        if c.cell_type == "code"
        and any(o.get("data", {}).get("text/plain") == WIDGET_NOTE for o in c.outputs)
    ]
    ignored = [c for c in nb.cells if "nbval-ignore-output" in c.get("metadata", {}).get("tags", [])]
    assert ignored == notes, "only widget cells are left out of the comparison, and each shows the note"


def test_index_links_every_notebook():
    index = " ".join(c.source for c in _read(NOTEBOOKS[0]).cells if c.cell_type == "markdown")
    for name in NAMES[1:]:
        assert f"]({name}.ipynb)" in index


def test_every_exercise_is_used_by_a_notebook():
    from xraykit import exercises

    text = " ".join(c.source for p in NOTEBOOKS for c in _read(p).cells)
    for name in exercises.exercises():
        assert f'"{name}"' in text, name
