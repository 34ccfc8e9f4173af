"""Partial periods (issue 21, item 3): a conversion KPI's period whose conversion window has
not closed, and a period the data does not cover to its end, are partial — shown as such,
never judged against the target, never an anomaly. One rule (kpibridge.model.completeness)
for the scorecard, compute and the monitor; checked here against dates read from the
warehouse with plain SQL."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest

import kpibridge
from fixtures_demo import build_small_demo, warehouse_path
from kpibridge.model import ConversionKPI, Grain, Window
from kpibridge.model.completeness import partial_reason, settled_through, shift
from kpibridge.services.metrics.completeness import mark_partial
from kpibridge.services.monitoring.monitor import _settled


def test_window_arithmetic() -> None:
    assert shift(date(2026, 1, 31), Window.parse("1 month"), 1) == date(2026, 2, 28)
    assert shift(date(2026, 3, 31), Window.parse("1 quarter"), -1) == date(2025, 12, 31)
    assert shift(date(2026, 10, 31), Window.parse("30 days"), -1) == date(2026, 10, 1)
    assert shift(date(2026, 10, 31), Window.parse("2 weeks"), 1) == date(2026, 11, 14)


def _conversion(window: str) -> ConversionKPI:
    return ConversionKPI(
        id="m",
        name="M",
        type="conversion",
        entity="lead",
        base="leads.mqls",
        conversion="leads.sqls",
        window=window,
    )


def test_the_rule() -> None:
    kpi = _conversion("30 days")
    last = date(2026, 10, 31)
    assert settled_through(kpi, last) == date(2026, 10, 1)
    assert partial_reason(kpi, date(2026, 9, 30), last) is None  # closes on 10-30
    assert "closes on 2026-11-30" in (partial_reason(kpi, date(2026, 10, 31), last) or "")
    assert partial_reason(kpi, date(2026, 9, 30), date(2026, 10, 29)) is not None
    # a period the data stops inside is partial for every KPI
    assert "the data ends on 2026-10-15" in (
        partial_reason(kpi, date(2026, 10, 31), date(2026, 10, 15)) or ""
    )


@pytest.fixture(scope="module")
def demo_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_small_demo(tmp_path_factory, "partial")


def _last_day(root: Path) -> date:
    """The last day of the leads data, by plain SQL: the earliest of the time columns the
    MQL → SQL KPI reads (each measure counts along its own)."""
    connection = duckdb.connect(str(warehouse_path(root)), read_only=True)
    try:
        row = connection.execute(
            "SELECT max(created_at)::DATE, max(mql_at)::DATE, max(sql_at)::DATE FROM leads"
        ).fetchone()
    finally:
        connection.close()
    assert row is not None
    return min(row)


def test_the_scorecard_never_judges_an_open_conversion_window(demo_root: Path) -> None:
    last = _last_day(demo_root)
    settled = last - timedelta(days=30)
    # the latest month that ends on or before the settled day
    expected = settled.replace(day=1)
    if (pd.Timestamp(expected) + pd.offsets.MonthEnd(0)).date() > settled:
        expected = (pd.Timestamp(expected) - pd.offsets.MonthBegin(1)).date()
    with kpibridge.Workspace.open(demo_root) as ws:
        (row,) = ws.scorecard(None, ["mql_to_sql"]).rows
        (orders,) = ws.scorecard(None, ["orders"]).rows
        frame = mark_partial(
            ws.engine, ws.kpis["mql_to_sql"], Grain.MONTH, ws.compute("mql_to_sql", Grain.MONTH)
        )
    assert row.period == expected
    assert orders.period is not None
    assert row.period < orders.period
    assert row.partial is not None
    assert "conversion window closes on" in row.partial
    assert "not judged yet" in row.partial
    assert orders.partial is None  # the usual running month needs no note
    marked = dict(zip(pd.to_datetime(frame["period"]).dt.date, frame["partial"], strict=True))
    assert not marked[expected]
    newer = [p for p in marked if p > expected]
    assert newer
    assert all(marked[p] for p in newer)


def test_the_monitor_leaves_partial_steps_out() -> None:
    """The monitor's series stop at the last settled step: weekly MQL → SQL rates up to the
    week ending 30 days before the data's last day (the small demo has too few leads for a
    gap-free series, so the series is made here)."""
    kpi = _conversion("30 days")
    weeks = pd.date_range("2026-01-05", "2026-10-26", freq="W-MON")
    values = pd.Series(0.3, index=weeks)
    kept, note = _settled(kpi, values, date(2026, 10, 31))
    # settled through 2026-10-01: the week of 09-21 (ends 09-27) is the last whole one
    assert kept.index[-1] == pd.Timestamp("2026-09-21")
    assert len(values) - len(kept) == 5
    assert note == (
        "the last 5 weeks are partial (its 30-day conversion window has not closed): left "
        "out of the trend, anomalies and forecast"
    )
    orders = ConversionKPI.model_validate({**kpi.model_dump(), "window": "1 day"})
    days = pd.Series(1.0, index=pd.date_range("2026-10-01", "2026-10-31"))
    assert _settled(orders, days, date(2026, 10, 31))[0].index[-1] == pd.Timestamp("2026-10-30")
