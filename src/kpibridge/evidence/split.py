"""An exact additive split of a product's change: how much of ΔT each factor accounts for.

For an identity ``T = c · Π Fᵢ^eᵢ`` (``eᵢ`` = +1 multiplies, −1 divides) and two periods
0 → 1, the **logarithmic mean Divisia index** (LMDI-I; Ang, "Decomposition analysis for
policymaking in energy", Energy Policy 32 (2004) 1131–1139) gives factor ``i`` the part

    partᵢ = L(T₁, T₀) · eᵢ · ln(Fᵢ₁ / Fᵢ₀),   L(a, b) = (a − b) / (ln a − ln b),  L(a, a) = a

Because ``ln(T₁/T₀) = Σ eᵢ ln(Fᵢ₁/Fᵢ₀)`` (the constant cancels), the parts add up to
``L · ln(T₁/T₀) = T₁ − T₀`` *exactly* — no residual, no interaction term, and the result does
not depend on the order of the factors (unlike a sequential "hold the others fixed" split).
A factor that itself splits (orders = sessions × conversion …) passes its part down by the
same rule, so the leaves add up to the top change too.

The log needs positive values: a factor at zero or below in either period (or a
sign change) raises ``EvidenceInputError`` naming it, rather than a silent approximation.

Hand-computed example (also in ``docs/tree.md`` and checked by a test): revenue 1000 → 900
with orders 10 → 9.5 and AOV 100 → 94.7368…: L(900, 1000) = −100 / ln 0.9 = 949.122…,
orders' part = 949.122 · ln 0.95 = −48.684, AOV's part = 949.122 · ln(0.947368…) = −51.316;
−48.684 − 51.316 = −100.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from kpibridge.errors import EvidenceInputError


@dataclass(frozen=True)
class FactorChange:
    """One factor of an identity, its exponent and its value in both periods."""

    name: str
    exponent: int
    before: float
    after: float


def log_mean(a: float, b: float) -> float:
    """The logarithmic mean of two positive numbers (``a`` when they are equal)."""
    if a <= 0 or b <= 0:
        raise EvidenceInputError(f"the logarithmic mean needs positive values, not {a}, {b}")
    if math.isclose(a, b, rel_tol=1e-12):
        return (a + b) / 2
    return (a - b) / (math.log(a) - math.log(b))


def log_split(before: float, after: float, factors: Sequence[FactorChange]) -> list[float]:
    """Each factor's part of ``after − before`` (LMDI-I); the parts sum to the change.

    ``before``/``after`` must equal ``c · Π Fᵢ^eᵢ`` in each period for the parts to add up;
    the caller passes the identity's own values, so this holds by construction.
    """
    for label, value in (("total before", before), ("total after", after)):
        if not value > 0:
            raise EvidenceInputError(f"{label} is {value}: a log split needs positive values")
    for factor in factors:
        if not (factor.before > 0 and factor.after > 0):
            raise EvidenceInputError(
                f"{factor.name} is {factor.before} then {factor.after}: a log split needs "
                "positive values in both periods"
            )
    return log_parts(log_mean(after, before), factors)


def log_parts(weight: float, factors: Sequence[FactorChange]) -> list[float]:
    """``weight · eᵢ · ln(Fᵢ₁/Fᵢ₀)`` for each factor: the split one level further down, where
    ``weight`` is the top's logarithmic mean times the exponents on the path to here (so a
    factor's own parts add up to the part it received)."""
    for factor in factors:
        if not (factor.before > 0 and factor.after > 0):
            raise EvidenceInputError(
                f"{factor.name} is {factor.before} then {factor.after}: a log split needs "
                "positive values in both periods"
            )
    return [weight * f.exponent * math.log(f.after / f.before) for f in factors]
