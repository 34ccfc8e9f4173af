"""Lead-lag evidence: does one KPI move before another, at what lag, how strongly?

Method (each step guards against a known way to fool oneself):

1. **Stationary scale** (:mod:`.stationarity`): log when positive, difference until ADF and
   KPSS agree, yearly harmonics removed — trends and calendars otherwise correlate anything.
   Both series of a pair then take the larger of their two differencing orders: the same
   linear filter on both keeps a lagged relation intact (Δy = βΔx₋ₖ + u gives
   Δ²y = βΔ²x₋ₖ + Δu), while growth of one against the level of the other has none to find.
2. **Prewhitening** (Box and Jenkins): an AR model of the driver (order by AIC) turns it
   into white noise, and the same filter is applied to the outcome. The cross-correlation
   of a white series with any stationary series has standard error ≈ 1/√n at every lag,
   so the usual tests hold; without it, a smooth driver shows "significant" correlations
   at many lags.
3. **Cross-correlation** at lags −max_lag…max_lag (positive: driver first), Pearson on the
   overlapping pairs with a t-test (``pairs − 2`` degrees of freedom) and a Fisher-z interval.
4. **Granger tests** both ways at orders 1…max_lag (F-test of the other series' lags in an
   autoregression, on the stationary series).
5. **Benjamini–Hochberg** over every p-value of the call — all lags, both Granger directions,
   every candidate when screening — so that looking at many lags does not manufacture finds.
6. **Direction**: the driver leads when its best cross-correlation at a lag k ≥ 1 has
   ``q < alpha`` *and* the Granger test driver → outcome at order k confirms it (its
   ``q < alpha`` too); the outcome leads on the mirror side; both is feedback. The discovery is
   the BH-controlled correlation; the confirmation keeps chance findings from turning a strong
   true lead into "feedback" (a strong lead brings many small p-values, which relaxes the BH
   threshold for everything else in the family). **Effect**: slope of the stationary outcome
   on the lagged stationary driver (an elasticity when both are log-differences), with a
   Newey–West interval.

All of it runs batched over candidates (:mod:`._batch`), which is why :func:`screen` is fast;
:func:`lead_lag` is a screen of one and gives the same numbers as a pair inside a screen
only when that screen has one candidate (the BH family differs otherwise).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from kpibridge.errors import EvidenceInputError
from kpibridge.evidence import _batch
from kpibridge.evidence.fdr import bh_adjust
from kpibridge.evidence.inputs import align, seasonal_period
from kpibridge.evidence.result import (
    Direction,
    LeadLagResult,
    ScreenResult,
    rank_key,
    verdict,
)
from kpibridge.evidence.stationarity import StationarySeries, is_constant, make_stationary

AR_MAX_ORDER = 8
UNITS = {"W": "week", "M": "month", "Q": "quarter", "D": "day", "Y": "year", "A": "year"}


def minimum_points(max_lag: int) -> int:
    """Common periods needed: Granger at order ``max_lag`` fits ``2·max_lag + 1`` coefficients
    on ``n − max_lag`` points and should keep at least 10 residual degrees of freedom, after
    up to two differences."""
    return 3 * max_lag + 13


def lead_lag(
    driver: pd.Series,
    outcome: pd.Series,
    max_lag: int = 8,
    *,
    alpha: float = 0.05,
    period: int | None = None,
) -> LeadLagResult:
    """Lead-lag evidence between two KPI series indexed by period (see the module docstring).

    ``period`` is the seasonal cycle in periods; by default it follows the frequency (52 for
    weeks, 12 for months, 4 for quarters, 7 for days). Raises ``EvidenceInputError`` (a
    ``ValueError``) for series that cannot be analysed.
    """
    driver_name = str(driver.name) if driver.name is not None else "driver"
    outcome_name = str(outcome.name) if outcome.name is not None else "outcome"
    if driver_name == outcome_name:
        driver_name, outcome_name = f"{driver_name} (driver)", f"{outcome_name} (outcome)"
    found = _analyse(outcome, outcome_name, {driver_name: driver}, max_lag, alpha, period)
    return found.results[0]


def screen(
    outcome: pd.Series,
    candidates: Mapping[str, pd.Series],
    max_lag: int = 8,
    *,
    alpha: float = 0.05,
    period: int | None = None,
) -> ScreenResult:
    """Every candidate driver against one outcome, with BH across all pairs and lags.

    Candidates are ranked: those found to lead the outcome first, by the q of their lead;
    then the others by their q-value.
    """
    if not candidates:
        raise EvidenceInputError("no candidate drivers to screen")
    outcome_name = str(outcome.name) if outcome.name is not None else "outcome"
    return _analyse(outcome, outcome_name, candidates, max_lag, alpha, period)


@dataclass(frozen=True)
class _Prepared:
    name: str
    driver: StationarySeries
    outcome: StationarySeries
    index: pd.Index


def _analyse(
    outcome: pd.Series,
    outcome_name: str,
    candidates: Mapping[str, pd.Series],
    max_lag: int,
    alpha: float,
    period: int | None,
) -> ScreenResult:
    if isinstance(max_lag, bool) or not isinstance(max_lag, int | np.integer) or max_lag < 1:
        raise EvidenceInputError(f"max_lag must be a whole number ≥ 1, not {max_lag!r}")
    if not 0 < alpha < 1:
        raise EvidenceInputError(f"alpha must lie between 0 and 1, not {alpha!r}")
    if period is not None and (isinstance(period, bool) or period < 2):
        raise EvidenceInputError(f"period must be a whole number ≥ 2 or None, not {period!r}")
    max_lag = int(max_lag)
    prepared, unit = _prepare(outcome, outcome_name, candidates, max_lag, alpha, period)
    complete = _raw_of(prepared, max_lag, alpha)
    p_matrix = np.stack([r.all_p_values for r in complete])
    q_matrix = bh_adjust(p_matrix)
    results = [
        _result(item, statistics, q, outcome_name, unit, max_lag, alpha)
        for item, statistics, q in zip(prepared, complete, q_matrix, strict=True)
    ]
    results.sort(key=rank_key)
    return ScreenResult(outcome_name, max_lag, alpha, int(p_matrix.size), tuple(results))


def _raw_of(prepared: list[_Prepared], max_lag: int, alpha: float) -> list[_Raw]:
    """The statistics of every prepared pair, batched by common stationary sample."""
    groups: dict[tuple[object, object, int], list[int]] = {}
    for position, item in enumerate(prepared):
        key = (item.index[0], item.index[-1], len(item.index))
        groups.setdefault(key, []).append(position)
    raw: list[_Raw | None] = [None] * len(prepared)
    for members in groups.values():
        for position, statistics in zip(
            members, _statistics([prepared[m] for m in members], max_lag, alpha), strict=True
        ):
            raw[position] = statistics
    return [r for r in raw if r is not None]


def edge_family(
    edges: Sequence[tuple[pd.Series, pd.Series]],
    max_lag: int = 8,
    *,
    alpha: float = 0.05,
    period: int | None = None,
) -> list[LeadLagResult | EvidenceInputError]:
    """Lead-lag evidence for many (driver, outcome) pairs with *different* outcomes — the
    edges of a KPI tree — with one Benjamini–Hochberg family across all of them.

    A pair that cannot be analysed (too few common periods, a constant series) gets its
    ``EvidenceInputError`` in its place instead of failing the family; it takes no part in
    the false discovery control.
    """
    if isinstance(max_lag, bool) or not isinstance(max_lag, int | np.integer) or max_lag < 1:
        raise EvidenceInputError(f"max_lag must be a whole number ≥ 1, not {max_lag!r}")
    if not 0 < alpha < 1:
        raise EvidenceInputError(f"alpha must lie between 0 and 1, not {alpha!r}")
    max_lag = int(max_lag)
    slots: list[LeadLagResult | EvidenceInputError | None] = [None] * len(edges)
    prepared: list[_Prepared] = []
    positions: list[int] = []
    units: list[str] = []
    outcome_names: list[str] = []
    for position, (driver, outcome) in enumerate(edges):
        outcome_name = str(outcome.name) if outcome.name is not None else "outcome"
        driver_name = str(driver.name) if driver.name is not None else "driver"
        try:
            items, unit = _prepare(
                outcome, outcome_name, {driver_name: driver}, max_lag, alpha, period
            )
        except EvidenceInputError as error:
            slots[position] = error
            continue
        prepared += items
        positions.append(position)
        units.append(unit)
        outcome_names.append(outcome_name)
    if prepared:
        complete = _raw_of(prepared, max_lag, alpha)
        q_matrix = bh_adjust(np.stack([r.all_p_values for r in complete]))
        for position, item, statistics, q, unit, name in zip(
            positions, prepared, complete, q_matrix, units, outcome_names, strict=True
        ):
            slots[position] = _result(item, statistics, q, name, unit, max_lag, alpha)
    return [slot for slot in slots if slot is not None]


def _prepare(
    outcome: pd.Series,
    outcome_name: str,
    candidates: Mapping[str, pd.Series],
    max_lag: int,
    alpha: float,
    period: int | None,
) -> tuple[list[_Prepared], str]:
    """Align, check and make stationary; the outcome once per distinct common range."""
    prepared: list[_Prepared] = []
    outcome_cache: dict[tuple[object, object, int | None], StationarySeries] = {}
    unit = "period"
    for name, candidate in candidates.items():
        driver, aligned_outcome, freq = align(
            candidate, outcome, minimum_points(max_lag), (str(name), outcome_name)
        )
        unit = UNITS.get(freq[:1], "period") if not freq[:1].isdigit() else "period"
        season = period if period is not None else seasonal_period(freq)
        span = (aligned_outcome.index[0], aligned_outcome.index[-1])
        stationary_outcome = _cached(outcome_cache, span, aligned_outcome, season, alpha, None)
        stationary_driver = make_stationary(driver, period=season, alpha=alpha)
        order = max(stationary_driver.record.differences, stationary_outcome.record.differences)
        if stationary_driver.record.differences < order:
            stationary_driver = make_stationary(
                driver, period=season, alpha=alpha, differences=order
            )
        if stationary_outcome.record.differences < order:
            stationary_outcome = _cached(outcome_cache, span, aligned_outcome, season, alpha, order)
        common = stationary_driver.values.index.intersection(stationary_outcome.values.index)
        for label, series in ((name, stationary_driver), (outcome_name, stationary_outcome)):
            if is_constant(_values_on(series.values, common)):
                raise EvidenceInputError(
                    f"{label} is constant once made stationary ({', '.join(series.record.steps)})"
                    ": a steady trend has no movements to lead or follow"
                )
        prepared.append(_Prepared(str(name), stationary_driver, stationary_outcome, common))
    return prepared, unit


def _cached(
    cache: dict[tuple[object, object, int | None], StationarySeries],
    span: tuple[object, object],
    outcome: pd.Series,
    season: int | None,
    alpha: float,
    differences: int | None,
) -> StationarySeries:
    """The outcome made stationary once per common range and differencing order."""
    key = (*span, differences)
    if key not in cache:
        cache[key] = make_stationary(outcome, period=season, alpha=alpha, differences=differences)
    return cache[key]


@dataclass(frozen=True)
class _Raw:
    """Everything computed for one pair before the false discovery control."""

    correlations: np.ndarray
    counts: np.ndarray
    ccf_p: np.ndarray
    granger_forward: np.ndarray
    granger_backward: np.ndarray
    order: int
    effects: np.ndarray
    """Slope of the outcome on the driver at lags 0…max_lag (driver first)."""
    effect_ses: np.ndarray
    effect_dfs: np.ndarray
    driver_typical_change: float
    """Standard deviation of the stationary driver: the size of a typical move."""

    @property
    def all_p_values(self) -> np.ndarray:
        return np.concatenate([self.ccf_p, self.granger_forward, self.granger_backward])


def _statistics(group: list[_Prepared], max_lag: int, alpha: float) -> list[_Raw]:
    """The batched computation for candidates that share their stationary sample."""
    index = group[0].index
    drivers = np.stack([_values_on(item.driver.values, index) for item in group])
    outcomes = np.stack([_values_on(item.outcome.values, index) for item in group])
    n = len(index)
    max_order = max(1, min(AR_MAX_ORDER, n // 10))
    orders = _batch.select_ar_order(drivers, max_order)
    coefficients = _batch.fit_ar(drivers, orders, max_order)
    correlations, counts, ccf_p = _batch.lagged_correlations(
        _batch.prewhiten(drivers, coefficients, orders),
        _batch.prewhiten(outcomes, coefficients, orders),
        max_lag,
    )
    forward = _batch.granger_pvalues(outcomes, drivers, max_lag)
    backward = _batch.granger_pvalues(drivers, outcomes, max_lag)
    # the effect at every driver-first lag 0…max_lag: the verdict states it at the lag it
    # names (the lead's lag when the driver leads), so all are kept until the direction is known
    hac_lags = math.floor(4 * (n / 100) ** (2 / 9))
    slopes, errors, dfs = [], [], []
    for lag in range(max_lag + 1):
        shifted = np.full_like(drivers, np.nan)
        shifted[:, lag:] = drivers[:, : n - lag]
        slope, error, df = _batch.hac_slope(outcomes, shifted, hac_lags)
        slopes.append(slope)
        errors.append(error)
        dfs.append(df)
    slope_matrix, error_matrix, df_matrix = (np.stack(m, axis=1) for m in (slopes, errors, dfs))
    typical = np.nanstd(drivers, axis=1, ddof=1)
    return [
        _Raw(
            correlations=correlations[i],
            counts=counts[i],
            ccf_p=ccf_p[i],
            granger_forward=forward[i],
            granger_backward=backward[i],
            order=int(orders[i]),
            effects=slope_matrix[i],
            effect_ses=error_matrix[i],
            effect_dfs=df_matrix[i],
            driver_typical_change=float(typical[i]),
        )
        for i in range(len(group))
    ]


def _values_on(series: pd.Series, index: pd.Index) -> np.ndarray:
    """The series' values on ``index`` (a subset of its own), by position when it is all."""
    if series.index.equals(index):
        return series.to_numpy()
    return series.to_numpy()[series.index.get_indexer(index)]


def _min_with_position(values: np.ndarray) -> tuple[float, int]:
    if np.all(np.isnan(values)):
        return math.nan, 0
    position = int(np.nanargmin(values))
    return float(values[position]), position


def _result(
    item: _Prepared,
    raw: _Raw,
    q: np.ndarray,
    outcome_name: str,
    unit: str,
    max_lag: int,
    alpha: float,
) -> LeadLagResult:
    width = 2 * max_lag + 1
    ccf_q = q[:width]  # the Granger p-values are in the BH family but confirm on their own
    # each side: its best cross-correlation (BH q) confirmed by Granger at that lag as order
    driver_leads_q, forward_lag = _min_with_position(ccf_q[max_lag + 1 :])
    outcome_leads_q, backward_lag = _min_with_position(ccf_q[:max_lag][::-1])
    forward_order, backward_order = forward_lag + 1, backward_lag + 1
    forward_p = float(raw.granger_forward[forward_order - 1])
    backward_p = float(raw.granger_backward[backward_order - 1])
    _, best = _min_with_position(raw.ccf_p)
    correlation, count = float(raw.correlations[best]), int(raw.counts[best])
    z = stats.norm.ppf(1 - alpha / 2)
    half_width = z / math.sqrt(max(count - 3, 1))
    centre = math.atanh(min(max(correlation, -0.999999), 0.999999))
    direction = _direction(
        _Side(driver_leads_q, float(np.nanmin(raw.ccf_p[max_lag + 1 :])), forward_p),
        _Side(outcome_leads_q, float(np.nanmin(raw.ccf_p[:max_lag])), backward_p),
        max_lag,
        alpha,
    )
    # the lag the verdict names: the lead's own lag, never the overall best (which may be 0)
    lead_lag = {"driver leads": forward_order, "outcome leads": -backward_order}.get(direction, 0)
    if direction == "driver leads":
        effect_lag = forward_order
    else:  # the driver-first lag (0…max_lag) with the smallest p, as before
        driver_first = np.where(np.isnan(raw.ccf_p), np.inf, raw.ccf_p)[max_lag:]
        effect_lag = int(np.argmin(driver_first))
    effect = float(raw.effects[effect_lag])
    effect_se = float(raw.effect_ses[effect_lag])
    t = float(stats.t.ppf(1 - alpha / 2, max(int(raw.effect_dfs[effect_lag]), 1)))
    both_logged = item.driver.record.log and item.outcome.record.log
    same_scale = item.driver.record.differences == item.outcome.record.differences
    fields = {
        "driver": item.name,
        "outcome": outcome_name,
        "unit": unit,
        "n": len(item.index),
        "max_lag": max_lag,
        "alpha": alpha,
        "direction": direction,
        "best_lag": best - max_lag,
        "lead_lag": lead_lag,
        "lead_correlation": float(raw.correlations[max_lag + lead_lag]),
        "lead_q": float(ccf_q[max_lag + lead_lag]),
        "correlation": correlation,
        "correlation_ci": (math.tanh(centre - half_width), math.tanh(centre + half_width)),
        "p_value": float(raw.ccf_p[best]),
        "q_value": float(ccf_q[best]),
        "driver_leads_q": driver_leads_q,
        "outcome_leads_q": outcome_leads_q,
        "granger_p_driver_to_outcome": forward_p,
        "granger_order_driver_to_outcome": forward_order,
        "granger_p_outcome_to_driver": backward_p,
        "granger_order_outcome_to_driver": backward_order,
        "effect": effect,
        "effect_ci": (effect - t * effect_se, effect + t * effect_se),
        "effect_lag": effect_lag,
        "effect_kind": "elasticity" if both_logged and same_scale else "slope",
        "driver_typical_change": raw.driver_typical_change,
        "prewhitening_order": raw.order,
        "lags": tuple(range(-max_lag, max_lag + 1)),
        "correlations": tuple(float(v) for v in raw.correlations),
        "p_values": tuple(float(v) for v in raw.ccf_p),
        "q_values": tuple(float(v) for v in ccf_q),
        "granger_p_forward": tuple(float(v) for v in raw.granger_forward),
        "granger_p_backward": tuple(float(v) for v in raw.granger_backward),
        "driver_transform": item.driver.record,
        "outcome_transform": item.outcome.record,
    }
    return LeadLagResult(**fields, verdict=verdict(fields))  # type: ignore[arg-type]


@dataclass(frozen=True)
class _Side:
    """One direction's evidence: its best lag's BH q and raw p, and Granger's p at that lag."""

    q: float
    p: float
    granger_p: float

    def found(self, alpha: float) -> bool:
        return self.q < alpha and self.granger_p < alpha


def _direction(forward: _Side, backward: _Side, max_lag: int, alpha: float) -> Direction:
    """Which side leads. A side is found when its best cross-correlation is a discovery
    (BH) and Granger confirms it at that order (an intersection–union test: both at
    ``alpha``). When both sides are found, the weaker one must also stand on its own —
    Bonferroni over its ``max_lag`` lags — before the verdict becomes feedback: a strong lead
    brings many small p-values, which relaxes the BH threshold for everything else in the
    family, and a chance correlation on the other side must not turn into a claim."""
    driver_leads, outcome_leads = forward.found(alpha), backward.found(alpha)
    if driver_leads and outcome_leads:
        weaker = backward if forward.p <= backward.p else forward
        if weaker.p * max_lag < alpha:
            return "feedback"
        return "driver leads" if weaker is backward else "outcome leads"
    if driver_leads:
        return "driver leads"
    if outcome_leads:
        return "outcome leads"
    return "none"
