"""Calibration: lead_lag on simulated KPI pairs where the truth is known.

The simulation model is documented in ``kpibridge.evidence.leadlag_simulation``; the benchmark
``benchmarks/evidence_calibration.py`` runs more simulations and prints the rates. Fixed seeds:
these are reproducible numbers, with bounds at about two simulation standard errors.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from kpibridge.evidence.leadlag import lead_lag
from kpibridge.evidence.leadlag_simulation import PairDesign, simulate_pair

ALPHA = 0.05


def test_independent_walks_are_rarely_flagged_while_naive_correlation_is_fooled() -> None:
    rng = np.random.default_rng(104)
    simulations = 500
    flagged = naive = 0
    for _ in range(simulations):
        driver, outcome = simulate_pair(rng)
        result = lead_lag(driver, outcome)
        flagged += min(result.q_values) < ALPHA or result.direction != "none"
        naive += stats.pearsonr(driver, outcome).pvalue < ALPHA
    # 5% plus two binomial standard errors at 500 simulations (≈ 1.95 points)
    assert flagged / simulations <= 0.0695
    assert naive / simulations >= 0.3


@pytest.mark.parametrize("lead", [1, 2, 3, 4])
def test_planted_leads_are_found_at_the_right_lag(lead: int) -> None:
    """β = 0.5, the moderate lead of the goal (≥ 90 % found at the right lag): a correlation of
    about 0.46 between the outcome's and the driver's weekly steps at the planted lag. The
    bound is 90 % less two binomial standard errors at 100 simulations (6 points); the
    benchmark runs 250 per lag."""
    rng = np.random.default_rng(1000 + lead)
    simulations = 100
    right = reverse = 0
    for _ in range(simulations):
        driver, outcome = simulate_pair(rng, PairDesign(lead=lead, strength=0.5))
        result = lead_lag(driver, outcome)
        right += (
            result.direction in ("driver leads", "feedback")
            and result.best_lag == lead
            and result.q_value < ALPHA
        )
        reverse += result.direction in ("outcome leads", "feedback")
    assert right / simulations >= 0.84
    assert reverse / simulations <= 0.1
