"""The batched numerical core gives the numbers of the reference implementations."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats
from statsmodels.tsa.ar_model import AutoReg, ar_select_order
from statsmodels.tsa.stattools import grangercausalitytests

from kpibridge.evidence import _batch


@pytest.fixture
def series() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(7)
    driver = np.cumsum(rng.normal(size=(6, 130)), axis=1) * 0.1 + rng.normal(size=(6, 130))
    outcome = 0.4 * np.roll(driver, 2, axis=1) + rng.normal(size=(6, 130))
    return driver, outcome


def test_ar_order_and_coefficients_match_statsmodels(series: tuple[np.ndarray, ...]) -> None:
    driver, _ = series
    orders = _batch.select_ar_order(driver, 8)
    coefficients = _batch.fit_ar(driver, orders, 8)
    for row, order in zip(driver, orders, strict=True):
        assert len(ar_select_order(row, 8, ic="aic").ar_lags or []) == order
    for row, order, fitted in zip(driver, orders, coefficients, strict=True):
        if order:
            expected = AutoReg(row, int(order)).fit().params[1:]
            np.testing.assert_allclose(fitted[:order], expected, atol=1e-12)


def test_granger_matches_statsmodels(series: tuple[np.ndarray, ...]) -> None:
    driver, outcome = series
    ours = _batch.granger_pvalues(outcome, driver, 10)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for row in range(len(driver)):
            reference = grangercausalitytests(np.column_stack([outcome[row], driver[row]]), 10)
            expected = [reference[order][0]["ssr_ftest"][1] for order in range(1, 11)]
            np.testing.assert_allclose(ours[row], expected, rtol=1e-9, atol=1e-14)


def test_lagged_correlations_match_pearsonr(series: tuple[np.ndarray, ...]) -> None:
    driver, outcome = series
    driver = driver.copy()
    driver[:, :3] = np.nan  # a prewhitened head
    correlations, counts, p_values = _batch.lagged_correlations(driver, outcome, 5)
    for column, lag in enumerate(range(-5, 6)):
        a = driver[0, : 130 - lag] if lag >= 0 else driver[0, -lag:]
        b = outcome[0, lag:] if lag >= 0 else outcome[0, : 130 + lag]
        keep = ~np.isnan(a)
        expected = stats.pearsonr(a[keep], b[keep])
        assert counts[0, column] == keep.sum()
        assert correlations[0, column] == pytest.approx(expected.statistic, abs=1e-13)
        assert p_values[0, column] == pytest.approx(expected.pvalue, rel=1e-9, abs=1e-15)


def test_hac_slope_matches_statsmodels(series: tuple[np.ndarray, ...]) -> None:
    driver, outcome = series
    slope, error, _ = _batch.hac_slope(outcome[:, 2:], driver[:, :-2], 4)
    fit = sm.OLS(outcome[0, 2:], sm.add_constant(driver[0, :-2])).fit(
        cov_type="HAC", cov_kwds={"maxlags": 4, "use_correction": False}
    )
    assert slope[0] == pytest.approx(fit.params[1], rel=1e-10)
    assert error[0] == pytest.approx(fit.bse[1], rel=1e-10)


def test_fast_adf_matches_statsmodels() -> None:
    from statsmodels.tsa.stattools import adfuller

    from kpibridge.evidence.stationarity import adf_pvalue

    rng = np.random.default_rng(0)
    for walk in (0.0, 1.0):
        values = np.cumsum(rng.normal(size=120)) * walk + rng.normal(size=120)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = adfuller(values, maxlag=4, autolag=None, regression="c")[1]
        assert adf_pvalue(values, 4) == pytest.approx(expected, abs=1e-12)
