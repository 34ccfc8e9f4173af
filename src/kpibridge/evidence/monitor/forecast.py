"""Forecast to the end of the current period, and the probability of hitting the target.

Model: Holt–Winters exponential smoothing (``statsmodels.tsa.holtwinters``) with an additive
damped trend and, when the history holds at least two full cycles, an additive seasonal
cycle (7 for daily data). Fitted on the last ``history`` periods only — the recent regime is
what decides this month, and the fit time grows with the history.

The end-of-period value is simulated: ``simulations`` future paths with normal additive
errors at the fitted residual σ (fixed ``seed``), each turned into the period's value:

* ``"sum"`` — a KPI that accumulates (revenue, orders): the periods already observed in the
  current period plus the simulated rest;
* ``"mean"`` — the average of observed and simulated periods;
* ``"last"`` — a rate or level read at period end (the last simulated value).

**The period's own value.** For ``"mean"`` the period's value is taken as the mean of its
steps — for a ratio KPI (retention, conversion) only an approximation of the ratio the target
is judged on, and a poor one when the ratio is over distinct customers: the demo's quarterly
retention ranges 0.34–0.60 while the mean of its daily values stays near 0.52. A rolling-origin
backtest (:mod:`.forecast_backtest`) found the 80% band held 3 of 8 quarters. So when the
KPI's own period values are given (``period_values``), each path also draws one of the past
complete periods' gaps between the real value and the mean of its steps (bootstrap, same
seed): the band then carries the approximation's error, and its bias.

The probability of hitting the target is the share of paths that meet it in the KPI's
direction. Assumptions to keep in mind: parameters are treated as known (no parameter
uncertainty, so intervals are somewhat narrow on short histories), errors are normal and
independent, and no calendar effect outside the seasonal cycle (holidays) is foreseen.
When the last observation closes its period, the forecast is for the whole next period.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from statsmodels.tsa.holtwinters import ExponentialSmoothing

from kpibridge.evidence.inputs import seasonal_period
from kpibridge.evidence.monitor._common import (
    EvidenceInputError,
    JsonResult,
    check_values,
    daily_like,
    parse_direction,
)
from kpibridge.model import Direction

Aggregation = Literal["sum", "mean", "last"]
AGGREGATIONS: tuple[Aggregation, ...] = ("sum", "mean", "last")
MINIMUM_POINTS = 10
MINIMUM_GAPS = 4
"""Complete past periods needed to correct a "mean" forecast to the period's own value."""
DEFAULT_HISTORY = 182
DEFAULT_SIMULATIONS = 1000


@dataclass(frozen=True)
class ForecastResult(JsonResult):
    """Simulated value of the KPI at the end of ``period_start … period_end``."""

    period_start: pd.Timestamp
    period_end: pd.Timestamp
    aggregation: Aggregation
    observed_periods: int
    """Periods of the current period already observed."""
    horizon: int
    """Periods simulated to reach the period end."""
    observed_value: float
    """Sum / mean / last value of the observed part (NaN when nothing is observed yet)."""
    median: float
    low: float
    """10% quantile of the simulated end value."""
    high: float
    """90% quantile."""
    target: float | None
    direction: Direction
    probability: float | None
    """Share of simulated paths that meet the target (None without a target)."""
    simulations: int
    seed: int
    model: str


def forecast_period_end(
    series: pd.Series,
    target: float | None = None,
    direction: Direction | str = Direction.HIGHER_IS_BETTER,
    aggregation: Aggregation = "sum",
    period: str = "M",
    period_end: pd.Timestamp | str | None = None,
    simulations: int = DEFAULT_SIMULATIONS,
    seed: int = 0,
    history: int = DEFAULT_HISTORY,
    period_values: pd.Series | None = None,
) -> ForecastResult:
    """Simulate the KPI to the end of its period (method and assumptions in the docstring).

    Args:
        series: one value per step (daily, weekly …), indexed by date, without gaps.
        target: the period's target, on the ``aggregation`` scale (a monthly total for "sum").
        direction: whether meeting the target means being above or below it.
        aggregation: how steps make the period's value: "sum", "mean" or "last".
        period: pandas period alias of the target's period ("M", "Q", "W", "Y").
        period_end: last step of the period to forecast; None = the end of the ``period``
            that contains the last observation (or the next one if that one is complete).
        simulations: number of simulated paths.
        seed: seed of the simulation (same seed, same answer).
        history: number of most recent steps the model is fitted on.
        period_values: the KPI's own value per period (indexed by period start), for a
            "mean" KPI whose period value is not the mean of its steps (a ratio); see the
            module docstring. Ignored for "sum" and "last".
    """
    values = check_values(series, "series", minimum=MINIMUM_POINTS)
    direction = parse_direction(direction)
    if aggregation not in AGGREGATIONS:
        raise EvidenceInputError(f"unknown aggregation {aggregation!r}: use one of {AGGREGATIONS}")
    if simulations < 100:
        raise EvidenceInputError(f"simulations must be at least 100, not {simulations}")
    freq = daily_like(pd.DatetimeIndex(values.index))
    if freq is None:
        raise EvidenceInputError("series has irregular dates: give one value per step, no gaps")
    last = pd.Timestamp(values.index[-1])
    start, end = _period_bounds(last, period, period_end, freq)
    steps = pd.date_range(start, end, freq=freq)
    observed = values[(values.index >= start) & (values.index <= last)]
    horizon = int((steps > last).sum())
    if horizon == 0:
        raise EvidenceInputError(f"period_end {end.date()} is not after the last observation")
    recent = values.to_numpy()[-history:]
    cycle = seasonal_period(freq)
    seasonal = cycle if cycle is not None and len(recent) >= 2 * cycle + 1 else None
    paths = _simulate(recent, seasonal, horizon, simulations, seed)
    if aggregation == "sum":
        end_values = observed.sum() + paths.sum(axis=0)
        observed_value = float(observed.sum()) if len(observed) else float("nan")
    elif aggregation == "mean":
        end_values = (observed.sum() + paths.sum(axis=0)) / (len(observed) + horizon)
        observed_value = float(observed.mean()) if len(observed) else float("nan")
    else:
        end_values = paths[-1]
        observed_value = float(observed.iloc[-1]) if len(observed) else float("nan")
    corrected = False
    if aggregation == "mean" and period_values is not None:
        gaps = period_gaps(values[values.index < start], period_values, period)
        if len(gaps) >= MINIMUM_GAPS:
            rng = np.random.default_rng([seed, 1])
            end_values = end_values + rng.choice(gaps, size=end_values.shape)
            corrected = True
    probability = None
    if target is not None:
        hits = (
            end_values >= target
            if direction is Direction.HIGHER_IS_BETTER
            else (end_values <= target)
        )
        probability = float(hits.mean())
    low, median, high = np.quantile(end_values, [0.1, 0.5, 0.9])
    return ForecastResult(
        period_start=start,
        period_end=end,
        aggregation=aggregation,
        observed_periods=len(observed),
        horizon=horizon,
        observed_value=observed_value,
        median=float(median),
        low=float(low),
        high=float(high),
        target=None if target is None else float(target),
        direction=direction,
        probability=probability,
        simulations=simulations,
        seed=seed,
        model=f"Holt-Winters: additive damped trend, {_season_text(seasonal)}, "
        f"fitted on the last {len(recent)} steps"
        + (
            ", plus the past periods' gaps between their value and their steps' mean"
            if corrected
            else ""
        ),
    )


def period_gaps(values: pd.Series, period_values: pd.Series, period: str) -> np.ndarray:
    """Real value minus the mean of the steps, for every complete period of ``values`` that
    ``period_values`` holds (a period is complete at its usual number of steps)."""
    index = pd.DatetimeIndex(values.index)
    if len(index) < 3:
        return np.empty(0)
    labels = index.to_period(period)
    means = values.groupby(labels).mean()
    complete = set(complete_periods(index, period))
    real = pd.Series(
        np.asarray(period_values, dtype=float),
        index=pd.DatetimeIndex(period_values.index).to_period(period),
    )
    real = real[~real.index.duplicated(keep="last")].dropna()
    gaps = [
        float(real[label]) - float(means[label])
        for label in means.index
        if label in complete and label in real.index
    ]
    return np.asarray(gaps, dtype=float)


def complete_periods(index: pd.DatetimeIndex, period: str) -> list[pd.Period]:
    """The periods of ``index`` that hold every step their span has (a 30-day month of
    daily values is complete with 30), in order."""
    freq = daily_like(index)
    if freq is None:
        raise EvidenceInputError("series has irregular dates: give one value per step, no gaps")
    labels = index.to_period(period)
    counts = pd.Series(1, index=labels).groupby(level=0).size()
    found = []
    for label, count in zip(pd.PeriodIndex(counts.index), counts.to_numpy(), strict=True):
        span = pd.date_range(label.start_time, label.end_time.normalize(), freq=freq)
        if count >= len(span):
            found.append(label)
    return found


def _season_text(seasonal: int | None) -> str:
    return "no seasonality" if seasonal is None else f"additive seasonality of {seasonal}"


def _period_bounds(
    last: pd.Timestamp, period: str, period_end: pd.Timestamp | str | None, freq: str
) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last step of the period to forecast."""
    try:
        if period_end is not None:
            end = pd.Timestamp(period_end)
            return pd.Period(end, period).start_time, end
        current = pd.Period(last, period)
    except ValueError:
        raise EvidenceInputError(
            f"unknown period {period!r}: use a pandas period alias such as 'M', 'Q' or 'W'"
        ) from None
    steps = pd.date_range(current.start_time, current.end_time.normalize(), freq=freq)
    if len(steps) == 0 or last >= steps[-1]:
        current = current + 1
        steps = pd.date_range(current.start_time, current.end_time.normalize(), freq=freq)
    if len(steps) == 0:
        raise EvidenceInputError(f"period {period!r} is shorter than one step of the series")
    return current.start_time, pd.Timestamp(steps[-1])


def _simulate(
    values: np.ndarray, seasonal: int | None, horizon: int, simulations: int, seed: int
) -> np.ndarray:
    """``horizon × simulations`` simulated future values."""
    model = ExponentialSmoothing(
        values,
        trend="add",
        damped_trend=True,
        seasonal="add" if seasonal is not None else None,
        seasonal_periods=seasonal,
        initialization_method="heuristic"
        if len(values) >= 10 + 2 * (seasonal or 0)
        else "estimated",
    )
    with warnings.catch_warnings():  # convergence chatter on flat stretches is not news
        warnings.simplefilter("ignore")
        fit = model.fit(method="SLSQP", use_brute=False)
        paths = fit.simulate(
            horizon,
            repetitions=simulations,
            error="add",
            random_state=np.random.default_rng(seed),
        )
    return np.asarray(paths, dtype=float).reshape(horizon, simulations)
