"""Anomalies: a seasonal baseline, a robust residual score and the S-H-ESD test.

Method (Hochenbaum, Vallis & Kejariwal 2017, Twitter's S-H-ESD, with the baseline of
:mod:`~kpibridge.evidence.monitor.baseline`):

1. expected value per period = trend + seasonality (STL with ≥ 4 full cycles, else a
   trend + Fourier least-squares fit);
2. residual = value − expected, optionally on the log scale for multiplicative KPIs
   (``log=True``: a 3× day is a 3× day in a busy and in a quiet season);
3. robust score = residual / (1.4826 · MAD of the residuals);
4. the generalized ESD test with median/MAD on the residuals flags at most
   ``max_share`` of the periods at level ``alpha``; flagged periods are the anomalies.

The seasonal cycle follows the frequency (7 for daily, 52 for weekly, 12 for monthly data).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from kpibridge.evidence.inputs import seasonal_period
from kpibridge.evidence.monitor._common import (
    EvidenceInputError,
    JsonResult,
    check_values,
    daily_like,
)
from kpibridge.evidence.monitor.baseline import BaselineMethod, seasonal_baseline
from kpibridge.evidence.monitor.esd import MAD_TO_SIGMA, generalized_esd

MINIMUM_POINTS = 8
DEFAULT_MAX_SHARE = 0.05
"""At most this share of the periods can be anomalies (Twitter's ``max_anoms`` is 10%)."""


@dataclass(frozen=True)
class Anomaly(JsonResult):
    """One flagged period."""

    period: pd.Timestamp
    value: float
    expected: float
    """The baseline, on the original scale."""
    score: float
    """Robust z-score of the residual (on the log scale when ``log``)."""
    kind: Literal["spike", "dip"]


@dataclass(frozen=True)
class AnomalyResult(JsonResult):
    """Anomalies of one series, strongest first, with the settings that found them."""

    anomalies: tuple[Anomaly, ...]
    n: int
    method: BaselineMethod
    period: int | None
    alpha: float
    max_anomalies: int
    log: bool

    @property
    def periods(self) -> tuple[pd.Timestamp, ...]:
        return tuple(anomaly.period for anomaly in self.anomalies)


def detect_anomalies(
    series: pd.Series,
    alpha: float = 0.05,
    max_share: float = DEFAULT_MAX_SHARE,
    period: int | None = None,
    log: bool = False,
) -> AnomalyResult:
    """Seasonal-baseline S-H-ESD anomalies of a KPI series (method in the module docstring).

    Args:
        series: one value per period, indexed by date, without gaps.
        alpha: significance level of the generalized ESD test.
        max_share: most periods that may be flagged, as a share of the series.
        period: seasonal cycle in steps; None takes it from the frequency (7 for daily data).
        log: score on the log scale (all values must be positive).
    """
    values = check_values(series, "series", minimum=MINIMUM_POINTS)
    if not 0 < max_share < 0.5:
        raise EvidenceInputError(f"max_share must be in (0, 0.5), not {max_share}")
    if period is None:
        freq = daily_like(pd.DatetimeIndex(values.index))
        if freq is None:
            raise EvidenceInputError(
                "series has irregular dates: give one value per period without gaps, "
                "or pass period= explicitly"
            )
        period = seasonal_period(freq)
    x = values.to_numpy()
    if log:
        if (x <= 0).any():
            raise EvidenceInputError("log=True needs positive values; use log=False")
        x = np.log(x)
    baseline = seasonal_baseline(x, period)
    residuals = x - baseline.expected
    max_anomalies = max(1, min(math.floor(max_share * len(x)), len(x) - 3))
    test = generalized_esd(residuals, max_anomalies, alpha=alpha, robust=True)
    centre = float(np.median(residuals))
    spread = MAD_TO_SIGMA * float(np.median(np.abs(residuals - centre)))
    expected = np.exp(baseline.expected) if log else baseline.expected
    flagged = test.outlier_positions
    anomalies = tuple(
        Anomaly(
            period=pd.Timestamp(values.index[position]),
            value=float(values.iloc[position]),
            expected=float(expected[position]),
            score=float((residuals[position] - centre) / spread) if spread > 0 else math.inf,
            kind="spike" if residuals[position] > centre else "dip",
        )
        for position in flagged
    )
    return AnomalyResult(
        anomalies=anomalies,
        n=len(x),
        method=baseline.method,
        period=baseline.period,
        alpha=alpha,
        max_anomalies=max_anomalies,
        log=log,
    )
