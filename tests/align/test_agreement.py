from __future__ import annotations

import itertools
import json
import math
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from kpibridge.align.agreement import (
    distances_to,
    kendall_distance,
    kendall_w,
    pairwise_distances,
)
from kpibridge.align.profile import Profile, Ranking


def tiers_from_levels(candidates: str, levels: list[int]) -> Ranking:
    """A tiered ranking from one tier number per candidate (smaller = better)."""
    return tuple(
        tuple(c for c, level in zip(candidates, levels, strict=True) if level == value)
        for value in sorted(set(levels))
    )


@pytest.mark.parametrize("seed", range(5))
def test_kendall_w_matches_friedman_with_ties(seed: int) -> None:
    # Oracle: scipy's Friedman χ² (tie-corrected); W = χ²_F / (m (n − 1)).
    rng = np.random.default_rng(seed)
    m, n = 8, 6
    candidates = "abcdef"
    levels = rng.integers(0, 4, size=(m, n))  # few levels: many ties
    profile = Profile(
        tuple(candidates), tuple(tiers_from_levels(candidates, row.tolist()) for row in levels)
    )
    friedman = stats.friedmanchisquare(*levels.T)
    result = kendall_w(profile)
    assert result.w == pytest.approx(friedman.statistic / (m * (n - 1)))
    assert result.chi_square == pytest.approx(friedman.statistic)
    assert result.p_value == pytest.approx(friedman.pvalue)
    assert (result.raters, result.items, result.degrees_of_freedom) == (m, n, n - 1)


def test_partial_rankings_tie_the_unlisted_at_the_bottom() -> None:
    # Voter 2 lists only c: a and b share the average of places 2 and 3.
    partial = Profile(("a", "b", "c"), ((("a",), ("b",), ("c",)), (("c",),)))
    explicit = np.array([[1, 2, 3], [2.5, 2.5, 1]])
    friedman = stats.friedmanchisquare(*explicit.T)
    assert kendall_w(partial).w == pytest.approx(friedman.statistic / (2 * 2))


def test_perfect_agreement_gives_one_even_with_ties() -> None:
    ranking = (("a",), ("b", "c"), ("d",))
    result = kendall_w(Profile(("a", "b", "c", "d", "e"), (ranking,) * 5))
    assert result.w == pytest.approx(1.0)
    assert result.level == "very strong"
    assert result.p_value < 0.01


def test_reversed_pairs_give_low_agreement() -> None:
    forward = "abcdef"
    profile = Profile.from_orders(forward, [forward, forward[::-1]] * 4)
    result = kendall_w(profile)
    assert result.w == pytest.approx(0.0, abs=1e-12)
    assert result.level == "very weak"
    assert "not clearly more than chance" in result.interpretation


def test_undefined_agreement_is_reported_not_raised() -> None:
    result = kendall_w(Profile(("a", "b"), ((), ())))
    assert math.isnan(result.w)
    assert result.level is None
    assert json.loads(json.dumps(result.to_json()))["w"] is None


def brute_force_distance(a: Ranking, b: Ranking, candidates: str, penalty: float) -> float:
    """Pair by pair, straight from Fagin et al. (2006)'s definition of K^(p)."""

    def place(ranking: Ranking) -> dict[str, int]:
        levels = {c: i for i, tier in enumerate(ranking) for c in tier}
        return {c: levels.get(c, len(ranking)) for c in candidates}

    left, right = place(a), place(b)
    total = 0.0
    for x, y in itertools.combinations(candidates, 2):
        order_left = (left[x] > left[y]) - (left[x] < left[y])
        order_right = (right[x] > right[y]) - (right[x] < right[y])
        if order_left * order_right < 0:
            total += 1
        elif order_left != order_right:
            total += penalty
    pairs = len(candidates) * (len(candidates) - 1) / 2
    return total / pairs if pairs else 0.0


CANDIDATES = "abcdefg"


@st.composite
def tiered_rankings(draw: st.DrawFn) -> Ranking:
    """A random tiered ranking of a random subset of the candidates (partial rankings)."""
    listed = draw(st.lists(st.sampled_from(CANDIDATES), unique=True))
    levels = draw(st.lists(st.integers(0, 3), min_size=len(listed), max_size=len(listed)))
    return tuple(
        tuple(c for c, level in zip(listed, levels, strict=True) if level == value)
        for value in sorted(set(levels))
    )


@settings(max_examples=200, deadline=None)
@given(tiered_rankings(), tiered_rankings(), st.sampled_from([0.0, 0.5, 1.0]))
def test_kendall_distance_matches_the_pairwise_definition(
    a: Ranking, b: Ranking, penalty: float
) -> None:
    expected = brute_force_distance(a, b, CANDIDATES, penalty)
    assert kendall_distance(a, b, CANDIDATES, penalty) == pytest.approx(expected)
    assert kendall_distance(b, a, CANDIDATES, penalty) == pytest.approx(expected)
    assert 0.0 <= expected <= 1.0


def test_kendall_distance_refuses_unknown_candidates() -> None:
    with pytest.raises(ValueError, match=r"'nsp' is not a candidate.*'nps'"):
        kendall_distance([["nsp"]], [["cac"]], ["nps", "cac"])


def test_distances_to_an_order_and_between_voters_agree() -> None:
    profile = Profile(
        ("a", "b", "c", "d"),
        ((("a",), ("b",), ("c",), ("d",)), (("d",), ("c",), ("b",), ("a",)), (("a", "b"),)),
        voters=("ann", "bob", "cy"),
    )
    to_order = distances_to(profile, ["a", "b", "c", "d"])
    assert to_order == pytest.approx({"ann": 0.0, "bob": 1.0, "cy": 1 / 6 * 0.5 * 2})
    matrix = pairwise_distances(profile)
    assert matrix.shape == (3, 3)
    assert np.allclose(matrix, matrix.T)
    assert np.allclose(np.diag(matrix), 0.0)
    assert matrix[0, 1] == pytest.approx(1.0)
    for i, j in itertools.product(range(3), repeat=2):
        assert matrix[i, j] == pytest.approx(
            kendall_distance(profile.rankings[i], profile.rankings[j], profile.candidates)
        )


def test_pairwise_distances_are_fast_for_200_voters_and_30_candidates() -> None:
    rng = np.random.default_rng(7)
    candidates = [f"kpi{i}" for i in range(30)]
    orders = [list(rng.permutation(candidates)[: rng.integers(5, 31)]) for _ in range(200)]
    profile = Profile.from_orders(candidates, orders)
    elapsed = math.inf
    for _ in range(3):  # best of three: the test machine may be busy
        start = time.perf_counter()
        matrix = pairwise_distances(profile)
        distances_to(profile, candidates)
        elapsed = min(elapsed, time.perf_counter() - start)
    assert matrix.shape == (200, 200)
    assert elapsed < 0.2
