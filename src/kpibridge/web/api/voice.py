"""Customer voice: NPS and CSAT with their intervals, sentiment, themes (``kpibridge voice
nps|themes --format json``), and the themes that moved with a KPI. Every role reads."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from fastapi import APIRouter

from kpibridge.services.voice.reports import nps_trend, sentiment_trend, themes_report
from kpibridge.web.deps import Live, Viewer
from kpibridge.web.kpi_panels import moving_themes

router = APIRouter(tags=["voice"])

Grain = Literal["week", "month", "quarter", "year"]


@router.get("/voice/nps")
def nps(
    _account: Viewer, live: Live, grain: Grain = "month", by: str | None = None
) -> list[dict[str, Any]]:
    """NPS and CSAT per period (and ``by`` segment: a survey column or a customer
    attribute) with 95% intervals, sample sizes and the change from the period before."""
    return live.remember(("api-nps", grain, by), lambda ws: nps_trend(ws, grain=grain, by=by))


@router.get("/voice/sentiment")
def sentiment(_account: Viewer, live: Live, grain: Grain = "month") -> list[dict[str, Any]]:
    """Sentiment index (−100 … 100), mean compound score and texts per period."""
    rows = live.remember(("api-sentiment", grain), lambda ws: sentiment_trend(ws, grain=grain))
    return [{**row, "sentiment_index": float(row["sentiment_index"])} for row in rows]


@router.get("/voice/themes")
def themes(
    _account: Viewer,
    live: Live,
    since: date | None = None,
    source: str | None = None,
    grain: Grain = "quarter",
) -> dict[str, Any]:
    """Themes with their share, sentiment, share per period and verbatims; emerging themes."""
    report = live.remember(
        ("api-themes", since, source, grain),
        lambda ws: themes_report(ws, since=since, source=source, grain=grain),
    )
    return report.to_json()


@router.get("/kpis/{kpi_id}/themes", tags=["kpis"])
def kpi_themes(kpi_id: str, _account: Viewer, live: Live) -> dict[str, Any]:
    """Themes whose share moved with the KPI month over month (quantitative KPIs); ``reason``
    says why the list is empty when it cannot be computed."""
    movements, reason = moving_themes(live, kpi_id)
    return {"kpi": kpi_id, "themes": [m.to_json() for m in movements], "reason": reason}
