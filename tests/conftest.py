"""Shared test settings, and the fixtures for the real-browser notebook tests (tests/test_browser.py).

Hypothesis: no per-example deadline (a loaded machine, or the first example that loads the catalog,
must not fail a property), and under CI=true a fixed example sequence, so a CI run can be repeated.

jupyter_lab:  JupyterLab on 127.0.0.1 with fresh Jupyter dirs; stopped (with its kernels) after the session.
browser_page: a Playwright page in Debian's Chromium (/usr/bin/chromium), a fresh context for every test.

Screenshots for the README: ``pytest tests/test_browser.py --screenshot-dir=docs`` (or the environment
variable ``XRAYKIT_SCREENSHOT_DIR``) also writes ``screenshot-lab.png`` there.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "xraykit",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=bool(os.environ.get("CI")),
)
settings.load_profile("xraykit")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TOKEN = "xraykit-test-token"
TIMEOUT_MS = 45_000  # bound for every Playwright wait (a kernel start on a busy 2-core machine)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--screenshot-dir",
        default=os.environ.get("XRAYKIT_SCREENSHOT_DIR"),
        help="also save the README screenshot (screenshot-lab.png) in this folder",
    )


@pytest.fixture(scope="session")
def oracle_cases() -> Any:
    """The case generator of the differential tests (``tests/oracle/cases.py``), loaded once.

    Loaded under the name the conformance and harness tests give it, so all share one module.
    """
    import importlib.util

    name = "xraykit_oracle_cases"
    if name not in sys.modules:
        path = Path(__file__).parent / "oracle" / "cases.py"
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture(scope="session")
def screenshot_dir(pytestconfig: pytest.Config) -> Path | None:
    """Where README screenshots go, or None (then they stay in the test's tmp dir only)."""
    value = pytestconfig.getoption("--screenshot-dir")
    return Path(value) if value else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def isolated_jupyter_env(root: Path) -> dict[str, str]:
    """Environment with fresh Jupyter/IPython dirs under `root`: nothing read from or written to ~."""
    return dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(root / "config"),
        JUPYTER_DATA_DIR=str(root / "data"),
        JUPYTER_RUNTIME_DIR=str(root / "runtime"),
        IPYTHONDIR=str(root / "ipython"),
    )


def start_server(cmd: list[str], cwd: Path, env: dict[str, str], log_path: Path, ready_url: str) -> Any:
    """Start `cmd`, wait (60 s at most) until `ready_url` gives any HTTP answer; return the Popen."""
    with open(log_path, "wb") as log:  # the child keeps its own handle
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(ready_url, timeout=2).close()
            return proc
        except urllib.error.HTTPError:  # 403/404 etc.: the server is up and answering
            return proc
        except OSError:  # not listening yet
            if proc.poll() is not None or time.monotonic() > deadline:
                stop_server(proc)
                raise RuntimeError(f"server did not start:\n{Path(log_path).read_text()}") from None
            time.sleep(0.25)


def stop_server(proc: Any) -> None:
    proc.terminate()  # SIGTERM: Jupyter shuts its kernels down too
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def _settings(root: Path, extension: str, plugin: str, values: dict[str, Any]) -> None:
    folder = root / "config/lab/user-settings" / extension
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{plugin}.jupyterlab-settings").write_text(json.dumps(values))


@pytest.fixture(scope="session")
def jupyter_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """Yield (base_url, work_dir); a notebook copied into work_dir opens at base_url/lab/tree/NAME."""
    root = tmp_path_factory.mktemp("jupyterlab")
    work = root / "work"
    work.mkdir()
    # no "get notified about Jupyter news?" pop-up covering the page
    _settings(root, "@jupyterlab/apputils-extension", "notification", {"fetchNews": "false"})
    # keep every cell in the DOM (no virtual scrolling), so locators find widgets far down a notebook
    _settings(root, "@jupyterlab/notebook-extension", "tracker", {"windowingMode": "none"})
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--allow-root",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={TOKEN}",
        f"--ServerApp.root_dir={work}",
        # no outgoing requests from the server: news feed, update check, extension index
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
    ]
    base = f"http://127.0.0.1:{port}"
    proc = start_server(
        cmd, work, isolated_jupyter_env(root), root / "server.log", f"{base}/api/status?token={TOKEN}"
    )
    try:
        yield base, work
    finally:
        stop_server(proc)


def require_chromium() -> None:
    """Call at the top of a browser test module: skips it without Chromium (fails it under CI=true)."""
    if not Path(CHROMIUM).exists():
        msg = f"no Chromium at {CHROMIUM}: install it (apt-get install chromium) or set CHROMIUM=/path"
        if os.environ.get("CI"):
            pytest.fail(msg, pytrace=False)
        pytest.skip(msg, allow_module_level=True)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """System Chromium, started once for the session (each test gets its own fresh context)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, timeout=TIMEOUT_MS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_page(chromium: Any, tmp_path: Path) -> Iterator[Any]:
    """A Playwright page in a fresh browser context (no cookies, storage or cache from other tests)."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        try:
            page.screenshot(path=str(tmp_path / "last.png"))  # look here when a test fails
        finally:
            context.close()


def open_notebook(page: Any, jupyter_lab: tuple[str, Path], notebook: Path) -> str:
    """Copy `notebook` into the server's dir (JupyterLab may autosave), open it, wait for its kernel."""
    base, work = jupyter_lab
    name = f"{notebook.stem}-{time.monotonic_ns()}.ipynb"  # a new name gets a new kernel
    shutil.copy(notebook, work / name)
    # A workspace of its own, reset: JupyterLab otherwise reopens the tabs of the previous test
    # (workspaces live on the server), and Run All Cells could act on one of those.
    page.goto(f"{base}/lab/workspaces/{Path(name).stem}/tree/{name}?token={TOKEN}&reset")
    idle = page.locator(".jp-StatusBar-TextItem", has_text="| Idle")  # "Python 3 (ipykernel) | Idle"
    choose = page.locator(".jp-Dialog .jp-mod-accept", has_text="Select")
    # On a busy machine JupyterLab may open the notebook before it knows the kernel specs and ask
    # which kernel to start; the notebook's own (the preselected one) is the right answer.
    idle.or_(choose).first.wait_for()
    if choose.is_visible():
        choose.click()
        idle.wait_for()
    return name


def run_all_cells(page: Any) -> None:
    """Run ▸ Run All Cells, from the menu bar, as a learner would."""
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
