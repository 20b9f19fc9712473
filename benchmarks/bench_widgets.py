"""Kernel-side speed of the notebook widgets: how long one control change takes to update the output.

A change of ``control.value`` runs the widget's observer synchronously: it recomputes the result
(simulator, account model, credential chains...) and rewrites the HTML views, which is all the
kernel does before the browser redraws. Each widget's control is toggled between two values; the
first change is a warm-up (first use loads catalog data), then the median of RUNS changes is
reported. Goal: at most 20 ms median for every widget.

Run: `.venv/bin/python benchmarks/bench_widgets.py [RUNS]`; prints a table and writes
benchmarks/results/widgets.json.
"""

from __future__ import annotations

import json
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from xraykit import widgets

GOAL_MS = 20.0

#: widget name -> (builder, control attribute, two values to toggle between)
CASES: dict[str, tuple[Callable[[], Any], str, tuple[Any, Any]]] = {
    "pattern explorer": (widgets.pattern_explorer, "pattern", ("xray:Put*", "xray:Get*")),
    "ARN dissector": (widgets.arn_dissector, "action", ("xray:GetGroup", "xray:CreateGroup")),
    "playground": (widgets.playground, "action", ("xray:PutEncryptionConfig", "xray:GetServiceGraph")),
    "verdict matrix view": (widgets.matrix_view, "actions", ("xray:Get*", "xray:*")),
    "tag explorer": (widgets.tag_explorer, "operation", ("UntagResource", "DeleteGroup")),
    "lifecycle stepper": (
        widgets.lifecycle_stepper,
        "policy",
        ("fixed: also deny tagging and untagging them", "docs: deny changes to stage=prod groups"),
    ),
    "key-policy toggler": (widgets.key_policy_toggler, "ops_kms", (True, False)),
    "credentials editor": (
        widgets.credentials_editor,
        "policy",
        ("AWSXrayReadOnlyAccess", "AWSXRayDaemonWriteAccess"),
    ),
    "quiz": (widgets.quiz, "card", ("untag-then-delete", "arn-on-star-action")),
}


def measure(build: Callable[[], Any], control: str, values: tuple[Any, Any], runs: int) -> dict[str, float]:
    """Median and worst time (ms) of ``runs`` changes of ``control``, after one warm-up change."""
    widget = build()
    target = getattr(widget, control)
    target.value = values[0]  # warm-up
    target.value = values[1]
    times = []
    for i in range(runs):
        start = time.perf_counter()
        target.value = values[i % 2]
        times.append((time.perf_counter() - start) * 1000)
        if widget.error is not None:
            raise RuntimeError(f"{control}={values[i % 2]!r} was refused: {widget.error}")
    return {"median_ms": round(statistics.median(times), 2), "max_ms": round(max(times), 2)}


def main(runs: int = 40) -> int:
    results = {
        name: measure(build, control, values, runs) for name, (build, control, values) in CASES.items()
    }
    width = max(len(n) for n in results)
    print(f"{'widget':<{width}}  median ms  max ms   (goal: median <= {GOAL_MS:.0f} ms)")
    for name, r in results.items():
        flag = "" if r["median_ms"] <= GOAL_MS else "  OVER"
        print(f"{name:<{width}}  {r['median_ms']:>9.2f}  {r['max_ms']:>6.2f}{flag}")
    out = {
        "what": "one widget control change: observer recompute + HTML update, kernel side",
        "runs": runs,
        "goal_ms": GOAL_MS,
        "goal_met": all(r["median_ms"] <= GOAL_MS for r in results.values()),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "widgets": results,
    }
    path = Path(__file__).parent / "results" / "widgets.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    return 0 if out["goal_met"] else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 40))
