"""Generalized ESD against Rosner's (1983) published example, as tabulated by NIST."""

from __future__ import annotations

import numpy as np
import pytest

from kpibridge.evidence.monitor.esd import generalized_esd

# Rosner (1983), Technometrics 25(2); NIST/SEMATECH e-Handbook §1.3.5.17.3.
ROSNER_TEXT = """
-0.25 0.68 0.94 1.15 1.20 1.26 1.26 1.34 1.38 1.43 1.49 1.49 1.55 1.56 1.58 1.65 1.69 1.70
1.76 1.77 1.81 1.91 1.94 1.96 1.99 2.06 2.09 2.10 2.14 2.15 2.23 2.24 2.26 2.35 2.37 2.40
2.47 2.54 2.62 2.64 2.90 2.92 2.92 2.93 3.21 3.26 3.30 3.59 3.68 4.30 4.64 5.34 5.42 6.01
"""
ROSNER = [float(value) for value in ROSNER_TEXT.split()]  # as NIST prints it
# NIST's table: R_i and λ_i for i = 1 … 10 (printed to three decimals).
NIST_R = [3.118, 2.942, 3.179, 2.810, 2.815, 2.848, 2.279, 2.310, 2.101, 2.067]
NIST_LAMBDA = [3.158, 3.151, 3.143, 3.136, 3.128, 3.120, 3.111, 3.103, 3.094, 3.085]


def test_rosner_example_gives_three_outliers() -> None:
    assert len(ROSNER) == 54
    result = generalized_esd(ROSNER, max_outliers=10, alpha=0.05)
    assert result.outliers == 3
    assert sorted(ROSNER[i] for i in result.outlier_positions) == [5.34, 5.42, 6.01]
    # NIST prints values that are cut, not rounded, at the third decimal: allow 0.0015.
    assert result.statistics == pytest.approx(NIST_R, abs=1.5e-3)
    assert result.critical_values == pytest.approx(NIST_LAMBDA, abs=1.5e-3)


def test_largest_exceeding_step_counts_not_the_first_failure() -> None:
    result = generalized_esd(ROSNER, max_outliers=10)
    # Steps 1 and 2 do not exceed λ, step 3 does: masking, and all three are outliers.
    assert result.statistics[0] < result.critical_values[0]
    assert result.statistics[2] > result.critical_values[2]


def test_robust_variant_finds_a_planted_outlier_in_normal_noise() -> None:
    values = np.random.default_rng(1).normal(0, 1, 200)
    values[50] = 9.0
    result = generalized_esd(values, max_outliers=10, robust=True)
    assert result.outlier_positions == (50,)


@pytest.mark.parametrize("max_outliers", [0, 52])
def test_bad_outlier_count_is_refused(max_outliers: int) -> None:
    with pytest.raises(ValueError, match="max_outliers"):
        generalized_esd(ROSNER, max_outliers=max_outliers)
