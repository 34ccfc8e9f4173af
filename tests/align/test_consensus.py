"""The method registry, head-to-head reasons, method comparison and top-k sensitivity."""

from __future__ import annotations

import json

import numpy as np
import pytest

from kpibridge.align.consensus import (
    CONSENSUS_METHODS,
    compare_methods,
    consensus,
    pairwise_reasons,
    promote,
    sensitivity,
    swapped_profile,
)
from kpibridge.align.profile import ConsensusResult, Profile

NAMES = {"cac": "CAC", "ctr": "CTR", "nps": "NPS", "roas": "ROAS"}


def test_registry_order_and_consensus_runs_every_method() -> None:
    assert list(CONSENSUS_METHODS) == ["kemeny", "schulze", "ranked_pairs", "copeland", "borda"]
    results = consensus(Profile.from_orders("abc", ["abc", "bac"]))
    assert [r.method for r in results.values()] == list(CONSENSUS_METHODS)


def test_pairwise_reasons_count_sides_and_abstentions() -> None:
    profile = Profile(
        ("cac", "ctr", "nps"),
        (
            (("cac",), ("ctr",)),
            (("cac",), ("ctr",), ("nps",)),
            (("ctr",), ("cac",)),
            (("cac", "ctr"),),  # tied: no preference on cac vs ctr
            (("nps",),),  # both unlisted: no preference either
        ),
    )
    reasons = pairwise_reasons(profile, ("cac", "ctr", "nps"), NAMES, limit=1)
    assert reasons == ["2 of 5 rank CAC above CTR; 1 ranks CTR above CAC; 2 did not compare them."]


def test_pairwise_reasons_show_weights_honestly() -> None:
    profile = Profile.from_orders(
        ["cac", "ctr"], [["cac", "ctr"], ["ctr", "cac"], ["ctr", "cac"]], weights=[4, 1, 1.5]
    )
    (reason,) = pairwise_reasons(profile, ("cac", "ctr"), NAMES)
    assert (
        reason == "1 of 3 ranks CAC above CTR (weight 4 of 6.5); 2 rank CTR above CAC (weight 2.5)."
    )


def _result(method: str, order: str) -> ConsensusResult:
    return ConsensusResult(method, tuple((c,) for c in order), tuple(order), (), {})


def test_compare_methods_names_the_disagreement() -> None:
    results = [
        _result("kemeny", "abcde"),
        _result("schulze", "abdce"),
        _result("ranked_pairs", "bacde"),
        _result("copeland", "adbce"),
    ]
    comparison = compare_methods(results, 3, {"c": "CTR", "d": "NPS"})
    assert not comparison.agree
    assert comparison.top_k["schulze"] == ("a", "b", "d")
    assert comparison.note == (
        "Schulze and Copeland put NPS in the top 3 instead of CTR (compared with Kemeny-Young)."
    )
    assert json.loads(json.dumps(comparison.to_json())) == comparison.to_json()


def test_compare_methods_agreement_sentence() -> None:
    comparison = compare_methods([_result("kemeny", "abc"), _result("borda", "bac")], 2, {})
    assert comparison.agree
    assert comparison.note == "All 2 methods agree on the top 2: a and b."


def test_promote_moves_the_candidate_just_above() -> None:
    assert promote((("a",), ("b",), ("c",)), "c", "a") == (("c",), ("a",), ("b",))
    assert promote((("a", "b"),), "c", "b") == (("c",), ("a", "b"))


def _round(seed: int, n: int = 8, voters: int = 15) -> Profile:
    rng = np.random.default_rng(seed)
    candidates = [f"k{i}" for i in range(n)]
    orders = []
    for _ in range(voters):
        noisy = np.arange(n) + rng.normal(0, 2.0, n)
        orders.append([candidates[i] for i in np.argsort(noisy)])
    return Profile.from_orders(candidates, orders)


@pytest.mark.parametrize("seed", range(5))
def test_sensitivity_change_is_real_and_minimal_for_its_pair(seed: int) -> None:
    profile = _round(seed)
    k = 3
    result = sensitivity(profile, k)
    assert result.count is not None
    assert result.promoted is not None
    assert result.demoted is not None
    rows = [profile.voters.index(v) for v in result.voters]
    assert len(rows) == result.count
    index = profile.candidates.index
    for row in rows:  # every swapper ranked demoted above promoted
        assert (
            profile.levels[row, index(result.demoted)] < profile.levels[row, index(result.promoted)]
        )
    selected = set(result.selected)
    changed = CONSENSUS_METHODS["kemeny"](
        swapped_profile(profile, rows, result.promoted, result.demoted)
    ).top(k)
    assert set(changed) != selected
    assert set(changed) - selected == set(result.entering)
    assert selected - set(changed) == set(result.leaving)
    one_fewer = CONSENSUS_METHODS["kemeny"](
        swapped_profile(profile, rows[:-1], result.promoted, result.demoted)
    ).top(k)
    assert set(one_fewer) == selected
    assert json.loads(json.dumps(result.to_json())) == result.to_json()


def test_sensitivity_sentence() -> None:
    orders = [["ctr", "nps", "cac"]] * 3 + [["nps", "ctr", "cac"]] * 2
    profile = Profile.from_orders(["cac", "ctr", "nps"], orders)
    result = sensitivity(profile, 1, names=NAMES)
    assert result.count == 1
    assert result.sentence == (
        "If 1 of the 3 participants who rank CTR above NPS ranked NPS above it instead, "
        "NPS would replace CTR as the top choice."
    )


def test_sensitivity_without_any_possible_change() -> None:
    """A single voter can flip everything; an empty ballot can flip nothing."""
    profile = Profile(("a", "b"), ((("a",), ("b",)),), (1.0,))
    result = sensitivity(profile, 1, CONSENSUS_METHODS["borda"])
    assert result.count == 1  # the only voter flipping changes the winner
    untouchable = Profile(("a", "b"), ((),))
    stable = sensitivity(untouchable, 1)
    assert stable.count is None
    assert "No swap" in stable.sentence
