"""The KPI tree page in headless Chromium against a real server: the SVG draws, a click on a
node opens its KPI page, no console or page error, no request off localhost; screenshots at
phone and desktop width go to docs/screenshots/."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi import FastAPI
from web_helpers import PASSWORD

from browser_support import launch_chromium, open_page, serve, sign_in

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.mark.parametrize("width", [390, 1366])
def test_the_tree_draws_and_a_node_opens_its_kpi(web_app: FastAPI, width: int) -> None:
    with (
        serve(web_app) as server,
        launch_chromium() as browser,
        open_page(browser, viewport={"width": width, "height": 900}) as (page, problems),
    ):
        sign_in(page, server + "/login", "viewer", PASSWORD, server + "/")
        page.goto(f"{server}/tree?kpi=revenue")
        page.wait_for_selector("svg.kpi-tree")
        assert page.locator("svg.kpi-tree a.node.kpi").count() == 3
        assert page.locator("svg.kpi-tree path.edge.identity").count() == 2
        assert page.locator("svg.kpi-tree path.edge.claimed").count() >= 2
        drawing = page.locator("svg.kpi-tree").bounding_box()
        assert drawing is not None
        assert drawing["width"] <= width  # scales into the column
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scroll
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"tree-revenue-{width}.png"), full_page=True)
        started = time.perf_counter()
        page.goto(f"{server}/tree")
        page.wait_for_selector("svg.kpi-tree")
        whole_library = time.perf_counter() - started
        page.screenshot(path=str(SCREENSHOTS / f"tree-library-{width}.png"), full_page=True)
        page.locator('svg.kpi-tree a.node.kpi[data-kpi="cac"]').first.click()
        page.wait_for_url("**/kpis/cac")
        assert "Customer acquisition cost" in page.inner_text("h1")
        assert problems == []
        print(f"whole library tree at {width} px: {whole_library:.2f} s")
