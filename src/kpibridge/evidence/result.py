"""Result objects of lead-lag analysis: frozen, JSON-ready, with a plain-language verdict.

Engines never print; the CLI and the report render these. Every number a reader needs to
judge the claim is kept (all lags and their q-values, both Granger directions, how each series
was made stationary), so a verdict can always be traced back to its tests.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from typing import Any, Literal, assert_never

import pandas as pd

from kpibridge.evidence.stationarity import StationarityRecord

Direction = Literal["driver leads", "outcome leads", "feedback", "none"]
CAVEAT = "predictive, not proof of cause"


@dataclass(frozen=True)
class LeadLagResult:
    """Does ``driver`` lead ``outcome``, at what lag, how strongly?

    Lags count periods; a positive lag means the driver moves first (driver at ``t``,
    outcome at ``t + lag``). Correlations are between the prewhitened series; q-values are
    Benjamini–Hochberg over every test of the call (all pairs when screening).
    """

    driver: str
    outcome: str
    unit: str
    """What one lag is: "week", "month" …"""
    n: int
    """Periods both series share on the stationary scale."""
    max_lag: int
    alpha: float
    direction: Direction
    best_lag: int
    """The lag of the strongest cross-correlation (0: they move in the same period)."""
    lead_lag: int
    """The lag the direction rests on: +k when the driver leads by k, −k when the outcome
    leads by k, 0 when neither leads. It differs from ``best_lag`` when the strongest
    correlation is same-period but a weaker lagged one is confirmed."""
    lead_correlation: float
    lead_q: float
    correlation: float
    correlation_ci: tuple[float, float]
    p_value: float
    q_value: float
    driver_leads_q: float
    """Smallest q of the cross-correlations at lags ≥ 1 (the driver-first side)."""
    outcome_leads_q: float
    granger_p_driver_to_outcome: float
    """Granger p driver → outcome at the order of the best driver-first lag (below): the
    confirmation the direction needs. All orders are in ``granger_p_forward``."""
    granger_order_driver_to_outcome: int
    granger_p_outcome_to_driver: float
    granger_order_outcome_to_driver: int
    effect: float
    effect_ci: tuple[float, float]
    effect_lag: int
    effect_kind: Literal["elasticity", "slope"]
    """Elasticity when both series are log-differenced alike, else a slope on the stationary
    scale (outcome change per unit of driver change)."""
    driver_typical_change: float
    """Standard deviation of the driver on the stationary scale (log units when logged): the
    size of a typical move. The verdict states the effect per such move whenever "a 1% rise"
    or "one unit" would lie far outside the moves the data holds."""
    prewhitening_order: int
    lags: tuple[int, ...]
    correlations: tuple[float, ...]
    p_values: tuple[float, ...]
    q_values: tuple[float, ...]
    granger_p_forward: tuple[float, ...]
    """Granger p-values driver → outcome at orders 1…max_lag."""
    granger_p_backward: tuple[float, ...]
    driver_transform: StationarityRecord
    outcome_transform: StationarityRecord
    verdict: str

    def to_dict(self) -> dict[str, Any]:
        return _clean(asdict(self))

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent)


@dataclass(frozen=True)
class ScreenResult:
    """Many candidate drivers against one outcome, ranked: the candidates found to lead it
    first, by the q of their lead; then all others by their q (``q_value``)."""

    outcome: str
    max_lag: int
    alpha: float
    tests: int
    """Size of the Benjamini–Hochberg family: every lag and Granger order of every pair."""
    results: tuple[LeadLagResult, ...]
    left_out: tuple[tuple[str, str], ...] = ()
    """Candidates not tested, each with the reason (set by the caller that chose them)."""

    def leads(self) -> tuple[LeadLagResult, ...]:
        """The candidates found to lead the outcome (alone or with feedback)."""
        return tuple(r for r in self.results if r.direction in ("driver leads", "feedback"))

    def to_frame(self) -> pd.DataFrame:
        """One row per candidate with the headline figures, in rank order."""
        columns = (
            "driver",
            "direction",
            "best_lag",
            "correlation",
            "q_value",
            "driver_leads_q",
            "outcome_leads_q",
            "effect",
            "effect_kind",
            "n",
        )
        return pd.DataFrame([{c: getattr(r, c) for c in columns} for r in self.results])

    def to_dict(self) -> dict[str, Any]:
        return _clean(asdict(self))

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent)


def _clean(value: Any) -> Any:
    """JSON has no NaN: missing numbers become null, tuples lists."""
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(item) for item in value]
    return value


def _periods(count: int, unit: str) -> str:
    return f"{count} {unit}{'' if abs(count) == 1 else 's'}"


ADVERBS = {"day": "daily", "week": "weekly", "month": "monthly", "quarter": "quarterly"}
TYPICAL_PERCENT = 1.0
"""A "1% rise" is only stated when a typical move of the (logged) driver is at least this
many percent, i.e. when a 1% rise is something the data holds; otherwise the effect is stated
per typical move, so a slow series (a 12-month trailing value) does not read as "a 1% rise goes
with a −18.77% change"."""
LARGE_ELASTICITY = 5.0
"""An elasticity beyond ±5 (a 1% move going with a 5% one) is implausible for two KPIs of
one business; it comes from an outcome far noisier than the driver, and the verdict says so."""


def rank_key(result: LeadLagResult) -> tuple[bool, float]:
    """Leads first, by the q of the lead; then the rest by their q-value."""
    leads = result.direction in ("driver leads", "feedback")
    q = shown_q(result)
    return (not leads, math.inf if math.isnan(q) else q)


def shown_q(result: LeadLagResult) -> float:
    """The q-value of the relation the verdict states (the lead's when one leads)."""
    return (
        result.lead_q if result.direction in ("driver leads", "outcome leads") else result.q_value
    )


def _number(value: float, digits: int = 2) -> str:
    return f"{value:+.{digits}g}" if value else "0"


def _effect(f: dict[str, Any]) -> str:
    """The effect in words, per 1% or per typical move of the driver (see TYPICAL_PERCENT)."""
    driver, outcome, unit = f["driver"], f["outcome"], f["unit"]
    effect, (low, high) = f["effect"], f["effect_ci"]
    level = round(100 * (1 - f["alpha"]))
    when = f" {_periods(f['effect_lag'], unit)} later" if f["effect_lag"] else " in the same period"
    typical = f["driver_typical_change"]
    driver_logged = f["driver_transform"].log
    outcome_logged = f["outcome_transform"].log
    large = f["effect_kind"] == "elasticity" and abs(effect) > LARGE_ELASTICITY
    caution = (
        f"; {outcome} swings far more than {driver} from {unit} to {unit}, so treat the size "
        "with caution"
        if large
        else ""
    )
    if f["effect_kind"] == "elasticity" and 100 * typical >= TYPICAL_PERCENT and not large:
        return (
            f"a 1% rise in {driver} goes with a {effect:.2f}% change in {outcome}{when} "
            f"({level}% CI {low:.3g} to {high:.3g})"
        )
    if not math.isfinite(typical) or typical == 0:
        return f"one unit more change in {driver} goes with {effect:.3g} in {outcome}{when}"
    move = f"{100 * typical:.2g}%" if driver_logged else f"{typical:.3g}"
    adverb = ADVERBS.get(unit, f"per-{unit}")
    scale = typical * (100 if outcome_logged else 1)
    change = (
        f"a {_number(effect * scale)}% change"
        if outcome_logged
        else f"a change of {_number(effect * scale, 3)}"
    )
    ci = (
        f"{low * scale:.2g}% to {high * scale:.2g}%"
        if outcome_logged
        else f"{low * scale:.3g} to {high * scale:.3g}"
    )
    return (
        f"a typical {adverb} rise in {driver} (+{move}) goes with {change} in {outcome}{when} "
        f"({level}% CI {ci}){caution}"
    )


def verdict(result_fields: dict[str, Any]) -> str:
    """One or two sentences a manager can read, always with the caveat.

    A lead is only ever stated at a lag of at least one period, with the correlation and q
    of that lag; a same-period relation is "moves together", never "leads"."""
    f = result_fields
    driver, outcome, unit, alpha = f["driver"], f["outcome"], f["unit"], f["alpha"]
    level = round(100 * (1 - alpha))
    correlation = (
        f"r = {f['correlation']:.2f}, {level}% CI {f['correlation_ci'][0]:.2f} to "
        f"{f['correlation_ci'][1]:.2f}, q = {f['q_value']:.3g}"
    )
    together = (
        f"; they also move together in the same {unit} ({correlation})"
        if f["best_lag"] == 0 and f["q_value"] < alpha and f["lead_lag"] != 0
        else ""
    )
    at_lead = (
        correlation
        if f["best_lag"] == f["lead_lag"]
        else f"r = {f['lead_correlation']:.2f}, q = {f['lead_q']:.3g}"
    )
    direction: Direction = f["direction"]
    lag = _periods(abs(f["lead_lag"]), unit)
    if direction == "driver leads":
        text = f"{driver} leads {outcome} by {lag} ({at_lead}){together}; {_effect(f)}."
    elif direction == "outcome leads":
        text = f"{outcome} leads {driver} by {lag}, not the other way round ({at_lead}){together}."
    elif direction == "feedback":
        text = (
            f"{driver} and {outcome} each help predict the other (feedback; strongest "
            f"correlation at lag {f['best_lag']:+d} {unit}s, {correlation}); {_effect(f)}."
        )
    elif direction == "none":
        if f["best_lag"] == 0 and f["q_value"] < alpha:
            text = (
                f"{driver} and {outcome} move together in the same {unit} ({correlation}), "
                "but neither leads the other."
            )
        elif f["q_value"] < alpha:
            first = driver if f["best_lag"] > 0 else outcome
            text = (
                f"{driver} and {outcome} are correlated with {first} first (lag "
                f"{f['best_lag']:+d} {unit}s, {correlation}), but the Granger test does not "
                "confirm that direction, so neither is shown to lead."
            )
        else:
            text = (
                f"No lead or lag between {driver} and {outcome} survives the false discovery "
                f"control at q < {alpha:g} (closest: lag {f['best_lag']:+d}, {correlation}; "
                f"n = {f['n']})."
            )
    else:
        assert_never(direction)
    return f"{text} This is {CAVEAT}."
