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


def test_playground_preset_and_text_box_change_the_decision(
    jupyter_lab, browser_page, tmp_path, screenshot_dir
):
    page = browser_page
    open_notebook(page, jupyter_lab, NOTEBOOKS / "00_index.ipynb")
    run_all_cells(page)
    tool = _tool(page)
    status = tool.locator(STATUS).first
    expect(status).to_contain_text("Allowed")  # the documented case: a console user reads the service map
    tool.locator(".widget-dropdown select").first.select_option("read-only user changes encryption")
    expect(status).to_contain_text("ImplicitlyDenied")
    expect(tool.locator(".xraykit-evaluation")).to_contain_text("xray:PutEncryptionConfig")
    action = tool.locator(".widget-text input").first  # the Action box: applied on Enter
    action.fill("xray:GetTraceSummaries")
    action.press("Enter")
    expect(status).to_contain_text("Allowed")
    expect(tool.locator(".xraykit-evaluation")).to_contain_text("xray:GetTraceSummaries")
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


def test_lifecycle_stepper_policy_changes_the_last_decision(jupyter_lab, browser_page, tmp_path):
    page = browser_page
    open_notebook(page, jupyter_lab, NOTEBOOKS / "03_tags.ipynb")
    run_all_cells(page)
    stepper = _tool(page, 1)  # the tag explorer comes first, then the stepper
    status = stepper.locator(STATUS).first
    expect(status).to_contain_text("call 5 of 5")
    expect(status).to_contain_text("Allowed")  # the docs' policy: untag, then delete, goes through
    stepper.locator(".widget-dropdown select").first.select_option(
        "fixed: also deny tagging and untagging them"
    )
    expect(status).to_contain_text("ExplicitlyDenied")
    stepper.get_by_role("button", name="Reset").click()
    expect(status).to_contain_text("no call yet")
    stepper.get_by_role("button", name="Next call").click()
    expect(status).to_contain_text("call 1 of 5")
    page.screenshot(path=str(tmp_path / "lifecycle.png"))
