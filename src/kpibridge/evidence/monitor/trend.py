"""Trend: the Mann–Kendall test with the Theil–Sen slope.

Mann–Kendall asks whether later values tend to be larger than earlier ones without assuming
a straight line or normal noise, which suits KPIs with outliers and skew. Its statistic
``S = Σ_{i<j} sign(x_j − x_i)`` is the numerator of Kendall's tau between the values and
time (checked against ``scipy.stats.kendalltau`` in the tests). Variance with the tie
correction (Kendall 1975; Hipel & McLeod 1994, eq. 23.3)::

    Var(S) = [n(n−1)(2n+5) − Σ_t t(t−1)(2t+5)] / 18

and ``Z = (S − sign(S)) / √Var(S)`` (continuity correction), two-sided normal p-value.

Serial correlation inflates the false-alarm rate of the plain test (daily KPIs are
autocorrelated). ``autocorrelation="hamed-rao"`` applies the Hamed & Rao (1998) variance
correction: ``Var*(S) = Var(S) · n/n*`` with
``n/n* = 1 + 2/(n(n−1)(n−2)) Σ_k (n−k)(n−k−1)(n−k−2) ρ_k`` over the lags ``k`` whose
autocorrelation ``ρ_k`` of the ranks of the Sen-detrended series is significant at 5%
(``|ρ_k| > 1.96/√n``). The slope is Theil–Sen (``scipy.stats.theilslopes``) per period, with
its 95% interval.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from kpibridge.evidence.monitor._common import EvidenceInputError, JsonResult, check_values

TrendDirection = Literal["increasing", "decreasing", "no trend"]
Autocorrelation = Literal["none", "hamed-rao"]
MINIMUM_POINTS = 4


@dataclass(frozen=True)
class TrendResult(JsonResult):
    """Mann–Kendall test and Theil–Sen slope of one series."""

    n: int
    s: int
    """Mann–Kendall S: concordant minus discordant pairs against time."""
    variance: float
    """Var(S) with the tie correction (and the Hamed–Rao factor when applied)."""
    z: float
    p_value: float
    tau: float
    """Kendall's tau-b between values and time."""
    slope: float
    """Theil–Sen slope per period (per index step)."""
    slope_ci: tuple[float, float]
    intercept: float
    autocorrelation: Autocorrelation
    variance_factor: float
    """``n/n*`` of Hamed–Rao (1.0 without the correction)."""
    alpha: float
    direction: TrendDirection


def mann_kendall_s(values: npt.ArrayLike) -> int:
    """``S = Σ_{i<j} sign(x_j − x_i)``, vectorised (O(n²) memory in blocks of rows)."""
    x = np.asarray(values, dtype=float)
    total = 0
    block = max(1, 4_000_000 // max(len(x), 1))
    for start in range(0, len(x) - 1, block):
        rows = x[start : start + block, None]
        signs = np.sign(x[None, :] - rows)
        upper = np.triu(np.ones((len(rows), len(x)), dtype=bool), k=start + 1)
        total += int(signs[upper].sum())
    return total


def tie_corrected_variance(values: npt.ArrayLike) -> float:
    """Var(S) under no trend, corrected for groups of tied values."""
    x = np.asarray(values, dtype=float)
    n = len(x)
    _, counts = np.unique(x, return_counts=True)
    ties = counts[counts > 1].astype(float)
    return float((n * (n - 1) * (2 * n + 5) - np.sum(ties * (ties - 1) * (2 * ties + 5))) / 18.0)


def hamed_rao_factor(values: npt.ArrayLike, slope: float, max_lag: int | None = None) -> float:
    """``n/n*`` of Hamed & Rao (1998) from the significant autocorrelations of the ranks of
    the detrended series (never below 1: the correction only widens)."""
    x = np.asarray(values, dtype=float)
    n = len(x)
    detrended = x - slope * np.arange(n)
    ranks = stats.rankdata(detrended)
    centred = ranks - ranks.mean()
    denominator = float(np.dot(centred, centred))
    lags = np.arange(1, (n - 1 if max_lag is None else min(max_lag, n - 1)) + 1)
    rho = np.array([np.dot(centred[:-k], centred[k:]) / denominator for k in lags])
    significant = np.abs(rho) > stats.norm.ppf(0.975) / math.sqrt(n)
    k = lags[significant]
    weights = (n - k) * (n - k - 1) * (n - k - 2)
    factor = 1 + 2 / (n * (n - 1) * (n - 2)) * float(np.sum(weights * rho[significant]))
    return max(factor, 1.0)


def mann_kendall(
    series: pd.Series | npt.ArrayLike,
    alpha: float = 0.05,
    autocorrelation: Autocorrelation = "none",
) -> TrendResult:
    """Mann–Kendall trend test with the Theil–Sen slope (see the module docstring).

    ``series`` is a Series by period or a plain sequence in time order; slopes are per step.

    >>> result = mann_kendall([1.0, 2.0, 3.0, 4.0, 5.0])
    >>> result.s, round(result.variance, 3), round(result.p_value, 4)
    (10, 16.667, 0.0275)
    """
    if isinstance(series, pd.Series):
        values = check_values(series, "series", minimum=MINIMUM_POINTS).to_numpy()
    else:
        values = np.asarray(series, dtype=float)
        if values.ndim != 1 or not np.isfinite(values).all():
            raise EvidenceInputError("the values must be one finite number per period")
        if len(values) < MINIMUM_POINTS:
            raise EvidenceInputError(
                f"the series has {len(values)} points: at least {MINIMUM_POINTS} are needed"
            )
        if values.max() == values.min():
            raise EvidenceInputError("the series is constant: there is no trend to test")
    n = len(values)
    s = mann_kendall_s(values)
    variance = tie_corrected_variance(values)
    time = np.arange(n, dtype=float)
    slope, intercept, low, high = stats.theilslopes(values, time, alpha=0.95)
    factor = 1.0
    if autocorrelation == "hamed-rao":
        factor = hamed_rao_factor(values, float(slope))
    elif autocorrelation != "none":
        raise EvidenceInputError(
            f"unknown autocorrelation correction {autocorrelation!r}: use 'none' or 'hamed-rao'"
        )
    variance *= factor
    z = (s - np.sign(s)) / math.sqrt(variance) if variance > 0 else 0.0
    p_value = float(2 * stats.norm.sf(abs(z)))
    pairs = n * (n - 1) / 2
    _, counts = np.unique(values, return_counts=True)
    tied_pairs = float(np.sum(counts * (counts - 1) / 2))
    tau = s / math.sqrt(pairs * (pairs - tied_pairs))
    direction: TrendDirection = (
        "no trend" if p_value >= alpha else ("increasing" if s > 0 else "decreasing")
    )
    return TrendResult(
        n=n,
        s=s,
        variance=variance,
        z=float(z),
        p_value=p_value,
        tau=float(tau),
        slope=float(slope),
        slope_ci=(float(low), float(high)),
        intercept=float(intercept),
        autocorrelation=autocorrelation,
        variance_factor=factor,
        alpha=alpha,
        direction=direction,
    )
