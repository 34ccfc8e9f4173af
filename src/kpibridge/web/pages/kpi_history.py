"""The KPI page's governance panel (loaded with htmx): the KPI's definition and target
versions from the app store — author, time, rationale, effective date, the proposal that
made each — its open proposals, and its audit log entries."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kpibridge.errors import UnknownNameError
from kpibridge.services.audit_trail import read_log
from kpibridge.services.proposals import list_proposals
from kpibridge.services.versions import VersionEntry, version_history
from kpibridge.store import Store
from kpibridge.store.audit import AuditEntry
from kpibridge.web.deps import Context, Live, Viewer

router = APIRouter()


@dataclass(frozen=True)
class KpiHistory:
    versions: list[VersionEntry]
    """Oldest first; empty when the app store has no version of the KPI yet."""
    audit: list[AuditEntry]
    """Oldest first."""
    proposals: list[dict[str, object]]
    """Newest first."""


def kpi_history(store: Store, kpi_id: str) -> KpiHistory:
    """The KPI's versions, audit entries and proposals. A KPI of the YAML that was never
    applied has no versions: that is a state to show, not an error."""
    try:
        versions = version_history(store, kpi_id)
    except UnknownNameError:
        versions = []
    return KpiHistory(versions, read_log(store, kpi=kpi_id), list_proposals(store, kpi=kpi_id))


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
