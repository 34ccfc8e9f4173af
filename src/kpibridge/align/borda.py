"""Borda count for tiered and partial rankings.

Each voter gives a candidate one point per candidate ranked below it and half a point per
candidate tied with it (unlisted candidates are tied below every listed one), times the
voter's weight. For strict complete rankings this is the classic n − 1, n − 2, …, 0 count
(de Borda 1781); the half points are the "averaged" treatment of ties (Brams and Fishburn
2002). It equals ``½·(W·(n − 1) + Σ_b margins[a, b])``, which is how it is computed.
Checked against pref_voting's ``borda`` on random linear profiles.
"""

from __future__ import annotations

from kpibridge.align.profile import ConsensusResult, Profile, result_from_scores


def borda(profile: Profile) -> ConsensusResult:
    """Rank candidates by Borda score; equal scores are tied (and ordered by round order).

    >>> borda(Profile.from_orders("abc", ["abc", "bac", "abc"])).order
    ('a', 'b', 'c')
    """
    return result_from_scores(profile, "borda", profile.borda_scores())
