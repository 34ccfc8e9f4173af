"""Normalised rank positions: the common currency of opinion groups, repness and common
ground for rankings."""

from __future__ import annotations

import numpy as np
from scipy.stats import rankdata


def rank_positions(levels: np.ndarray) -> np.ndarray:
    """Voters × candidates rank positions 1..m, ties (and unlisted candidates, which share the
    last tier) at the average of the places they occupy.

    >>> rank_positions(np.array([[0, 1, 1, 2]])).tolist()
    [[1.0, 2.5, 2.5, 4.0]]
    """
    levels = np.asarray(levels)
    if levels.size == 0:
        return np.zeros(levels.shape)
    return np.asarray(rankdata(levels, method="average", axis=1), dtype=float)


def normalised_positions(levels: np.ndarray) -> np.ndarray:
    """Rank positions scaled to [0, 1]: 0 = ranked first, 1 = ranked last.

    Scaling by ``m − 1`` makes rounds of different sizes comparable, and a voter who left
    everything unlisted sits at 0.5 on every candidate (no opinion, the middle).
    """
    levels = np.asarray(levels)
    count = levels.shape[1] if levels.ndim == 2 else 0
    if count < 2:
        return np.full(levels.shape, 0.5)
    return (rank_positions(levels) - 1) / (count - 1)


def top_half_support(levels: np.ndarray) -> np.ndarray:
    """1 where the voter ranks the candidate in their top half, else 0 (the support rule of
    :mod:`kpibridge.align.common_ground` for rankings).

    Top half means an average rank position ≤ m / 2: of 10 candidates, places 1–5. A tier
    straddling the middle counts by its average (places 5–6 average 5.5: not supported), so a
    voter never supports more than half of the candidates. Unlisted candidates share the last
    tier and are supported only when more than half of the candidates are unlisted *and* the
    average still falls in the top half, which cannot happen; so unlisted = not supported.
    """
    levels = np.asarray(levels)
    count = levels.shape[1] if levels.ndim == 2 else 0
    return (rank_positions(levels) <= count / 2).astype(float)
