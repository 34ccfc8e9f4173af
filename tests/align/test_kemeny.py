"""Kemeny-Young: exact against brute force, the heuristic path, weights, components, ties."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from kpibridge.align.kemeny import kemeny
from kpibridge.align.kemeny_ties import DP_LIMIT, profile_ties
from kpibridge.align.profile import Profile


def _brute_force(profile: Profile) -> float:
    pairwise = profile.pairwise()
    n = len(pairwise)
    permutations = np.array(list(itertools.permutations(range(n))), dtype=np.int64)
    scores = np.zeros(len(permutations))
    for i, j in itertools.combinations(range(n), 2):
        scores += pairwise[permutations[:, i], permutations[:, j]]
    return float(scores.max())


def _agreement(profile: Profile, order: tuple[str, ...]) -> float:
    index = [profile.candidates.index(c) for c in order]
    return float(np.triu(profile.pairwise()[np.ix_(index, index)], k=1).sum())


def _noisy_profile(seed: int, n: int, voters: int, swaps: int) -> Profile:
    """Random adjacent swaps around one reference order: cycles, but not chaos."""
    rng = np.random.default_rng(seed)
    candidates = [f"k{i}" for i in range(n)]
    orders = []
    for _ in range(voters):
        order = list(candidates)
        for place in rng.integers(0, n - 1, size=swaps):
            order[place], order[place + 1] = order[place + 1], order[place]
        orders.append(order)
    return Profile.from_orders(candidates, orders)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("n", [7, 8])
def test_exact_equals_brute_force(seed: int, n: int) -> None:
    rng = np.random.default_rng(seed)
    candidates = [f"k{i}" for i in range(n)]
    profile = Profile.from_orders(
        candidates, [[candidates[i] for i in rng.permutation(n)] for _ in range(15)]
    )
    result = kemeny(profile)
    best = _brute_force(profile)
    assert result.details["exact"]
    assert result.details["score"] == best
    assert _agreement(profile, result.order) == best
    assert sorted(result.order) == sorted(candidates)


def test_heuristic_path_reports_a_gap_and_a_valid_order() -> None:
    rng = np.random.default_rng(1)
    candidates = [f"k{i}" for i in range(12)]
    profile = Profile.from_orders(
        candidates, [[candidates[i] for i in rng.permutation(12)] for _ in range(31)]
    )
    exact = kemeny(profile)
    assert max(exact.details["components"]) > 2
    heuristic = kemeny(profile, exact_limit=2)
    assert not heuristic.details["exact"]
    assert sorted(heuristic.order) == sorted(profile.candidates)
    assert heuristic.details["gap"] >= 0
    assert heuristic.details["score"] <= exact.details["score"]
    assert heuristic.details["upper_bound"] >= exact.details["score"]
    assert heuristic.details["score"] == _agreement(profile, heuristic.order)


def test_time_limit_falls_back_to_the_heuristic() -> None:
    profile = _noisy_profile(2, 14, 40, swaps=60)
    assert max(kemeny(profile).details["components"]) > 2
    result = kemeny(profile, time_limit=0.0)
    if max(result.details["components"]) > 2:
        assert not result.details["exact"]
    assert sorted(result.order) == sorted(profile.candidates)


def test_components_are_ordered_by_majority() -> None:
    """a > b > c > a is a cycle everyone puts above d and e; d beats e."""
    profile = Profile.from_orders("abcde", ["abcde", "bcade", "cabde", "abced"])
    result = kemeny(profile)
    assert result.details["components"] == [3, 1, 1]
    assert result.order[3:] == ("d", "e")


def test_weights_change_the_result() -> None:
    """Two voters for a > b > c, one for c > b > a: unweighted a wins; with the single voter
    weighing 3, c wins."""
    orders = ["abc", "abc", "cba"]
    assert kemeny(Profile.from_orders("abc", orders)).order == ("a", "b", "c")
    weighted = Profile.from_orders("abc", orders, weights=[1, 1, 3])
    assert kemeny(weighted).order == ("c", "b", "a")


def test_equal_optima_follow_the_tie_break_rule_and_are_reported() -> None:
    """A perfect 3-cycle: abc, bca and cab all reach the optimum. Borda ties all three, so
    the optimum closest to the round order is chosen — the round order itself when it is
    one of the optima."""
    for round_order in ("abc", "bca", "cab"):
        profile = Profile.from_orders(round_order, ["abc", "bca", "cab"])
        assert kemeny(profile).order == tuple(round_order)
    tied = Profile.from_orders("xy", ["xy", "yx"])
    result = kemeny(tied)
    assert result.order == ("x", "y")
    assert "margin 0" in result.tie_breaks[0]
    assert result.details["optimal_orders"] == 2
    assert result.details["alternatives"] == [["y", "x"]]


def test_the_three_cycle_names_every_optimal_order() -> None:
    """The issue's case: ``a>b>c, b>c>a, c>a>b`` has three optimal orders and no unique
    winner (it used to return one order and report no tie)."""
    result = kemeny(Profile.from_orders("abc", ["abc", "bca", "cab"]))
    assert result.order == ("a", "b", "c")
    assert result.details["optimal_orders"] == 3
    assert result.details["alternatives"] == [["b", "c", "a"], ["c", "a", "b"]]
    assert result.details["winners"] == ["a", "b", "c"]
    assert result.details["winner_unique"] is False
    text = " ".join(result.tie_breaks)
    assert "3 orders reach the best Kemeny score (5)" in text
    assert "b > c > a; c > a > b" in text
    assert "winner is not unique" in text
    ties = profile_ties(Profile.from_orders("abc", ["abc", "bca", "cab"]))
    assert sorted(map(sorted, ties.top_sets(2) or [])) == [["a", "b"], ["a", "c"], ["b", "c"]]


def _optima(profile: Profile) -> tuple[float, set[tuple[str, ...]]]:
    """Every optimal order, by brute force over all permutations."""
    pairwise = profile.pairwise()
    n = len(pairwise)
    permutations = np.array(list(itertools.permutations(range(n))), dtype=np.int64)
    scores = np.zeros(len(permutations))
    for i, j in itertools.combinations(range(n), 2):
        scores += pairwise[permutations[:, i], permutations[:, j]]
    best = float(scores.max())
    tight = permutations[np.abs(scores - best) <= profile.tolerance]
    return best, {tuple(profile.candidates[i] for i in row) for row in tight}


@pytest.mark.parametrize("seed", range(8))
def test_optimal_orders_equal_brute_force(seed: int) -> None:
    """Few voters make many ties: the count, the named orders, the possible winners and the
    possible top-3 sets all equal brute force (6 candidates, 2–5 voters, some weighted)."""
    rng = np.random.default_rng(seed)
    candidates = [f"k{i}" for i in range(6)]
    voters = int(rng.integers(2, 6))
    weights = rng.integers(1, 3, size=voters).tolist() if seed % 2 else []
    profile = Profile.from_orders(
        candidates, [[candidates[i] for i in rng.permutation(6)] for _ in range(voters)], weights
    )
    best, optima = _optima(profile)
    result = kemeny(profile)
    assert result.details["score"] == best
    assert result.details["optimal_orders"] == len(optima)
    alternatives = {tuple(o) for o in result.details["alternatives"]}
    assert alternatives <= optima - {result.order}
    assert len(alternatives) == min(5, len(optima) - 1)
    assert set(result.details["winners"]) == {o[0] for o in optima}
    assert result.details["winner_unique"] == (len({o[0] for o in optima}) == 1)
    ties = profile_ties(profile)
    assert set(ties.top_sets(3) or []) == {frozenset(o[:3]) for o in optima}
    assert set(ties.orders(1000)) == optima


@pytest.mark.parametrize("seed", range(4))
def test_a_unique_optimum_reports_no_tie(seed: int) -> None:
    profile = _noisy_profile(seed, 7, voters=25, swaps=2)
    best, optima = _optima(profile)
    assert len(optima) == 1  # these seeds have one optimum, by brute force
    result = kemeny(profile)
    assert result.details["score"] == best
    assert result.details["optimal_orders"] == 1
    assert result.details["alternatives"] == []
    assert result.details["winner_unique"] is True
    assert not any("orders reach" in t for t in result.tie_breaks)


def test_large_cycles_are_not_enumerated_and_say_so() -> None:
    candidates = [f"k{i}" for i in range(DP_LIMIT + 2)]
    rotations = [candidates[i:] + candidates[:i] for i in range(len(candidates))]
    result = kemeny(Profile.from_orders(candidates, rotations))
    assert result.details["optimal_orders"] is None
    assert result.details["winner_unique"] is None
    assert any("not looked for" in t for t in result.tie_breaks)


def test_scores_and_json() -> None:
    profile = Profile.from_orders("abc", ["abc", "abc", "bca"])
    result = kemeny(profile)
    assert result.scores == {"a": 2.0, "b": 1.0, "c": 0.0}
    data = result.to_json()
    assert data["details"]["exact"] is True
    assert data["details"]["gap"] == 0.0


def test_empty_and_single_candidate_profiles() -> None:
    assert kemeny(Profile((), ())).order == ()
    assert kemeny(Profile.from_orders("a", [])).order == ("a",)
