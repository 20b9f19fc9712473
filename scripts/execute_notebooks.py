"""Write every notebook from scripts/make_notebooks.py and run it top to bottom, in place, in a fresh kernel.

    python scripts/execute_notebooks.py                  # all notebooks (what `make notebooks` does)
    python scripts/execute_notebooks.py 03_tags          # only these
    python scripts/execute_notebooks.py --no-generate    # re-run the notebooks as they are on disk

Outputs are stored without widget state and without execution timings, and a widget's output is
stored as a one-line note: its view would point at a widget model that exists only while a kernel
runs (its random ID would also change on every run). So re-running an unchanged notebook changes
nothing, and a notebook opened before running says where its widgets will appear.
Each notebook runs in its own kernel with ``notebooks/`` as the working directory, the way
JupyterLab and nbval run it. Exits non-zero if a cell raises.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_notebooks

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
#: what a widget cell shows until the notebook is run
WIDGET_NOTE = "(a widget: run the notebook, Run ▸ Run All Cells, to use it here)"


def widget_note(output: dict) -> dict:
    """A widget's display output reduced to :data:`WIDGET_NOTE` (other outputs unchanged)."""
    if WIDGET_VIEW not in output.get("data", {}):
        return output
    return {**output, "data": {"text/plain": WIDGET_NOTE}, "metadata": {}}


def coalesce_streams(outputs: list) -> list:
    """Join consecutive outputs of the same stream: how a print is cut into messages depends on timing."""
    joined: list = []
    for output in outputs:
        if (
            output.get("output_type") == "stream"
            and joined
            and joined[-1].get("output_type") == "stream"
            and joined[-1]["name"] == output["name"]
        ):
            joined[-1]["text"] += output["text"]
        else:
            joined.append(output)
    return joined


def execute(path: Path, timeout: int = 120) -> None:
    """Run the notebook at ``path`` in a fresh kernel and store its outputs in place."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=False,  # same as --ExecutePreprocessor.store_widget_state=False
        record_timing=False,
    )
    client.execute()
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [nbformat.from_dict(widget_note(o)) for o in coalesce_streams(cell.outputs)]
    nbformat.write(nb, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="notebook names without .ipynb (default: all)")
    parser.add_argument("--no-generate", action="store_true", help="run the notebooks on disk as they are")
    args = parser.parse_args(argv)
    names = args.names or list(make_notebooks.SERIES)
    if args.no_generate:
        paths = [make_notebooks.NOTEBOOKS / f"{n}.ipynb" for n in names]
    else:
        paths = make_notebooks.write(names)
    for path in paths:
        start = time.perf_counter()
        try:
            execute(path)
        except CellExecutionError as error:
            print(f"{path.name}: a cell failed\n{error}", file=sys.stderr)
            return 1
        print(f"{path.name}: executed in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
