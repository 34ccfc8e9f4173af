"""The scorecard (home page): KPIs grouped by business goal, with filters."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kpibridge.report.charts import sparkline_spec
from kpibridge.services.scorecard import Scorecard
from kpibridge.services.scorecard_view import ScorecardFilter, scorecard_by_goal
from kpibridge.services.workspace import Workspace
from kpibridge.web.deps import Context, Live, Viewer

router = APIRouter()


def cached_scorecard(live: Live) -> Scorecard:
    return live.remember(("scorecard",), lambda ws: ws.scorecard())


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
    template = "partials/scorecard_groups.html" if request.headers.get("HX-Request") else (
        "scorecard.html"
    )
    return context.templates.TemplateResponse(
        request,
        template,
        {
            "account": account,
            "view": view,
            "sparklines": live.remember(("sparklines",), sparklines),
            "stakeholders": live.workspace.stakeholders,
            "workspace_name": live.workspace.settings.name,
        },
    )
