"""How long `import xraykit` takes, in a fresh interpreter, against `import json` as the yardstick.

Goal: at most 150 ms. Each figure is the median of RUNS fresh processes, measured with
`python -X importtime` (the import itself, not the interpreter's start-up).

Run: `.venv/bin/python benchmarks/bench_import.py [RUNS]`; writes benchmarks/results/import.json.
"""

from __future__ import annotations

import json
import re
import statistics
import subprocess
import sys
from pathlib import Path

GOAL_MS = 150.0


def _import_ms(module: str) -> float:
    """Cumulative microseconds of the top-level import of ``module``, as -X importtime reports them."""
    err = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    for line in err.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \| (\s*)(\S+)$", line)
        if match and match.group(3) == module and not match.group(2):
            return int(match.group(1)) / 1000
    raise RuntimeError(f"no import time found for {module}")


def main(runs: int = 15) -> dict[str, float]:
    xraykit = statistics.median(_import_ms("xraykit") for _ in range(runs))
    yardstick = statistics.median(_import_ms("json") for _ in range(runs))
    engine = statistics.median(_import_ms("xraykit.engine") for _ in range(max(3, runs // 3)))
    return {
        "runs": runs,
        "import_xraykit_ms": round(xraykit, 2),
        "import_json_ms": round(yardstick, 2),
        "import_xraykit_engine_ms": round(engine, 1),
        "goal_ms": GOAL_MS,
        "ratio_to_goal": round(xraykit / GOAL_MS, 3),
        "ratio_to_json": round(xraykit / yardstick, 2),
    }


if __name__ == "__main__":
    figures = main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
    print(json.dumps(figures, indent=2))
    (Path(__file__).parent / "results" / "import.json").write_text(json.dumps(figures, indent=2) + "\n")
