"""The verdict matrix of the 7 managed policies × every X-Ray action: how long it takes.

Goal: the full matrix in at most 50 ms. Reported (median of the runs, milliseconds):

- first: the first matrix in a fresh process (loads the catalog and the managed policies);
- fresh: policy sets compiled anew for each matrix (compile + decide every cell);
- cached: the default path of ``verdict_matrix``, where managed policies stay compiled.

Run: `.venv/bin/python benchmarks/bench_matrix.py [RUNS]`; prints the matrix and writes
benchmarks/results/matrix.json.
"""

from __future__ import annotations

import json
import platform
import statistics
import sys
import time
from pathlib import Path

from xraykit import matrix
from xraykit.matrix import MANAGED_POLICIES, verdict_matrix

GOAL_MS = 50.0


def _clear() -> None:
    matrix._named_set.cache_clear()


def main(runs: int = 30) -> int:
    start = time.perf_counter()
    table = verdict_matrix(MANAGED_POLICIES)
    first = (time.perf_counter() - start) * 1000
    fresh, cached = [], []
    for _ in range(runs):
        _clear()
        start = time.perf_counter()
        verdict_matrix(MANAGED_POLICIES)
        fresh.append((time.perf_counter() - start) * 1000)
    for _ in range(runs):
        start = time.perf_counter()
        verdict_matrix(MANAGED_POLICIES)
        cached.append((time.perf_counter() - start) * 1000)
    cells = len(table.rows) * len(table.columns)
    result = {
        "what": "verdict matrix: 7 managed policies x every X-Ray action (by resource kind)",
        "rows": len(table.rows),
        "columns": len(table.columns),
        "cells": cells,
        "runs": runs,
        "first_ms": round(first, 2),
        "fresh_median_ms": round(statistics.median(fresh), 2),
        "cached_median_ms": round(statistics.median(cached), 2),
        "goal_ms": GOAL_MS,
        "goal_met": statistics.median(fresh) <= GOAL_MS,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "counts": table.counts(),
    }
    print(table)
    print()
    print(json.dumps({k: v for k, v in result.items() if k != "counts"}, indent=2))
    out = Path(__file__).parent / "results" / "matrix.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 30))
