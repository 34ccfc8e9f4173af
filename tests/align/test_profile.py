"""The pairwise matrix against pref_voting's extended strict preference (the profile module
docstring promises exactly that semantics for ties and unlisted candidates)."""

from __future__ import annotations

import pytest
from _random_profiles import random_profile
from pref_voting.profiles_with_ties import ProfileWithTies

from kpibridge.align.profile import Profile


def _reference(profile: Profile) -> ProfileWithTies:
    rankings = [
        {candidate: level for level, tier in enumerate(ranking) for candidate in tier}
        for ranking in profile.rankings
    ]
    reference = ProfileWithTies(rankings, candidates=list(profile.candidates))
    reference.use_extended_strict_preference()
    return reference


@pytest.mark.parametrize("seed", range(100))
def test_pairwise_matches_pref_voting_extended_strict_preference(seed: int) -> None:
    profile = random_profile(seed, linear=False)
    reference = _reference(profile)
    pairwise = profile.pairwise()
    for i, a in enumerate(profile.candidates):
        for j, b in enumerate(profile.candidates):
            if i != j:
                assert pairwise[i, j] == reference.support(a, b), (a, b)


def test_weights_scale_each_voters_preferences() -> None:
    profile = Profile.from_orders("abc", ["abc", "cba"], weights=[2.5, 1])
    assert profile.pairwise()[0, 2] == 2.5
    assert profile.margins()[0, 2] == 1.5
    # Borda with weights: a gets 2 × 2.5 from the first voter, 0 from the second
    assert profile.borda_scores().tolist() == [5.0, 3.5, 2.0]


def test_unknown_candidate_suggests_the_closest_name() -> None:
    with pytest.raises(ValueError, match="Did you mean 'ctr'"):
        Profile(("ctr", "cac"), ((("ctx",),),))
