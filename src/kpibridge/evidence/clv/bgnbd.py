"""BG/NBD: how often customers buy and whether they are still buying.

Fader, Hardie & Lee (2005), "Counting your customers the easy way: an alternative to the
Pareto/NBD model", *Marketing Science* 24(2), 275–284 (equation numbers below are theirs).
While alive, a customer buys as a Poisson process with rate ``λ ~ Gamma(r, α)``; after every
repeat purchase they drop out for good with probability ``p ~ Beta(a, b)``. A customer is
summarised by ``x`` repeat purchases (frequency), ``t_x`` the time of the last one since the
first (recency) and ``T`` the time since the first purchase (age), all in one time unit.

Checked against the paper's CDNOW estimates (r = 0.243, α = 4.414, a = 0.793, b = 2.426,
LL = −9582.4) and against simulation of the model (:mod:`.simulate`).

A consequence of the model worth knowing: drop-out can only happen right after a purchase,
so a customer with no repeat purchase is alive with probability one (equation 13 with
``x = 0``), however long ago they bought.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import betaln, gammaln, hyp2f1

from kpibridge.evidence.clv._mle import FloatArray, maximise_log_likelihood


@dataclass(frozen=True)
class BGNBDParameters:
    """``r``, ``alpha`` (shape and rate of the purchase rate) and ``a``, ``b`` (drop-out)."""

    r: float
    alpha: float
    a: float
    b: float

    def as_array(self) -> FloatArray:
        return np.array([self.r, self.alpha, self.a, self.b], dtype=np.float64)


@dataclass(frozen=True)
class BGNBDFit:
    """A fitted BG/NBD model and how the fit went."""

    parameters: BGNBDParameters
    log_likelihood: float
    customers: int
    converged: bool
    evaluations: int
    #: Parameters the optimum pushed to the bound of the search (not identified by the data).
    parameters_at_bound: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def _arrays(frequency: ArrayLike, recency: ArrayLike, age: ArrayLike) -> tuple[FloatArray, ...]:
    x = np.asarray(frequency, dtype=np.float64)
    t_x = np.asarray(recency, dtype=np.float64)
    T = np.asarray(age, dtype=np.float64)  # noqa: N806 (the paper's name)
    x, t_x, T = np.broadcast_arrays(x, t_x, T)  # noqa: N806
    for name, values in (("frequency", x), ("recency", t_x), ("T", T)):
        if not np.all(np.isfinite(values)) or np.any(values < 0):
            raise ValueError(f"{name}: every value must be finite and non-negative")
    if np.any(x != np.round(x)):
        raise ValueError("frequency: must count whole repeat purchases")
    if np.any(t_x > T + 1e-9):
        raise ValueError("recency: the last purchase cannot come after T (the customer's age)")
    if np.any((x == 0) & (t_x > 0)):
        raise ValueError("recency: must be 0 for customers without repeat purchases")
    return x, t_x, T


def log_likelihood(
    parameters: BGNBDParameters, frequency: ArrayLike, recency: ArrayLike, age: ArrayLike
) -> FloatArray:
    """Log-likelihood of each customer, equation (6) of the paper, computed in logs.

    ``L = B(a, b+x)/B(a, b) · Γ(r+x) α^r / Γ(r)
    · [(α+T)^-(r+x) + δ(x>0) a/(b+x−1) (α+t_x)^-(r+x)]``,
    using ``B(a+1, b+x−1) = B(a, b+x) · a/(b+x−1)``; the bracket is a ``logaddexp``.
    """
    x, t_x, T = _arrays(frequency, recency, age)  # noqa: N806
    r, alpha, a, b = parameters.as_array()
    common = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + betaln(a, b + x) - betaln(a, b)
    alive = -(r + x) * np.log(alpha + T)
    repeat = x > 0
    dropped = np.full_like(x, -np.inf)
    dropped[repeat] = (
        np.log(a) - np.log(b + x[repeat] - 1.0) - (r + x[repeat]) * np.log(alpha + t_x[repeat])
    )
    return common + np.logaddexp(alive, dropped)


def fit_bgnbd(
    frequency: ArrayLike,
    recency: ArrayLike,
    age: ArrayLike,
    *,
    initial: BGNBDParameters | None = None,
) -> BGNBDFit:
    """Fit BG/NBD by maximum likelihood (log-parameters, BFGS; see :mod:`._mle`).

    Customers with identical ``(x, t_x, T)`` are pooled with a weight, which makes the fit on
    a real customer base (many one-time buyers share a cohort age) several times faster.
    """
    x, t_x, T = _arrays(frequency, recency, age)  # noqa: N806
    if x.size == 0:
        raise ValueError("frequency: no customers to fit")
    if not np.any(x > 0):
        raise ValueError("frequency: no customer has a repeat purchase; BG/NBD cannot be fitted")
    rows, weights = np.unique(np.column_stack([x, t_x, T]), axis=0, return_counts=True)
    start = initial.as_array() if initial else np.array([1.0, float(np.mean(T)), 1.0, 1.0])

    def total(values: FloatArray) -> float:
        parameters = BGNBDParameters(*(float(value) for value in values))
        each = log_likelihood(parameters, rows[:, 0], rows[:, 1], rows[:, 2])
        return float(np.dot(weights, each))

    with np.errstate(all="ignore"):
        found = maximise_log_likelihood(total, start)
    return BGNBDFit(
        parameters=BGNBDParameters(*found.parameters),
        log_likelihood=found.log_likelihood,
        customers=int(x.size),
        converged=found.converged,
        evaluations=found.evaluations,
        parameters_at_bound=tuple(("r", "alpha", "a", "b")[index] for index in found.at_bound),
    )


def probability_alive(
    parameters: BGNBDParameters, frequency: ArrayLike, recency: ArrayLike, age: ArrayLike
) -> FloatArray:
    """``P(alive | x, t_x, T)``, equation (13): 1 for customers without repeat purchases."""
    x, t_x, T = _arrays(frequency, recency, age)  # noqa: N806
    r, alpha, a, b = parameters.as_array()
    log_odds = np.full_like(x, -np.inf)
    repeat = x > 0
    xr = x[repeat]
    log_odds[repeat] = (
        np.log(a)
        - np.log(b + xr - 1.0)
        + (r + xr) * (np.log(alpha + T[repeat]) - np.log(alpha + t_x[repeat]))
    )
    return np.asarray(1.0 / (1.0 + np.exp(log_odds)), dtype=np.float64)


def expected_purchases(
    parameters: BGNBDParameters,
    horizon: float | ArrayLike,
    frequency: ArrayLike,
    recency: ArrayLike,
    age: ArrayLike,
) -> FloatArray:
    """Expected purchases of each customer in the next ``horizon`` time units, equation (10).

    ``E[Y(t) | x, t_x, T] = (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x)
    · ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))] · P(alive)``. The formula holds for ``a < 1`` too (as
    on CDNOW): the first factor and the bracket then change sign together. ``a = 1`` exactly is
    a removable singularity and is nudged by 1e-9.
    """
    x, t_x, T = _arrays(frequency, recency, age)  # noqa: N806
    t = np.broadcast_to(np.asarray(horizon, dtype=np.float64), x.shape)
    if np.any(t < 0) or not np.all(np.isfinite(t)):
        raise ValueError("horizon: must be finite and non-negative")
    r, alpha, a, b = parameters.as_array()
    if abs(a - 1.0) < 1e-9:
        a = 1.0 + 1e-9
    z = t / (alpha + T + t)
    ratio = np.exp((r + x) * (np.log(alpha + T) - np.log(alpha + T + t)))
    bracket = 1.0 - ratio * hyp2f1(r + x, b + x, a + b + x - 1.0, z)
    scale = (a + b + x - 1.0) / (a - 1.0)
    value = scale * bracket * probability_alive(parameters, x, t_x, T)
    return np.asarray(np.where(t == 0, 0.0, value), dtype=np.float64)


def expected_purchases_new_customer(
    parameters: BGNBDParameters, horizon: float | ArrayLike
) -> FloatArray:
    """Expected repeat purchases of a new customer in their first ``horizon`` units, eq. (9)."""
    t = np.asarray(horizon, dtype=np.float64)
    r, alpha, a, b = parameters.as_array()
    if abs(a - 1.0) < 1e-9:
        a = 1.0 + 1e-9
    ratio = (alpha / (alpha + t)) ** r
    value = (a + b - 1.0) / (a - 1.0) * (1.0 - ratio * hyp2f1(r, b, a + b - 1.0, t / (alpha + t)))
    return np.asarray(value, dtype=np.float64)


__all__ = [
    "BGNBDFit",
    "BGNBDParameters",
    "expected_purchases",
    "expected_purchases_new_customer",
    "fit_bgnbd",
    "log_likelihood",
    "probability_alive",
]
