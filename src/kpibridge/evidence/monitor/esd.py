"""The generalized extreme Studentized deviate (ESD) test for up to ``k`` outliers.

Rosner (1983), "Percentage points for a generalized ESD many-outlier procedure",
*Technometrics* 25(2); the NIST/SEMATECH e-Handbook of Statistical Methods, §1.3.5.17.3,
repeats his 54-value example (10 candidates at α = 0.05 → 3 outliers), which the tests
reproduce statistic by statistic.

For ``i = 1 … k``: remove the most extreme remaining value; its statistic is
``R_i = max |x − centre| / spread`` over the ``n − i + 1`` values left before removal, and
its critical value

    λ_i = (n − i) t_{p, n−i−1} / √((n − i − 1 + t²_{p, n−i−1}) (n − i + 1)),
    p = 1 − α / (2 (n − i + 1)).

The number of outliers is the **largest** ``i`` with ``R_i > λ_i`` (not the first failure:
masking can hide a smaller outlier behind a larger one).

``robust=True`` is the variant of Twitter's S-H-ESD (Hochenbaum, Vallis & Kejariwal 2017,
"Automatic anomaly detection in the cloud via statistical learning"): centre = median,
spread = MAD × 1.4826 (consistent for the normal σ), so that the outliers themselves
neither drag the centre nor inflate the spread.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

from kpibridge.evidence.monitor._common import EvidenceInputError, JsonResult

MAD_TO_SIGMA = 1.4826
"""1 / Φ⁻¹(3/4): the MAD of a normal sample times this estimates its σ."""


@dataclass(frozen=True)
class EsdResult(JsonResult):
    """All ``k`` steps of the test; the first ``outliers`` positions are the outliers."""

    statistics: tuple[float, ...]
    """R_1 … R_k."""
    critical_values: tuple[float, ...]
    """λ_1 … λ_k."""
    positions: tuple[int, ...]
    """Position (in the input) of the value removed at each step."""
    outliers: int
    alpha: float
    robust: bool

    @property
    def outlier_positions(self) -> tuple[int, ...]:
        return self.positions[: self.outliers]


def esd_critical_values(n: int, k: int, alpha: float = 0.05) -> npt.NDArray[np.float64]:
    """λ_1 … λ_k of Rosner's test for a sample of ``n``."""
    i = np.arange(1, k + 1, dtype=float)
    p = 1 - alpha / (2 * (n - i + 1))
    t = stats.t.ppf(p, n - i - 1)
    return np.asarray((n - i) * t / np.sqrt((n - i - 1 + t**2) * (n - i + 1)), dtype=float)


def generalized_esd(
    values: npt.ArrayLike, max_outliers: int, alpha: float = 0.05, robust: bool = False
) -> EsdResult:
    """Rosner's generalized ESD test (``robust`` for the median/MAD variant of S-H-ESD).

    >>> result = generalized_esd([1.0, 1.2, 0.9, 1.1, 1.0, 0.95, 1.05, 9.0], max_outliers=2)
    >>> result.outlier_positions
    (7,)
    """
    x = np.asarray(values, dtype=float)
    n = len(x)
    if x.ndim != 1 or not np.isfinite(x).all():
        raise EvidenceInputError("generalized ESD needs one finite number per observation")
    if not 1 <= max_outliers <= n - 3:
        raise EvidenceInputError(
            f"max_outliers must be between 1 and n − 3 = {n - 3}, not {max_outliers}"
        )
    if not 0 < alpha < 1:
        raise EvidenceInputError(f"alpha must be in (0, 1), not {alpha}")
    remaining = np.ones(n, dtype=bool)
    statistics: list[float] = []
    positions: list[int] = []
    for _ in range(max_outliers):
        kept = x[remaining]
        if robust:
            centre = float(np.median(kept))
            spread = MAD_TO_SIGMA * float(np.median(np.abs(kept - centre)))
        else:
            centre = float(kept.mean())
            spread = float(kept.std(ddof=1))
        deviations = np.where(remaining, np.abs(x - centre), -np.inf)
        position = int(np.argmax(deviations))
        if spread == 0:
            # More than half the values are equal (MAD 0): any other value is infinitely
            # far; equal ones are not outliers at all.
            statistic = np.inf if deviations[position] > 0 else 0.0
        else:
            statistic = float(deviations[position] / spread)
        statistics.append(statistic)
        positions.append(position)
        remaining[position] = False
    critical = esd_critical_values(n, max_outliers, alpha)
    exceeds = np.flatnonzero(np.asarray(statistics) > critical)
    outliers = int(exceeds[-1] + 1) if len(exceeds) else 0
    return EsdResult(
        statistics=tuple(statistics),
        critical_values=tuple(float(value) for value in critical),
        positions=tuple(positions),
        outliers=outliers,
        alpha=alpha,
        robust=robust,
    )
