"""Make a KPI series stationary before lead-lag statistics, and record how.

Two trending series are correlated whatever their relation (Granger and Newbold's spurious
regression), and two series with the same yearly cycle are correlated through the calendar.
So each series is brought to a stationary scale first:

1. **log** when every value is positive, so that differences are growth rates and the effect
   of one on the other reads as an elasticity;
2. **differencing**: levels are kept only when the ADF test rejects a unit root and the KPSS
   test does not reject stationarity (both from statsmodels, at ``alpha``); a difference is
   taken otherwise, and a second one only when both tests call for it;
3. **seasonality** removed at each stage by regressing out a few yearly Fourier harmonics, when
   the series covers at least two full cycles.

Why harmonics and not STL or a seasonal difference: with two years of weekly data (the usual
KPI history) STL estimates 52 free seasonal values from two observations each, which absorbs
half the noise and mirrors one year onto the other; a seasonal difference throws away a whole
year. Three harmonics (six coefficients) remove a smooth calendar effect and keep the data.

The :class:`StationarityRecord` says what was done, for the report.
"""

from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.tsa.adfvalues import mackinnonp
from statsmodels.tsa.stattools import kpss

MAX_DIFFERENCES = 2
SEASONAL_HARMONICS = 3
SEASONAL_CYCLES = 2
"""Full cycles a series must cover before its seasonality is estimated and removed."""


@dataclass(frozen=True)
class StationarityRecord:
    """What was done to one series, with the tests that decided it."""

    log: bool
    differences: int
    seasonal_period: int | None
    seasonal_harmonics: int
    seasonal_pvalue: float | None
    """F-test p-value of the removed harmonics on the final scale (None: none removed)."""
    adf_pvalue: float
    """ADF p-value on the final scale (small: no unit root)."""
    kpss_pvalue: float
    """KPSS p-value on the final scale (large: stationary), clipped to [0.01, 0.1] by KPSS."""
    stationary: bool
    """Whether both tests agreed at the end (False: gave up after the maximum differences)."""
    steps: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class StationarySeries:
    values: pd.Series
    record: StationarityRecord


def make_stationary(
    series: pd.Series,
    *,
    period: int | None = None,
    alpha: float = 0.05,
    max_differences: int = MAX_DIFFERENCES,
    differences: int | None = None,
) -> StationarySeries:
    """The series on a stationary scale (shorter by the differences taken) and its record.

    ``period`` is the seasonal cycle in periods (52 for weekly data), None for no seasonality.
    ``differences`` imposes the number of differences instead of letting the tests choose (a
    pair is put on one differencing order; the tests are still run and recorded).
    """
    imposed = differences
    if imposed is not None:
        max_differences = imposed
    values = series.astype(float)
    log = bool((values > 0).all())
    steps = ["log" if log else "levels (not all values positive: no log)"]
    current: pd.Series = values.apply(np.log) if log else values
    long_enough = bool(period) and len(values) >= SEASONAL_CYCLES * (period or 0)
    for taken in range(max_differences + 1):
        if taken:
            current = current.diff().iloc[1:]
        adjusted, harmonics, seasonal_p = remove_seasonality(
            current, period if long_enough else None
        )
        if is_constant(adjusted.to_numpy()):  # a steady trend, differenced: nothing to test
            adf_p, kpss_p, stationary = 0.0, 1.0, True
            break
        adf_p, kpss_p = _unit_root_tests(adjusted.to_numpy())
        stationary = adf_p < alpha and kpss_p > alpha
        # levels must pass both tests; a second difference needs both to call for it
        # (over-differencing leaves a non-invertible MA that no AR prewhitening can undo)
        enough = stationary if taken == 0 else not (adf_p >= alpha and kpss_p <= alpha)
        if (enough and imposed is None) or taken == max_differences:
            break
    if taken:
        steps.append(f"difference ×{taken}" if taken > 1 else "difference")
    if imposed is not None:
        steps.append(f"{imposed} difference(s) imposed: the pair shares one differencing order")
    if harmonics:
        steps.append(f"seasonality removed ({harmonics} harmonics of period {period})")
    elif period:
        steps.append(
            f"seasonality kept: {len(values)} points < {SEASONAL_CYCLES} cycles of {period}"
        )
    record = StationarityRecord(
        log=log,
        differences=taken,
        seasonal_period=period if harmonics else None,
        seasonal_harmonics=harmonics,
        seasonal_pvalue=seasonal_p,
        adf_pvalue=adf_p,
        kpss_pvalue=kpss_p,
        stationary=stationary,
        steps=tuple(steps),
    )
    adjusted = adjusted.copy()
    adjusted.name = series.name
    return StationarySeries(adjusted, record)


def remove_seasonality(
    series: pd.Series, period: int | None
) -> tuple[pd.Series, int, float | None]:
    """The series minus its fitted yearly harmonics (mean kept), their count and F-test p.

    Nothing is removed when ``period`` is None (the caller decides whether the history is long
    enough: a differenced series is one point short of the cycles its levels cover).
    """
    n = len(series)
    if not period or period < 3 or n < 4 * min(SEASONAL_HARMONICS, period // 2):
        return series, 0, None
    harmonics = min(SEASONAL_HARMONICS, period // 2)
    position = np.arange(n)[:, None] * np.arange(1, harmonics + 1)[None, :] * 2 * np.pi / period
    design = np.column_stack([np.ones(n), np.cos(position), np.sin(position)])
    values = series.to_numpy()
    coefficients, *_ = np.linalg.lstsq(design, values, rcond=None)
    residual = values - design @ coefficients
    centred = values - values.mean()
    ssr, tss = float(residual @ residual), float(centred @ centred)
    df_residual = n - design.shape[1]
    restrictions = design.shape[1] - 1
    if ssr <= 0:
        p_value = 0.0
    else:
        f_statistic = (tss - ssr) / restrictions / (ssr / df_residual)
        p_value = float(stats.f.sf(f_statistic, restrictions, df_residual))
    adjusted = pd.Series(residual + coefficients[0], index=series.index, name=series.name)
    return adjusted, harmonics, p_value


def is_constant(values: np.ndarray) -> bool:
    """Constant up to rounding (differences of a straight line are not exactly equal)."""
    scale = max(1.0, float(np.abs(values).max(initial=0.0)))
    return bool(np.ptp(values) <= 1e-9 * scale) if len(values) else True


def adf_pvalue(values: np.ndarray, lags: int) -> float:
    """ADF p-value with a constant and a fixed number of lagged differences: the number
    ``adfuller(values, maxlag=lags, autolag=None, regression="c")[1]`` gives (checked in the
    tests), from one least-squares fit instead of statsmodels' model objects."""
    differences = np.diff(values)
    rows = len(differences) - lags
    design = np.column_stack(
        [values[lags:-1]]
        + [differences[lags - lag : len(differences) - lag] for lag in range(1, lags + 1)]
        + [np.ones(rows)]
    )
    response = differences[lags:]
    coefficients, *_ = np.linalg.lstsq(design, response, rcond=None)
    residual = response - design @ coefficients
    variance = residual @ residual / (rows - design.shape[1])
    inverse = np.linalg.inv(design.T @ design)
    statistic = coefficients[0] / np.sqrt(variance * inverse[0, 0])
    return float(mackinnonp(statistic, regression="c", N=1))


def _unit_root_tests(values: np.ndarray) -> tuple[float, float]:
    """ADF and KPSS p-values (constant, no trend).

    ADF with a fixed lag of ``(n − 1)^(1/3)`` (Said and Dickey 1984) rather than an AIC
    search: one regression instead of thirteen, so that screening many KPIs stays fast.
    """
    n = len(values)
    lags = max(1, int((n - 1) ** (1 / 3)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # KPSS warns when its p-value is clipped to the table
        adf_p = adf_pvalue(values, lags)
        kpss_p = float(kpss(values, regression="c", nlags="auto")[1])
    return adf_p, kpss_p
