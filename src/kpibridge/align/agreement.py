"""How much the participants agree: Kendall's W for the whole group, Kendall tau distances
between two rankings.

**Ranks with ties.** A voter's candidates get average ranks: a tier of ``t`` candidates that
starts at place ``p`` gives each ``p + (t − 1)/2``. A partial ranking enters as the
:mod:`~kpibridge.align.profile` reads it: the candidates a voter did not list form one last
tier, tied below every listed one, so they share the average of the remaining places. An
empty ranking ties everything; it lowers W (one more rater with no opinion) and is kept, so
that W describes everyone who took part.

**Weights are not used** by anything here: Kendall's W and its χ² test are defined for
``m`` equally counted raters, and the distances compare one ranking with another. Weighted
consensus is the business of the consensus methods.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from kpibridge.align.profile import Profile, Ranking
from kpibridge.errors import closest_names

AGREEMENT_LEVELS: tuple[tuple[float, str], ...] = (
    (0.2, "very weak"),
    (0.4, "weak"),
    (0.6, "moderate"),
    (0.8, "strong"),
    (math.inf, "very strong"),
)
"""Upper bounds of W for each word. Schmidt (1997, "Managing Delphi surveys using
nonparametric statistical techniques", *Decision Sciences* 28, 763–774, table 2) reads
W = 0.1 as very weak, 0.3 weak, 0.5 moderate, 0.7 strong and 0.9 unusually strong agreement;
the bins here are centred on those anchors."""

TIE_PENALTY = 0.5
"""Penalty for a pair one ranking ties and the other orders: Fagin et al. (2006) show that
p = ½ (their K^(½), the "Kprof" distance) is the smallest penalty that makes the Kendall
distance between partial rankings a metric, and the natural "neutral" choice."""


def _tie_counts(levels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per voter and candidate: how many candidates are above it, how many tied with it
    (itself included)."""
    levels = np.asarray(levels)
    above = (levels[:, None, :] < levels[:, :, None]).sum(axis=2)
    tied = (levels[:, None, :] == levels[:, :, None]).sum(axis=2)
    return above, tied


def average_ranks(levels: np.ndarray) -> np.ndarray:
    """Average ranks (1 = best) per row of a voters × candidates matrix of tier numbers.

    A candidate's rank is 1 + the number of candidates strictly above it + half the number
    of others tied with it.

    >>> average_ranks(np.array([[0, 1, 1, 2]])).tolist()
    [[1.0, 2.5, 2.5, 4.0]]
    """
    above, tied = _tie_counts(levels)
    return 1.0 + above + 0.5 * (tied - 1)


@dataclass(frozen=True)
class KendallW:
    """Kendall's coefficient of concordance of a profile.

    Attributes:
        w: W in [0, 1] with the tie correction; NaN when undefined (fewer than 2 raters or
            candidates, or every rater ties every candidate).
        chi_square: ``m (n − 1) W``, approximately χ² with ``n − 1`` degrees of freedom when
            the raters rank at random.
        degrees_of_freedom: ``n − 1``.
        p_value: Probability of at least this much agreement by chance (χ² approximation;
            rough when n < 7).
        raters: ``m``, the number of rankings.
        items: ``n``, the number of candidates.
        interpretation: A plain sentence (levels in :data:`AGREEMENT_LEVELS`).
    """

    w: float
    chi_square: float
    degrees_of_freedom: int
    p_value: float
    raters: int
    items: int
    interpretation: str

    @property
    def level(self) -> str | None:
        """``very weak`` … ``very strong``, or None when W is undefined."""
        if math.isnan(self.w):
            return None
        return next(word for bound, word in AGREEMENT_LEVELS if self.w < bound)

    def to_json(self) -> dict[str, Any]:
        """A JSON-compatible dictionary (NaN becomes null)."""

        def number(value: float) -> float | None:
            return None if math.isnan(value) else value

        return {
            "w": number(self.w),
            "chi_square": number(self.chi_square),
            "degrees_of_freedom": self.degrees_of_freedom,
            "p_value": number(self.p_value),
            "raters": self.raters,
            "items": self.items,
            "level": self.level,
            "interpretation": self.interpretation,
        }


def _interpret(w: float, p_value: float, raters: int, items: int) -> str:
    if math.isnan(w):
        return (
            f"Agreement cannot be measured with {raters} ranking(s) of {items} candidate(s) "
            "that order nothing."
        )
    word = next(word for bound, word in AGREEMENT_LEVELS if w < bound)
    chance = (
        "more than chance would give"
        if p_value < 0.05
        else "not clearly more than chance would give"
    )
    return (
        f"Kendall's W = {w:.2f}: {word} agreement among {raters} participants on "
        f"{items} candidates, {chance} (p = {p_value:.3g})."
    )


def kendall_w(profile: Profile) -> KendallW:
    """Kendall's W with the correction for ties (Kendall and Babington Smith 1939; Siegel
    and Castellan 1988, *Nonparametric statistics*, §9.4, eq. 9.16):

    ``W = 12 S / (m² (n³ − n) − m Σ_i T_i)``, ``S = Σ_j (R_j − m (n + 1)/2)²``,
    ``T_i = Σ (t³ − t)`` over the tied groups of rater ``i``, ``R_j`` the rank sum of item j.

    Equals Friedman's tie-corrected χ² divided by ``m (n − 1)``, against which it is
    tested (``scipy.stats.friedmanchisquare``). Weights are not used (module docstring).

    >>> profile = Profile.from_orders("abc", ["abc", "abc", "acb"])
    >>> round(kendall_w(profile).w, 3)
    0.778
    """
    levels = profile.levels
    m, n = levels.shape
    if m < 2 or n < 2:
        return KendallW(
            math.nan, math.nan, max(n - 1, 0), math.nan, m, n, _interpret(math.nan, math.nan, m, n)
        )
    above, tied = _tie_counts(levels)
    ranks = 1.0 + above + 0.5 * (tied - 1)
    # a tied group of size t adds t³ − t = Σ over its t members of (t² − 1)
    tie_sum = float(np.sum(tied.astype(float) ** 2 - 1))
    sums = ranks.sum(axis=0)
    spread = float(np.sum((sums - m * (n + 1) / 2) ** 2))
    denominator = m**2 * (n**3 - n) - m * tie_sum
    if denominator <= 0:
        return KendallW(
            math.nan, math.nan, n - 1, math.nan, m, n, _interpret(math.nan, math.nan, m, n)
        )
    w = min(max(12 * spread / denominator, 0.0), 1.0)
    chi_square = m * (n - 1) * w
    p_value = float(stats.chi2.sf(chi_square, n - 1))
    return KendallW(w, chi_square, n - 1, p_value, m, n, _interpret(w, p_value, m, n))


def _ranking_levels(
    ranking: Ranking | Iterable[Iterable[str]], candidates: Sequence[str]
) -> np.ndarray:
    """Tier numbers of ``candidates`` in one ranking; unlisted candidates tied last."""
    index = {c: i for i, c in enumerate(candidates)}
    tiers = [(tier,) if isinstance(tier, str) else tuple(tier) for tier in ranking]
    tiers = [tier for tier in tiers if tier]
    levels = np.full(len(index), len(tiers), dtype=np.int64)
    seen: set[str] = set()
    for level, tier in enumerate(tiers):
        for candidate in tier:
            if candidate not in index:
                hint = closest_names(candidate, candidates)
                suggestion = f" Did you mean {hint[0]!r}?" if hint else ""
                raise ValueError(f"{candidate!r} is not a candidate.{suggestion}")
            if candidate in seen:
                raise ValueError(f"{candidate!r} appears twice in one ranking")
            seen.add(candidate)
            levels[index[candidate]] = level
    return levels


def _pair_signs(levels: np.ndarray) -> np.ndarray:
    """rows × pairs matrix of sign(level_j − level_i) for every pair i < j: 1 = i above j."""
    n = levels.shape[1]
    first, second = np.triu_indices(n, k=1)
    return np.sign(levels[:, second] - levels[:, first]).astype(np.int8)


def _distance_matrix(left: np.ndarray, right: np.ndarray, penalty: float) -> np.ndarray:
    """Normalised Kendall distances between every row of ``left`` and of ``right`` (levels).

    With ``s ∈ {−1, 0, 1}`` per pair and ``|s|`` = 1 when the pair is ordered, summed over
    pairs: ``Σ |s||s'| − s s'`` is twice the opposite pairs, and ``Σ |s| + Σ |s'| − 2 |s||s'|``
    counts the pairs exactly one of the two ties. Two matrix products (float32 is exact for
    these integer counts) do every comparison at once.
    """
    n = left.shape[1]
    pairs = n * (n - 1) // 2
    if pairs == 0:
        return np.zeros((len(left), len(right)))
    a = _pair_signs(left).astype(np.float32)
    b = a if right is left else _pair_signs(right).astype(np.float32)
    ordered_a, ordered_b = np.abs(a), np.abs(b)
    both_ordered = (ordered_a @ ordered_b.T).astype(np.float64)
    opposite = (both_ordered - (a @ b.T)) / 2
    one_tied = ordered_a.sum(axis=1)[:, None] + ordered_b.sum(axis=1)[None, :] - 2 * both_ordered
    return (opposite + penalty * one_tied) / pairs


def kendall_distance(
    a: Ranking | Iterable[Iterable[str]],
    b: Ranking | Iterable[Iterable[str]],
    candidates: Sequence[str],
    penalty: float = TIE_PENALTY,
) -> float:
    """Normalised Kendall tau distance between two tiered rankings, in [0, 1].

    Over every pair of candidates: 0 when both rankings order the pair the same way or both
    tie it, 1 when they order it in opposite ways, ``penalty`` when one ties it and the
    other does not (Fagin, Kumar, Mahdian, Sivakumar and Vee 2006, "Comparing partial
    rankings", *SIAM J. Discrete Math.* 20, 628–648: K^(p)). The sum is divided by the
    number of pairs ``n (n − 1) / 2``. Unlisted candidates are tied below the listed ones.

    >>> kendall_distance([["a"], ["b"], ["c"]], [["c"], ["b"], ["a"]], "abc")
    1.0
    >>> kendall_distance([["a", "b"]], [["a"], ["b"]], "ab")
    0.5
    """
    if not 0 <= penalty <= 1:
        raise ValueError(f"the tie penalty is {penalty}; use a value from 0 to 1")
    names = tuple(candidates)
    left = _ranking_levels(a, names)[None, :]
    right = _ranking_levels(b, names)[None, :]
    return float(_distance_matrix(left, right, penalty)[0, 0])


def distances_to(
    profile: Profile, order: Sequence[str] | Ranking, penalty: float = TIE_PENALTY
) -> dict[str, float]:
    """Each voter's normalised Kendall distance to ``order`` (a strict order or tiers).

    A strict order is a sequence of candidate ids; candidates it leaves out are tied last.
    """
    target = _ranking_levels(order, profile.candidates)[None, :]
    distances = _distance_matrix(profile.levels, target, penalty)[:, 0]
    return {voter: float(d) for voter, d in zip(profile.voters, distances, strict=True)}


def pairwise_distances(profile: Profile, penalty: float = TIE_PENALTY) -> np.ndarray:
    """voters × voters matrix of normalised Kendall distances (order of ``profile.voters``).

    Three matrix products over the ``n (n − 1) / 2`` candidate pairs: 200 voters and 30
    candidates take a few milliseconds.
    """
    levels = profile.levels
    return _distance_matrix(levels, levels, penalty)
