"""Small vectorised sampling helpers shared by the generators."""

from __future__ import annotations

import numpy as np

from kpibridge.demo.calendar import FloatArray, IntArray


def choose_from_prefix(
    rng: np.random.Generator, cumulative_weights: FloatArray, available: IntArray
) -> IntArray:
    """For each element pick an index below ``available[i]`` with probability ∝ its weight.

    ``cumulative_weights`` is the running sum of the weights of all candidates, in the
    order in which they became available (customers in order of acquisition), so the first
    ``available[i]`` of them are exactly those that existed at the time of element ``i``.
    One ``searchsorted`` replaces a loop over elements. ``available`` must be at least 1.
    """
    totals = cumulative_weights[available - 1]
    picks = np.searchsorted(cumulative_weights, rng.random(len(available)) * totals, side="right")
    return np.minimum(picks, available - 1).astype(np.int64)


def draw_codes(rng: np.random.Generator, probabilities: FloatArray, size: int) -> IntArray:
    """Draw ``size`` codes ``0 .. len(probabilities)-1`` with the given probabilities."""
    weights = np.asarray(probabilities, dtype=np.float64)
    return rng.choice(len(weights), size=size, p=weights / weights.sum()).astype(np.int64)


def seconds_to_micros(seconds: FloatArray) -> IntArray:
    """Whole seconds (rounded) expressed in microseconds."""
    return np.round(seconds).astype(np.int64) * 1_000_000
