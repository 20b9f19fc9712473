"""The widgets where learners use them: JupyterLab in headless Chromium, driven by Playwright.

Each test opens a notebook of the series, runs it with Run ▸ Run All Cells, changes a control of one
of its widgets and checks that the decision shown on the page changes (browser → kernel, where the
widget recomputes → browser). Screenshots land in each test's tmp dir; with ``--screenshot-dir`` (or
``XRAYKIT_SCREENSHOT_DIR``) the README's ``screenshot-lab.png`` is written there too.

Skipped, with a message, where no Chromium is installed; under ``CI=true`` that is a failure.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import TIMEOUT_MS, open_notebook, require_chromium, run_all_cells

require_chromium()
expect = pytest.importorskip("playwright.sync_api").expect
expect.set_options(timeout=TIMEOUT_MS)

pytestmark = pytest.mark.browser
NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
STATUS = ".xraykit-status .widget-html-content"  # each widget's one-line result


def _tool(page, index=0):
    """The ``index``-th xraykit widget on the page."""
    return page.locator(".xraykit-tool").nth(index)


def test_playground_preset_changes_the_decision(jupyter_lab, browser_page, tmp_path, screenshot_dir):
    page = browser_page
    open_notebook(page, jupyter_lab, NOTEBOOKS / "00_index.ipynb")
    run_all_cells(page)
    tool = _tool(page)
    status = tool.locator(STATUS).first
    expect(status).to_contain_text("Allowed")  # the documented case: a console user reads the service map
    tool.locator(".widget-dropdown select").first.select_option("read-only user changes encryption")
    expect(status).to_contain_text("ImplicitlyDenied")
    expect(tool.locator(".xraykit-evaluation")).to_contain_text("xray:PutEncryptionConfig")
    tool.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "playground.png"))
    if screenshot_dir is not None:
        screenshot_dir.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(screenshot_dir / "screenshot-lab.png"))


def test_arn_dissector_action_changes_the_decision(jupyter_lab, browser_page, tmp_path):
    page = browser_page
    open_notebook(page, jupyter_lab, NOTEBOOKS / "02_resources_and_arns.ipynb")
    run_all_cells(page)
    tool = _tool(page)
    status = tool.locator(STATUS).first
    expect(status).to_contain_text("Allowed")  # the seed page's CreateGroup on group/local-users/*
    tool.locator(".widget-dropdown select").first.select_option("xray:GetServiceGraph")
    expect(status).to_contain_text("ImplicitlyDenied")
    expect(tool).to_contain_text("takes no resource")
    page.screenshot(path=str(tmp_path / "dissector.png"))


def test_pattern_explorer_text_box_changes_the_actions(jupyter_lab, browser_page, tmp_path):
    page = browser_page
    open_notebook(page, jupyter_lab, NOTEBOOKS / "01_actions_and_wildcards.ipynb")
    run_all_cells(page)
    tool = _tool(page)
    status = tool.locator(STATUS).first
    expect(status).to_contain_text("grants 18 action(s)")
    box = tool.locator("input").first
    box.fill("xray:Put*")
    box.press("Enter")
    expect(status).to_contain_text("grants 6 action(s)")
    expect(tool).to_contain_text("xray:PutEncryptionConfig")
    page.screenshot(path=str(tmp_path / "patterns.png"))
