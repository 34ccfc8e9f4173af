"""The customer-voice page (NPS with its interval, sentiment, themes, emerging themes) and
the KPI page's panel of themes that moved with a quantitative KPI. Figures are the voice
service's (``kpibridge voice nps|themes``), remembered once per data version."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kpibridge.errors import KpibridgeError
from kpibridge.report.charts import interval_chart_spec, sentiment_chart_spec
from kpibridge.services.governance.live import LiveWorkspace
from kpibridge.services.metrics.workspace import Workspace
from kpibridge.services.voice.reports import ThemesReport, nps_trend, sentiment_trend, themes_report
from kpibridge.web.deps import Context, Live, Viewer
from kpibridge.web.kpi_panels import moving_themes

router = APIRouter()

TrendGrain = Literal["week", "month", "quarter"]
"""Grains of the trends on the page (a year has too few points for a trend)."""


@dataclass(frozen=True)
class VoiceView:
    """What the voice page shows, or why it cannot (no scored feedback yet)."""

    nps: list[dict[str, Any]] = field(default_factory=list)
    sentiment: list[dict[str, Any]] = field(default_factory=list)
    themes: ThemesReport | None = None
    reason: str | None = None


def voice_view(live: LiveWorkspace, grain: str) -> VoiceView:
    """The page's figures at ``grain`` (themes by quarter, as ``kpibridge voice themes``)."""

    def compute(ws: Workspace) -> VoiceView:
        try:
            return VoiceView(
                nps_trend(ws, grain=grain), sentiment_trend(ws, grain=grain), themes_report(ws)
            )
        except KpibridgeError as error:
            return VoiceView(reason=str(error))

    return live.remember(("voice", grain), compute)


@router.get("/voice", response_class=HTMLResponse)
def voice_page(
    request: Request, account: Viewer, context: Context, live: Live, grain: TrendGrain = "month"
) -> Response:
    view = voice_view(live, grain)
    nps_chart = (
        interval_chart_spec(
            [
                (row["period"], row["nps"]["value"], row["nps"]["low"], row["nps"]["high"])
                for row in view.nps
            ],
            title="NPS",
        )
        if view.nps
        else None
    )
    sentiment_chart = (
        sentiment_chart_spec(
            [(row["period"], row["sentiment_index"], row["texts"]) for row in view.sentiment]
        )
        if view.sentiment
        else None
    )
    labels = {theme.id: theme.label for theme in view.themes.themes} if view.themes else {}
    return context.templates.TemplateResponse(
        request,
        "voice.html",
        {
            "account": account,
            "view": view,
            "grain": grain,
            "grains": ["week", "month", "quarter"],
            "nps_chart": nps_chart,
            "sentiment_chart": sentiment_chart,
            "labels": labels,
            "workspace_name": live.workspace.settings.name,
        },
    )


@router.get("/kpis/{kpi_id}/themes", response_class=HTMLResponse)
def themes_panel(
    request: Request, kpi_id: str, account: Viewer, context: Context, live: Live
) -> Response:
    movements, reason = moving_themes(live, kpi_id)
    return context.templates.TemplateResponse(
        request,
        "partials/kpi_themes.html",
        {
            "account": account,
            "kpi": live.workspace.kpis[kpi_id],
            "movements": movements,
            "reason": reason,
        },
    )
