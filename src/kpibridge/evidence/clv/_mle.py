"""Maximum likelihood over strictly positive parameters, shared by the CLV models.

Both models have only positive parameters, so the optimiser works on their logarithms: the
search is unconstrained, steps are relative (``r`` ≈ 0.2 and ``α`` ≈ 4 move on the same scale)
and no iterate can leave the domain. BFGS with a finite-difference gradient is enough for
three or four parameters; a Nelder–Mead polish follows when BFGS stops on its line search.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class MaximumLikelihood:
    """The optimum found: parameters on their natural scale and the total log-likelihood."""

    parameters: tuple[float, ...]
    log_likelihood: float
    converged: bool
    evaluations: int


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
    result = minimize(objective, start, method="BFGS", options={"gtol": 1e-7})
    evaluations = int(result.nfev)
    if not result.success:
        polish = minimize(
            objective,
            result.x,
            method="Nelder-Mead",
            options={"xatol": 1e-9, "fatol": 1e-10, "maxiter": 4000},
        )
        evaluations += int(polish.nfev)
        result = polish
    return MaximumLikelihood(
        parameters=tuple(float(value) for value in np.exp(result.x)),
        log_likelihood=-float(result.fun),
        converged=bool(result.success),
        evaluations=evaluations,
    )
