"""Simulated KPI pairs where the truth is known, for calibrating lead-lag evidence.

Each series is a random walk with drift whose weekly steps are AR(1) (momentum, as KPI growth
has), plus a yearly cycle shared by both series (the same calendar drives both, which is what
makes naive correlations of levels lie):

    step_t      = drift + e_t,              e_t = φ e_{t−1} + ε_t,  ε_t ~ N(0, 1)
    outcome_t   = drift' + β e_{t−L} + u_t, u_t = ψ u_{t−1} + η_t,  η_t ~ N(0, 1)
    x_t         = Σ_{s ≤ t} step_s + A sin(2π t / 52 + phase)

With ``β = 0`` the two series are independent (the null); with ``β > 0`` the driver leads the
outcome by ``L`` periods on the stationary (differenced) scale, where the effect is planted —
a campaign this week lifts sales growth L weeks later. ``φ = 0.4, ψ = 0.3, β = 0.5`` give a
correlation of about 0.46 between the outcome's and the driver's steps at the planted lag
(0.44 once the outcome is prewhitened with the driver's filter): a moderate effect.

**Scale.** By default the steps are growth in percent, ``level_t = 100·exp(x_t / 100)``: KPIs
such as revenue or sessions grow multiplicatively (a step of 1 is about 1 % a week), which is
the scale the method reads (log-differences, elasticities). ``scale="additive"`` gives
``level_t = 100 + x_t`` instead — steps of fixed size around a level of 100 that can wander to
a third of it or below zero, where the log the method takes distorts a linear relation; the
benchmark reports both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

Scale = Literal["growth", "additive"]
BURN_IN = 60
WEEKS_PER_YEAR = 52


@dataclass(frozen=True)
class PairDesign:
    """Parameters of one simulated (driver, outcome) pair."""

    n: int = 104
    lead: int = 0
    strength: float = 0.0
    driver_ar: float = 0.4
    outcome_ar: float = 0.3
    drift_scale: float = 0.3
    season_amplitude: float = 4.0
    scale: Scale = "growth"


def _ar1(rng: np.random.Generator, size: int, coefficient: float) -> np.ndarray:
    shocks = rng.standard_normal(size)
    values = np.empty(size)
    values[0] = shocks[0]
    for t in range(1, size):  # a short recursion; lfilter would hide the model
        values[t] = coefficient * values[t - 1] + shocks[t]
    return values


def simulate_pair(
    rng: np.random.Generator, design: PairDesign = PairDesign(), start: str = "2023-01-02"
) -> tuple[pd.Series, pd.Series]:
    """One (driver, outcome) pair of weekly levels indexed by week (Mondays)."""
    total = design.n + BURN_IN
    driver_noise = _ar1(rng, total, design.driver_ar)
    outcome_noise = _ar1(rng, total, design.outcome_ar)
    lagged = np.roll(driver_noise, design.lead)
    driver_steps = rng.normal(0, design.drift_scale) + driver_noise
    outcome_steps = rng.normal(0, design.drift_scale) + design.strength * lagged + outcome_noise
    phase = rng.uniform(0, 2 * np.pi)
    amplitude = design.season_amplitude * rng.uniform(0.5, 1.5, size=2)
    weeks = np.arange(design.n)
    cycle = np.sin(2 * np.pi * weeks / WEEKS_PER_YEAR + phase)
    index = pd.date_range(start, periods=design.n, freq="W-MON")
    driver = np.cumsum(driver_steps)[BURN_IN:] + amplitude[0] * cycle
    outcome = np.cumsum(outcome_steps)[BURN_IN:] + amplitude[1] * cycle
    if design.scale == "growth":
        driver, outcome = 100 * np.exp(driver / 100), 100 * np.exp(outcome / 100)
    else:
        driver, outcome = 100 + driver, 100 + outcome
    return (
        pd.Series(driver, index=index, name="driver"),
        pd.Series(outcome, index=index, name="outcome"),
    )
