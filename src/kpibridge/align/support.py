"""Rankings as support scores: one row per participant, one column per candidate, in [0, 1].

A candidate's support from one ranking is its Borda share: the candidates ranked below it,
ties counting half, divided by n − 1 (1 = first of all, 0 = last). Candidates a participant
did not list are tied below every listed one (the round-wide convention for partial
rankings); a participant without a ranking gives a row of NaN.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

Tiers = Sequence[Sequence[str]]


def support_matrix(candidates: Sequence[str], rankings: Sequence[Tiers]) -> np.ndarray:
    n = len(candidates)
    index = {c: i for i, c in enumerate(candidates)}
    matrix = np.full((len(rankings), n), np.nan)
    for row, tiers in enumerate(rankings):
        if not tiers:
            continue
        listed = [[index[c] for c in tier] for tier in tiers if tier]
        unlisted = sorted(set(range(n)) - {i for tier in listed for i in tier})
        groups = [*listed, unlisted] if unlisted else listed
        below = n
        for group in groups:
            below -= len(group)
            # ranked below this tier, plus half of the others in the tier
            matrix[row, group] = (below + 0.5 * (len(group) - 1)) / max(n - 1, 1)
    return matrix
