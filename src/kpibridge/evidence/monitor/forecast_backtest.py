"""Rolling-origin backtest of the forecast's 80% band: does it hold about 80% of outcomes?

For each of the last ``origins`` complete periods, the series is cut part-way into the
period (after 0, 1, 2 … of its steps, cycling, so every stage of a period is tried), the
forecast is made from what came before the cut only, and the period's real value (the same
aggregation of the held-out steps) is checked against the band. A well-calibrated 80% band
misses about 10% of outcomes below and 10% above; one that is too sure misses more.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpibridge.evidence.monitor._common import EvidenceInputError, JsonResult, check_values
from kpibridge.evidence.monitor.forecast import (
    AGGREGATIONS,
    DEFAULT_HISTORY,
    MINIMUM_POINTS,
    Aggregation,
    complete_periods,
    forecast_period_end,
)

NOMINAL = 0.8
"""The band's nominal coverage: the 10% and 90% quantiles."""


@dataclass(frozen=True)
class Coverage(JsonResult):
    """How often the band held the period's real value, over ``held_out`` forecasts."""

    held_out: int
    inside: int
    below: int
    """Real value under the band's low end."""
    above: int
    coverage: float
    nominal: float
    periods: tuple[pd.Timestamp, ...]
    """The start of each period forecast."""
    observed_steps: tuple[int, ...]
    """Steps of the period seen before each cut."""


def backtest_coverage(
    series: pd.Series,
    aggregation: Aggregation,
    period: str,
    *,
    origins: int = 24,
    actuals: pd.Series | None = None,
    period_values: pd.Series | None = None,
    seed: int = 0,
    simulations: int = 1000,
    history: int = DEFAULT_HISTORY,
) -> Coverage:
    """The band's coverage over the last ``origins`` complete periods of ``series``.

    ``actuals`` (period start → value) are the KPI's own values per period, to check the band
    against when the period's value is not the plain aggregation of its steps (a ratio's
    period value is its ratio of sums, not the mean of its daily ratios); by default the
    aggregation of the held-out steps is the real value. ``period_values`` go to the forecast
    (see :func:`forecast_period_end`); it only uses the periods before each cut."""
    values = check_values(series, "series", minimum=MINIMUM_POINTS)
    if aggregation not in AGGREGATIONS:
        raise EvidenceInputError(f"unknown aggregation {aggregation!r}: use one of {AGGREGATIONS}")
    index = pd.DatetimeIndex(values.index)
    labels = index.to_period(period)
    chosen = complete_periods(index, period)[-origins:]
    inside = below = above = 0
    starts, seen = [], []
    for number, label in enumerate(chosen):
        steps = index[labels == label]
        observed = number % len(steps)
        cut = steps[observed]
        train = values[index < cut]
        if len(train) < max(MINIMUM_POINTS, 2 * 7 + 1):
            continue
        actual_steps = values[labels == label]
        if actuals is not None:
            if label.start_time not in actuals.index:
                continue
            actual = float(actuals.loc[label.start_time])
        elif aggregation == "sum":
            actual = float(actual_steps.sum())
        elif aggregation == "mean":
            actual = float(actual_steps.mean())
        else:
            actual = float(actual_steps.iloc[-1])
        found = forecast_period_end(
            train,
            aggregation=aggregation,
            period=period,
            period_end=steps[-1],
            simulations=simulations,
            seed=seed + number,
            history=history,
            period_values=period_values,
        )
        if actual < found.low:
            below += 1
        elif actual > found.high:
            above += 1
        else:
            inside += 1
        starts.append(pd.Timestamp(steps[0]))
        seen.append(observed)
    held_out = inside + below + above
    if held_out == 0:
        raise EvidenceInputError("no complete period with enough history before it to backtest")
    return Coverage(
        held_out=held_out,
        inside=inside,
        below=below,
        above=above,
        coverage=inside / held_out,
        nominal=NOMINAL,
        periods=tuple(starts),
        observed_steps=tuple(seen),
    )


def binomial_band(held_out: int, nominal: float = NOMINAL, z: float = 2.0) -> tuple[float, float]:
    """Coverage a calibrated band shows over ``held_out`` periods, ± ``z`` binomial standard
    errors (about 95% of backtests fall inside at z = 2)."""
    error = z * float(np.sqrt(nominal * (1 - nominal) / held_out))
    return nominal - error, nominal + error
