"""Budget plans never break a constraint, whatever the optimiser answers, and say which
constraint makes a budget impossible. (The real PyMC-Marketing optimiser on a fitted model:
``test_mmm_fit.py``.)"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize

from kpibridge.errors import BudgetConstraintError
from kpibridge.mmm.optimise import Constraints, bounds, expected_outcome, plan_budget, project
from kpibridge.mmm.readout import Posterior

CHANNELS = ["search", "social", "display", "video"]
CURRENT = np.array([52_000.0, 26_000.0, 20_000.0, 12_000.0])  # last 13 weeks


def _posterior() -> Posterior:
    rng = np.random.default_rng(4)
    draws = 30
    return Posterior(
        channels=CHANNELS,
        alpha=rng.uniform(0.1, 0.6, (draws, 4)),
        lam=rng.uniform(0.8, 2.5, (draws, 4)),
        beta=np.column_stack(
            [
                rng.uniform(0.1, 0.3, draws),
                rng.uniform(0.1, 0.4, draws),
                np.full(draws, 1e-4),
                rng.uniform(0.05, 0.2, draws),
            ]
        ),
        channel_scale=np.array([6000.0, 3000.0, 2500.0, 2000.0]),
        target_scale=60_000.0,
        l_max=8,
    )


def _arbitrary(seed: int):
    def solve(total: float, limits: np.ndarray, start: np.ndarray) -> np.ndarray:
        rng = np.random.default_rng(seed)
        return rng.uniform(-total, 2 * total, len(start))

    return solve


def _scipy(posterior: Posterior, weeks: int):
    def solve(total: float, limits: np.ndarray, start: np.ndarray) -> np.ndarray:
        def loss(x: np.ndarray) -> float:
            return -float(expected_outcome(posterior, x * weeks, weeks).mean()) / 1e4

        result = minimize(
            loss,
            start,
            method="SLSQP",
            bounds=[tuple(b) for b in limits],
            constraints=[{"type": "eq", "fun": lambda x: x.sum() - total}],
        )
        return np.asarray(result.x)

    return solve


amounts = st.floats(min_value=0.0, max_value=80_000.0, allow_nan=False)


@settings(max_examples=150, deadline=None)
@given(
    budget=st.floats(min_value=1_000.0, max_value=300_000.0),
    minimum=st.dictionaries(st.sampled_from(CHANNELS), amounts, max_size=4),
    maximum=st.dictionaries(st.sampled_from(CHANNELS), amounts, max_size=4),
    max_change=st.none() | st.floats(min_value=0.0, max_value=1.0),
    seed=st.integers(0, 2**16),
)
def test_a_plan_never_breaks_a_constraint(
    budget: float,
    minimum: dict[str, float],
    maximum: dict[str, float],
    max_change: float | None,
    seed: int,
) -> None:
    constraints = Constraints(budget, 13, minimum, maximum, max_change)
    try:
        plan = plan_budget(_posterior(), CURRENT, constraints, _arbitrary(seed))
    except BudgetConstraintError:
        # only when the constraints leave no plan: check that independently
        low = np.array([minimum.get(c, 0.0) for c in CHANNELS])
        high = np.array([min(maximum.get(c, budget), budget) for c in CHANNELS])
        if max_change is not None:
            low = np.maximum(low, (1 - max_change) * CURRENT)
            high = np.minimum(high, (1 + max_change) * CURRENT)
        assert (
            (low > high + 1e-9 * budget).any()
            or low.sum() > budget * (1 + 1e-9)
            or (high.sum() < budget * (1 - 1e-9))
        )
        return
    x = plan.optimised
    assert abs(x.sum() - budget) <= 1e-6 * budget
    for i, channel in enumerate(CHANNELS):
        assert x[i] >= minimum.get(channel, 0.0) - 1e-6
        assert x[i] <= maximum.get(channel, budget) + 1e-6
        if max_change is not None:
            assert abs(x[i] - CURRENT[i]) <= max_change * CURRENT[i] + 1e-6
    assert (x >= -1e-9).all()


def test_the_plan_beats_the_current_mix_and_moves_money_out_of_display() -> None:
    posterior = _posterior()
    constraints = Constraints(budget=CURRENT.sum(), weeks=13)
    plan = plan_budget(posterior, CURRENT, constraints, _scipy(posterior, 13))
    assert plan.used_optimiser
    assert plan.optimised_outcome.mean > plan.comparison_outcome.mean
    assert plan.gain.mean > 0
    assert plan.optimised[2] < 0.05 * CURRENT[2]  # display does (almost) nothing
    np.testing.assert_allclose(plan.comparison, CURRENT)


def test_a_worse_answer_keeps_the_current_mix() -> None:
    def worst(total: float, limits: np.ndarray, start: np.ndarray) -> np.ndarray:
        answer = np.zeros(len(start))
        answer[2] = total  # everything on display
        return answer

    plan = plan_budget(_posterior(), CURRENT, Constraints(budget=CURRENT.sum()), worst)
    assert not plan.used_optimiser
    np.testing.assert_allclose(plan.optimised, CURRENT)


@pytest.mark.parametrize(
    ("constraints", "message"),
    [
        (Constraints(0.0), "--budget must be a positive amount"),
        (Constraints(1e5, minimum={"tv": 1.0}), "no channel 'tv' in the model"),
        (
            Constraints(1e5, minimum={"search": 60_000, "social": 50_000}),
            "minima add up to 110,000.00",
        ),
        (Constraints(1e5, maximum=dict.fromkeys(CHANNELS, 10000)), "maxima add up to 40,000.00"),
        (Constraints(2e5, max_change=0.2), "maxima add up to 132,000.00, less than the budget"),
        (
            Constraints(1e5, minimum={"video": 20_000}, max_change=0.2),
            "video: its minimum 20,000.00 is above its maximum 14,400.00",
        ),
    ],
)
def test_impossible_constraints_are_named(constraints: Constraints, message: str) -> None:
    with pytest.raises(BudgetConstraintError, match=message):
        bounds(CHANNELS, CURRENT, constraints)


def test_project_lands_exactly_on_the_total() -> None:
    limits = np.array([[0.0, 10.0], [2.0, 3.0], [0.0, 100.0]])
    result = project(np.array([50.0, -4.0, 7.0]), limits, 20.0)
    assert abs(result.sum() - 20.0) < 1e-9
    assert (result >= limits[:, 0]).all()
    assert (result <= limits[:, 1]).all()
