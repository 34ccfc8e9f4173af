"""The side-by-side page of competing proposals in a real headless Chromium (Debian's
package, driven by Playwright) against a real uvicorn server on loopback: the chart renders
(an svg inside the vega-embed container, with a line per definition in its legend), with no
console error, no page error and no request off localhost.

scripts/test.sh installs /usr/bin/chromium; without it these tests fail (they never skip).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from web_gov_helpers import build_governance_app, propose
from web_helpers import PASSWORD

from browser_support import launch_chromium, open_page, serve, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def compare_app(demo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    app = build_governance_app(demo_root, tmp_path_factory.mktemp("proposal-compare-browser"))
    app.state.competing = (
        propose(app, "member", "cac", "marketing's CAC", targets=[{"value": 40.0}]),
        propose(app, "brand", "cac", "brand's CAC", targets=[{"value": 60.0}]),
    )
    yield app
    app.state.context.store.close()
    app.state.context.live.close()


def test_the_comparison_chart_renders_without_errors(compare_app: FastAPI, tmp_path: Path) -> None:
    marketing, brand = compare_app.state.competing
    with (
        serve(compare_app) as server,
        launch_chromium() as browser,
        open_page(browser, viewport={"width": 1300, "height": 900}) as (page, problems),
    ):
        sign_in(page, server + "/login", "facilitator", PASSWORD, server + "/")
        page.goto(f"{server}/proposals/{marketing}")
        page.click("a.compare-link")
        page.wait_for_url("**/proposals/compare?kpi=cac")
        page.wait_for_selector("#compare-chart div.vega[data-rendered='yes']", timeout=20_000)
        chart = page.locator("#compare-chart div.vega")
        assert chart.locator("svg").count() == 1
        assert chart.locator("svg path").count() > 0
        legend = chart.inner_text()
        for label in ("now", f"#{marketing} by member", f"#{brand} by brand"):
            assert label in legend
        assert page.locator("article.competitor").count() == 2
        assert page.locator("form.put-to-round button[type=submit]").count() == 1
        page.screenshot(path=str(tmp_path / "compare.png"), full_page=True)
        assert problems == []
