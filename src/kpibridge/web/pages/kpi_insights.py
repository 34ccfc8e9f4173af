"""Panels of the KPI page loaded after it (htmx): what the monitor found, the drivers of the
last change, and lead-lag evidence against another KPI. Each is a partial page, computed
once per data version (``LiveWorkspace.remember``), and the same figures as the CLI's: the
KPI as the app store's versions define it (``LiveWorkspace`` hands out the governed view)."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kpibridge.errors import KpibridgeError, UnknownNameError
from kpibridge.model import KPI, Grain, Nature
from kpibridge.report.charts import monitor_chart_spec
from kpibridge.services.metrics.workspace import Workspace
from kpibridge.services.monitoring.drivers import KpiDrivers, last_change_drivers
from kpibridge.services.monitoring.evidence import kpi_evidence, screen_drivers
from kpibridge.services.monitoring.monitor import KpiWatch, watch
from kpibridge.web.deps import Context, Live, Viewer

router = APIRouter()


@router.get("/kpis/{kpi_id}/monitor", response_class=HTMLResponse)
def monitor_panel(
    request: Request, kpi_id: str, account: Viewer, context: Context, live: Live
) -> Response:
    kpi = _kpi(live.workspace.kpis, kpi_id)
    watched: KpiWatch = live.remember(("watch", kpi_id), lambda ws: watch(ws, [kpi_id])[0])
    chart = None
    if watched.values is not None:
        anomalies = watched.anomalies.anomalies if watched.anomalies else ()
        segments = watched.change_points.segments if watched.change_points else ()
        chart = monitor_chart_spec(
            watched.values,
            title=kpi.name,
            value_format=kpi.format,
            anomalies=[(a.period.date(), a.value, a.kind) for a in anomalies],
            segments=(
                [(s.start.date(), s.end.date(), s.mean * _per_step(watched)) for s in segments]
                if len(segments) > 1
                else []
            ),
        )
    drivers, drivers_reason = _last_change(live, kpi_id)
    return context.templates.TemplateResponse(
        request,
        "partials/kpi_monitor.html",
        {
            "account": account,
            "kpi": kpi,
            "watched": watched,
            "chart": chart,
            "drivers": drivers,
            "drivers_reason": drivers_reason,
        },
    )


def _per_step(watched: KpiWatch) -> float:
    """Shifts are found on weekly values; a weekly *total* of a daily series is drawn as its
    daily average, so that the level sits on the line it describes."""
    return 1 / 7 if watched.step is Grain.DAY and watched.aggregation == "sum" else 1.0


def _last_change(live: Live, kpi_id: str) -> tuple[KpiDrivers | None, str | None]:
    """The split, or why there is none (a derived KPI, no dimension …) to show instead."""

    def compute(ws: Workspace) -> tuple[KpiDrivers | None, str | None]:
        try:
            return last_change_drivers(ws, kpi_id), None
        except KpibridgeError as error:
            return None, str(error)

    return live.remember(("last-change", kpi_id), compute)


@router.get("/kpis/{kpi_id}/evidence", response_class=HTMLResponse)
def evidence_panel(
    request: Request,
    kpi_id: str,
    account: Viewer,
    context: Context,
    live: Live,
    driver: str | None = None,
    screen: bool = False,
) -> Response:
    workspace = live.workspace
    kpis = workspace.kpis
    kpi = _kpi(kpis, kpi_id)
    if driver:
        _kpi(kpis, driver)
    single = (
        live.remember(("evidence", driver, kpi_id), lambda ws: kpi_evidence(ws, driver, kpi_id))
        if driver
        else None
    )
    screened = (
        live.remember(("screen", kpi_id), lambda ws: screen_drivers(ws, kpi_id)) if screen else None
    )
    candidates = [  # the KPIs in use: not those the app store retired
        other
        for other in workspace.live_kpis.values()
        if other.id != kpi_id and other.nature is Nature.QUANTITATIVE
    ]
    return context.templates.TemplateResponse(
        request,
        "partials/kpi_evidence.html",
        {
            "account": account,
            "kpi": kpi,
            "candidates": candidates,
            "driver": driver,
            "single": single,
            "screened": screened,
            "grain": Grain.WEEK,
        },
    )


def _kpi(kpis: Mapping[str, KPI], kpi_id: str) -> KPI:
    if kpi_id not in kpis:
        raise UnknownNameError("KPI", kpi_id, list(kpis))
    return kpis[kpi_id]
