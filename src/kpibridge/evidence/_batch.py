"""The numerical core of lead-lag screening: least squares over many series at once.

A straightforward screen loops over candidate drivers and calls statsmodels for every pair,
order and direction: hundreds of small regressions, each paying Python and pandas overhead.
Here the candidates sharing a sample are stacked into arrays of shape ``(candidates, n)`` and
every regression of a given shape is solved at once by a batched QR decomposition. Results
are the same numbers as the reference implementations they mirror (checked in the tests):

* :func:`select_ar_order` / :func:`fit_ar` — ``statsmodels.tsa.ar_model.ar_select_order``
  (AIC, constant, common hold-back sample) and ``AutoReg(...).fit()``;
* :func:`lagged_correlations` — ``scipy.stats.pearsonr`` on the overlapping pairs of each lag;
* :func:`granger_pvalues` — the ``ssr_ftest`` of ``statsmodels.tsa.stattools.
  grangercausalitytests``.
"""

from __future__ import annotations

import numpy as np
from scipy import stats


def residual_ssr(design: np.ndarray, response: np.ndarray) -> np.ndarray:
    """Residual sums of squares of the regressions ``response[b] ~ design[b]``, shape (B,).

    ``design`` is (B, n, k) of full column rank, ``response`` (B, n). Residuals are formed
    explicitly (``y − Q Qᵀ y``) rather than as ``‖y‖² − ‖Qᵀy‖²``, which loses digits when the
    fit is good.
    """
    q, _ = np.linalg.qr(design)
    fitted = q @ np.einsum("bnk,bn->bk", q, response)[..., None]
    residual = response - fitted[..., 0]
    return np.einsum("bn,bn->b", residual, residual)


def least_squares(design: np.ndarray, response: np.ndarray) -> np.ndarray:
    """Coefficients of ``response[b] ~ design[b]``, shape (B, k), by batched QR."""
    q, r = np.linalg.qr(design)
    projected = np.einsum("bnk,bn->bk", q, response)
    return np.linalg.solve(r, projected[..., None])[..., 0]


def lag_design(series: np.ndarray, start: int, order: int) -> np.ndarray:
    """Columns ``x[t−1], …, x[t−order]`` for ``t = start … n−1``: shape (B, n − start, order)."""
    n = series.shape[1]
    return np.stack([series[:, start - lag : n - lag] for lag in range(1, order + 1)], axis=2)


def _with_constant(columns: np.ndarray) -> np.ndarray:
    ones = np.ones((*columns.shape[:2], 1))
    return np.concatenate([columns, ones], axis=2)


def select_ar_order(series: np.ndarray, max_order: int) -> np.ndarray:
    """AR order 0…max_order with the smallest AIC for each row of ``series`` (B, n).

    All orders are compared on the same sample ``t = max_order … n−1`` and with a constant,
    as ``ar_select_order(x, max_order, ic="aic")`` does; ties go to the smaller order.
    """
    rows, n = series.shape
    response = series[:, max_order:]
    nobs = n - max_order
    lags = lag_design(series, max_order, max_order)
    criteria = np.empty((rows, max_order + 1))
    for order in range(max_order + 1):
        ssr = residual_ssr(_with_constant(lags[:, :, :order]), response)
        criteria[:, order] = nobs * np.log(ssr / nobs) + 2 * order
    return np.argmin(criteria, axis=1)


def fit_ar(series: np.ndarray, orders: np.ndarray, max_order: int) -> np.ndarray:
    """AR coefficients φ₁…φ_p of each row fitted on ``t = p … n−1`` with a constant, padded
    with zeros to ``max_order`` columns (as ``AutoReg(x, p).fit().params[1:]``)."""
    coefficients = np.zeros((series.shape[0], max_order))
    for order in np.unique(orders):
        if order == 0:
            continue
        rows = np.flatnonzero(orders == order)
        subset = series[rows]
        design = np.concatenate(
            [np.ones((len(rows), subset.shape[1] - order, 1)), lag_design(subset, order, order)],
            axis=2,
        )
        coefficients[rows, :order] = least_squares(design, subset[:, order:])[:, 1:]
    return coefficients


def prewhiten(series: np.ndarray, coefficients: np.ndarray, orders: np.ndarray) -> np.ndarray:
    """``x[t] − Σ φ_i x[t−i]`` for every row; NaN for the first ``order`` points of a row."""
    filtered = series.astype(float, copy=True)
    for lag in range(1, coefficients.shape[1] + 1):
        filtered[:, lag:] -= coefficients[:, lag - 1 : lag] * series[:, :-lag]
    filtered[np.arange(filtered.shape[1])[None, :] < orders[:, None]] = np.nan
    return filtered


def lagged_correlations(
    driver: np.ndarray, outcome: np.ndarray, max_lag: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pearson correlation of ``driver[t]`` with ``outcome[t + lag]`` for lag −max_lag…max_lag.

    Rows are pairs (B, n) and may hold NaN (skipped pairwise). Returns correlations, pair
    counts and two-sided p-values of the t-test with ``pairs − 2`` degrees of freedom (exact
    under normality; what ``scipy.stats.pearsonr`` reports), each (B, 2·max_lag + 1).
    """
    rows, n = driver.shape
    width = 2 * max_lag + 1
    correlations = np.full((rows, width), np.nan)
    counts = np.zeros((rows, width), dtype=int)
    for column, lag in enumerate(range(-max_lag, max_lag + 1)):
        if lag >= 0:
            a, b = driver[:, : n - lag], outcome[:, lag:]
        else:
            a, b = driver[:, -lag:], outcome[:, : n + lag]
        valid = ~(np.isnan(a) | np.isnan(b))
        count = valid.sum(axis=1)
        a = np.where(valid, a, 0.0)
        b = np.where(valid, b, 0.0)
        safe = np.maximum(count, 1)
        a_centred = np.where(valid, a - (a.sum(axis=1) / safe)[:, None], 0.0)
        b_centred = np.where(valid, b - (b.sum(axis=1) / safe)[:, None], 0.0)
        denominator = np.sqrt((a_centred**2).sum(axis=1) * (b_centred**2).sum(axis=1))
        with np.errstate(invalid="ignore", divide="ignore"):
            correlations[:, column] = (a_centred * b_centred).sum(axis=1) / denominator
        counts[:, column] = count
    correlations = np.clip(correlations, -1.0, 1.0)
    return correlations, counts, correlation_pvalues(correlations, counts)


def correlation_pvalues(correlations: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Two-sided p-values of Pearson correlations (t-test, ``counts − 2`` degrees of freedom)."""
    df = (counts - 2).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = correlations * np.sqrt(df / ((1 - correlations) * (1 + correlations)))
        p = 2 * stats.t.sf(np.abs(t), df)
    p[df < 1] = np.nan
    return np.where(np.abs(correlations) == 1.0, 0.0, p)


def granger_pvalues(effect: np.ndarray, cause: np.ndarray, max_order: int) -> np.ndarray:
    """p-values that ``cause`` Granger-causes ``effect`` at orders 1…max_order, (B, max_order).

    For order p, on ``t = p … n−1``: ``effect[t]`` on its own p lags and a constant
    (restricted) against the same plus p lags of ``cause`` (unrestricted); F-test of the
    added lags with (p, n − p − 2p − 1) degrees of freedom — statsmodels' ``ssr_ftest``.
    A perfect fit gives NaN (statsmodels raises ``InfeasibleTestError``).
    """
    rows, n = effect.shape
    p_values = np.full((rows, max_order), np.nan)
    for order in range(1, max_order + 1):
        response = effect[:, order:]
        own = lag_design(effect, order, order)
        joint = np.concatenate([own, lag_design(cause, order, order)], axis=2)
        ssr_restricted = residual_ssr(_with_constant(own), response)
        ssr_unrestricted = residual_ssr(_with_constant(joint), response)
        df_residual = n - order - (2 * order + 1)
        if df_residual < 1:
            continue
        centred = response - response.mean(axis=1, keepdims=True)
        tss = np.einsum("bn,bn->b", centred, centred)
        feasible = (ssr_unrestricted > 0) & (ssr_unrestricted / tss >= np.finfo(float).eps)
        with np.errstate(divide="ignore", invalid="ignore"):
            f_statistic = (ssr_restricted - ssr_unrestricted) / ssr_unrestricted
            f_statistic *= df_residual / order
        p_values[:, order - 1] = np.where(
            feasible, stats.f.sf(f_statistic, order, df_residual), np.nan
        )
    return p_values


def hac_slope(
    response: np.ndarray, regressor: np.ndarray, max_lags: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Slope of ``response ~ 1 + regressor`` per row, its Newey–West (Bartlett) standard
    error and the residual degrees of freedom, each (B,). Rows may hold NaN (dropped).

    The HAC error matches ``OLS(...).fit(cov_type="HAC", cov_kwds={"maxlags": max_lags,
    "use_correction": False})``: residual autocorrelation on the stationary scale would make
    the plain OLS interval too narrow.
    """
    valid = ~(np.isnan(response) | np.isnan(regressor))
    count = valid.sum(axis=1)
    x = np.where(valid, regressor, 0.0)
    y = np.where(valid, response, 0.0)
    x_centred = np.where(valid, x - (x.sum(axis=1) / count)[:, None], 0.0)
    y_centred = np.where(valid, y - (y.sum(axis=1) / count)[:, None], 0.0)
    sxx = (x_centred**2).sum(axis=1)
    slope = (x_centred * y_centred).sum(axis=1) / sxx
    residual = np.where(valid, y_centred - slope[:, None] * x_centred, 0.0)
    # valid points are contiguous after the NaN head, so lags of the compacted score are lags
    score = x_centred * residual
    meat = (score**2).sum(axis=1)
    for lag in range(1, max_lags + 1):
        weight = 1 - lag / (max_lags + 1)
        meat += 2 * weight * (score[:, lag:] * score[:, :-lag]).sum(axis=1)
    return slope, np.sqrt(meat) / sxx, count - 2
