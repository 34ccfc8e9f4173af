"""Copeland's method on the pairwise margins.

A candidate scores 1 for each opponent it beats head to head (positive margin), ½ for each
opponent it ties with (zero margin) and 0 for each loss; candidates with equal scores are
tied (Copeland 1951; the ½-for-a-tie variant is "Copeland^0.5" in Faliszewski et al. 2009,
*Llull and Copeland voting computationally resist bribery and constructive control*).
Weights enter through the margins. Checked against pref_voting's ``copeland`` (whose
win − loss score orders candidates identically).
"""

from __future__ import annotations

import numpy as np

from kpibridge.align.profile import ConsensusResult, Profile, result_from_scores


def copeland_scores(profile: Profile) -> np.ndarray:
    """Wins plus half the ties, by candidate."""
    margins = profile.margins()
    tolerance = profile.tolerance
    wins = (margins > tolerance).sum(axis=1)
    ties = (np.abs(margins) <= tolerance).sum(axis=1) - 1  # not against itself
    return wins + 0.5 * ties


def copeland(profile: Profile) -> ConsensusResult:
    """Rank candidates by Copeland score; equal scores are tied.

    >>> copeland(Profile.from_orders("abc", ["abc", "bca", "cab"])).ranking
    (('a', 'b', 'c'),)
    """
    scores = copeland_scores(profile)
    return result_from_scores(profile, "copeland", scores)
