"""The scorecard (home page): KPIs grouped by business goal, with filters."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from kpibridge.report.charts import sparkline_spec
from kpibridge.services.metrics.scorecard import Scorecard
from kpibridge.services.metrics.scorecard_view import ScorecardFilter, scorecard_by_goal
from kpibridge.services.metrics.workspace import Workspace
from kpibridge.web.deps import Context, Live, Viewer

router = APIRouter()


def cached_scorecard(live: Live) -> Scorecard:
    return live.scorecard()  # as governed by the app store's KPI versions


@router.get("/", response_class=HTMLResponse)
def scorecard_page(
    request: Request,
    account: Viewer,
    context: Context,
    live: Live,
    owner: str | None = None,
    goal: str | None = None,
    nature: str | None = None,
) -> Response:
    chosen = ScorecardFilter(owner or None, goal or None, nature or None)
    scorecard = cached_scorecard(live)

    def sparklines(_ws: Workspace) -> dict[str, dict[str, object]]:
        return {
            row.kpi: sparkline_spec(row.history, row.status.value, row.format)
            for row in scorecard.rows
            if any(value is not None for _, value in row.history)
        }

    view = scorecard_by_goal(scorecard, live.workspace.goals, chosen)

    def groups(_ws: Workspace) -> Markup:
        """The KPI tables, the heavy part of the page, rendered once per filter and data
        version: they do not depend on who asks (the page around them does)."""
        partial = context.templates.env.get_template("partials/scorecard_groups.html")
        return Markup(
            partial.render(
                view=view,
                sparklines=live.remember(("sparklines",), sparklines),
                stakeholders=live.workspace.stakeholders,
            )
        )

    groups_html = live.remember(("scorecard-groups", chosen), groups)
    if request.headers.get("HX-Request"):
        return HTMLResponse(groups_html)
    return context.templates.TemplateResponse(
        request,
        "scorecard.html",
        {
            "account": account,
            "view": view,
            "groups_html": groups_html,
            "stakeholders": live.workspace.stakeholders,
            "workspace_name": live.workspace.settings.name,
        },
    )
