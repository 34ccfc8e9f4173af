"""Budget plans from a fitted model: PyMC-Marketing's optimiser, with the constraints people have.

PyMC-Marketing's ``BudgetOptimizer`` (SLSQP on the posterior mean of the media contribution,
with per-channel bounds and a fixed total) does the search. kpibridge extends it where it
stops:

* constraints in planners' terms — a total for the whole horizon, per-channel minimum and
  maximum, and "no channel changes by more than ±r from last period" — are turned into the
  per-week bounds it takes, after a feasibility check that names the channel or total at fault;
* its answer is projected onto the constraints exactly (SLSQP may overshoot a bound or the
  total by its tolerance), so a plan never breaks one;
* if the optimiser's answer is not better than the comparison plan (the current mix at the
  same budget, when that is allowed), the comparison plan is kept: a plan is never worse than
  doing what we do now;
* both plans' outcomes are given with 90% intervals from the posterior draws
  (``readout.Posterior``): the spend held constant for the horizon, plus its carry-over after.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from kpibridge.errors import BudgetConstraintError
from kpibridge.mmm.readout import FloatArray, Interval, Posterior

TOLERANCE = 1e-9


@dataclass(frozen=True)
class Constraints:
    """A budget over ``weeks`` weeks; minima and maxima are totals over those weeks."""

    budget: float
    weeks: int = 13
    minimum: dict[str, float] = field(default_factory=dict)
    maximum: dict[str, float] = field(default_factory=dict)
    max_change: float | None = None


def bounds(channels: list[str], current: FloatArray, constraints: Constraints) -> FloatArray:
    """Per-channel [low, high] totals over the horizon, or ``BudgetConstraintError``."""
    budget = constraints.budget
    if not np.isfinite(budget) or budget <= 0:
        raise BudgetConstraintError(f"--budget must be a positive amount, got {budget:g}")
    for name in (*constraints.minimum, *constraints.maximum):
        if name not in channels:
            raise BudgetConstraintError(
                f"no channel {name!r} in the model; it has: {', '.join(channels)}"
            )
    low = np.array([constraints.minimum.get(c, 0.0) for c in channels], dtype=float)
    high = np.array([constraints.maximum.get(c, budget) for c in channels], dtype=float)
    if (low < 0).any() or (high < 0).any():
        raise BudgetConstraintError("a --min or --max is negative")
    if constraints.max_change is not None:
        r = constraints.max_change
        if not r >= 0:
            raise BudgetConstraintError(f"--max-change must be ≥ 0, got {r:g}")
        low = np.maximum(low, (1 - r) * current)
        high = np.minimum(high, (1 + r) * current)
    high = np.minimum(high, budget)
    for channel, lo, hi in zip(channels, low, high, strict=True):
        if lo > hi + TOLERANCE * budget:
            raise BudgetConstraintError(
                f"{channel}: its minimum {lo:,.2f} is above its maximum {hi:,.2f} "
                "(from --min, --max and --max-change together)"
            )
    if low.sum() > budget * (1 + TOLERANCE):
        raise BudgetConstraintError(
            f"the channels' minima add up to {low.sum():,.2f}, more than the budget {budget:,.2f}"
        )
    if high.sum() < budget * (1 - TOLERANCE):
        raise BudgetConstraintError(
            f"the channels' maxima add up to {high.sum():,.2f}, less than the budget "
            f"{budget:,.2f}: raise --max, --max-change or lower --budget"
        )
    return np.column_stack([low, np.maximum(low, high)])


def project(plan: FloatArray, limits: FloatArray, total: float) -> FloatArray:
    """The plan clipped into ``limits`` and shifted by one constant so that it sums to
    ``total`` (bisection on the shift; exact up to float rounding)."""
    low, high = limits[:, 0], limits[:, 1]

    def shifted(shift: float) -> FloatArray:
        return np.clip(plan + shift, low, high)

    lo, hi = -float(high.max() - low.min()) - total, total + float(high.max())
    for _ in range(200):
        middle = 0.5 * (lo + hi)
        if shifted(middle).sum() < total:
            lo = middle
        else:
            hi = middle
    result = shifted(0.5 * (lo + hi))
    # put the last rounding remainder on a channel with room for it
    remainder = total - result.sum()
    room = (high - result) if remainder > 0 else (result - low)
    index = int(np.argmax(room))
    result[index] += np.sign(remainder) * min(abs(remainder), room[index])
    return result


def expected_outcome(posterior: Posterior, plan: FloatArray, weeks: int) -> FloatArray:
    """Media-driven outcome of spending ``plan`` (totals) evenly over ``weeks`` weeks, with
    the carry-over after them, per posterior draw."""
    weekly = np.vstack([np.tile(plan / weeks, (weeks, 1)), np.zeros((posterior.l_max, len(plan)))])
    return posterior.contributions(weekly).sum(axis=(1, 2))


class WeeklyOptimiser(Protocol):
    """Finds per-week channel budgets summing to ``weekly_total`` within ``weekly_bounds``."""

    def __call__(
        self, weekly_total: float, weekly_bounds: FloatArray, start: FloatArray
    ) -> FloatArray: ...


def pymc_optimiser(
    mmm: Any, channels: list[str], weeks: int, start_date: str, end_date: str
) -> WeeklyOptimiser:
    """PyMC-Marketing's budget optimiser for ``weeks`` weeks of the fitted model (compiled once;
    each call re-solves with new bounds and total)."""
    import xarray as xr
    from pymc_marketing.mmm.budget_optimizer import BudgetOptimizer
    from pymc_marketing.mmm.multidimensional import MultiDimensionalBudgetOptimizerWrapper

    wrapper = MultiDimensionalBudgetOptimizerWrapper(  # type: ignore[abstract]
        model=mmm, start_date=start_date, end_date=end_date
    )
    optimizer = BudgetOptimizer(
        model=wrapper,
        num_periods=wrapper.num_periods,
        response_variable="total_media_contribution_original_scale",
    )

    def solve(weekly_total: float, weekly_bounds: FloatArray, start: FloatArray) -> FloatArray:
        limits = xr.DataArray(
            weekly_bounds,
            dims=("channel", "bound"),
            coords={"channel": channels, "bound": ["lower", "upper"]},
        )
        allocation = optimizer.allocate_budget(
            total_budget=weekly_total, budget_bounds=limits, x0=start, return_if_fail=True
        )[0]
        return np.asarray(allocation.sel(channel=channels), dtype=float)

    return solve


@dataclass(frozen=True)
class Plan:
    channels: list[str]
    constraints: Constraints
    current: FloatArray
    comparison: FloatArray
    optimised: FloatArray
    bounds: FloatArray
    optimised_outcome: Interval
    comparison_outcome: Interval
    gain: Interval
    used_optimiser: bool

    def to_dict(self) -> dict[str, object]:
        rows = [
            {
                "channel": channel,
                "last_period": float(self.current[i]),
                "current_mix": float(self.comparison[i]),
                "plan": float(self.optimised[i]),
                "min": float(self.bounds[i, 0]),
                "max": float(self.bounds[i, 1]),
            }
            for i, channel in enumerate(self.channels)
        ]
        return {
            "budget": self.constraints.budget,
            "weeks": self.constraints.weeks,
            "channels": rows,
            "plan_outcome": vars(self.optimised_outcome),
            "current_mix_outcome": vars(self.comparison_outcome),
            "gain": vars(self.gain),
            "interval": "90% credible (5th-95th percentile); media-driven outcome only",
            "optimiser": "pymc-marketing BudgetOptimizer (SLSQP)"
            if self.used_optimiser
            else "kept the current mix: the optimiser found nothing better",
        }


def plan_budget(
    posterior: Posterior, current: FloatArray, constraints: Constraints, optimiser: WeeklyOptimiser
) -> Plan:
    """The best plan the optimiser finds within the constraints, against the current mix.

    ``current`` is each channel's spend over the last ``constraints.weeks`` weeks; the
    comparison plan is that mix scaled to the budget.
    """
    channels = posterior.channels
    limits = bounds(channels, current, constraints)
    weeks = constraints.weeks
    comparison = current / current.sum() * constraints.budget
    comparison_allowed = bool(
        (
            (comparison >= limits[:, 0] * (1 - 1e-12)) & (comparison <= limits[:, 1] * (1 + 1e-12))
        ).all()
    )
    start = project(comparison, limits, constraints.budget)
    found = optimiser(constraints.budget / weeks, limits / weeks, start / weeks) * weeks
    plan = project(np.nan_to_num(found, nan=0.0), limits, constraints.budget)
    outcome = expected_outcome(posterior, plan, weeks)
    baseline = expected_outcome(posterior, comparison, weeks)
    used = True
    if comparison_allowed and outcome.mean() < baseline.mean():
        plan, outcome, used = project(comparison, limits, constraints.budget), baseline, False
    return Plan(
        channels=channels,
        constraints=constraints,
        current=current,
        comparison=comparison,
        optimised=plan,
        bounds=limits,
        optimised_outcome=Interval.of(outcome),
        comparison_outcome=Interval.of(baseline),
        gain=Interval.of(outcome - baseline),
        used_optimiser=used,
    )
