"""Gamma-Gamma: how much a customer spends per purchase.

Fader, Hardie & Lee (2005), "RFM and CLV: using iso-value curves for customer base
analysis", *Journal of Marketing Research* 42(4), 415–430, and Fader & Hardie (2013), "The
Gamma-Gamma model of monetary value" (note on brucehardie.com; equation numbers are the
note's). A customer's purchase values are Gamma(p, ν) around their own mean p/ν, with
``ν ~ Gamma(q, γ)`` across customers. Only the number ``x`` of purchases and their mean ``z̄``
matter. Fitted on repeat buyers only (``x > 0``, ``z̄`` the mean of the *repeat* purchases),
as in the paper; checked against its CDNOW estimates p = 6.25, q = 3.74, γ = 15.44.

The model assumes spend is independent of purchase frequency; :class:`GammaGammaFit` reports
the Pearson correlation of ``x`` and ``z̄`` on the fitted customers so that the assumption can
be checked (the paper finds 0.11 on CDNOW and calls that weak enough).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import gammaln

from kpibridge.evidence.clv._mle import FloatArray, maximise_log_likelihood


@dataclass(frozen=True)
class GammaGammaParameters:
    """``p`` (shape of one purchase's value), ``q`` and ``gamma`` (spread of customers' means)."""

    p: float
    q: float
    gamma: float

    def as_array(self) -> FloatArray:
        return np.array([self.p, self.q, self.gamma], dtype=np.float64)

    @property
    def population_mean_spend(self) -> float:
        """Mean spend per purchase across customers, ``pγ/(q−1)`` (infinite if ``q ≤ 1``)."""
        return self.p * self.gamma / (self.q - 1.0) if self.q > 1.0 else float("inf")


@dataclass(frozen=True)
class GammaGammaFit:
    """A fitted Gamma-Gamma model, the customers it used and the independence check."""

    parameters: GammaGammaParameters
    log_likelihood: float
    customers: int
    customers_excluded: int
    frequency_spend_correlation: float
    converged: bool
    evaluations: int
    #: Parameters the optimum pushed to the bound of the search (not identified by the data).
    parameters_at_bound: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def _arrays(frequency: ArrayLike, monetary_value: ArrayLike) -> tuple[FloatArray, FloatArray]:
    x = np.asarray(frequency, dtype=np.float64)
    z = np.asarray(monetary_value, dtype=np.float64)
    x, z = np.broadcast_arrays(x, z)
    if not np.all(np.isfinite(x)) or np.any(x < 0):
        raise ValueError("frequency: every value must be finite and non-negative")
    if not np.all(np.isfinite(z)) or np.any(z < 0):
        raise ValueError("monetary_value: every value must be finite and non-negative")
    return x, z


def log_likelihood(
    parameters: GammaGammaParameters, frequency: ArrayLike, monetary_value: ArrayLike
) -> FloatArray:
    """Log-density of each repeat buyer's mean spend ``z̄`` given ``x`` purchases (note, eq. 4).

    ``f(z̄) = Γ(px+q) / (Γ(px) Γ(q)) · γ^q · z̄^(px−1) · x^(px) / (γ + x z̄)^(px+q)``.
    """
    x, z = _arrays(frequency, monetary_value)
    if np.any(x <= 0) or np.any(z <= 0):
        raise ValueError("frequency, monetary_value: defined for repeat buyers with positive spend")
    p, q, gamma = parameters.as_array()
    px = p * x
    return np.asarray(
        gammaln(px + q)
        - gammaln(px)
        - gammaln(q)
        + q * np.log(gamma)
        + (px - 1.0) * np.log(z)
        + px * np.log(x)
        - (px + q) * np.log(gamma + x * z),
        dtype=np.float64,
    )


def fit_gamma_gamma(
    frequency: ArrayLike,
    monetary_value: ArrayLike,
    *,
    initial: GammaGammaParameters | None = None,
) -> GammaGammaFit:
    """Fit Gamma-Gamma by maximum likelihood on the customers with ``x > 0`` and ``z̄ > 0``.

    Other customers (one-time buyers, repeat purchases worth nothing) are left out of the fit
    and counted in ``customers_excluded``; they still get a prediction from
    :func:`expected_average_spend`.
    """
    x, z = _arrays(frequency, monetary_value)
    used = (x > 0) & (z > 0)
    if np.count_nonzero(used) < 2:
        raise ValueError(
            "frequency: Gamma-Gamma needs at least two repeat buyers with positive spend"
        )
    xu, zu = x[used], z[used]
    start = initial.as_array() if initial else np.array([1.0, 1.0, float(np.mean(zu))])

    def total(values: FloatArray) -> float:
        parameters = GammaGammaParameters(*(float(value) for value in values))
        return float(np.sum(log_likelihood(parameters, xu, zu)))

    with np.errstate(all="ignore"):
        found = maximise_log_likelihood(total, start)
        correlation = float(np.corrcoef(xu, zu)[0, 1]) if np.ptp(xu) and np.ptp(zu) else 0.0
    return GammaGammaFit(
        parameters=GammaGammaParameters(*found.parameters),
        log_likelihood=found.log_likelihood,
        customers=int(xu.size),
        customers_excluded=int(x.size - xu.size),
        frequency_spend_correlation=correlation,
        converged=found.converged,
        evaluations=found.evaluations,
        parameters_at_bound=tuple(("p", "q", "gamma")[index] for index in found.at_bound),
    )


def expected_average_spend(
    parameters: GammaGammaParameters, frequency: ArrayLike, monetary_value: ArrayLike
) -> FloatArray:
    """Expected value of a customer's future purchases, ``E[Z | x, z̄]`` (note, eq. 5).

    ``p(γ + x z̄) / (px + q − 1)``: a weighted mean of the population mean ``pγ/(q−1)`` and the
    customer's own ``z̄``, the weight on ``z̄`` growing with ``x``. Customers with ``x = 0``
    get the population mean. Needs ``q > 1`` (otherwise the mean spend is infinite).
    """
    x, z = _arrays(frequency, monetary_value)
    p, q, gamma = parameters.as_array()
    if q <= 1.0:
        raise ValueError(f"q: the expected spend is infinite when q ≤ 1 (fitted q = {q:.3g})")
    return np.asarray(p * (gamma + x * z) / (p * x + q - 1.0), dtype=np.float64)


__all__ = [
    "GammaGammaFit",
    "GammaGammaParameters",
    "expected_average_spend",
    "fit_gamma_gamma",
    "log_likelihood",
]
