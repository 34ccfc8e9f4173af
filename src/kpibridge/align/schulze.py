"""The Schulze method (beat-path), with winning votes as the strength of a defeat.

``d[a, b] = N[a, b]`` when more weight ranks a over b than b over a, else 0; ``p[a, b]`` is
the strength of the strongest (widest) path from a to b, by Floyd–Warshall; a beats b when
``p[a, b] > p[b, a]``. That relation is a strict partial order (Schulze 2011, *A new monotonic,
clone-independent, reversal symmetric, and Condorcet-consistent single-winner election
method*, Social Choice and Welfare 36, §2.2 and §4.1). The ranking peels it in layers: first
tier = the candidates no one beats (the Schulze winners), then those no one left beats, and so
on; candidates in one tier never beat each other. (Ranking by the *number* of candidates each
beats would also extend the order, but could put one winner alone above other unbeaten
candidates.) For complete strict rankings winning votes and margins give the same
result; the method is checked against pref_voting's ``beat_path`` and Wikipedia's 45-voter
example (E > A > C > B > D).
"""

from __future__ import annotations

import numpy as np

from kpibridge.align.profile import ConsensusResult, Profile, result_from_scores


def strongest_paths(profile: Profile) -> np.ndarray:
    """``p[a, b]``: the widest path from a to b over winning-votes defeats (0 on the diagonal)."""
    pairwise = profile.pairwise()
    paths = np.where(pairwise - pairwise.T > profile.tolerance, pairwise, 0.0)
    for k in range(len(paths)):
        # p[i, j] = max(p[i, j], min(p[i, k], p[k, j])) for every i, j at once
        np.maximum(paths, np.minimum(paths[:, k : k + 1], paths[k : k + 1, :]), out=paths)
    np.fill_diagonal(paths, 0.0)
    return paths


def schulze(profile: Profile) -> ConsensusResult:
    """Rank candidates in layers of the beat-path order: unbeaten first.

    ``scores`` count the layers below a candidate's own.

    >>> schulze(Profile.from_orders("abc", ["abc", "bca", "cab", "abc"])).order
    ('a', 'b', 'c')
    """
    paths = strongest_paths(profile)
    beats = paths - paths.T > profile.tolerance
    layer = np.full(len(paths), -1)
    remaining = np.ones(len(paths), dtype=bool)
    depth = 0
    while remaining.any():
        unbeaten = remaining & ~beats[remaining].any(axis=0)
        layer[unbeaten] = depth
        remaining &= ~unbeaten
        depth += 1
    scores = (depth - 1 - layer).astype(float)
    return result_from_scores(
        profile, "schulze", scores, {"strongest_paths": paths.round(12).tolist()}
    )
