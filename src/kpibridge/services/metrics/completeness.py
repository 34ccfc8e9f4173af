"""Partial periods in computed frames: the rule of :mod:`kpibridge.model.completeness` applied
to a KPI's values per period, with the data's last day read from the warehouse."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from kpibridge.metrics.engine import MetricEngine
from kpibridge.metrics.grains import add_periods, period_start
from kpibridge.model import KPI, Grain
from kpibridge.model.completeness import partial_reason
from kpibridge.services.metrics.scorecard import scorecard_last_days


def mark_partial(
    engine: MetricEngine, kpi: KPI, grain: Grain, frame: pd.DataFrame, as_of: date | None = None
) -> pd.DataFrame:
    """``frame`` (with a ``period`` column at ``grain``) with a ``partial`` column: True for a
    period whose data is not complete yet (not final: never judged, never an anomaly)."""
    last_day = scorecard_last_days(engine, [kpi], as_of)[kpi.id]
    marked = frame.copy()
    marked["partial"] = [
        is_partial(kpi, pd.Timestamp(p).date(), grain, last_day, engine.fiscal_year_start)
        for p in frame["period"]
    ]
    return marked


def is_partial(kpi: KPI, start: date, grain: Grain, last_day: date | None, fiscal: int) -> bool:
    """Whether the period of ``grain`` starting ``start`` is partial with data to ``last_day``."""
    end = add_periods(period_start(start, grain, fiscal), 1, grain) - timedelta(days=1)
    return partial_reason(kpi, end, last_day) is not None
