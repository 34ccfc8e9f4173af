"""A preference profile (who ranked which candidate KPIs how), and the result every consensus
method returns.

Conventions, shared by every method of the voting family (``borda``, ``copeland``,
``schulze``, ``ranked_pairs``, ``kemeny``):

* **Rankings are tiers, best first.** ``(("cac",), ("ctr", "roas"), ("nps",))`` says cac is
  first, ctr and roas are tied second, nps is fourth.
* **Partial rankings.** Candidates a voter did not list are tied below every listed one:
  listed ≻ unlisted, and two unlisted candidates get no preference from that voter (they
  count as tied, exactly like two candidates in one tier). An empty ranking therefore
  expresses no pairwise preference at all. This is the *extended strict preference* of
  pref_voting's ``ProfileWithTies.use_extended_strict_preference()``, against which the
  pairwise matrix is tested.
* **Pairwise matrix.** ``N[a, b]`` is the total weight of the voters who rank ``a`` strictly
  above ``b``; ties (same tier, or both unlisted) count for neither side. ``margins()`` is
  ``N − Nᵀ``.
* **Borda score with ties.** A candidate gets, from each voter, one point per candidate
  ranked below it and half a point per candidate tied with it — the row sum of
  ``N + ½·T`` with ``T[a, b]`` the weight of voters tied on ``a, b``. Equivalently
  ``borda(a) = ½·(W·(n − 1) + Σ_b margins[a, b])`` with ``W`` the total weight (Brams and
  Fishburn 2002, *Voting procedures*, §4: the "averaged" treatment of ties).
* **Tie-break rule.** Wherever a method leaves candidates tied but a strict order is needed,
  the higher Borda score comes first, then the candidate listed earlier in the round
  (``Profile.candidates``). Every method reports each tie it broke as a plain sentence in
  ``ConsensusResult.tie_breaks``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Protocol

import numpy as np

from kpibridge.errors import closest_names

Tier = tuple[str, ...]
Ranking = tuple[Tier, ...]

_CHUNK_ELEMENTS = 1 << 22
"""Voters × n × n comparisons done at once when building the pairwise matrix."""


def _normalise_ranking(ranking: Iterable[str | Iterable[str]]) -> Ranking:
    """A bare string is a one-candidate tier; empty tiers are dropped."""
    tiers = ((item,) if isinstance(item, str) else tuple(item) for item in ranking)
    return tuple(tier for tier in tiers if tier)


@dataclass(frozen=True)
class Profile:
    """Rankings of candidates by voters, with one weight per voter.

    Args:
        candidates: Candidate ids in the order of the round (the last tie-break).
        rankings: One ranking per voter: tiers best first (see the module docstring).
        weights: One non-negative weight per ranking; empty means every weight is 1.
        voters: One unique name per ranking; empty means ``voter 1``, ``voter 2`` …

    Raises:
        ValueError: naming the voter and the candidate for an unknown or repeated candidate,
            and for lengths that do not match, negative weights or repeated names.
    """

    candidates: tuple[str, ...]
    rankings: tuple[Ranking, ...]
    weights: tuple[float, ...] = ()
    voters: tuple[str, ...] = ()
    _levels: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        candidates = tuple(self.candidates)
        rankings = tuple(_normalise_ranking(r) for r in self.rankings)
        count = len(rankings)
        weights = tuple(float(w) for w in self.weights) if self.weights else (1.0,) * count
        voters = (
            tuple(self.voters) if self.voters else tuple(f"voter {i + 1}" for i in range(count))
        )
        if len(set(candidates)) != len(candidates):
            repeated = sorted({c for c in candidates if candidates.count(c) > 1})
            raise ValueError(f"candidate {repeated[0]!r} appears twice in the candidates")
        if len(weights) != count:
            raise ValueError(f"{len(weights)} weights for {count} rankings: give one per ranking")
        if len(voters) != count:
            raise ValueError(f"{len(voters)} voter names for {count} rankings")
        if len(set(voters)) != count:
            repeated = sorted({v for v in voters if voters.count(v) > 1})
            raise ValueError(f"voter {repeated[0]!r} has more than one ranking")
        for voter, weight in zip(voters, weights, strict=True):
            if not np.isfinite(weight) or weight < 0:
                raise ValueError(f"voter {voter!r} has weight {weight}: weights must be ≥ 0")
        object.__setattr__(self, "candidates", candidates)
        object.__setattr__(self, "rankings", rankings)
        object.__setattr__(self, "weights", weights)
        object.__setattr__(self, "voters", voters)
        object.__setattr__(self, "_levels", self._tier_levels())

    def _tier_levels(self) -> np.ndarray:
        """levels[v, c] = the tier of candidate c in voter v's ranking; unlisted = below all."""
        index = {c: i for i, c in enumerate(self.candidates)}
        rows: list[int] = []
        columns: list[int] = []
        values: list[int] = []
        unlisted = np.empty(len(self.rankings), dtype=np.int64)
        for row, (voter, ranking) in enumerate(zip(self.voters, self.rankings, strict=True)):
            seen: set[str] = set()
            for level, tier in enumerate(ranking):
                for candidate in tier:
                    if candidate not in index:
                        hint = closest_names(candidate, self.candidates)
                        suggestion = f" Did you mean {hint[0]!r}?" if hint else ""
                        raise ValueError(
                            f"voter {voter!r} ranks {candidate!r}, which is not a candidate of "
                            f"this round.{suggestion}"
                        )
                    if candidate in seen:
                        raise ValueError(
                            f"voter {voter!r} lists candidate {candidate!r} more than once"
                        )
                    seen.add(candidate)
                    rows.append(row)
                    columns.append(index[candidate])
                    values.append(level)
            unlisted[row] = len(ranking)
        levels = np.repeat(unlisted[:, None], len(self.candidates), axis=1)
        levels[rows, columns] = values
        levels.setflags(write=False)
        return levels

    @property
    def levels(self) -> np.ndarray:
        """Read-only voters × candidates matrix of tier numbers (0 = best; unlisted last)."""
        return self._levels

    @property
    def total_weight(self) -> float:
        return float(sum(self.weights))

    @property
    def tolerance(self) -> float:
        """Pairwise sums closer than this are equal (float weights add up unevenly)."""
        return 1e-9 * max(1.0, self.total_weight)

    @cached_property
    def _pairwise(self) -> np.ndarray:
        n = len(self.candidates)
        matrix = np.zeros((n, n))
        weights = np.asarray(self.weights, dtype=float)
        step = max(1, _CHUNK_ELEMENTS // max(1, n * n))
        for start in range(0, len(self.rankings), step):
            block = self._levels[start : start + step]
            above = block[:, :, None] < block[:, None, :]
            matrix += np.tensordot(weights[start : start + step], above, axes=1)
        matrix.setflags(write=False)
        return matrix

    def pairwise(self) -> np.ndarray:
        """``N[a, b]``: total weight of the voters who rank candidate a strictly above b.

        Indices follow ``candidates``. The array is read-only (it is cached).

        >>> Profile(("a", "b", "c"), ((("a",), ("b", "c")), (("c",),))).pairwise().tolist()
        [[0.0, 1.0, 1.0], [0.0, 0.0, 0.0], [1.0, 1.0, 0.0]]
        """
        return self._pairwise

    def margins(self) -> np.ndarray:
        """``N − Nᵀ``: how much more weight prefers a over b than b over a."""
        pairwise = self.pairwise()
        return pairwise - pairwise.T

    def borda_scores(self) -> np.ndarray:
        """Borda scores with ties counting half (see the module docstring), by candidate."""
        n = len(self.candidates)
        return 0.5 * (self.total_weight * (n - 1) + self.margins().sum(axis=1))

    def unweighted(self) -> Profile:
        """The same rankings with every weight 1."""
        return replace(self, weights=(1.0,) * len(self.rankings))

    @property
    def weighted(self) -> bool:
        """Whether the weights differ from one another."""
        return len(set(self.weights)) > 1

    @classmethod
    def from_orders(
        cls,
        candidates: Sequence[str],
        orders: Iterable[Sequence[str]],
        weights: Sequence[float] = (),
        voters: Sequence[str] = (),
    ) -> Profile:
        """A profile of strict (possibly partial) orders, one candidate per tier.

        >>> Profile.from_orders("abc", ["abc", "cab"], weights=[2, 1]).pairwise()[0, 1]
        np.float64(3.0)
        """
        return cls(
            tuple(candidates),
            tuple(tuple((c,) for c in order) for order in orders),
            tuple(weights),
            tuple(voters),
        )


@dataclass(frozen=True)
class ConsensusResult:
    """What one consensus method concluded.

    Attributes:
        method: The method's name (``kemeny``, ``schulze`` …).
        ranking: Tiers, best first, as the method itself ranks (ties where it sees ties).
        order: A strict order: ``ranking`` with ties broken by the tie-break rule.
        tie_breaks: Plain sentences, one per tie that was broken, saying how.
        scores: The method's own score of each candidate (higher is better).
        details: Method-specific figures, JSON-compatible.
    """

    method: str
    ranking: tuple[Tier, ...]
    order: tuple[str, ...]
    tie_breaks: tuple[str, ...]
    scores: dict[str, float]
    details: Mapping[str, Any] = field(default_factory=dict)

    @property
    def winner(self) -> str:
        return self.order[0]

    def top(self, k: int) -> tuple[str, ...]:
        return self.order[:k]

    def to_json(self) -> dict[str, Any]:
        """A JSON-compatible dictionary."""
        return {
            "method": self.method,
            "ranking": [list(tier) for tier in self.ranking],
            "order": list(self.order),
            "tie_breaks": list(self.tie_breaks),
            "scores": dict(self.scores),
            "details": dict(self.details),
        }


class ConsensusMethod(Protocol):
    """A consensus method: a profile in, a ``ConsensusResult`` out."""

    __name__: str

    def __call__(self, profile: Profile, /) -> ConsensusResult: ...


def tie_break_positions(profile: Profile) -> np.ndarray:
    """positions[c] = place of candidate c in the tie-break order (Borda, then round order)."""
    borda = np.round(profile.borda_scores() / profile.tolerance) * profile.tolerance
    order = np.lexsort((np.arange(len(profile.candidates)), -borda))
    positions = np.empty(len(order), dtype=np.int64)
    positions[order] = np.arange(len(order))
    return positions


def group_by_score(scores: np.ndarray, tolerance: float) -> list[list[int]]:
    """Candidate indices in tiers of equal score (within ``tolerance``), best first; each tier
    in round order."""
    order = np.lexsort((np.arange(len(scores)), -scores))
    tiers: list[list[int]] = []
    for index in order.tolist():
        if tiers and abs(scores[tiers[-1][0]] - scores[index]) <= tolerance:
            tiers[-1].append(index)
        else:
            tiers.append([index])
    return [sorted(tier) for tier in tiers]


def join_names(names: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _number(value: float) -> str:
    return f"{value:.6g}"


def break_ties(
    profile: Profile, tiers: Sequence[Sequence[int]], method: str
) -> tuple[tuple[Tier, ...], tuple[str, ...], tuple[str, ...]]:
    """Order each tier by the tie-break rule; return (ranking, order, tie_breaks sentences)."""
    names = profile.candidates
    borda = profile.borda_scores()
    positions = tie_break_positions(profile)
    ranking: list[Tier] = []
    order: list[str] = []
    sentences: list[str] = []
    for tier in tiers:
        ranking.append(tuple(names[i] for i in sorted(tier)))
        ordered = sorted(tier, key=lambda i: positions[i])
        order.extend(names[i] for i in ordered)
        if len(ordered) < 2:
            continue
        groups = group_by_score(borda[ordered], profile.tolerance)
        by_borda = ", ".join(f"{names[i]} ({_number(borda[i])})" for i in ordered)
        sentence = (
            f"{join_names([names[i] for i in sorted(tier)])} are tied by {method}; "
            f"ordered by Borda score: {by_borda}"
        )
        equal = [[ordered[j] for j in group] for group in groups if len(group) > 1]
        if equal:
            same = "; ".join(join_names([names[i] for i in group]) for group in equal)
            sentence += f"; equal Borda scores keep their order in the round ({same})"
        sentences.append(sentence + ".")
    return tuple(ranking), tuple(order), tuple(sentences)


def result_from_scores(
    profile: Profile, method: str, scores: np.ndarray, details: Mapping[str, Any] | None = None
) -> ConsensusResult:
    """Rank candidates by a score (higher first; equal scores tied) and break the ties."""
    tiers = group_by_score(scores.astype(float), profile.tolerance)
    ranking, order, tie_breaks = break_ties(profile, tiers, method)
    return ConsensusResult(
        method=method,
        ranking=ranking,
        order=order,
        tie_breaks=tie_breaks,
        scores={c: float(s) for c, s in zip(profile.candidates, scores, strict=True)},
        details=dict(details or {}),
    )
