"""Simulate customers from a BG/NBD model with known parameters.

Used to calibrate the fit and the predictions (fit simulated data and recover the
parameters; compare predicted with simulated future purchases) and handy in notebooks to see
what a parameter set implies. Exact and vectorised: with ``N`` events of the underlying
Poisson process in ``(0, T]`` and drop-out after purchase ``D ~ Geometric(p)``, the customer
makes ``x = min(D, N)`` purchases; the time of the ``x``-th of ``N`` uniform event times is
``T · Beta(x, N − x + 1)``; a customer still alive at ``T`` (``D > N``) has ``D − N`` purchases
left, again geometric, of which the holdout sees at most ``Poisson(λt)``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from kpibridge.evidence.clv.bgnbd import BGNBDParameters


def simulate_bgnbd(
    parameters: BGNBDParameters,
    customers: int,
    age: float | ArrayLike,
    rng: np.random.Generator,
    *,
    holdout: float = 0.0,
) -> pd.DataFrame:
    """Draw ``customers`` customers of age ``T = age`` and follow them ``holdout`` further.

    Returns a frame with ``frequency``, ``recency``, ``T`` (as the model sees them at the end
    of calibration), ``alive`` (the hidden truth at ``T``) and ``holdout_purchases``.
    """
    if customers <= 0:
        raise ValueError(f"customers: must be positive, got {customers}")
    age_values = np.broadcast_to(np.asarray(age, dtype=np.float64), (customers,))
    rate = rng.gamma(parameters.r, 1.0 / parameters.alpha, customers)
    drop = rng.beta(parameters.a, parameters.b, customers)
    events = rng.poisson(rate * age_values)
    lifetime_purchases = rng.geometric(drop)
    frequency = np.minimum(lifetime_purchases, events)
    has_repeat = frequency > 0
    order_statistic = rng.beta(np.maximum(frequency, 1), np.maximum(events - frequency + 1, 1))
    recency = np.where(has_repeat, age_values * order_statistic, 0.0)
    alive = lifetime_purchases > events
    later = np.minimum(lifetime_purchases - events, rng.poisson(rate * holdout))
    return pd.DataFrame(
        {
            "frequency": frequency.astype(np.int64),
            "recency": recency,
            "T": age_values,
            "alive": alive,
            "holdout_purchases": np.where(alive, later, 0).astype(np.int64),
        }
    )


__all__ = ["simulate_bgnbd"]
