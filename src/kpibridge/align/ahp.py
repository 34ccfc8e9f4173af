"""Criteria weights from pairwise judgments: Saaty's Analytic Hierarchy Process (AHP).

A judgment ``(a, b, v)`` says criterion ``a`` is ``v`` times as important as ``b`` on
Saaty's 1–9 scale (``1/v`` the other way round). The weights are the principal right
eigenvector of the reciprocal judgment matrix, and the consistency ratio says how far the
judgments are from fitting together (Saaty 1980, *The Analytic Hierarchy Process*;
Saaty 1990, "How to make a decision: the analytic hierarchy process", *EJOR* 48, 9–26):

* ``CI = (λmax − n) / (n − 1)``; ``CR = CI / RI(n)`` with ``RI`` the mean ``CI`` of random
  reciprocal matrices (:data:`RANDOM_INDEX`); ``CR ≤ 0.10`` is Saaty's threshold of
  acceptable consistency. Two criteria cannot be inconsistent: ``CR = 0`` for ``n ≤ 2``.

**Incomplete judgments** (not every pair compared) follow Harker (1987, "Incomplete pairwise
comparisons in the analytic hierarchy process", *Mathematical Modelling* 9, 837–848): a
missing ``a_ij`` is taken to be ``w_i / w_j``, which is the same as setting it to 0 and
adding 1 to the diagonal for each missing entry of the row. The principal eigenvector of that
matrix gives the weights; a complete consistent matrix and any connected part of it give the
same weights. The judged pairs must connect every criterion, otherwise nothing relates the
separate groups. The consistency ratio of an incomplete matrix uses the same ``RI`` table,
which makes it approximate (random incomplete matrices are a little more consistent).

**Group judgments** (:func:`combine_judgments`) are the geometric mean of the individual
judgments of each pair, over the people who judged it: aggregation of individual judgments
(AIJ), the method that keeps the reciprocal property (Forman and Peniwati 1998,
"Aggregating individual judgments and priorities with the AHP", *EJOR* 108, 165–169).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from kpibridge.errors import DisconnectedComparisonsError, closest_names

Judgment = tuple[str, str, float]

RANDOM_INDEX: Mapping[int, float] = {
    1: 0.0,
    2: 0.0,
    3: 0.58,
    4: 0.90,
    5: 1.12,
    6: 1.24,
    7: 1.32,
    8: 1.41,
    9: 1.45,
    10: 1.49,
    11: 1.5141,
    12: 1.5365,
    13: 1.5551,
    14: 1.5713,
    15: 1.5838,
}
"""Random consistency index by matrix size: Saaty (1980, table 1.7; 1990, p. 15) for
n ≤ 10, Alonso and Lamata (2006, *Int. J. Uncertainty, Fuzziness and Knowledge-Based
Systems* 14, 445–459, table 1) for 11–15. Larger sizes use the n = 15 value, which
slightly overstates CR (RI still grows with n)."""

CONSISTENCY_THRESHOLD = 0.10
"""Saaty's acceptable consistency ratio."""

_SCALE_TOLERANCE = 1e-9


def random_index(n: int) -> float:
    """Saaty's random index for an ``n × n`` matrix (see :data:`RANDOM_INDEX`)."""
    return RANDOM_INDEX.get(n, RANDOM_INDEX[15]) if n > 0 else 0.0


@dataclass(frozen=True)
class InconsistentJudgment:
    """The judgment that fits the derived weights worst.

    Attributes:
        a: The criterion judged more (or less) important.
        b: The criterion it was compared with.
        given: The judgment as given: ``a`` is ``given`` times as important as ``b``.
        implied: ``w_a / w_b``: what the other judgments, through the weights, imply.
    """

    a: str
    b: str
    given: float
    implied: float

    @property
    def factor(self) -> float:
        """How many times the given judgment is off (≥ 1)."""
        ratio = self.given / self.implied
        return max(ratio, 1 / ratio)

    def to_json(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "given": self.given, "implied": self.implied}


@dataclass(frozen=True)
class AhpResult:
    """Weights and consistency of one set of pairwise judgments.

    Attributes:
        criteria: The criteria, in the order given.
        weights: criterion → weight; the weights sum to 1.
        lambda_max: Principal eigenvalue of the (Harker-completed) judgment matrix.
        consistency_index: ``(λmax − n) / (n − 1)``; 0 for n ≤ 2.
        random_index: Saaty's ``RI(n)``.
        consistency_ratio: ``CI / RI``; 0 for n ≤ 2.
        consistent: ``consistency_ratio ≤ 0.10``.
        missing: Pairs nobody judged (filled in by Harker's method).
        most_inconsistent: The judgment furthest from ``w_a / w_b`` (None for n ≤ 2).
        explanation: A plain sentence: why the judgments are (in)consistent.
    """

    criteria: tuple[str, ...]
    weights: dict[str, float]
    lambda_max: float
    consistency_index: float
    random_index: float
    consistency_ratio: float
    consistent: bool
    missing: tuple[tuple[str, str], ...]
    most_inconsistent: InconsistentJudgment | None
    explanation: str

    def to_json(self) -> dict[str, Any]:
        """A JSON-compatible dictionary."""
        worst = self.most_inconsistent
        return {
            "criteria": list(self.criteria),
            "weights": dict(self.weights),
            "lambda_max": self.lambda_max,
            "consistency_index": self.consistency_index,
            "random_index": self.random_index,
            "consistency_ratio": self.consistency_ratio,
            "consistent": self.consistent,
            "missing": [list(pair) for pair in self.missing],
            "most_inconsistent": worst.to_json() if worst else None,
            "explanation": self.explanation,
        }


def _unknown(name: str, criteria: Sequence[str]) -> ValueError:
    hint = closest_names(name, criteria)
    suggestion = f" Did you mean {hint[0]!r}?" if hint else ""
    return ValueError(
        f"the comparison names {name!r}, which is not a criterion "
        f"(criteria: {', '.join(criteria)}).{suggestion}"
    )


def _judgment_matrix(
    criteria: Sequence[str], comparisons: Iterable[Judgment]
) -> tuple[np.ndarray, np.ndarray]:
    """The reciprocal matrix of the judgments and a mask of the judged entries.

    Raises:
        ValueError: for an unknown criterion, a self-comparison, a value outside [1/9, 9]
            or two judgments of one pair that contradict each other.
    """
    index = {c: i for i, c in enumerate(criteria)}
    n = len(criteria)
    matrix = np.ones((n, n))
    judged = np.eye(n, dtype=bool)
    for a, b, raw in comparisons:
        for name in (a, b):
            if name not in index:
                raise _unknown(name, criteria)
        if a == b:
            raise ValueError(f"{a!r} is compared with itself; compare two different criteria")
        value = float(raw)
        if not (1 / 9 - _SCALE_TOLERANCE <= value <= 9 + _SCALE_TOLERANCE):
            raise ValueError(
                f"the comparison of {a!r} with {b!r} is {value:g}, outside Saaty's scale: "
                "use a value from 1/9 to 9"
            )
        i, j = index[a], index[b]
        if judged[i, j] and not math.isclose(matrix[i, j], value, rel_tol=1e-6):
            raise ValueError(
                f"{a!r} and {b!r} are compared twice with different values "
                f"({matrix[i, j]:.4g} and {value:.4g} for {a!r} over {b!r}); keep one"
            )
        matrix[i, j], matrix[j, i] = value, 1 / value
        judged[i, j] = judged[j, i] = True
    return matrix, judged


def _components(judged: np.ndarray) -> list[list[int]]:
    """Connected groups of criteria in the graph of judged pairs."""
    n = len(judged)
    label = -np.ones(n, dtype=np.int64)
    groups: list[list[int]] = []
    for start in range(n):
        if label[start] >= 0:
            continue
        label[start] = len(groups)
        group, frontier = [start], [start]
        while frontier:
            node = frontier.pop()
            for other in np.flatnonzero(judged[node] & (label < 0)).tolist():
                label[other] = len(groups)
                group.append(other)
                frontier.append(other)
        groups.append(sorted(group))
    return groups


def _principal(matrix: np.ndarray) -> tuple[float, np.ndarray]:
    """Principal eigenvalue and its eigenvector, normalised to sum 1 (Perron: all > 0)."""
    values, vectors = np.linalg.eig(matrix)
    top = int(np.argmax(values.real))
    vector = np.abs(vectors[:, top].real)
    return float(values[top].real), vector / vector.sum()


def _explain(worst: InconsistentJudgment | None, ratio: float, n: int) -> str:
    if n <= 2 or worst is None:
        word = "criterion" if n == 1 else "criteria"
        return f"With {n} {word} the judgments cannot contradict each other."
    if ratio <= CONSISTENCY_THRESHOLD:
        return (
            f"The judgments fit together (consistency ratio {ratio:.3f} ≤ "
            f"{CONSISTENCY_THRESHOLD:.2f})."
        )
    return (
        f"The judgments contradict each other (consistency ratio {ratio:.3f} > "
        f"{CONSISTENCY_THRESHOLD:.2f}). The judgment that fits least: {worst.a!r} was said to "
        f"be {_times(worst.given)} as important as {worst.b!r}, but the other judgments imply "
        f"about {_times(worst.implied)}. Revisiting that comparison should help most."
    )


def _times(value: float) -> str:
    if value >= 1:
        return f"{value:.3g} times"
    return f"1/{1 / value:.3g} times"


def ahp_weights(criteria: Sequence[str], comparisons: Iterable[Judgment]) -> AhpResult:
    """Weights of ``criteria`` from pairwise judgments, with Saaty's consistency ratio.

    Args:
        criteria: The criteria, unique.
        comparisons: ``(a, b, v)``: ``a`` is ``v`` times as important as ``b`` (1/9 ≤ v ≤ 9).
            Pairs may be missing as long as the judged pairs connect every criterion.

    Raises:
        ValueError: naming the criterion or the pair for an unknown criterion, a
            self-comparison, a value off the scale or contradictory duplicates.
        DisconnectedComparisonsError: (a ``ValueError``) naming the groups of criteria that
            no chain of judgments connects.

    >>> result = ahp_weights(["a", "b", "c"], [("a", "b", 2), ("b", "c", 2)])
    >>> [round(w, 3) for w in result.weights.values()], result.consistency_ratio < 1e-9
    ([0.571, 0.286, 0.143], True)
    """
    names = tuple(criteria)
    if len(set(names)) != len(names):
        repeated = sorted({c for c in names if names.count(c) > 1})
        raise ValueError(f"criterion {repeated[0]!r} is listed twice")
    if not names:
        raise ValueError("no criteria to weigh")
    n = len(names)
    matrix, judged = _judgment_matrix(names, comparisons)
    groups = _components(judged)
    if len(groups) > 1:
        described = "; ".join(", ".join(names[i] for i in group) for group in groups)
        raise DisconnectedComparisonsError(
            f"the comparisons do not connect every criterion: the groups {described} are "
            "never compared with each other; add a comparison between them"
        )
    missing_per_row = (~judged).sum(axis=1)
    harker = np.where(judged, matrix, 0.0)
    harker[np.diag_indices(n)] = 1.0 + missing_per_row
    lambda_max, weights = _principal(harker)
    index = (lambda_max - n) / (n - 1) if n > 2 else 0.0
    index = max(index, 0.0)
    random = random_index(n)
    ratio = index / random if n > 2 else 0.0
    worst: InconsistentJudgment | None = None
    if n > 2:
        implied = weights[:, None] / weights[None, :]
        error = np.where(judged, np.abs(np.log(matrix / implied)), -1.0)
        upper = np.triu(error, k=1)
        i, j = np.unravel_index(int(np.argmax(upper)), upper.shape)
        if matrix[i, j] < 1:
            i, j = j, i
        worst = InconsistentJudgment(names[i], names[j], float(matrix[i, j]), float(implied[i, j]))
    missing = tuple(
        (names[i], names[j]) for i in range(n) for j in range(i + 1, n) if not judged[i, j]
    )
    return AhpResult(
        criteria=names,
        weights={c: float(w) for c, w in zip(names, weights, strict=True)},
        lambda_max=lambda_max,
        consistency_index=float(index),
        random_index=random,
        consistency_ratio=float(ratio),
        consistent=bool(ratio <= CONSISTENCY_THRESHOLD),
        missing=missing,
        most_inconsistent=worst,
        explanation=_explain(worst, float(ratio), n),
    )


def combine_judgments(
    judgments: Iterable[Iterable[Judgment]], weights: Sequence[float] | None = None
) -> list[Judgment]:
    """Group judgments: per pair, the (weighted) geometric mean over those who judged it.

    Aggregation of individual judgments (AIJ; Forman and Peniwati 1998): the geometric mean
    keeps ``a_ba = 1 / a_ab``. A pair judged by only some people takes the mean of those
    people; a pair no one judged stays missing (Harker's method fills it in later).
    Each person's repeated judgment of one pair counts once (the last one).

    Args:
        judgments: One list of ``(a, b, v)`` per person.
        weights: One non-negative weight per person; ``None`` means equal weights.

    Returns:
        One ``(a, b, v)`` per judged pair, in the order pairs first appear.

    >>> combine_judgments([[("a", "b", 4)], [("b", "a", 1)], [("a", "c", 3)]])
    [('a', 'b', 2.0), ('a', 'c', 3.0)]
    """
    people = [list(person) for person in judgments]
    shares = [1.0] * len(people) if weights is None else [float(w) for w in weights]
    if len(shares) != len(people):
        raise ValueError(f"{len(shares)} weights for {len(people)} sets of judgments")
    if any(not math.isfinite(w) or w < 0 for w in shares):
        raise ValueError("weights of the people judging must be finite and ≥ 0")
    ratios: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for person, share in zip(people, shares, strict=True):
        mine: dict[tuple[str, str], float] = {}
        for a, b, value in person:
            if float(value) <= 0:
                raise ValueError(f"the comparison of {a!r} with {b!r} must be positive")
            if (b, a) in ratios:
                key, value_ab = (b, a), 1 / float(value)
            else:
                key, value_ab = (a, b), float(value)
                ratios.setdefault(key, [])
            mine[key] = value_ab
        for key, value_ab in mine.items():
            ratios[key].append((share, value_ab))
    combined: list[Judgment] = []
    for (a, b), entries in ratios.items():
        total = sum(share for share, _ in entries)
        if total <= 0:
            continue
        mean = math.prod(value ** (share / total) for share, value in entries)
        combined.append((a, b, float(mean)))
    return combined
