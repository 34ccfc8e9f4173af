"""Anomalies, change points, forecast and bad input on simulated series with known truth."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from kpibridge.evidence.monitor.anomalies import detect_anomalies
from kpibridge.evidence.monitor.changepoints import detect_change_points
from kpibridge.evidence.monitor.forecast import forecast_period_end
from kpibridge.evidence.monitor.monitor import monitor
from kpibridge.evidence.monitor.status import assess_status

DAYS = pd.date_range("2023-11-01", periods=1096, freq="D")


def seasonal_daily(seed: int, n: int = len(DAYS)) -> pd.Series:
    """Trend + weekly cycle + yearly wave + Gaussian noise (σ = 5)."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    values = (
        100
        + 0.02 * t
        + 10 * np.sin(2 * np.pi * t / 7)
        + 8 * np.sin(2 * np.pi * t / 365.25)
        + rng.normal(0, 5, n)
    )
    return pd.Series(values, index=DAYS[:n])


def test_planted_spikes_are_found_with_few_false_positives() -> None:
    found = planted = false = 0
    for seed in range(5):
        series = seasonal_daily(seed)
        spots = np.random.default_rng(100 + seed).choice(len(series), 6, replace=False)
        signs = np.where(np.arange(6) % 2 == 0, 1.0, -1.0)
        series.iloc[spots] += signs * 40  # 8σ spikes and dips
        result = detect_anomalies(series)
        assert result.method == "stl"
        flagged = {series.index.get_loc(period) for period in result.periods}
        found += len(flagged & set(spots))
        planted += len(spots)
        false += len(flagged - set(spots))
    assert found / planted >= 0.9
    # Over 5 × 1,096 days; most false alarms are echoes of a spike a week away (it leaks
    # into the weekday's STL seasonal component).
    assert false <= 3


def test_short_series_use_the_fourier_baseline() -> None:
    series = seasonal_daily(7, n=21)  # three weekly cycles < 4
    series.iloc[10] += 60
    result = detect_anomalies(series)
    assert result.method == "fourier"
    assert result.periods == (series.index[10],)


def test_planted_weekly_shift_is_found() -> None:
    rng = np.random.default_rng(11)
    weeks = pd.date_range("2023-01-02", periods=104, freq="W-MON")
    values = np.where(np.arange(104) < 60, 50.0, 58.0) + rng.normal(0, 2, 104)
    result = detect_change_points(pd.Series(values, index=weeks))
    assert len(result.change_points) == 1
    assert abs(weeks.get_loc(result.change_points[0]) - 60) <= 1
    assert result.segments[0].mean == pytest.approx(50, abs=1)
    assert result.segments[1].mean == pytest.approx(58, abs=1)


def test_noise_alone_has_no_change_point() -> None:
    weeks = pd.date_range("2023-01-02", periods=104, freq="W-MON")
    flagged = [
        len(
            detect_change_points(
                pd.Series(np.random.default_rng(seed).normal(0, 1, 104), index=weeks)
            ).change_points
        )
        for seed in range(10)
    ]
    assert sum(flagged) <= 2


def test_forecast_probability_is_about_one_half_at_the_true_median() -> None:
    """Stationary noise around a known weekly pattern: the true median of June's total is
    the observed part plus the pattern's sum over the rest, so P(hit) should average 0.5."""
    index = pd.date_range("2024-01-01", "2024-06-10", freq="D")
    t = np.arange(len(index))
    rest = np.arange(len(index), len(index) + 20)
    probabilities = []
    for seed in range(30):
        rng = np.random.default_rng(seed)
        series = pd.Series(100 + 10 * np.sin(2 * np.pi * t / 7) + rng.normal(0, 8, len(t)), index)
        target = series["2024-06"].sum() + (100 + 10 * np.sin(2 * np.pi * rest / 7)).sum()
        result = forecast_period_end(series, target=target, seed=seed)
        assert result.horizon == 20
        assert result.observed_periods == 10
        assert result.probability is not None
        probabilities.append(result.probability)
    assert np.mean(probabilities) == pytest.approx(0.5, abs=0.1)


def test_forecast_direction_and_determinism() -> None:
    series = seasonal_daily(3, n=200)
    high = forecast_period_end(series, target=1e9, seed=1)
    low = forecast_period_end(series, target=1e9, direction="lower_is_better", seed=1)
    assert high.probability == 0.0
    assert low.probability == 1.0
    assert forecast_period_end(series, seed=5) == forecast_period_end(series, seed=5)


@pytest.mark.parametrize(
    ("value", "target", "direction", "level"),
    [
        (100.0, 100.0, "higher_is_better", "on track"),
        (95.0, 100.0, "higher_is_better", "at risk"),
        (94.9, 100.0, "higher_is_better", "off track"),
        (105.0, 100.0, "lower_is_better", "at risk"),
        (90.0, 100.0, "lower_is_better", "on track"),
        (-1.0, 0.0, "higher_is_better", "off track"),
    ],
)
def test_status_thresholds(value: float, target: float, direction: str, level: str) -> None:
    assert assess_status(value, target, direction).level == level


BAD_INPUTS = [
    (pd.Series([], dtype=float, index=pd.DatetimeIndex([])), "empty"),
    (pd.Series([1.0, np.nan] * 10, index=DAYS[:20]), "missing"),
    (pd.Series([1.0, 2.0, 3.0], index=DAYS[:3]), "at least"),
    (pd.Series(5.0, index=DAYS[:40]), "constant"),
    (pd.Series(np.arange(40.0)), "indexed by period"),
]


@pytest.mark.parametrize(("series", "message"), BAD_INPUTS)
def test_bad_input_is_refused_clearly(series: pd.Series, message: str) -> None:
    for function in (detect_anomalies, detect_change_points, forecast_period_end):
        with pytest.raises(ValueError, match=message):
            function(series)
    with pytest.raises(ValueError, match=f"KPI 'x'.*{message}"):
        monitor({"x": series})


def test_monitor_many_kpis_with_json() -> None:
    series = {f"kpi{i}": seasonal_daily(i) for i in range(3)}
    results = monitor(
        series,
        targets={"kpi0": 3300.0, "kpi1": 120.0},
        directions={"kpi1": "lower_is_better"},
        aggregations={"kpi1": "mean"},
    )
    assert [result.name for result in results] == ["kpi0", "kpi1", "kpi2"]
    first, second, third = results
    assert first.status is not None
    assert first.status_period == pd.Timestamp("2026-10-01")
    assert first.trend_grain == "week"
    assert first.trend.direction == "increasing"
    # The last day closes October, so the forecast is for all of November.
    assert first.forecast.period_start == pd.Timestamp("2026-11-01")
    assert first.forecast.horizon == 30
    assert second.status is not None
    assert second.forecast.probability is not None
    assert third.status is None
    assert third.forecast.probability is None
    payload = json.loads(first.to_json())
    assert payload["status_period"] == "2026-10-01"
    assert payload["forecast"]["period_end"] == "2026-11-30"
    parallel = monitor(
        series,
        targets={"kpi0": 3300.0, "kpi1": 120.0},
        directions={"kpi1": "lower_is_better"},
        aggregations={"kpi1": "mean"},
        workers=2,
    )
    assert [result.to_json() for result in parallel] == [result.to_json() for result in results]
