"""NPS and CSAT intervals and change tests against hand computation and simulation."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from kpibridge.errors import VoiceInputError
from kpibridge.voice.inputs import NPS_RANGE, check_scores
from kpibridge.voice.nps import csat, csat_change, nps, nps_change, nps_from_counts


def test_nps_value_and_adjusted_wald_interval_by_hand() -> None:
    # 50 promoters, 30 passives, 20 detractors: NPS = 30.
    estimate = nps_from_counts(50, 30, 20)
    assert estimate.value == pytest.approx(30.0)
    assert estimate.n == 100
    # Rocks (2016): n' = 103, p+ = 50.75/103, p- = 20.75/103
    p_plus, p_minus = 50.75 / 103, 20.75 / 103
    half = 1.959963985 * math.sqrt((p_plus + p_minus - (p_plus - p_minus) ** 2) / 103)
    assert estimate.low == pytest.approx(100 * (p_plus - p_minus - half))
    assert estimate.high == pytest.approx(100 * (p_plus - p_minus + half))
    # plain multinomial standard error: sqrt((0.5 + 0.2 − 0.09) / 100) = 0.0781
    assert estimate.standard_error == pytest.approx(100 * math.sqrt(0.61 / 100))


def test_nps_interval_covers_about_95_percent() -> None:
    rng = np.random.default_rng(5)
    probabilities = np.array([0.3, 0.3, 0.4])  # detractor, passive, promoter: NPS = 10
    covered = 0
    for _ in range(2000):
        d, pa, pr = rng.multinomial(60, probabilities)
        estimate = nps_from_counts(int(pr), int(pa), int(d))
        covered += estimate.low <= 10.0 <= estimate.high
    assert 0.93 <= covered / 2000 <= 0.97


def test_nps_change_is_a_z_test_and_significant_only_when_it_is() -> None:
    before = nps(np.array([10] * 40 + [8] * 30 + [3] * 30))  # NPS 10
    after = nps(np.array([10] * 45 + [8] * 30 + [3] * 25))  # NPS 20
    change = nps_change(before, after)
    variance = (0.4 + 0.3 - 0.01) / 100 + (0.45 + 0.25 - 0.04) / 100
    assert change.difference == pytest.approx(10.0)
    assert change.z == pytest.approx(0.10 / math.sqrt(variance))
    assert change.p_value == pytest.approx(2 * stats.norm.sf(change.z))
    assert not change.significant
    big = nps(np.array([10] * 450 + [8] * 300 + [3] * 250))
    small = nps(np.array([10] * 300 + [8] * 300 + [3] * 400))
    assert nps_change(small, big).significant


def test_csat_wilson_interval_and_pooled_test_match_statsmodels() -> None:
    from statsmodels.stats.proportion import proportion_confint, proportions_ztest

    before, after = csat(np.array([5] * 70 + [2] * 30)), csat(np.array([4] * 160 + [1] * 40))
    low, high = proportion_confint(160, 200, method="wilson")
    assert (after.low, after.high) == pytest.approx((low, high))
    z, p = proportions_ztest([160, 70], [200, 100])
    change = csat_change(before, after)
    assert change.z == pytest.approx(z)
    assert change.p_value == pytest.approx(p)


def test_out_of_range_score_names_the_row_and_nulls_are_counted() -> None:
    ids = pd.Series([11, 12, 13, 14])
    values, missing = check_scores(pd.Series([9, None, 0, 10]), ids, NPS_RANGE, "surveys")
    assert list(values) == [9, 0, 10]
    assert missing == 1
    with pytest.raises(VoiceInputError, match=r"surveys: nps .* row 13 has 11"):
        check_scores(pd.Series([9, None, 11, 10]), ids, NPS_RANGE, "surveys")
    with pytest.raises(VoiceInputError, match="row 12"):
        check_scores(pd.Series([9, 7.5, 1, 10]), ids, NPS_RANGE, "surveys")
