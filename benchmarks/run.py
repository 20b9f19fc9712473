"""Run every benchmark, one after another, and print the figures that matter as one table.

Each benchmark is its own script (see their docstrings for what and how they measure) and writes
its figures to benchmarks/results/NAME.json; this runner calls them in fresh processes and reads
those files back. Speed is reported as ratios measured in the same run, never as timed tests.

Run: `make bench` (or `.venv/bin/python benchmarks/run.py [--quick]`).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
RESULTS = HERE / "results"

# script, arguments (full, quick), result file
BENCHMARKS = [
    ("bench_import.py", (["15"], ["5"]), "import.json"),
    ("bench_policyset.py", (["100000"], ["20000"]), "policyset.json"),
    ("bench_matrix.py", (["30"], ["10"]), "matrix.json"),
    ("bench_widgets.py", (["40"], ["10"]), "widgets.json"),
    ("bench_jsonl.py", (["--repeat", "3"], []), "jsonl.json"),  # 3 rounds, the contenders taking turns
]


def _get(data: dict, *path: str) -> object:
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def summary(results: dict[str, dict]) -> list[tuple[str, str, str]]:
    """(what, measured, goal) rows from the result files."""
    rows = []
    imp = results.get("import.json", {})
    rows.append(("import xraykit", f"{imp.get('import_xraykit_ms')} ms", "≤ 150 ms"))
    ps = results.get("policyset.json", {})
    rows.append(
        (
            "compiled policy set, repeating requests",
            f"{ps.get('stream_decisions_per_s')} decisions/s",
            "≥ 200,000/s",
        )
    )
    rows.append(
        (
            "compiled policy set, all requests distinct (in a key no policy reads)",
            f"{ps.get('cold_decisions_per_s')} decisions/s",
            "≥ 200,000/s",
        )
    )
    rows.append(
        (
            "compiled policy set, distinct in what decisions read",
            f"{ps.get('distinct_decisions_per_s')} decisions/s",
            "≥ 200,000/s",
        )
    )
    rows.append(
        (
            "  the same, only actions whose statements are matched",
            f"{ps.get('distinct_matched_decisions_per_s')} decisions/s",
            "",
        )
    )
    mx = results.get("matrix.json", {})
    rows.append(
        ("verdict matrix, 7 managed policies, compiled fresh", f"{mx.get('fresh_median_ms')} ms", "≤ 50 ms")
    )
    rows.append(("verdict matrix, policies already compiled", f"{mx.get('cached_median_ms')} ms", "≤ 50 ms"))
    wd = results.get("widgets.json", {})
    medians = [w.get("median_ms", 0) for w in (wd.get("widgets") or {}).values()]
    worst = max(medians) if medians else None
    rows.append(("widget update (slowest widget's median)", f"{worst} ms", "≤ 20 ms"))
    js = results.get("jsonl.json", {})
    rows.append(
        (
            "--jsonl stream vs iam-simulate",
            f"{_get(js, 'ratios', 'xraykit/iam-simulate', 'whole_stream')}×",
            "≥ 10×",
        )
    )
    by_round = _get(js, "ratios", "xraykit/iam-simulate", "whole_stream_by_round")
    if isinstance(by_round, dict):
        rows.append(
            (
                "  the same, ratio within each round: median (lowest to highest)",
                f"{by_round['median']}× ({by_round['lowest']}× to {by_round['highest']}×)",
                "",
            )
        )
    rows.append(("--jsonl stream", f"{_get(js, 'contenders', 'xraykit', 'decisions_per_s')} decisions/s", ""))
    rows.append(
        (
            "iam-simulate on the same stream",
            f"{_get(js, 'contenders', 'iam-simulate', 'decisions_per_s')} decisions/s",
            "",
        )
    )
    rows.append(
        (
            "pass-through (read and write the lines only)",
            f"{_get(js, 'contenders', 'pass-through', 'decisions_per_s')} lines/s",
            "",
        )
    )
    return rows


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    results: dict[str, dict] = {}
    for script, (full, short), result in BENCHMARKS:
        start = time.perf_counter()
        print(f"== {script}", flush=True)
        done = subprocess.run([sys.executable, str(HERE / script), *(short if quick else full)], check=False)
        if done.returncode != 0:
            print(f"   {script} failed with exit status {done.returncode}")
            continue
        results[result] = json.loads((RESULTS / result).read_text("utf-8"))
        print(f"   ({time.perf_counter() - start:.0f} s)")
    rows = summary(results)
    width = max(len(r[0]) for r in rows)
    print("\n" + "what".ljust(width), "| measured".ljust(26), "| goal")
    for what, measured, goal in rows:
        print(what.ljust(width), "|", measured.ljust(24), "|", goal)
    (RESULTS / "summary.json").write_text(json.dumps({"rows": rows}, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
