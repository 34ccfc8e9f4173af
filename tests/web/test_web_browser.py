"""The app in a real headless Chromium (Debian's package, driven by Playwright) against a
real uvicorn server on loopback: sign in, read the scorecard, open a KPI and see its chart.
Every request must stay on localhost and the console must stay free of errors.

scripts/test.sh installs /usr/bin/chromium; without it these tests fail (they never skip).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser, Page
from web_helpers import PASSWORD

from browser_support import launch_chromium, open_page, serve, submit_sign_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(web_app: FastAPI) -> Iterator[str]:
    with serve(web_app) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launch_chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    with open_page(browser) as (opened, problems):
        opened.problems = problems  # type: ignore[attr-defined]
        yield opened


def sign_in(page: Page, server: str, username: str = "viewer") -> None:
    page.goto(server + "/")
    assert "/login" in page.url
    submit_sign_in(page, username, PASSWORD)
    page.wait_for_url(server + "/")


def test_scorecard_then_kpi_page(page: Page, server: str, web_app: FastAPI) -> None:
    sign_in(page, server)
    workspace = web_app.state.context.live.workspace
    goal_names = {goal.name for root in workspace.goals for goal in root.walk()}
    headings = page.locator("section.goal-group h2").all_inner_texts()
    assert headings
    assert set(headings) <= goal_names | {"(no goal)"}
    assert page.locator("tr[data-kpi]").count() == len(workspace.kpis)
    page.wait_for_selector("td.spark div.vega[data-rendered=yes] svg", timeout=20_000)
    assert page.locator("td.spark div.vega[data-rendered=failed]").count() == 0

    page.click("tr[data-kpi=cac] a")
    page.wait_for_url("**/kpis/cac")
    page.wait_for_selector("#chart div.vega[data-rendered=yes] svg", timeout=20_000)
    assert page.locator("#chart svg path").count() > 0
    assert "Definition" in page.inner_text("section.definition")
    # the monitor and evidence panels load after the page, and the monitor draws its chart
    page.wait_for_selector(
        "#monitor .monitor-chart div.vega[data-rendered=yes] svg", timeout=30_000
    )
    assert "Drivers of the last change" in page.inner_text("#monitor")
    page.wait_for_selector("#evidence select[name=driver]", timeout=20_000)
    page.select_option("#evidence select[name=driver]", "spend")
    page.click("#evidence button:not([name])")
    page.wait_for_selector("#evidence p.verdict", timeout=30_000)

    page.select_option("select[name=by]", "channel")  # htmx swaps the chart in
    page.wait_for_selector(  # htmx swapped the chart in, and vega-embed drew it
        "#chart figure[data-by=channel] div.vega[data-rendered=yes] svg", timeout=20_000
    )
    assert page.problems == []  # type: ignore[attr-defined]


def test_scorecard_filter_and_goals_page(page: Page, server: str) -> None:
    sign_in(page, server, "member")
    before = page.inner_text("p.count")
    page.select_option("select[name=nature]", "qualitative")
    # functions, not expressions: Playwright evaluates an expression with eval, which the
    # app's Content-Security-Policy (no 'unsafe-eval') refuses
    page.wait_for_function(
        "() => [...document.querySelectorAll('tr[data-kpi]')].length > 0 && "
        "document.querySelector('p.count').textContent != " + repr(before)
    )
    page.wait_for_function(
        "() => document.querySelectorAll('tr[data-kpi]').length > 0 && "
        "document.querySelectorAll('td.spark div.vega:not([data-rendered=yes])').length == 0"
    )
    page.goto(server + "/goals")
    assert page.locator("li.goal").count() > 0
    assert page.problems == []  # type: ignore[attr-defined]


def test_charts_and_the_api_page_work_under_a_policy_without_eval(page: Page, server: str) -> None:
    """No 'unsafe-eval' anywhere: charts render through Vega's expression interpreter and
    Swagger UI starts from its nonce'd script, with no CSP violation in the console."""
    sign_in(page, server)
    policy = page.request.get(server + "/").headers["content-security-policy"]
    assert "unsafe-eval" not in policy
    page.wait_for_selector("td.spark div.vega[data-rendered=yes] svg", timeout=20_000)
    page.goto(server + "/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=30_000)
    docs_policy = page.request.get(server + "/docs").headers["content-security-policy"]
    assert "unsafe-eval" not in docs_policy
    assert "'nonce-" in docs_policy
    assert page.problems == []  # type: ignore[attr-defined]
