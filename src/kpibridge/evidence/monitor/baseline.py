"""The expected value of each period: trend plus seasonality, to score residuals against.

Two methods, chosen by how much history there is:

* **STL** (Cleveland et al. 1990, ``statsmodels.tsa.seasonal.STL``) when the series holds at
  least ``MINIMUM_CYCLES`` = 4 full seasonal cycles — fewer cycles give a seasonal
  component that mostly copies the noise. The plain (non-robust) fit is used on purpose:
  robust STL gives spikes zero weight and fits the other points more closely, so its
  residuals have heavy tails and the ESD test then flags pure Gaussian noise (10 of 10
  simulated noise series with false alarms, against 0 of 10 for the plain fit). A spike
  would still leak into the plain fit (its weekday's seasonal estimate a week away, the
  trend a few days around), so STL is fitted to a copy in which values more than
  ``SPIKE_LIMIT`` robust σ from a centred rolling median are replaced by that median; the
  residuals are then taken from the original values. The median/MAD of the ESD step
  supplies the rest of the robustness.
* **trend + Fourier** otherwise: least squares on ``1, t`` and ``harmonics`` sine/cosine
  pairs of the cycle (or just the line when there is no cycle). Few parameters, so it
  stays stable on short series.

Twitter's S-H-ESD takes the median as the trend; here the STL trend is used instead because
KPIs have a yearly shape that a single median would leave in the residuals (a summer peak
would be flagged as anomalies), while the weekly cycle is the one removed seasonally.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from statsmodels.tsa.seasonal import STL

MINIMUM_CYCLES = 4
DEFAULT_HARMONICS = 3
SPIKE_LIMIT = 5.0
"""Robust z beyond which a value is replaced before STL sees it (not the anomaly test)."""

BaselineMethod = Literal["stl", "fourier", "linear"]


@dataclass(frozen=True)
class Baseline:
    """Expected values (same length as the input) and how they were made."""

    expected: npt.NDArray[np.float64]
    method: BaselineMethod
    period: int | None


def seasonal_baseline(
    values: npt.ArrayLike, period: int | None, harmonics: int = DEFAULT_HARMONICS
) -> Baseline:
    """Trend + seasonal expectation of ``values`` for a cycle of ``period`` steps (or None)."""
    x = np.asarray(values, dtype=float)
    if period is not None and period >= 2 and len(x) >= MINIMUM_CYCLES * period:
        fit = STL(_without_spikes(x, period), period=period).fit()
        return Baseline(np.asarray(fit.trend + fit.seasonal, dtype=float), "stl", period)
    time = np.arange(len(x), dtype=float)
    columns = [np.ones_like(time), time / max(len(x), 1)]
    usable_period = period if period is not None and period >= 2 else None
    if usable_period is not None:
        # At most (period − 1) / 2 distinct harmonics; keep the fit well determined.
        count = min(harmonics, (usable_period - 1) // 2 or 1, max((len(x) - 3) // 2, 0))
        for harmonic in range(1, count + 1):
            angle = 2 * np.pi * harmonic * time / usable_period
            columns += [np.sin(angle), np.cos(angle)]
    design = np.column_stack(columns)
    coefficients = _robust_least_squares(design, x)
    method: BaselineMethod = "fourier" if design.shape[1] > 2 else "linear"
    return Baseline(design @ coefficients, method, usable_period)


def _without_spikes(x: npt.NDArray[np.float64], period: int) -> npt.NDArray[np.float64]:
    """``x`` with values far from a centred rolling median (2 cycles + 1 wide) replaced."""
    window = 2 * period + 1
    rolling = pd.Series(x).rolling(window, center=True, min_periods=1).median().to_numpy()
    deviation = x - rolling
    spread = 1.4826 * float(np.median(np.abs(deviation - np.median(deviation))))
    if spread == 0:
        return x
    return np.where(np.abs(deviation) > SPIKE_LIMIT * spread, rolling, x)


def _robust_least_squares(
    design: npt.NDArray[np.float64], x: npt.NDArray[np.float64], iterations: int = 3
) -> npt.NDArray[np.float64]:
    """Least squares refitted with Tukey bisquare weights, like STL's robustness loop, so
    that an outlier cannot pull the baseline towards itself and hide."""
    weights = np.ones_like(x)
    coefficients = np.linalg.lstsq(design, x, rcond=None)[0]
    for _ in range(iterations):
        residuals = x - design @ coefficients
        scale = 6 * np.median(np.abs(residuals))
        if scale == 0:
            break
        u = np.clip(np.abs(residuals) / scale, 0, 1)
        weights = (1 - u**2) ** 2
        root = np.sqrt(weights)
        coefficients = np.linalg.lstsq(design * root[:, None], x * root, rcond=None)[0]
    return np.asarray(coefficients, dtype=float)
