"""Every consensus method against pref_voting 1.18 (the reference implementation), a published
example, and the voting axioms as hypothesis properties."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from _random_profiles import random_profile
from hypothesis import given, settings
from hypothesis import strategies as st
from pref_voting import voting_methods
from pref_voting.profiles import Profile as ReferenceProfile

from kpibridge.align.borda import borda
from kpibridge.align.consensus import CONSENSUS_METHODS
from kpibridge.align.copeland import copeland
from kpibridge.align.kemeny import kemeny
from kpibridge.align.profile import ConsensusMethod, Profile
from kpibridge.align.ranked_pairs import ranked_pairs
from kpibridge.align.schulze import schulze

SEEDS = range(200)


def _reference(profile: Profile) -> ReferenceProfile:
    index = {c: i for i, c in enumerate(profile.candidates)}
    return ReferenceProfile([[index[tier[0]] for tier in ranking] for ranking in profile.rankings])


def _top_tier(profile: Profile, method: ConsensusMethod) -> set[int]:
    index = {c: i for i, c in enumerate(profile.candidates)}
    return {index[c] for c in method(profile).ranking[0]}


@pytest.mark.parametrize(
    ("method", "reference"),
    [
        (borda, voting_methods.borda),
        (copeland, voting_methods.copeland),
        (schulze, voting_methods.beat_path),
    ],
    ids=["borda", "copeland", "schulze"],
)
def test_winners_equal_pref_voting(method: ConsensusMethod, reference: object) -> None:
    for seed in SEEDS:
        profile = random_profile(seed, linear=True)
        assert _top_tier(profile, method) == set(reference(_reference(profile))), seed  # type: ignore[operator]


def _tie_breakings(profile: Profile) -> int:
    """How many orders of equal-margin pairs pref_voting's ranked_pairs may enumerate."""
    margins = np.abs(profile.margins()[np.triu_indices(len(profile.candidates), k=1)])
    counts = np.unique(margins, return_counts=True)[1]
    return math.prod(math.factorial(int(count)) for count in counts)


def test_ranked_pairs_winner_is_one_of_pref_voting_tie_breakings() -> None:
    """pref_voting's ``ranked_pairs`` returns the winners over every order of equal margins;
    ours fixes one order, so its winner must be among them (and alone when they are). The
    reference enumerates orders of equal margins, so only profiles with at most 12 such orders
    are compared (others can take hours there)."""
    checked = 0
    for seed in range(400):
        profile = random_profile(seed, linear=True)
        if _tie_breakings(profile) > 12:
            continue
        checked += 1
        winners = set(voting_methods.ranked_pairs(_reference(profile)))
        assert profile.candidates.index(ranked_pairs(profile).winner) in winners, seed
    assert checked >= 80


def _brute_force_kemeny(profile: Profile) -> tuple[float, set[tuple[int, ...]]]:
    """The best agreement over every order, and all the orders that reach it."""
    pairwise = profile.pairwise()
    n = len(pairwise)
    permutations = np.array(list(itertools.permutations(range(n))), dtype=np.int64)
    scores = np.zeros(len(permutations))
    for i, j in itertools.combinations(range(n), 2):
        scores += pairwise[permutations[:, i], permutations[:, j]]
    best = float(scores.max())
    optima = {tuple(row) for row in permutations[scores >= best - 1e-9].tolist()}
    return best, optima


def test_kemeny_is_an_optimal_order_and_its_winner_is_a_pref_voting_winner() -> None:
    for seed in SEEDS:
        for linear in (True, False):
            profile = random_profile(seed, linear=linear)
            result = kemeny(profile)
            best, optima = _brute_force_kemeny(profile)
            order = tuple(profile.candidates.index(c) for c in result.order)
            assert result.details["exact"], seed
            assert result.details["score"] == pytest.approx(best), seed
            assert order in optima, seed
            if linear:
                winners = set(voting_methods.kemeny_young(_reference(profile)))
                assert order[0] in winners, seed


WIKIPEDIA_SCHULZE = [
    (5, "ACBED"),
    (5, "ADECB"),
    (8, "BEDAC"),
    (3, "CABED"),
    (7, "CAEBD"),
    (2, "CBADE"),
    (7, "DCEBA"),
    (8, "EBADC"),
]
"""https://en.wikipedia.org/wiki/Schulze_method#Example (45 voters)."""


def _wikipedia() -> Profile:
    orders = [order for count, order in WIKIPEDIA_SCHULZE for _ in range(count)]
    return Profile.from_orders("ABCDE", orders)


def test_wikipedia_schulze_example() -> None:
    assert schulze(_wikipedia()).order == tuple("EACBD")


def test_wikipedia_example_kemeny() -> None:
    """Kemeny order of the same profile, confirmed by brute force over the 120 orders."""
    profile = _wikipedia()
    result = kemeny(profile)
    assert result.order == tuple("EBADC")
    best, optima = _brute_force_kemeny(profile)
    assert result.details["score"] == best
    assert optima == {(4, 1, 0, 3, 2)}


# -- axioms -------------------------------------------------------------------------------

CANDIDATES = "abcde"


@st.composite
def linear_profiles(draw: st.DrawFn, max_candidates: int = 5) -> Profile:
    n = draw(st.integers(2, max_candidates))
    candidates = CANDIDATES[:n]
    orders = draw(
        st.lists(st.permutations(candidates), min_size=1, max_size=9).map(
            lambda orders: ["".join(o) for o in orders]
        )
    )
    return Profile.from_orders(candidates, orders)


CONDORCET_METHODS = {
    m: CONSENSUS_METHODS[m] for m in ("kemeny", "schulze", "ranked_pairs", "copeland")
}


@settings(max_examples=60, deadline=None)
@given(linear_profiles())
def test_condorcet_winner_is_ranked_first(profile: Profile) -> None:
    margins = profile.margins()
    winners = [i for i in range(len(margins)) if (np.delete(margins[i], i) > 0).all()]
    for name, method in CONDORCET_METHODS.items():
        result = method(profile)
        if winners:
            assert result.order[0] == profile.candidates[winners[0]], name
            assert result.ranking[0] == (profile.candidates[winners[0]],), name


@settings(max_examples=40, deadline=None)
@given(st.permutations(CANDIDATES), st.integers(1, 6))
def test_unanimity(order: list[str], voters: int) -> None:
    profile = Profile.from_orders(CANDIDATES, [order] * voters)
    for name, method in CONSENSUS_METHODS.items():
        result = method(profile)
        assert result.order == tuple(order), name
        assert result.ranking == tuple((c,) for c in order), name


@settings(max_examples=40, deadline=None)
@given(linear_profiles(), st.randoms(use_true_random=False))
def test_voter_order_does_not_matter(profile: Profile, random: object) -> None:
    rankings = list(profile.rankings)
    random.shuffle(rankings)  # type: ignore[attr-defined]
    shuffled = Profile(profile.candidates, tuple(rankings))
    for name, method in CONSENSUS_METHODS.items():
        assert method(shuffled).order == method(profile).order, name


@settings(max_examples=40, deadline=None)
@given(linear_profiles(), st.permutations(range(5)))
def test_neutrality_when_the_result_has_no_ties(profile: Profile, permutation: list[int]) -> None:
    """Renaming the candidates renames the result. Only checked when the method sees no tie
    and no pair of equal margin could be ordered by the tie-break rule (which looks at round
    order, so is not neutral on purpose)."""
    n = len(profile.candidates)
    mapping = {c: "pqrst"[permutation[i] % 5] for i, c in enumerate(profile.candidates)}
    if len(set(mapping.values())) < n:
        mapping = {c: "pqrst"[i] for i, c in enumerate(profile.candidates)}
    renamed = Profile(
        tuple(mapping[c] for c in reversed(profile.candidates)),
        tuple(tuple(tuple(mapping[c] for c in tier) for tier in r) for r in profile.rankings),
    )
    margins = profile.margins()[np.triu_indices(n, k=1)]
    distinct_margins = len(set(np.abs(margins).tolist())) == len(margins) and (margins != 0).all()
    for name, method in CONSENSUS_METHODS.items():
        result = method(profile)
        untied = all(len(tier) == 1 for tier in result.ranking) and not result.tie_breaks
        if name in ("kemeny", "ranked_pairs") and not distinct_margins:
            continue
        if untied:
            assert method(renamed).order == tuple(mapping[c] for c in result.order), name
