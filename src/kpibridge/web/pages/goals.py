"""The goal tree with the KPIs under each goal, and the goals no KPI measures."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kpibridge.services.metrics.goal_tree import goal_tree
from kpibridge.web.deps import Context, Live, Viewer

router = APIRouter()


@router.get("/goals", response_class=HTMLResponse)
def goals_page(request: Request, account: Viewer, context: Context, live: Live) -> Response:
    ws = live.workspace
    return context.templates.TemplateResponse(
        request,
        "goals.html",
        {
            "account": account,
            "tree": goal_tree(ws.goals, ws.kpis),
            "kpis": ws.kpis,
            "stakeholders": ws.stakeholders,
            "workspace_name": ws.settings.name,
        },
    )
