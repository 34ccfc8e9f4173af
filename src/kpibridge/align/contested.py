"""Contested candidates: the KPIs the group is split on, not merely lukewarm about.

A candidate's **position** for a voter is its average rank (ties and the unlisted block share
the average of their places, as in :mod:`~kpibridge.align.agreement`), normalised to
``q = (rank − 1) / (n − 1)``: 0 at the top, 1 at the bottom. Leaving a candidate out puts it
in the tied bottom block; with short partial rankings that block straddles the middle, so an
omission reads as indifference rather than as opposition. Voters with an empty ranking say
nothing about any candidate and are left out. Every voter counts once (weights are not used:
the sentences count people).

**Dispersion**: standard deviation and interquartile range of ``q``. A wide spread can come
from noise (no opinion) or from a split; the polarisation measure tells them apart.

**Polarisation**: positions fall into thirds (top, middle, bottom; a voter's rank is in the
top third when ``3 (rank − 1) < n − 1``) and the three counts get Van der Eijk's agreement
``A`` (Van der Eijk 2001, "Measuring agreement in ordered rating scales", *Quality & Quantity*
35, 325–341): 1 when everyone is in one third, 0 for an even spread over the thirds (no
structure), −1 when the voters are split half and half between the top and the bottom third.
``A`` is built from "layers" of the frequency distribution; each layer scores
``U · (1 − (S − 1)/(K − 1))`` with S the categories it covers and U its unimodality.

A candidate is **flagged as contested** when ``A ≤ -0.25`` (a split clearly stronger than an
even spread: e.g. 4 top, 2 middle, 4 bottom gives −0.4, 3/4/3 gives +0.1) and at least two
voters put it in each of the top and the bottom third.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from kpibridge.align.agreement import average_ranks
from kpibridge.align.profile import Profile

CONTESTED_AGREEMENT = -0.25
"""Van der Eijk's A at or below which a candidate with a split is flagged."""

MINIMUM_SIDE = 2
"""Voters needed in both the top and the bottom third to flag a candidate."""


def van_der_eijk_agreement(counts: np.ndarray) -> float:
    """Van der Eijk's (2001) agreement A of a frequency distribution over ordered categories.

    >>> van_der_eijk_agreement(np.array([5, 0, 5])), van_der_eijk_agreement(np.array([3, 3, 3]))
    (-1.0, 0.0)
    >>> van_der_eijk_agreement(np.array([0, 7, 0]))
    1.0
    """
    remaining = np.asarray(counts, dtype=float).copy()
    categories = len(remaining)
    total = remaining.sum()
    if categories < 3:
        raise ValueError("Van der Eijk's agreement needs at least three ordered categories")
    if total <= 0:
        return math.nan
    agreement = 0.0
    while remaining.max() > 0:
        present = remaining > 0
        layer = remaining[present].min()
        weight = layer * present.sum() / total
        agreement += weight * _pattern_agreement(present)
        remaining[present] -= layer
    return float(agreement)


def _pattern_agreement(present: np.ndarray) -> float:
    """A of one layer: unimodality from triples of categories (110/011 agree, 101 not)."""
    categories = len(present)
    agreeing = disagreeing = 0
    for i, j, k in itertools.combinations(range(categories), 3):
        pattern = (bool(present[i]), bool(present[j]), bool(present[k]))
        if pattern in ((True, True, False), (False, True, True)):
            agreeing += 1
        elif pattern == (True, False, True):
            disagreeing += 1
    unimodality = 1.0
    if agreeing + disagreeing:
        unimodality = ((categories - 2) * agreeing - (categories - 1) * disagreeing) / (
            (categories - 2) * (agreeing + disagreeing)
        )
    covered = int(present.sum())
    return unimodality * (1 - (covered - 1) / (categories - 1))


@dataclass(frozen=True)
class ContestedCandidate:
    """How split the voters are on one candidate.

    Attributes:
        candidate: Its id.
        name: Its display name.
        voters: Voters with a non-empty ranking (those counted).
        mean_rank: Mean average rank (1 = best).
        rank_sd: Standard deviation of the normalised positions (0 top … 1 bottom).
        rank_iqr: Interquartile range of the normalised positions.
        top: Voters placing it in the top third; ``middle`` and ``bottom`` likewise.
        top_size: How many places the top (and the bottom) third holds.
        agreement: Van der Eijk's A over the thirds, −1 (split) … 1 (consensus).
        contested: Whether it is flagged (module docstring).
        sentence: A plain sentence for the report.
    """

    candidate: str
    name: str
    voters: int
    mean_rank: float
    rank_sd: float
    rank_iqr: float
    top: int
    middle: int
    bottom: int
    top_size: int
    agreement: float
    contested: bool
    sentence: str

    def to_json(self) -> dict[str, Any]:
        """A JSON-compatible dictionary (NaN becomes null)."""
        data: dict[str, Any] = {}
        for key, value in self.__dict__.items():
            is_nan = isinstance(value, float) and math.isnan(value)
            data[key] = None if is_nan else value
        return data


def contested(profile: Profile, names: Mapping[str, str] | None = None) -> list[ContestedCandidate]:
    """Dispersion and polarisation of every candidate, most contested first.

    Order: flagged candidates first, then by agreement A (lowest first), then by spread
    (widest first), then in the order of the round.

    Args:
        profile: The rankings.
        names: Display names by candidate id (the id is used when missing).
    """
    labels = names or {}
    candidates = profile.candidates
    n = len(candidates)
    counted = np.array([bool(ranking) for ranking in profile.rankings], dtype=bool)
    levels = profile.levels[counted]
    voters = int(counted.sum())
    ranks = average_ranks(levels) if voters else np.zeros((0, n))
    span = max(n - 1, 1)
    positions = (ranks - 1) / span
    top_mask = 3 * (ranks - 1) < n - 1
    bottom_mask = 3 * (ranks - 1) > 2 * (n - 1)
    top_size = math.ceil((n - 1) / 3) if n > 1 else 1
    top_counts = top_mask.sum(axis=0)
    bottom_counts = bottom_mask.sum(axis=0)
    middle_counts = voters - top_counts - bottom_counts
    results: list[ContestedCandidate] = []
    for index, candidate in enumerate(candidates):
        column = positions[:, index]
        counts = np.array([top_counts[index], middle_counts[index], bottom_counts[index]])
        agreement = van_der_eijk_agreement(counts) if voters else math.nan
        top, middle, bottom = (int(c) for c in counts)
        flagged = bool(
            voters and agreement <= CONTESTED_AGREEMENT and min(top, bottom) >= MINIMUM_SIDE
        )
        quartiles = np.percentile(column, [25, 75]) if voters else np.array([math.nan] * 2)
        name = labels.get(candidate, candidate)
        results.append(
            ContestedCandidate(
                candidate=candidate,
                name=name,
                voters=voters,
                mean_rank=float(ranks[:, index].mean()) if voters else math.nan,
                rank_sd=float(column.std()) if voters else math.nan,
                rank_iqr=float(quartiles[1] - quartiles[0]),
                top=top,
                middle=middle,
                bottom=bottom,
                top_size=top_size,
                agreement=agreement,
                contested=flagged,
                sentence=_sentence(name, voters, top, bottom, top_size, flagged),
            )
        )
    position = {c: i for i, c in enumerate(candidates)}
    return sorted(
        results,
        key=lambda r: (
            not r.contested,
            _or(r.agreement, math.inf),
            -_or(r.rank_sd, 0.0),
            position[r.candidate],
        ),
    )


def _or(value: float, default: float) -> float:
    return default if math.isnan(value) else value


def _sentence(name: str, voters: int, top: int, bottom: int, size: int, flagged: bool) -> str:
    if not voters:
        return f"{name}: nobody ranked any candidate."
    places = f"top {size}" if size > 1 else "first place"
    bottom_places = f"bottom {size}" if size > 1 else "last place"
    counts = f"{top} of {voters} put it in their {places}, {bottom} in their {bottom_places}"
    if flagged:
        return f"{name} splits the group: {counts}."
    return f"{name}: {counts}."
