"""BG/NBD against simulation of the model itself: predictions match what simulated customers
do, and fitting simulated customers recovers the parameters that generated them.

Truth: the CDNOW estimates (r = 0.243, α = 4.414, a = 0.793, b = 2.426), customers of ages
spread over 27–39 weeks like the CDNOW cohort, followed 39 weeks further. Tolerances are a
few Monte-Carlo standard errors at the sizes used; seeds are fixed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kpibridge.evidence.clv import (
    BGNBDParameters,
    expected_purchases,
    expected_purchases_new_customer,
    fit_bgnbd,
    probability_alive,
    simulate_bgnbd,
)

TRUTH = BGNBDParameters(r=0.243, alpha=4.414, a=0.793, b=2.426)


@pytest.fixture(scope="module")
def customers() -> pd.DataFrame:
    rng = np.random.default_rng(20050101)
    return simulate_bgnbd(TRUTH, 40_000, rng.uniform(27.0, 39.0, 40_000), rng, holdout=39.0)


def test_probability_alive_matches_the_simulated_truth(customers: pd.DataFrame) -> None:
    alive = probability_alive(TRUTH, customers["frequency"], customers["recency"], customers["T"])
    np.testing.assert_array_equal(alive[customers["frequency"] == 0], 1.0)
    assert customers.loc[customers["frequency"] == 0, "alive"].all()
    repeat = customers["frequency"] > 0
    assert alive[repeat].mean() == pytest.approx(customers.loc[repeat, "alive"].mean(), abs=0.015)
    # Calibration in bins of predicted probability.
    bins = pd.Series(pd.cut(alive[repeat], [0.0, 0.25, 0.5, 0.75, 1.0]))
    observed = (
        customers.loc[repeat, "alive"].reset_index(drop=True).groupby(bins, observed=True).mean()
    )
    predicted = pd.Series(alive[repeat]).groupby(bins, observed=True).mean()
    np.testing.assert_allclose(observed.to_numpy(), predicted.to_numpy(), atol=0.04)


def test_expected_purchases_match_simulated_holdout(customers: pd.DataFrame) -> None:
    expected = expected_purchases(
        TRUTH, 39.0, customers["frequency"], customers["recency"], customers["T"]
    )
    actual = customers["holdout_purchases"]
    assert expected.sum() == pytest.approx(actual.sum(), rel=0.03)
    for frequency in range(5):
        chosen = (customers["frequency"] == frequency).to_numpy()
        assert expected[chosen].mean() == pytest.approx(actual[chosen].mean(), rel=0.08)
    history = (customers["frequency"], customers["recency"], customers["T"])
    np.testing.assert_array_equal(expected_purchases(TRUTH, 0.0, *history), 0.0)


def test_expected_purchases_of_a_new_customer_match_simulation() -> None:
    rng = np.random.default_rng(7)
    fresh = simulate_bgnbd(TRUTH, 40_000, 39.0, rng)
    predicted = float(expected_purchases_new_customer(TRUTH, 39.0))
    assert predicted == pytest.approx(fresh["frequency"].mean(), rel=0.04)


def test_fit_recovers_the_parameters_of_simulated_customers() -> None:
    rng = np.random.default_rng(11)
    simulated = simulate_bgnbd(TRUTH, 10_000, rng.uniform(27.0, 39.0, 10_000), rng)
    fit = fit_bgnbd(simulated["frequency"], simulated["recency"], simulated["T"])
    found = fit.parameters
    assert fit.converged
    assert found.r == pytest.approx(TRUTH.r, rel=0.15)
    assert found.alpha == pytest.approx(TRUTH.alpha, rel=0.25)
    assert found.a == pytest.approx(TRUTH.a, rel=0.35)
    assert found.b == pytest.approx(TRUTH.b, rel=0.45)
    # What matters downstream is better determined than a and b separately.
    mean_drop_out = found.a / (found.a + found.b)
    assert mean_drop_out == pytest.approx(TRUTH.a / (TRUTH.a + TRUTH.b), rel=0.15)
