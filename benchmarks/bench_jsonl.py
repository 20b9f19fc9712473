"""Decisions per second over the JSON Lines stream: xraykit against iam-simulate and a pass-through.

All three read the same generated stream of cases (the conformance test's generator,
``tests/oracle/cases.py``; 20,000 cases with a fixed seed by default) on stdin and write one answer
line per case:

- ``xraykit``: ``python -m xraykit simulate --jsonl``;
- ``iam-simulate``: the oracle runner ``node tests/oracle/run_oracle.mjs`` (strict mode);
- ``pass-through``: a few lines of Python that parse each case and write back only its id, flushing
  per line as the other two do; the floor that process start-up, JSON and pipes alone cost.

Each contender runs alone, with its whole stream fed at once; with ``--repeat R`` the contenders
take turns, R rounds of one run each, so a machine that speeds up or slows down over the minutes
of the benchmark weighs on all of them alike. Reported per contender (its best round, by wall
time): the wall time from launching the process to its last answer (start-up included), the rate
over that whole time, the time to the first answer, and the steady rate after the first 1,000
answers. The ratios xraykit/iam-simulate and xraykit/pass-through are printed from those best
runs and, round by round, as the ratio within each round (its median, lowest and highest); all of
it is written to ``benchmarks/results/jsonl.json``.

Run: ``.venv/bin/python benchmarks/bench_jsonl.py [N] [--seed S] [--repeat R]``. Without node or
the installed oracle the iam-simulate row is left out.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results" / "jsonl.json"
WARM_UP = 1000
PASS_THROUGH = (
    "import json, sys\n"
    "for line in sys.stdin:\n"
    "    if line.strip():\n"
    "        sys.stdout.write(json.dumps({'id': json.loads(line).get('id')}) + '\\n')\n"
    "        sys.stdout.flush()\n"
)


def _load_cases() -> Any:
    spec = importlib.util.spec_from_file_location(
        "xraykit_oracle_cases", REPO / "tests" / "oracle" / "cases.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def measure(command: list[str], stream: Path, count: int) -> dict[str, float]:
    """Feed ``stream`` to ``command``; time the first answer, the WARM_UP-th and the last."""
    marks: dict[int, float] = {}
    started = time.perf_counter()
    proc = subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO
    )
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None

    def feed() -> None:
        assert proc.stdin is not None
        with open(stream, "rb") as source:
            while chunk := source.read(1 << 16):
                proc.stdin.write(chunk)
        proc.stdin.close()

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    answers = 0
    for _ in proc.stdout:
        answers += 1
        if answers in (1, WARM_UP, count):
            marks[answers] = time.perf_counter()
    finished = time.perf_counter()
    writer.join()
    status = proc.wait()
    if status != 0 or answers != count:
        sys.exit(
            f"{command[0]} exited with {status} after {answers} of {count} answers:\n"
            f"{proc.stderr.read().decode(errors='replace')[-2000:]}"
        )
    wall = marks.get(count, finished) - started
    steady = (count - WARM_UP) / (marks[count] - marks[WARM_UP])
    return {
        "wall_s": round(wall, 3),
        "decisions_per_s": round(count / wall),
        "first_answer_s": round(marks[1] - started, 3),
        "steady_decisions_per_s": round(steady),
    }


def _version(command: list[str]) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=30).stdout.strip()
    except OSError:
        return "?"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("count", nargs="?", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=20_261_128)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    if args.count <= 2 * WARM_UP:
        parser.error(
            f"give more than {2 * WARM_UP} cases, so the steady rate is measured after the first {WARM_UP}"
        )
    cases = _load_cases()

    contenders: dict[str, list[str]] = {"xraykit": [sys.executable, "-m", "xraykit", "simulate", "--jsonl"]}
    oracle, reason = cases.oracle_command()
    if oracle is not None:
        contenders["iam-simulate"] = oracle
    else:
        print(f"iam-simulate left out: {reason}")
    contenders["pass-through"] = [sys.executable, "-c", PASS_THROUGH]

    load_before = round(os.getloadavg()[0], 2)  # other work on the machine skews every rate
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        stream = Path(tmp) / "cases.jsonl"
        with open(stream, "w", encoding="utf-8") as out:
            for case in cases.generate(args.count, args.seed):
                out.write(json.dumps(case, separators=(",", ":")) + "\n")
        rounds = [
            {name: measure(command, stream, args.count) for name, command in contenders.items()}
            for _ in range(max(1, args.repeat))
        ]
    for name in contenders:
        results[name] = min((r[name] for r in rounds), key=lambda run: run["wall_s"])

    def ratio(runs: dict[str, dict[str, float]], a: str, b: str, field: str) -> float | None:
        return round(runs[a][field] / runs[b][field], 3) if a in runs and b in runs else None

    ratios: dict[str, dict[str, Any]] = {}
    for other in ("iam-simulate", "pass-through"):
        if other not in results:
            continue
        within = sorted(ratio(r, "xraykit", other, "decisions_per_s") or 0.0 for r in rounds)
        ratios[f"xraykit/{other}"] = {
            "whole_stream": ratio(results, "xraykit", other, "decisions_per_s"),
            "steady": ratio(results, "xraykit", other, "steady_decisions_per_s"),
            "whole_stream_by_round": {
                "median": round(statistics.median(within), 3),
                "lowest": within[0],
                "highest": within[-1],
            },
        }
    print(f"{args.count} cases, seed {args.seed}, best of {max(1, args.repeat)} rounds; rates in decisions/s")
    print(f"{'contender':<14}{'wall s':>9}{'whole stream':>14}{'first answer s':>16}{'steady':>10}")
    for name, r in results.items():
        print(
            f"{name:<14}{r['wall_s']:>9.2f}{r['decisions_per_s']:>14,}{r['first_answer_s']:>16.3f}"
            f"{r['steady_decisions_per_s']:>10,}"
        )
    for name, pair in ratios.items():
        by_round = pair["whole_stream_by_round"]
        print(
            f"{name:<26} whole stream {pair['whole_stream']}  steady {pair['steady']}  "
            f"within a round: median {by_round['median']} ({by_round['lowest']} to {by_round['highest']})"
        )

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "cases": args.count,
                "seed": args.seed,
                "repeat": max(1, args.repeat),
                "warm_up_answers": WARM_UP,
                "measured_at": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "machine": {
                    "cpus": os.cpu_count(),
                    "load_average_1min_before": load_before,
                    "python": platform.python_version(),
                    "node": _version([oracle[0], "--version"]) if oracle else None,
                },
                "contenders": results,
                "ratios": ratios,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"written to {RESULTS.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
