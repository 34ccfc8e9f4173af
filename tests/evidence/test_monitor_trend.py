"""Mann–Kendall against scipy's Kendall tau on the time index, and a hand-computed case."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from kpibridge.evidence.monitor.trend import mann_kendall


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_s_is_kendall_tau_numerator_with_ties(seed: int) -> None:
    rng = np.random.default_rng(seed)
    values = (rng.normal(size=120) + 0.01 * np.arange(120)).round(1)  # rounding makes ties
    time = np.arange(len(values))
    reference = stats.kendalltau(time, values)
    n0 = len(values) * (len(values) - 1) / 2
    _, counts = np.unique(values, return_counts=True)
    n_ties = float(np.sum(counts * (counts - 1) / 2))
    result = mann_kendall(values)
    # tau-b = S / √(n0 (n0 − n_ties)) when time has no ties.
    assert result.s == round(reference.statistic * math.sqrt(n0 * (n0 - n_ties)))
    assert result.tau == pytest.approx(reference.statistic, rel=1e-12)
    # scipy's asymptotic p uses the same tie-corrected variance, without continuity correction.
    assert result.p_value == pytest.approx(reference.pvalue, rel=0.05)


def test_hand_computed_example() -> None:
    """x = 1, 3, 2, 5, 5: 8 rising pairs, 1 falling (3→2), 1 tie, so S = 7;
    Var = (5·4·15 − 2·1·9)/18 = 15.667; Z = (7 − 1)/√15.667 = 1.5159; p = 0.1296."""
    result = mann_kendall([1.0, 3.0, 2.0, 5.0, 5.0])
    assert result.s == 7
    assert result.variance == pytest.approx(282 / 18)
    assert result.z == pytest.approx(6 / math.sqrt(282 / 18))
    assert result.p_value == pytest.approx(0.1296, abs=1e-4)
    assert result.direction == "no trend"


def test_slope_is_theil_sen_and_trend_detected() -> None:
    rng = np.random.default_rng(3)
    index = pd.date_range("2024-01-01", periods=104, freq="W-MON")
    series = pd.Series(10 + 0.5 * np.arange(104) + rng.normal(0, 3, 104), index=index)
    result = mann_kendall(series, autocorrelation="hamed-rao")
    assert result.direction == "increasing"
    assert result.slope == pytest.approx(0.5, abs=0.05)
    assert result.slope_ci[0] < 0.5 < result.slope_ci[1]
    assert result.variance_factor >= 1.0


def test_autocorrelation_correction_widens_the_variance_of_a_random_walk() -> None:
    walk = np.cumsum(np.random.default_rng(4).normal(size=200))
    plain = mann_kendall(walk)
    corrected = mann_kendall(walk, autocorrelation="hamed-rao")
    assert corrected.variance > plain.variance
    assert corrected.p_value > plain.p_value
