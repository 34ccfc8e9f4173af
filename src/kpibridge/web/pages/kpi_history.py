"""The KPI page's governance panel (loaded with htmx): the KPI's definition and target
versions from the app store — author, time, rationale, effective date, the proposal that
made each — its open proposals, and its audit log entries."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kpibridge.errors import UnknownNameError
from kpibridge.web.deps import Context, Live, Viewer
from kpibridge.web.kpi_panels import kpi_history

router = APIRouter()


@router.get("/kpis/{kpi_id}/history", response_class=HTMLResponse)
def history_panel(
    request: Request, kpi_id: str, account: Viewer, context: Context, live: Live
) -> Response:
    kpis = live.workspace.kpis
    if kpi_id not in kpis:
        raise UnknownNameError("KPI", kpi_id, list(kpis))
    return context.templates.TemplateResponse(
        request,
        "partials/kpi_history.html",
        {"account": account, "kpi": kpis[kpi_id], "history": kpi_history(context.store, kpi_id)},
    )
