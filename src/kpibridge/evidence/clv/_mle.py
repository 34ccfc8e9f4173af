"""Maximum likelihood over strictly positive parameters, shared by the CLV models.

Both models have only positive parameters, so the optimiser works on their logarithms: the
search is unconstrained, steps are relative (``r`` ≈ 0.2 and ``α`` ≈ 4 move on the same scale)
and no iterate can leave the domain. BFGS with a finite-difference gradient is enough for
three or four parameters. The log-parameters are bounded to ±``LOG_BOUND`` (L-BFGS-B): some data
put the optimum at infinity (BG/NBD on customers who all drop out with the same probability:
``a, b → ∞`` with ``a/(a+b)`` fixed), and the search must stop there rather than wander; the
parameters that end on a bound are reported, since they are not identified by the data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize

FloatArray = NDArray[np.float64]

#: Bound on the natural log of every parameter (e^13 ≈ 4.4e5).
LOG_BOUND = 13.0


@dataclass(frozen=True)
class MaximumLikelihood:
    """The optimum found: parameters on their natural scale and the total log-likelihood."""

    parameters: tuple[float, ...]
    log_likelihood: float
    converged: bool
    evaluations: int
    at_bound: tuple[int, ...]


def maximise_log_likelihood(
    total_log_likelihood: Callable[[FloatArray], float], initial: FloatArray
) -> MaximumLikelihood:
    """Maximise ``total_log_likelihood(parameters)`` over positive parameters from ``initial``.

    Non-finite values (overflow at absurd parameters) count as a very poor fit rather than
    stopping the search.
    """

    def objective(log_parameters: FloatArray) -> float:
        value = total_log_likelihood(np.exp(log_parameters))
        return -value if np.isfinite(value) else 1e300

    start = np.log(np.asarray(initial, dtype=np.float64))
    bounds = [(-LOG_BOUND, LOG_BOUND)] * len(start)
    result = minimize(
        objective,
        start,
        method="L-BFGS-B",
        bounds=bounds,
        options={"ftol": 1e-13, "gtol": 1e-8, "maxiter": 2000},
    )
    at_bound = tuple(int(index) for index in np.flatnonzero(np.abs(result.x) > LOG_BOUND - 1e-6))
    return MaximumLikelihood(
        parameters=tuple(float(value) for value in np.exp(result.x)),
        log_likelihood=-float(result.fun),
        converged=bool(result.success),
        evaluations=int(result.nfev),
        at_bound=at_bound,
    )
