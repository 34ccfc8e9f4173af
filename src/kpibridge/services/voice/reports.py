"""What customers say, read back from the scored texts: themes with their sentiment and
verbatims, sentiment and NPS over time, and the themes that move with a KPI."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from kpibridge.errors import KpibridgeError, UnknownNameError
from kpibridge.evidence.fdr import bh_adjust
from kpibridge.services.metrics.workspace import Workspace
from kpibridge.services.voice.scoring import (
    SOURCES,
    TEXTS_TABLE,
    THEMES_TABLE,
    UNTHEMED,
    clean_value,
    read_table,
)
from kpibridge.voice.emerging import EmergingTheme, emerging_themes, period_labels
from kpibridge.voice.inputs import CSAT_RANGE, NPS_RANGE, check_scores
from kpibridge.voice.nps import Estimate, csat, csat_change, nps, nps_change
from kpibridge.voice.sentiment import sentiment_index


@dataclass(frozen=True)
class ThemeSummary:
    id: str
    label: str
    terms: list[str]
    phrases: list[str]
    pinned: bool
    texts: int
    share: float
    sentiment: float | None
    shares: dict[str, float]
    verbatims: list[str]


@dataclass(frozen=True)
class ThemesReport:
    grain: str
    texts: int
    themes: list[ThemeSummary]
    emerging: list[EmergingTheme]
    unthemed_share: float
    filters: dict[str, str | None] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "grain": self.grain,
            "texts": self.texts,
            "unthemed_share": clean_value(self.unthemed_share),
            "filters": self.filters,
            "themes": [{k: clean_value(v) for k, v in asdict(t).items()} for t in self.themes],
            "emerging": [item.to_json() for item in self.emerging],
        }


def _voice_texts(
    ws: Workspace, since: date | None = None, source: str | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    backend = ws.backend
    if not {TEXTS_TABLE, THEMES_TABLE} <= set(backend.list_tables()):
        raise KpibridgeError("no scored feedback yet: run `kpibridge voice score` first")
    if source is not None and source not in SOURCES:
        raise UnknownNameError("source", source, SOURCES)
    texts = backend.table(TEXTS_TABLE).to_pandas()
    themes = backend.table(THEMES_TABLE).to_pandas()
    if since is not None:
        texts = texts[pd.to_datetime(texts["posted_at"]) >= pd.Timestamp(since)]
    if source is not None:
        texts = texts[texts["source"] == source]
    return texts.reset_index(drop=True), themes


def themes_report(
    ws: Workspace,
    *,
    since: date | None = None,
    source: str | None = None,
    grain: str = "quarter",
    verbatim_count: int = 3,
) -> ThemesReport:
    """Themes with their share, sentiment, share per period, verbatims; emerging themes."""
    texts, themes = _voice_texts(ws, since, source)
    texts = texts.assign(period=period_labels(texts["posted_at"], grain))
    counts = pd.crosstab(texts["period"], texts["theme"]).sort_index()
    totals = texts.groupby("period").size()
    summaries = []
    for row in themes.itertuples(index=False):
        members = texts[texts["theme"] == row.theme]
        shares = (counts[row.theme] / totals) if row.theme in counts else totals * 0.0
        summaries.append(
            ThemeSummary(
                id=str(row.theme),
                label=str(row.label),
                terms=str(row.terms).split(", ") if row.terms else [],
                phrases=str(row.phrases).split(", ") if row.phrases else [],
                pinned=bool(row.pinned),
                texts=len(members),
                share=len(members) / len(texts) if len(texts) else float("nan"),
                sentiment=float(members["sentiment"].mean()) if len(members) else None,
                shares={str(k): round(float(v), 6) for k, v in shares.items()},
                verbatims=_representative(members, verbatim_count),
            )
        )
    summaries.sort(key=lambda item: -item.texts)
    themed = counts.drop(columns=[UNTHEMED], errors="ignore")
    return ThemesReport(
        grain=grain,
        texts=len(texts),
        themes=summaries,
        emerging=emerging_themes(themed, totals),
        unthemed_share=float((texts["theme"] == UNTHEMED).mean()) if len(texts) else math.nan,
        filters={"since": since.isoformat() if since else None, "source": source},
    )


def _representative(members: pd.DataFrame, count: int) -> list[str]:
    """The most typical distinct texts of a theme: highest share of their weight in it."""
    ranked = members.sort_values(["theme_strength", "text_id"], ascending=[False, True])
    return ranked["text"].drop_duplicates().head(count).tolist()


def verbatims(ws: Workspace, theme: str, *, limit: int = 10) -> dict[str, Any]:
    """A theme's most representative texts (distinct), with source, date and sentiment."""
    texts, themes = _voice_texts(ws)
    known = [*themes["theme"].astype(str), UNTHEMED]
    if theme not in known:
        labels = dict(zip(themes["theme"].astype(str), themes["label"].astype(str), strict=True))
        raise UnknownNameError("theme", theme, known, {**labels, UNTHEMED: "no theme"})
    members = texts[texts["theme"] == theme].sort_values(
        ["theme_strength", "text_id"], ascending=[False, True]
    )
    members = members.drop_duplicates("text").head(limit)
    return {
        "theme": theme,
        "verbatims": [
            {
                "text_id": row.text_id,
                "source": row.source,
                "posted_at": pd.Timestamp(str(row.posted_at)).isoformat(),
                "sentiment": float(str(row.sentiment)),
                "text": row.text,
            }
            for row in members.itertuples(index=False)
        ],
    }


def sentiment_trend(ws: Workspace, *, grain: str = "month") -> list[dict[str, Any]]:
    """Sentiment index (−100 … 100) and mean compound score per period."""
    texts, _ = _voice_texts(ws)
    texts = texts.assign(period=period_labels(texts["posted_at"], grain))
    return [
        {
            "period": str(period),
            "texts": len(group),
            "sentiment_index": sentiment_index(group["sentiment"].to_numpy()),
            "mean_compound": float(group["sentiment"].mean()),
        }
        for period, group in texts.groupby("period", sort=True)
    ]


def nps_trend(
    ws: Workspace, *, grain: str = "month", by: str | None = None, alpha: float = 0.05
) -> list[dict[str, Any]]:
    """NPS and CSAT per period (and ``by`` segment) with 95% intervals, sample sizes and
    whether the change from the previous period is significant."""
    surveys = read_table(ws.backend, "surveys")
    check_scores(surveys["nps"], surveys["response_id"], NPS_RANGE, "surveys")
    check_scores(surveys["csat"], surveys["response_id"], CSAT_RANGE, "surveys")
    surveys = surveys.assign(period=period_labels(surveys["responded_at"], grain))
    if by is not None:
        surveys = _with_segment(ws, surveys, by)
    keys = ["segment", "period"] if by is not None else ["period"]
    rows: list[dict[str, Any]] = []
    previous: dict[Any, tuple[Estimate, Estimate]] = {}
    for key, group in surveys.groupby(keys, sort=True):
        segment = key[0] if by is not None else None
        period = key[-1] if isinstance(key, tuple) else key
        net = nps(group["nps"].dropna().to_numpy())
        satisfaction = csat(group["csat"].dropna().to_numpy())
        row: dict[str, Any] = {"period": str(period)}
        if by is not None:
            row[by] = None if segment is None or segment != segment else str(segment)
        row["nps"] = net.to_json()
        row["csat"] = satisfaction.to_json()
        if segment in previous or (by is None and None in previous):
            before_nps, before_csat = previous[segment]
            row["nps_change"] = nps_change(before_nps, net, alpha).to_json()
            row["csat_change"] = csat_change(before_csat, satisfaction, alpha).to_json()
        previous[segment] = (net, satisfaction)
        rows.append(row)
    return rows


def _with_segment(ws: Workspace, surveys: pd.DataFrame, by: str) -> pd.DataFrame:
    """Surveys with a ``segment`` column: a survey column, or a customer attribute."""
    if by in surveys.columns and by not in ("nps", "csat", "comment"):
        return surveys.assign(segment=surveys[by])
    customers = read_table(ws.backend, "customers")
    if by not in customers.columns or by == "customer_id":
        own = [c for c in surveys.columns if c not in ("nps", "csat", "comment", "period")]
        choices = [*own, *(c for c in customers.columns if c != "customer_id")]
        hidden = {c for c in choices if c.endswith("_id") or c.endswith("_at")}
        raise UnknownNameError("segment", by, [c for c in choices if c not in hidden])
    attribute = customers.set_index("customer_id")[by]
    return surveys.assign(segment=surveys["customer_id"].map(attribute))


@dataclass(frozen=True)
class ThemeMovement:
    """How a theme's share moved with a KPI, period over period."""

    theme: str
    label: str
    correlation: float
    p_value: float
    q_value: float
    periods: int

    def to_json(self) -> dict[str, Any]:
        return {key: clean_value(value) for key, value in asdict(self).items()}


def themes_moving_with(
    ws: Workspace, kpi: str, *, grain: str = "month", min_periods: int = 8
) -> list[ThemeMovement]:
    """Themes whose share changes with the KPI's changes, strongest first (for a KPI page).

    Both series are differenced (period-over-period change), so a shared trend does not count;
    Pearson r of the changes, with Benjamini–Hochberg q-values over the themes. A
    correlation, not a cause (docs/evidence.md for lead-lag).
    """
    if grain not in ("week", "month", "quarter"):
        raise KpibridgeError(f"grain must be week, month or quarter, not {grain!r}")
    values = ws.compute(kpi, grain=grain)
    if values.empty:
        return []
    kpi_series = values.set_index(pd.to_datetime(values["period"]))["value"].astype(float)
    texts, themes = _voice_texts(ws)
    stamps = pd.to_datetime(texts["posted_at"])
    period = stamps.dt.to_period({"week": "W-SUN", "month": "M", "quarter": "Q"}[grain])
    texts = texts.assign(period=period.dt.start_time)
    shares = pd.crosstab(texts["period"], texts["theme"], normalize="index")
    labels = dict(zip(themes["theme"], themes["label"], strict=True))
    rows = []
    for theme in shares.columns:
        if theme == UNTHEMED:
            continue
        joined = pd.concat([kpi_series, shares[theme]], axis=1, join="inner").diff().dropna()
        if len(joined) < min_periods or joined.std().eq(0).any():
            continue
        r, p = stats.pearsonr(joined.iloc[:, 0], joined.iloc[:, 1])
        rows.append((str(theme), float(r), float(p), len(joined)))
    q_values = bh_adjust([row[2] for row in rows]) if rows else np.zeros(0)
    found = [
        ThemeMovement(theme, str(labels.get(theme, theme)), r, p, float(q), n)
        for (theme, r, p, n), q in zip(rows, q_values, strict=True)
    ]
    return sorted(found, key=lambda item: -abs(item.correlation))
