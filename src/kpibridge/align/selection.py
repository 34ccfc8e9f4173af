"""The recommended KPI set: the k candidates that best combine consensus and criteria
scores, subject to covering every business goal, including a qualitative KPI, and never
taking two near-duplicates — solved exactly as a small integer program (scipy's HiGHS).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp


@dataclass(frozen=True)
class SelectionCandidate:
    id: str
    name: str
    goal: str | None
    qualitative: bool
    consensus: float
    """Consensus strength in [0, 1] (1 = first in the consensus ranking)."""
    criteria: float | None = None
    """Multi-criteria score in [0, 1], when participants scored the candidate."""


@dataclass(frozen=True)
class Recommendation:
    selected: tuple[str, ...]
    """The recommended set, best combined score first."""
    scores: dict[str, float]
    unconstrained: tuple[str, ...]
    """The k best by combined score alone, for comparison."""
    reasons: tuple[str, ...]
    """Plain sentences: what the constraints changed and why."""


def combined_scores(
    candidates: Sequence[SelectionCandidate], consensus_weight: float = 0.7
) -> dict[str, float]:
    """consensus_weight × consensus + (1 − consensus_weight) × criteria; candidates without
    criteria scores are judged on consensus alone."""
    scores = {}
    for candidate in candidates:
        if candidate.criteria is None:
            scores[candidate.id] = candidate.consensus
        else:
            scores[candidate.id] = (
                consensus_weight * candidate.consensus + (1 - consensus_weight) * candidate.criteria
            )
    return scores


def recommend(
    candidates: Sequence[SelectionCandidate],
    k: int,
    near_duplicates: Collection[frozenset[str]] = (),
    consensus_weight: float = 0.7,
) -> Recommendation:
    """Choose ``k`` candidates maximising the combined score under the constraints.

    Goal coverage and the qualitative seat come first (as many goals as the seats allow),
    then the scores; near-duplicates are never both taken unless no k-set avoids them.
    """
    ids = [c.id for c in candidates]
    k = min(k, len(ids))
    scores = combined_scores(candidates, consensus_weight)
    weights = np.array([scores[i] for i in ids])
    # tiny preference for the consensus order, so equal scores resolve deterministically
    weights = weights - np.arange(len(ids)) * 1e-9
    index = {c: n for n, c in enumerate(ids)}
    unconstrained = tuple(sorted(ids, key=lambda c: (-scores[c], index[c]))[:k])

    goals: dict[str, list[int]] = {}
    for n, candidate in enumerate(candidates):
        if candidate.goal:
            goals.setdefault(candidate.goal, []).append(n)
    qualitative = [n for n, c in enumerate(candidates) if c.qualitative]
    pairs = [
        sorted(index[c] for c in pair)
        for pair in near_duplicates
        if len(pair) == 2 and all(c in index for c in pair)
    ]

    reasons: list[str] = []
    goal_rows = list(goals.values())
    if len(goal_rows) > k:
        reasons.append(
            f"{len(goal_rows)} goals have candidates but only {k} KPIs are selected: the set "
            "covers as many goals as it can"
        )
    solution = _solve(weights, k, goal_rows, qualitative, pairs)
    if solution is None:  # only near-duplicate pairs can make it infeasible
        reasons.append("near-duplicate pairs leave fewer than k candidates; duplicates allowed")
        solution = _solve(weights, k, goal_rows, qualitative, [])
    assert solution is not None
    selected = tuple(sorted((ids[n] for n in solution), key=lambda c: (-scores[c], index[c])))
    reasons += _explain(candidates, selected, unconstrained, near_duplicates)
    return Recommendation(selected, scores, unconstrained, tuple(reasons))


def _solve(
    weights: np.ndarray,
    k: int,
    goal_rows: list[list[int]],
    qualitative: list[int],
    pairs: list[list[int]],
) -> list[int] | None:
    """Integer program over x (candidate chosen) and y (goal covered, qualitative seat
    filled): maximise M·Σy + Σ w·x with y ≤ Σ x of its members, Σ x = k, duplicate pairs
    ≤ 1. M exceeds any sum of scores, so coverage comes first, then the scores."""
    size = len(weights)
    covers = [*goal_rows, *([qualitative] if qualitative else [])]
    total = size + len(covers)
    big = float(np.abs(weights).sum() + 1)
    objective = np.concatenate([-weights, -big * np.ones(len(covers))])
    rows: list[np.ndarray] = []
    lower: list[float] = []
    upper: list[float] = []

    def add(row: np.ndarray, low: float, high: float) -> None:
        rows.append(row)
        lower.append(low)
        upper.append(high)

    seats = np.zeros(total)
    seats[:size] = 1
    add(seats, k, k)
    for number, members in enumerate(covers):
        row = np.zeros(total)
        row[size + number] = 1
        row[members] = -1
        add(row, -np.inf, 0)  # y ≤ Σ x
    for pair in pairs:
        row = np.zeros(total)
        row[pair] = 1
        add(row, 0, 1)
    result = milp(
        objective,
        constraints=LinearConstraint(np.array(rows), lower, upper),
        integrality=np.ones(total),
        bounds=Bounds(0, 1),
    )
    if not result.success:
        return None
    return [n for n in range(size) if result.x[n] > 0.5]


def _explain(
    candidates: Sequence[SelectionCandidate],
    selected: Sequence[str],
    unconstrained: Sequence[str],
    near_duplicates: Collection[frozenset[str]],
) -> list[str]:
    by_id = {c.id: c for c in candidates}
    reasons = []
    for added in [c for c in selected if c not in unconstrained]:
        candidate = by_id[added]
        why = []
        if candidate.goal and not any(by_id[o].goal == candidate.goal for o in unconstrained):
            why.append(
                f"it is the best candidate for the goal {candidate.goal}, which the "
                "top scores alone leave uncovered"
            )
        if candidate.qualitative and not any(by_id[o].qualitative for o in unconstrained):
            why.append("the set needs one qualitative KPI beside the numbers")
        because = " and ".join(why) or "it fits the constraints better"
        reasons.append(f"{candidate.name} is in: {because}.")
    for dropped in [c for c in unconstrained if c not in selected]:
        partner = next(
            (
                other
                for pair in near_duplicates
                if dropped in pair
                for other in pair
                if other != dropped and other in selected
            ),
            None,
        )
        if partner:
            reasons.append(
                f"{by_id[dropped].name} is out: it nearly duplicates "
                f"{by_id[partner].name}, which is in."
            )
        else:
            reasons.append(
                f"{by_id[dropped].name} is out: its seat went to a KPI the constraints require."
            )
    return reasons
