"""Monitor many KPIs at once: status, trend, anomalies, change points and forecast.

For each KPI (a Series of one value per step, usually daily):

* **status** — the latest *complete* ``period`` (month by default), aggregated by the KPI's
  ``aggregation`` ("sum" for KPIs that accumulate, "mean" or "last" for rates), against its
  target (:mod:`~kpibridge.evidence.monitor.status` thresholds);
* **forecast** — the current period's end value and the probability of hitting the target
  (:mod:`~kpibridge.evidence.monitor.forecast`);
* **anomalies** — S-H-ESD on the steps themselves (a one-day spike is a daily event);
* **trend** and **change points** — on *weekly* values when the data is daily (complete
  weeks, Monday to Sunday): a level shift or a trend is a statement about weeks, and the
  weekly series is short enough for the O(n²) Mann–Kendall and PELT to stay fast. Change
  points are looked for in what the trend and yearly shape leave (:func:`level_shifts`).

``workers > 1`` spreads KPIs over processes (fork start method, where available).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace

import pandas as pd

from kpibridge.evidence.inputs import seasonal_period
from kpibridge.evidence.monitor._common import (
    EvidenceInputError,
    JsonResult,
    check_values,
    daily_like,
    parse_direction,
    readable_step,
)
from kpibridge.evidence.monitor.anomalies import AnomalyResult, detect_anomalies
from kpibridge.evidence.monitor.baseline import seasonal_baseline
from kpibridge.evidence.monitor.changepoints import ChangePointResult, detect_change_points
from kpibridge.evidence.monitor.forecast import (
    AGGREGATIONS,
    Aggregation,
    ForecastResult,
    forecast_period_end,
)
from kpibridge.evidence.monitor.status import Status, assess_status
from kpibridge.evidence.monitor.trend import TrendResult, mann_kendall
from kpibridge.model import Direction

MINIMUM_POINTS = 28
SHIFT_PENALTY = 1.0
SHIFT_MIN_WEEKS = 4
WEEK = "W-SUN"
"""Weeks labelled by their Sunday end, Monday to Sunday as in the metric engine."""


@dataclass(frozen=True)
class KpiMonitor(JsonResult):
    """Everything the monitor says about one KPI."""

    name: str
    direction: Direction
    aggregation: Aggregation
    last_observation: pd.Timestamp
    status_period: pd.Timestamp | None
    """Start of the latest complete period that ``status`` judges."""
    status: Status | None
    """None when the KPI has no target or no complete period yet."""
    trend: TrendResult
    anomalies: AnomalyResult
    change_points: ChangePointResult
    forecast: ForecastResult
    trend_grain: str
    """The step trend and change points ran on, in words: "week" for daily series (weekly
    values), else the series' own step ("week", "month" …), never a pandas alias."""


def monitor(
    series: Mapping[str, pd.Series],
    targets: Mapping[str, float] | None = None,
    directions: Mapping[str, Direction | str] | None = None,
    aggregations: Mapping[str, Aggregation] | None = None,
    period: str = "M",
    seed: int = 0,
    workers: int = 1,
    period_values: Mapping[str, pd.Series] | None = None,
) -> list[KpiMonitor]:
    """Monitor every KPI of ``series`` (method in the module docstring), in input order.

    Args:
        series: KPI name → one value per step (daily or weekly), indexed by date, no gaps.
        targets: KPI name → target per ``period`` on the aggregation scale (KPIs without
            one get no status and no probability).
        directions: KPI name → "higher_is_better" (default) or "lower_is_better".
        aggregations: KPI name → "sum" (default: KPIs that accumulate), "mean" or "last".
        period: pandas period alias of the targets ("M", "Q" …).
        seed: seed of the forecast simulations.
        workers: processes to spread the KPIs over (1 = in this process).
        period_values: KPI name → its own value per ``period`` (by period start), which
            corrects a "mean" KPI's forecast to the period's real value (see the forecast).
    """
    period_values = dict(period_values or {})
    targets = dict(targets or {})
    directions = dict(directions or {})
    aggregations = dict(aggregations or {})
    for label, mapping in (("targets", targets), ("directions", directions)):
        unknown = sorted(set(mapping) - set(series))
        if unknown:
            raise EvidenceInputError(f"{label} name KPIs without a series: {unknown}")
    jobs = [
        (
            name,
            values,
            targets.get(name),
            parse_direction(directions.get(name, Direction.HIGHER_IS_BETTER)),
            aggregations.get(name, "sum"),
            period,
            seed,
            period_values.get(name),
        )
        for name, values in series.items()
    ]
    if workers <= 1 or len(jobs) < 2:
        return [_monitor_one(*job) for job in jobs]
    context = multiprocessing.get_context(
        "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    )
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(_monitor_one_packed, jobs, chunksize=max(1, len(jobs) // workers)))


def _monitor_one_packed(
    job: tuple[str, pd.Series, float | None, Direction, Aggregation, str, int, pd.Series | None],
) -> KpiMonitor:
    return _monitor_one(*job)


def _monitor_one(
    name: str,
    series: pd.Series,
    target: float | None,
    direction: Direction,
    aggregation: Aggregation,
    period: str,
    seed: int,
    period_values: pd.Series | None = None,
) -> KpiMonitor:
    try:
        return _assess(name, series, target, direction, aggregation, period, seed, period_values)
    except EvidenceInputError as error:
        raise EvidenceInputError(f"KPI {name!r}: {error}") from None


def _assess(
    name: str,
    series: pd.Series,
    target: float | None,
    direction: Direction,
    aggregation: Aggregation,
    period: str,
    seed: int,
    period_values: pd.Series | None = None,
) -> KpiMonitor:
    if aggregation not in AGGREGATIONS:
        raise EvidenceInputError(f"unknown aggregation {aggregation!r}: use one of {AGGREGATIONS}")
    values = check_values(series, "the series", minimum=MINIMUM_POINTS)
    freq = daily_like(pd.DatetimeIndex(values.index))
    if freq is None:
        raise EvidenceInputError("the series has irregular dates: give one value per step")
    coarse, grain = (
        (_complete_periods(values, WEEK, freq, aggregation), "week")
        if freq == "D"
        else (values, readable_step(freq))
    )
    status_period, status = _latest_status(values, freq, target, direction, aggregation, period)
    return KpiMonitor(
        name=name,
        direction=direction,
        aggregation=aggregation,
        last_observation=pd.Timestamp(values.index[-1]),
        status_period=status_period,
        status=status,
        trend=mann_kendall(coarse, autocorrelation="hamed-rao"),
        anomalies=detect_anomalies(values, max_share=0.01 if freq == "D" else 0.05),
        change_points=level_shifts(coarse),
        forecast=forecast_period_end(
            values,
            target,
            direction,
            aggregation,
            period=period,
            seed=seed,
            period_values=period_values,
        ),
        trend_grain=grain,
    )


def level_shifts(coarse: pd.Series) -> ChangePointResult:
    """Change points of a weekly (or coarser) KPI that a trend and the yearly shape do not
    explain: PELT on the residuals from the seasonal baseline, segment means on the values.

    PELT's mean-shift model, run on the raw values, cuts a growing or seasonal series into a
    staircase (40–110 "changes" in three years of the demo's weekly KPIs). The residuals keep
    a real level shift (a robust line through a step leaves a step). The penalty stays the
    BIC-like default (``SHIFT_PENALTY``): doubling it already loses the demo's planted month of
    weak mobile conversion, so campaign flights and holiday seasons, which the three-harmonic
    yearly shape does not follow, are reported as shifts too (up to 23 for one KPI over the
    demo's three years). Segments shorter than ``SHIFT_MIN_WEEKS`` are not reported: a one-week jump
    is an anomaly.
    """
    x = coarse.to_numpy(dtype=float)
    cycle = seasonal_period(daily_like(pd.DatetimeIndex(coarse.index)) or "W")
    usable = cycle if cycle is not None and len(x) >= 2 * cycle else None
    residuals = coarse - seasonal_baseline(x, usable).expected
    found = detect_change_points(
        residuals, penalty_scale=SHIFT_PENALTY, min_size=min(SHIFT_MIN_WEEKS, len(x) // 2)
    )
    segments = tuple(
        replace(segment, mean=float(coarse.loc[segment.start : segment.end].mean()))
        for segment in found.segments
    )
    return replace(found, segments=segments)


def _complete_periods(
    values: pd.Series, period: str, freq: str, aggregation: Aggregation
) -> pd.Series:
    """Values aggregated per ``period`` (by its start), keeping only periods fully observed."""
    periods = pd.DatetimeIndex(values.index).to_period(period)
    grouped = values.groupby(periods)
    aggregated = grouped.agg(aggregation)
    counts = grouped.size()
    labels = pd.PeriodIndex(counts.index)
    if freq == "D":
        days = (labels.end_time.normalize() - labels.start_time).days + 1
        expected = pd.Series(days.to_numpy(), index=counts.index)
    else:  # months hold 4 or 5 weeks: call a period complete at the usual count
        expected = pd.Series(counts.median(), index=counts.index)
    complete = aggregated[counts >= expected]
    return complete.set_axis(pd.PeriodIndex(complete.index).to_timestamp())


def _latest_status(
    values: pd.Series,
    freq: str,
    target: float | None,
    direction: Direction,
    aggregation: Aggregation,
    period: str,
) -> tuple[pd.Timestamp | None, Status | None]:
    if target is None:
        return None, None
    try:
        periods = _complete_periods(values, period, freq, aggregation)
    except ValueError:
        raise EvidenceInputError(f"unknown period {period!r}: use 'M', 'Q', 'W' …") from None
    if periods.empty:
        return None, None
    return pd.Timestamp(periods.index[-1]), assess_status(
        float(periods.iloc[-1]), target, direction
    )
