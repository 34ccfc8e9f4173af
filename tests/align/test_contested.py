from __future__ import annotations

import json

import numpy as np
import pytest

from kpibridge.align.contested import contested, van_der_eijk_agreement
from kpibridge.align.profile import Profile

CANDIDATES = ("cac", "roas", "nps", "ctr", "churn", "ltv", "mrr", "aov", "cpl", "sessions")


def planted_profile() -> Profile:
    """10 voters: cac always near the top (consensus); nps first for 4, last for 4."""
    rng = np.random.default_rng(3)
    others = [c for c in CANDIDATES if c not in ("cac", "nps")]
    orders = []
    for voter in range(10):
        middle = list(rng.permutation(others))
        if voter < 4:
            order = ["nps", "cac", *middle]
        elif voter < 8:
            order = ["cac", *middle, "nps"]
        else:
            order = ["cac", *middle[:4], "nps", *middle[4:]]
        orders.append(order)
    return Profile.from_orders(CANDIDATES, orders)


def test_a_planted_split_is_flagged_and_a_consensus_is_not() -> None:
    results = contested(planted_profile(), names={"nps": "NPS"})
    first = results[0]
    assert first.candidate == "nps"
    assert first.contested
    assert (first.top, first.middle, first.bottom, first.top_size) == (4, 2, 4, 3)
    assert first.agreement == pytest.approx(-0.4)
    assert (
        first.sentence
        == "NPS splits the group: 4 of 10 put it in their top 3, 4 in their bottom 3."
    )
    cac = next(r for r in results if r.candidate == "cac")
    assert not cac.contested
    assert cac.agreement == pytest.approx(1.0)
    assert cac.rank_sd < first.rank_sd
    assert sum(r.contested for r in results) == 1


def test_positions_mean_rank_and_spread() -> None:
    # a is first for one voter and last for the other; n = 3 → positions 0 and 1
    profile = Profile.from_orders("abc", ["abc", "bca"])
    by_id = {r.candidate: r for r in contested(profile)}
    assert by_id["a"].mean_rank == pytest.approx(2.0)
    assert by_id["a"].rank_sd == pytest.approx(0.5)
    assert by_id["a"].rank_iqr == pytest.approx(0.5)
    assert by_id["b"].mean_rank == pytest.approx(1.5)


def test_unlisted_candidates_share_the_bottom_places_and_empty_rankings_are_left_out() -> None:
    # voter 2 lists only b: a and c share places 2 and 3 (average 2.5: position 0.75, which
    # is in the bottom third)
    profile = Profile(("a", "b", "c"), ((("a",), ("b",), ("c",)), (("b",),), ()))
    by_id = {r.candidate: r for r in contested(profile)}
    assert by_id["a"].voters == 2
    assert by_id["a"].mean_rank == pytest.approx((1 + 2.5) / 2)
    assert (by_id["c"].top, by_id["c"].middle, by_id["c"].bottom) == (0, 0, 2)


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ([5, 0, 5], -1.0),  # split between the extremes
        ([3, 3, 3], 0.0),  # even spread: no structure
        ([0, 7, 0], 1.0),  # everyone in one category
        ([4, 2, 4], -0.4),  # layers: 6 of 10 in an even spread (0), 4 split (−1)
        ([5, 5, 0], 0.5),  # one layer over two adjacent categories: 1 − 1/2
    ],
)
def test_van_der_eijk_agreement_on_known_distributions(counts: list[int], expected: float) -> None:
    # Expected values from Van der Eijk (2001)'s definition worked by hand.
    assert van_der_eijk_agreement(np.array(counts)) == pytest.approx(expected)


def test_results_round_trip_through_json() -> None:
    profile = Profile(("a", "b"), ((),))
    (first, _) = contested(profile)
    data = json.loads(json.dumps(first.to_json()))
    assert data["voters"] == 0
    assert data["mean_rank"] is None
    assert data["sentence"] == "a: nobody ranked any candidate."
