"""xraykit's simulator against an independent evaluator, on 20,000 seeded random cases.

Both sides read the same JSON Lines stream: the oracle (``tests/oracle/run_oracle.mjs``, which
drives @cloud-copilot/iam-simulate) and ``python -m xraykit simulate --jsonl``. Only the decisions
are compared (two rejections agree, whatever their messages). A disagreement fails the test unless
a documented departure of the oracle from AWS's rules explains it (``tests/oracle/departures.json``).

On failure the test prints the first disagreements with their cases and both answers, a shrunken
version of the first few (the smallest case found that still gets the same pair of answers), and
writes every disagreement to ``disagreements.jsonl`` in the test's temporary directory.
"""

from __future__ import annotations

import collections
import copy
import importlib.util
import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.oracle

SEED = 20_261_128
COUNT = 20_000
REPO = Path(__file__).resolve().parent.parent
XRAYKIT = [sys.executable, "-m", "xraykit", "simulate", "--jsonl"]
SHOWN, SHRUNK = 20, 5


def _load_cases() -> Any:
    name = "xraykit_oracle_cases"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, REPO / "tests" / "oracle" / "cases.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


cases = _load_cases()


def _oracle_or_skip() -> list[str]:
    command, reason = cases.oracle_command()
    if command is None:
        if cases.in_ci():
            pytest.fail(f"the differential test must run in CI, but {reason}")
        pytest.skip(reason)
    return list(command)


def _run_both(
    oracle: list[str], cases_path: Path, out: Path
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Run both evaluators over the stream at once (one per core); return their answers."""
    procs = {}
    for name, command in (("oracle", oracle), ("xraykit", XRAYKIT)):
        with (
            open(cases_path, "rb") as stdin,
            open(out / f"{name}.jsonl", "wb") as stdout,
            open(out / f"{name}.stderr", "wb") as stderr,
        ):
            procs[name] = subprocess.Popen(command, stdin=stdin, stdout=stdout, stderr=stderr, cwd=REPO)
    answers = {}
    for name, proc in procs.items():
        try:
            status = proc.wait(timeout=900)
        except subprocess.TimeoutExpired:
            proc.kill()
            pytest.fail(f"{name} did not answer 20,000 cases within 15 minutes")
        stderr = (out / f"{name}.stderr").read_text(errors="replace")[-2000:]
        assert status == 0, f"{name} exited with status {status}:\n{stderr}"
        answers[name] = [
            json.loads(line) for line in (out / f"{name}.jsonl").read_text().splitlines() if line
        ]
    return answers["oracle"], answers["xraykit"]


class _Line:
    """One evaluator kept running, asked one case at a time (both sides answer line by line)."""

    def __init__(self, command: list[str]) -> None:
        self.proc = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            bufsize=1,
            cwd=REPO,
        )

    def decide(self, case: dict[str, Any]) -> str:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(case) + "\n")
        self.proc.stdin.flush()
        return str(json.loads(self.proc.stdout.readline())["decision"])


_KEEP = {"id", "principal", "action", "resource", "Effect", "Version", "Statement", "policy"}


def _removals(node: Any) -> Iterator[Callable[[], Any]]:
    """Every single deletion in a JSON tree (a dict key or a list item) that shrinking may try."""
    if isinstance(node, dict):
        for key in list(node):
            if key not in _KEEP:
                yield lambda n=node, k=key: n.pop(k)
        for value in node.values():
            yield from _removals(value)
    elif isinstance(node, list):
        for index in range(len(node)) if len(node) > 1 else ():
            yield lambda n=node, i=index: n.pop(i)
        for item in node:
            yield from _removals(item)


def shrink(
    case: dict[str, Any], answers: Callable[[dict[str, Any]], tuple[str, str]], budget: int = 400
) -> Any:
    """Delete pieces of ``case`` one at a time while both sides still give the same two answers."""
    target, tries = answers(case), 0
    progress = True
    while progress and tries < budget:
        progress = False
        for index in range(sum(1 for _ in _removals(case))):
            trial = copy.deepcopy(case)
            removals = list(_removals(trial))
            if index >= len(removals) or tries >= budget:
                break
            removals[index]()
            tries += 1
            if answers(trial) == target:
                case, progress = trial, True
                break
    return case


def test_xraykit_agrees_with_iam_simulate_on_20000_cases(tmp_path: Path) -> None:
    oracle = _oracle_or_skip()
    started = time.perf_counter()
    generated = list(cases.generate(COUNT, SEED))
    cases_path = tmp_path / "cases.jsonl"
    cases_path.write_text("".join(json.dumps(c, separators=(",", ":")) + "\n" for c in generated))
    oracle_answers, xraykit_answers = _run_both(oracle, cases_path, tmp_path)

    assert len(oracle_answers) == COUNT, f"the oracle answered {len(oracle_answers)} of {COUNT} cases"
    assert len(xraykit_answers) == COUNT, f"xraykit answered {len(xraykit_answers)} of {COUNT} cases"
    for case, a, b in zip(generated, oracle_answers, xraykit_answers, strict=True):
        assert a["id"] == b["id"] == case["id"], f"answers out of order at {case['id']}: {a['id']}, {b['id']}"
    crashed = [a for a in oracle_answers if "exception" in a]
    assert not crashed, f"the oracle crashed (not a rejection) on {len(crashed)} cases, e.g. {crashed[0]}"

    entries = cases.load_departures()
    excused: collections.Counter[str] = collections.Counter()
    failures = []
    for case, a, b in zip(generated, oracle_answers, xraykit_answers, strict=True):
        if a["decision"] == b["decision"]:
            continue
        reasons = cases.excused(case, a["decision"], b["decision"], entries)
        excused.update(reasons[:1])
        if not reasons:
            failures.append({"case": case, "oracle": a, "xraykit": b})
    decisions = collections.Counter(a["decision"] for a in oracle_answers)
    summary = (
        f"{COUNT} cases (seed {SEED}) in {time.perf_counter() - started:.0f} s; oracle decisions "
        f"{dict(decisions)}; disagreements excused by departures {dict(excused)}"
    )
    print(summary)
    if not failures:
        return

    report = tmp_path / "disagreements.jsonl"
    report.write_text("".join(json.dumps(f) + "\n" for f in failures))
    lines = [f"{len(failures)} disagreements outside tests/oracle/departures.json (all in {report})", summary]
    for f in failures[:SHOWN]:
        lines += [
            f"--- {f['case']['id']}: oracle {f['oracle']}, xraykit {f['xraykit']}",
            json.dumps(f["case"]),
        ]
    lines += _shrunk(oracle, failures[:SHRUNK])
    pytest.fail("\n".join(lines), pytrace=False)


def _shrunk(oracle: list[str], failures: list[dict[str, Any]]) -> list[str]:
    """The first disagreements, shrunk to what still makes the two sides disagree the same way."""
    lines = ["", "=== the first disagreements, shrunk:"]
    sides = [_Line(oracle), _Line(XRAYKIT)]
    try:
        for f in failures:
            small = shrink(f["case"], lambda c: (sides[0].decide(c), sides[1].decide(c)))
            lines += [
                f"--- {f['case']['id']}: oracle {sides[0].decide(small)}, xraykit {sides[1].decide(small)}",
                json.dumps(small),
            ]
    except (OSError, ValueError, KeyError) as error:  # a side died: the full cases above still stand
        lines.append(f"(shrinking stopped: {error!r})")
    finally:
        for side in sides:
            side.proc.kill()
    return lines
