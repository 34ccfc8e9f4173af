"""NPS and CSAT with their uncertainty, and whether a change between two periods is real.

NPS = 100 × (p₊ − p₋), the share of promoters (9–10) minus the share of detractors (0–6).
With n responses drawn from a multinomial (promoter, passive, detractor), the variance of the
estimate is ``Var(p̂₊ − p̂₋) = (p₊ + p₋ − (p₊ − p₋)²) / n``. The interval is the adjusted Wald
interval of Rocks (2016, "Interval estimation for the net promoter score", *The American
Statistician* 70(4)): add 3/4 of a response to each of the three categories, then take the
Wald interval — it keeps close to 95% coverage down to small samples where the plain Wald
interval is too narrow. The point estimate is the plain one.

A change between two periods (independent samples) is tested with a two-sided z-test on the
difference, ``z = (NPS₂ − NPS₁) / √(Var₁ + Var₂)``; it is called significant only when
``p < alpha``.

CSAT is a proportion (share of 4s and 5s): Wilson score interval, and the two-proportion
z-test with the pooled variance for a change.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
from scipy import stats

PROMOTER_FROM = 9
DETRACTOR_TO = 6
SATISFIED_FROM = 4


@dataclass(frozen=True)
class Estimate:
    """A score with its 95% (or ``level``) interval and the counts behind it."""

    value: float
    low: float
    high: float
    n: int
    level: float
    standard_error: float
    counts: dict[str, int]

    def to_json(self) -> dict[str, object]:
        return {key: _clean(value) for key, value in asdict(self).items()}


@dataclass(frozen=True)
class Change:
    """The difference ``after − before`` of two estimates and whether it is significant."""

    before: Estimate
    after: Estimate
    difference: float
    standard_error: float
    z: float
    p_value: float
    alpha: float

    @property
    def significant(self) -> bool:
        return self.p_value < self.alpha

    def to_json(self) -> dict[str, object]:
        return {
            "before": self.before.to_json(),
            "after": self.after.to_json(),
            "difference": _clean(self.difference),
            "standard_error": _clean(self.standard_error),
            "z": _clean(self.z),
            "p_value": _clean(self.p_value),
            "alpha": self.alpha,
            "significant": self.significant,
        }


def _clean(value: object) -> object:
    return None if isinstance(value, float) and not math.isfinite(value) else value


def _z(level: float) -> float:
    return float(stats.norm.ppf(0.5 + level / 2.0))


def nps_from_counts(
    promoters: int, passives: int, detractors: int, level: float = 0.95
) -> Estimate:
    """NPS (−100 … 100) with Rocks' adjusted Wald interval; NaN when there are no responses."""
    n = promoters + passives + detractors
    counts = {"promoters": promoters, "passives": passives, "detractors": detractors}
    if n == 0:
        nan = float("nan")
        return Estimate(nan, nan, nan, 0, level, nan, counts)
    value = 100.0 * (promoters - detractors) / n
    adjusted_n = n + 3.0
    p_plus, p_minus = (promoters + 0.75) / adjusted_n, (detractors + 0.75) / adjusted_n
    centre = p_plus - p_minus
    variance = (p_plus + p_minus - centre**2) / adjusted_n
    half = _z(level) * math.sqrt(variance)
    low, high = max(-1.0, centre - half), min(1.0, centre + half)
    plain_variance = _nps_variance(promoters / n, detractors / n, n)
    return Estimate(
        value, 100.0 * low, 100.0 * high, n, level, 100.0 * math.sqrt(plain_variance), counts
    )


def _nps_variance(p_plus: float, p_minus: float, n: int) -> float:
    return (p_plus + p_minus - (p_plus - p_minus) ** 2) / n


def nps(scores: np.ndarray, level: float = 0.95) -> Estimate:
    """NPS of 0–10 scores (already checked: see ``inputs.check_scores``)."""
    scores = np.asarray(scores)
    promoters = int(np.count_nonzero(scores >= PROMOTER_FROM))
    detractors = int(np.count_nonzero(scores <= DETRACTOR_TO))
    return nps_from_counts(promoters, len(scores) - promoters - detractors, detractors, level)


def csat_from_counts(satisfied: int, n: int, level: float = 0.95) -> Estimate:
    """Share satisfied (0 … 1) with the Wilson score interval."""
    counts = {"satisfied": satisfied, "responses": n}
    if n == 0:
        nan = float("nan")
        return Estimate(nan, nan, nan, 0, level, nan, counts)
    p = satisfied / n
    z = _z(level)
    denominator = 1.0 + z**2 / n
    centre = (p + z**2 / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denominator
    return Estimate(p, centre - half, centre + half, n, level, math.sqrt(p * (1 - p) / n), counts)


def csat(scores: np.ndarray, level: float = 0.95) -> Estimate:
    """CSAT of 1–5 scores: the share of 4s and 5s."""
    scores = np.asarray(scores)
    return csat_from_counts(int(np.count_nonzero(scores >= SATISFIED_FROM)), len(scores), level)


def nps_change(before: Estimate, after: Estimate, alpha: float = 0.05) -> Change:
    """Two-sided z-test of the NPS difference between two independent samples."""
    variances = [
        _nps_variance(e.counts["promoters"] / e.n, e.counts["detractors"] / e.n, e.n)
        if e.n
        else float("nan")
        for e in (before, after)
    ]
    difference = after.value - before.value
    return _change(before, after, difference, 100.0 * math.sqrt(sum(variances)), alpha)


def csat_change(before: Estimate, after: Estimate, alpha: float = 0.05) -> Change:
    """Two-proportion z-test (pooled variance) of the CSAT difference."""
    n1, n2 = before.n, after.n
    if n1 == 0 or n2 == 0:
        return _change(before, after, float("nan"), float("nan"), alpha)
    pooled = (before.counts["satisfied"] + after.counts["satisfied"]) / (n1 + n2)
    standard_error = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return _change(before, after, after.value - before.value, standard_error, alpha)


def _change(
    before: Estimate, after: Estimate, difference: float, standard_error: float, alpha: float
) -> Change:
    if not math.isfinite(standard_error) or standard_error == 0.0:
        z = 0.0 if difference == 0.0 else float("nan")
        p_value = 1.0 if difference == 0.0 else float("nan")
        return Change(before, after, difference, standard_error, z, p_value, alpha)
    z = difference / standard_error
    p_value = float(2.0 * stats.norm.sf(abs(z)))
    return Change(before, after, difference, standard_error, z, p_value, alpha)
