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
    """Many candidate drivers against one outcome, ranked: supported leads first, then by q."""

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


def verdict(result_fields: dict[str, Any]) -> str:
    """One or two sentences a manager can read, always with the caveat."""
    f = result_fields
    driver, outcome, unit, alpha = f["driver"], f["outcome"], f["unit"], f["alpha"]
    level = round(100 * (1 - alpha))
    correlation = (
        f"r = {f['correlation']:.2f}, {level}% CI {f['correlation_ci'][0]:.2f} to "
        f"{f['correlation_ci'][1]:.2f}, q = {f['q_value']:.3g}"
    )
    effect = (
        f"a 1% rise in {driver} goes with a {f['effect']:.2f}% change in {outcome}"
        if f["effect_kind"] == "elasticity"
        else f"one unit more change in {driver} goes with {f['effect']:.3g} in {outcome}"
    )
    effect += (
        f" {_periods(f['effect_lag'], unit)} later" if f["effect_lag"] else " in the same period"
    )
    effect += f" ({level}% CI {f['effect_ci'][0]:.3g} to {f['effect_ci'][1]:.3g})"
    direction: Direction = f["direction"]
    lag = _periods(abs(f["best_lag"]), unit)
    if direction == "driver leads":
        text = f"{driver} leads {outcome} by {lag} ({correlation}); {effect}."
    elif direction == "outcome leads":
        text = f"{outcome} leads {driver}, not the other way round (best lag {lag}, {correlation})."
    elif direction == "feedback":
        text = (
            f"{driver} and {outcome} each help predict the other (feedback; best lag "
            f"{f['best_lag']:+d} {unit}s, {correlation}); {effect}."
        )
    elif direction == "none":
        if f["best_lag"] == 0 and f["q_value"] < alpha:
            text = (
                f"{driver} and {outcome} move together in the same {unit} ({correlation}), "
                "but neither leads the other."
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
