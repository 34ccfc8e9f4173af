"""Benjamini–Hochberg q-values against the 1995 paper's worked example and statsmodels."""

from __future__ import annotations

import numpy as np
import pytest
from statsmodels.stats.multitest import multipletests

from kpibridge.evidence.fdr import bh_adjust

# Benjamini & Hochberg (1995), section 4: 15 p-values from a study of myocardial infarction;
# the step-up procedure at q = 0.05 rejects the four smallest.
BH_1995 = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240,
           0.4262, 0.5719, 0.6528, 0.7590, 1.000]  # fmt: skip


def test_worked_example_rejects_four() -> None:
    q = bh_adjust(BH_1995)
    assert (q < 0.05).sum() == 4
    assert np.flatnonzero(q < 0.05).tolist() == [0, 1, 2, 3]


@pytest.mark.parametrize("seed", range(5))
def test_matches_statsmodels(seed: int) -> None:
    rng = np.random.default_rng(seed)
    p = np.concatenate([rng.uniform(size=40), rng.uniform(0, 0.01, size=10)])
    rng.shuffle(p)
    expected = multipletests(p, method="fdr_bh")[1]
    np.testing.assert_allclose(bh_adjust(p), expected, rtol=0, atol=1e-15)


def test_monotone_in_p_and_shape_kept() -> None:
    p = np.random.default_rng(1).uniform(size=(4, 6))
    q = bh_adjust(p)
    assert q.shape == p.shape
    order = np.argsort(p, axis=None)
    assert np.all(np.diff(q.ravel()[order]) >= 0)
    assert np.all(q >= p)


def test_nan_is_left_out_of_the_family() -> None:
    q = bh_adjust([0.01, np.nan, 0.04])
    assert np.isnan(q[1])
    np.testing.assert_allclose(q[[0, 2]], multipletests([0.01, 0.04], method="fdr_bh")[1])
    assert np.isnan(bh_adjust([np.nan, np.nan])).all()


def test_rejects_values_outside_unit_interval() -> None:
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        bh_adjust([0.5, 1.2])
