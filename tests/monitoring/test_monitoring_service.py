"""``watch`` and ``kpi_drivers`` on the demo company at scale 1 (where the planted effects are
strong enough to see), checked against hand-written SQL on its DuckDB warehouse."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from fixtures_demo import build_small_demo, warehouse_path
from kpibridge.demo import effects
from kpibridge.errors import KpibridgeError
from kpibridge.metrics.grains import period_start
from kpibridge.model import Grain
from kpibridge.services.metrics.scorecard import target_for
from kpibridge.services.metrics.workspace import Workspace
from kpibridge.services.monitoring.drivers import kpi_drivers
from kpibridge.services.monitoring.evidence import Slice
from kpibridge.services.monitoring.monitor import KpiWatch, watch


@pytest.fixture(scope="module")
def demo_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_small_demo(tmp_path_factory, "monitoring-service", scale=1.0)


@pytest.fixture(scope="module")
def watched(demo_root: Path) -> dict[str, KpiWatch]:
    with Workspace.open(demo_root) as ws:
        return {item.kpi: item for item in watch(ws)}


def test_every_kpi_is_watched_with_the_scorecards_status(
    demo_root: Path, watched: dict[str, KpiWatch]
) -> None:
    with Workspace.open(demo_root) as ws:
        assert list(watched) == list(ws.kpis)
        scorecard = {row.kpi: row for row in ws.scorecard().rows}
    for kpi, item in watched.items():
        assert item.reason is None, (kpi, item.reason)
        assert item.scorecard.status == scorecard[kpi].status
        assert item.trend is not None
        assert item.forecast is not None


def test_window_kpis_are_watched_weekly_without_anomalies(watched: dict[str, KpiWatch]) -> None:
    for kpi in ("buyers_ttm", "revenue_ytd", "clv_to_cac"):
        item = watched[kpi]
        assert item.step is Grain.WEEK
        assert item.aggregation == "last"
        assert item.anomalies is None
        assert item.change_points is None
        assert "window KPI" in item.notes[0]
    assert watched["revenue"].step is Grain.DAY
    assert watched["revenue"].aggregation == "sum"
    assert watched["conversion_rate"].aggregation == "mean"


def test_forecast_uses_the_target_of_the_period_it_forecasts(
    demo_root: Path, watched: dict[str, KpiWatch]
) -> None:
    with Workspace.open(demo_root) as ws:
        fiscal = ws.settings.fiscal_year_start
        for kpi_id in ("revenue", "cac", "nps"):
            kpi = ws.kpis[kpi_id]
            forecast = watched[kpi_id].forecast
            assert forecast is not None
            start = period_start(forecast.period_start.date(), kpi.review_every, fiscal)
            target = target_for(kpi, start, fiscal)
            assert target is not None
            assert forecast.target == target.value
            assert forecast.probability is not None


def test_planted_one_day_spike_is_revenues_strongest_anomaly(
    watched: dict[str, KpiWatch],
) -> None:
    anomalies = watched["revenue"].anomalies
    assert anomalies is not None
    strongest = max(anomalies.anomalies, key=lambda anomaly: anomaly.score)
    assert strongest.period == pd.Timestamp(effects.ANOMALY_DAY)
    assert len(anomalies.anomalies) <= 11  # 1% of the days at most


def test_mobile_slice_shows_the_planted_conversion_drop(demo_root: Path) -> None:
    with Workspace.open(demo_root) as ws:
        (item,) = watch(ws, ["conversion_rate"], where=Slice("device", "mobile"))
    assert item.change_points is not None
    month = pd.Period(str(effects.MOBILE_DROP_MONTH), "M")
    shifts = item.change_points.change_points
    assert any(abs((day - month.start_time).days) <= 7 for day in shifts), shifts
    assert any(abs((day - month.end_time).days) <= 7 for day in shifts), shifts
    dropped = next(
        s
        for s in item.change_points.segments
        if s.start <= month.start_time + pd.Timedelta(days=7)
        and s.end >= month.start_time + pd.Timedelta(days=7)
    )
    before = item.change_points.segments[0]
    assert dropped.mean < 0.75 * before.mean
    assert item.forecast is not None
    assert item.forecast.probability is None
    assert "status and targets are for the whole" in item.notes[0]


def test_slice_with_an_unknown_value_says_which_values_exist(demo_root: Path) -> None:
    with Workspace.open(demo_root) as ws:
        (item,) = watch(ws, ["conversion_rate"], where=Slice("device", "phone"))
        (revenue,) = watch(ws, ["revenue"], where=Slice("device", "mobile"))
    assert item.reason == "no device = phone (it has: desktop, mobile, tablet)"
    assert revenue.reason == "it cannot be sliced by device"


def test_unknown_kpi_is_an_error(demo_root: Path) -> None:
    with (
        Workspace.open(demo_root) as ws,
        pytest.raises(KpibridgeError, match="unknown KPI 'revnue'"),
    ):
        watch(ws, ["revnue"])


def _sql(root: Path, query: str) -> pd.DataFrame:
    connection = duckdb.connect(str(warehouse_path(root)), read_only=True)
    try:
        return connection.execute(query).fetchdf()
    finally:
        connection.close()


def test_additive_drivers_match_hand_written_sql(demo_root: Path) -> None:
    with Workspace.open(demo_root) as ws:
        split = kpi_drivers(ws, "revenue", "2026-Q2", "2026-Q3", "channel")
    expected = (
        _sql(
            demo_root,
            """
        SELECT coalesce(channel, '(none)') AS channel,
               sum(revenue) FILTER (WHERE ordered_at >= '2026-04-01' AND ordered_at < '2026-07-01')
                 AS before,
               sum(revenue) FILTER (WHERE ordered_at >= '2026-07-01' AND ordered_at < '2026-10-01')
                 AS after
        FROM orders GROUP BY 1
        """,
        )
        .set_index("channel")
        .fillna(0.0)
    )
    got = {segment.segment: segment for segment in split.result.segments}
    assert set(got) == set(expected.index)
    for channel, row in expected.iterrows():
        assert got[str(channel)].before == pytest.approx(row["before"], rel=1e-9)
        assert got[str(channel)].contribution == pytest.approx(
            row["after"] - row["before"], rel=1e-9
        )
    assert split.result.change == pytest.approx(expected["after"].sum() - expected["before"].sum())
    assert (split.before_period, split.after_period, split.kind) == (
        "2026-Q2",
        "2026-Q3",
        "additive",
    )


def test_ratio_drivers_split_into_mix_and_rate_by_hand(demo_root: Path) -> None:
    with Workspace.open(demo_root) as ws:
        split = kpi_drivers(ws, "conversion_rate", "2025-08", "2025-09", "device")
    counts = _sql(
        demo_root,
        """
        SELECT device, date_trunc('month', started_at) AS month,
               count(*) FILTER (WHERE converted) AS converted, count(*) AS sessions
        FROM sessions
        WHERE started_at >= '2025-08-01' AND started_at < '2025-10-01'
        GROUP BY ALL
        """,
    )
    counts["month"] = pd.to_datetime(counts["month"]).dt.date
    old = counts[counts.month == date(2025, 8, 1)].set_index("device")
    new = counts[counts.month == date(2025, 9, 1)].set_index("device")
    w0, w1 = old.sessions / old.sessions.sum(), new.sessions / new.sessions.sum()
    r0, r1 = old.converted / old.sessions, new.converted / new.sessions
    mix = (w1 - w0) * (r0 + r1) / 2
    rate = (r1 - r0) * (w0 + w1) / 2
    result = split.result
    assert result.before == pytest.approx(old.converted.sum() / old.sessions.sum(), rel=1e-12)
    assert result.mix == pytest.approx(mix.sum(), abs=1e-12)
    assert result.rate == pytest.approx(rate.sum(), abs=1e-12)
    assert result.mix + result.rate == pytest.approx(result.change, abs=1e-12)
    mobile = next(segment for segment in result.segments if segment.segment == "mobile")
    assert mobile.rate == pytest.approx(rate["mobile"], abs=1e-12)
    assert mobile.rate < 0  # the planted drop of mobile conversion in September 2025


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("nps", "2026-Q2", "2026-Q3", "channel"), "it is a derived KPI"),
        (("revenue", "2026-09", "2026-Q3", "channel"), "compare periods of the same length"),
        (
            ("revenue", "2026-13", "2026-10", "channel"),
            "--from '2026-13' is not a valid period: month must be in 1..12",
        ),
        (("revenue", "2026-09", "2026-10", "device"), "its dimensions are: channel"),
        (("revenue", "2031-09", "2031-10", "channel"), "revenue has no data in 2031-09"),
        (("revnue", "2026-09", "2026-10", "channel"), "unknown KPI 'revnue'"),
    ],
)
def test_drivers_refuse_what_they_cannot_split(
    demo_root: Path, args: tuple[str, str, str, str], message: str
) -> None:
    with (
        Workspace.open(demo_root) as ws,
        pytest.raises(KpibridgeError, match=re.escape(message)),
    ):
        kpi_drivers(ws, *args)


def test_a_constant_kpi_is_set_aside_without_failing_the_others(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    root = build_small_demo(tmp_path_factory, "monitoring-constant")
    (root / "kpis" / "refund_revenue.yaml").write_text(
        "id: refund_revenue\nname: Revenue of negative orders\ntype: simple\n"
        "measure: orders.revenue\nfilter: revenue < 0\n",
        encoding="utf-8",
    )
    with Workspace.open(root) as ws:
        constant, revenue = watch(ws, ["refund_revenue", "revenue"])
    assert constant.reason == "the series is constant (0): there is no variation to analyse"
    assert constant.trend is None
    assert revenue.reason is None
    assert revenue.trend is not None


def test_as_of_watches_the_data_as_it_was(demo_root: Path) -> None:
    as_of = date(2025, 6, 18)  # a Wednesday, the day after the planted spike
    with Workspace.open(demo_root) as ws:
        revenue, buyers = watch(ws, ["revenue", "buyers_ttm"], as_of=as_of)
    assert revenue.values is not None
    assert revenue.values.index.max() == pd.Timestamp(as_of)
    assert revenue.scorecard.period_label == "2025-05"
    assert revenue.anomalies is not None
    assert pd.Timestamp(effects.ANOMALY_DAY) in revenue.anomalies.periods
    assert revenue.forecast is not None
    assert revenue.forecast.period_start == pd.Timestamp("2025-06-01")
    assert buyers.values is not None
    assert buyers.values.index.max() == pd.Timestamp("2025-06-09")  # the last whole week
