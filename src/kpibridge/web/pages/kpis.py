"""The KPI page: definition, lineage, targets, and a chart with grain and dimension pickers."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from kpibridge.errors import UnknownNameError
from kpibridge.model import Grain
from kpibridge.report.charts import kpi_chart_spec
from kpibridge.services.accounts.users import Account
from kpibridge.services.governance.governed_compute import governed_series
from kpibridge.services.governance.live import LiveWorkspace
from kpibridge.services.metrics.completeness import mark_partial
from kpibridge.services.metrics.kpi_detail import KpiDetail, KpiSeries, kpi_detail
from kpibridge.services.metrics.workspace import Workspace
from kpibridge.web.context import AppContext
from kpibridge.web.deps import Context, Live, Viewer

router = APIRouter()


@router.get("/kpis/{kpi_id}", response_class=HTMLResponse)
def kpi_page(
    request: Request,
    kpi_id: str,
    account: Viewer,
    context: Context,
    live: Live,
    grain: Grain | None = None,
    by: str | None = None,
    start: str | None = None,
    end: str | None = None,
) -> Response:
    """Empty pickers send ``start=&end=``: read as no bound."""
    return _render(request, kpi_id, account, context, live, grain, by, _day(start), _day(end))


def _day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise HTTPException(400, f"{text!r} is not a date; write YYYY-MM-DD") from None


def _render(
    request: Request,
    kpi_id: str,
    account: Account,
    context: AppContext,
    live: LiveWorkspace,
    grain: Grain | None,
    by: str | None,
    start: date | None,
    end: date | None,
) -> Response:
    detail: KpiDetail = live.remember(("detail", kpi_id), lambda ws: kpi_detail(ws, kpi_id))
    chosen_grain = grain or detail.kpi.review_every
    dimension = by or None
    if dimension is not None and dimension not in detail.dimensions:
        raise UnknownNameError("dimension of this KPI", dimension, detail.dimensions)
    key = (kpi_id, chosen_grain, dimension, start, end)
    series = live.remember(  # not the API's "series" entry: this one has `partial`
        ("series-marked", *key),
        lambda ws: _marked(
            ws,
            governed_series(ws, live.store, kpi_id, chosen_grain, dimension, start, end),
            chosen_grain,
        ),
    )
    chart = live.remember(
        ("chart", *key),
        lambda _ws: kpi_chart_spec(
            series.values,
            title=detail.kpi.name,
            value_format=detail.kpi.format,
            by=dimension,
            band=series.band,
        ),
    )

    def chart_html(_ws: Workspace) -> Markup:
        """The chart figure (the page's heaviest part) rendered once per selection and data
        version; it does not depend on who asks."""
        partial = context.templates.env.get_template("partials/kpi_chart.html")
        return Markup(
            partial.render(
                kpi=detail.kpi,
                grain=chosen_grain,
                by=dimension,
                chart=chart,
                points=len(series.values),
                partial=int(series.values["partial"].sum()) if "partial" in series.values else 0,
            )
        )

    figure = live.remember(("chart-html", *key), chart_html)
    if request.headers.get("HX-Request"):
        return HTMLResponse(figure)
    return context.templates.TemplateResponse(
        request,
        "kpi.html",
        {
            "account": account,
            "detail": detail,
            "kpi": detail.kpi,
            "grain": chosen_grain,
            "grains": list(Grain),
            "by": dimension,
            "start": start,
            "end": end,
            "chart_html": figure,
            "workspace_name": live.workspace.settings.name,
        },
    )


def _marked(ws: Workspace, series: KpiSeries, grain: Grain) -> KpiSeries:
    """The series with its partial periods marked (the chart rings them)."""
    if series.values.empty:
        return series
    values = mark_partial(ws.engine, ws.kpis[series.kpi], grain, series.values)
    return replace(series, values=values)
