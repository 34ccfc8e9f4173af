"""Weighted k-means on small, low-dimensional point sets (the reaction map), cold or warm.

:mod:`kpibridge.align.reactions` clusters the 2-D opinion map twice: participants into ~100
*base clusters*, then the base centres (weighted by their size) into 2..5 groups, for the data
and for every shuffled copy of the null check. Each call is a few thousand 2-D points at most,
where scikit-learn's per-call set-up (threads, validation) costs more than the arithmetic, so
Lloyd's algorithm is written out here, vectorised with NumPy.

**Starts.** k-means++ (Arthur and Vassilvitskii 2007), weighted by the points' weights. A warm
start (``init``) is the previous run's centres — what Pol.is does when votes arrive
(``:last-clusters`` in its math service): after a few new votes the old centres are already
near a fixed point, so Lloyd needs one or two passes instead of a dozen.

**Convergence.** Lloyd stops when no point changes cluster (the centres are then a fixed
point) or after ``max_iter`` passes. A cluster that loses every point keeps its old centre.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class KMeansFit:
    """Labels (0..k−1), centres (k × d) and weighted inertia of one k-means run."""

    labels: np.ndarray
    centres: np.ndarray
    inertia: float


def _squared_gaps(points: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """points × centres squared Euclidean distances, one dimension at a time (exact, and no
    points × centres × d temporary)."""
    gaps = (points[:, 0, None] - centres[None, :, 0]) ** 2
    for d in range(1, points.shape[1]):
        gaps += (points[:, d, None] - centres[None, :, d]) ** 2
    return gaps


def plus_plus(
    points: np.ndarray, weights: np.ndarray, k: int, rng: np.random.Generator
) -> np.ndarray:
    """Greedy k-means++ starting centres: each step draws ``2 + ⌊ln k⌋`` candidates with
    probability ∝ weight × squared gap and keeps the one that lowers the total gap most (as
    scikit-learn does; plain k-means++ gave visibly worse base clusters on Pol.is data)."""
    count = len(points)
    trials = 2 + int(np.log(k))
    chosen = [int(rng.choice(count, p=weights / weights.sum()))]
    nearest = ((points - points[chosen[0]]) ** 2).sum(axis=1)
    for _ in range(1, k):
        mass = nearest * weights
        total = mass.sum()
        if total <= 0:
            chosen.append(int(rng.integers(count)))
            continue
        picks = np.searchsorted(np.cumsum(mass), rng.random(trials) * total)
        picks = np.minimum(picks, count - 1)
        gaps = ((points[None, :, :] - points[picks][:, None, :]) ** 2).sum(axis=2)
        candidates = np.minimum(nearest[None, :], gaps)
        best = int(np.argmin((candidates * weights).sum(axis=1)))
        chosen.append(int(picks[best]))
        nearest = candidates[best]
    return points[chosen].astype(np.float64)


def lloyd(
    points: np.ndarray, weights: np.ndarray, centres: np.ndarray, max_iter: int = 100
) -> KMeansFit:
    """Weighted Lloyd iterations from ``centres`` until no label changes."""
    centres = np.array(centres, dtype=np.float64)
    k, dims = centres.shape
    labels = np.full(len(points), -1, dtype=np.int64)
    gaps = _squared_gaps(points, centres)
    for _ in range(max_iter):
        moved = gaps.argmin(axis=1)
        if np.array_equal(moved, labels):
            break
        labels = moved
        mass = np.bincount(labels, weights=weights, minlength=k)
        sums = np.stack(
            [np.bincount(labels, weights=weights * points[:, d], minlength=k) for d in range(dims)],
            axis=1,
        )
        filled = mass > 0
        centres[filled] = sums[filled] / mass[filled, None]
        gaps = _squared_gaps(points, centres)
    labels = gaps.argmin(axis=1)
    inertia = float((gaps[np.arange(len(points)), labels] * weights).sum())
    return KMeansFit(labels, centres, inertia)


def weighted_kmeans(
    points: np.ndarray,
    weights: np.ndarray,
    k: int,
    seed: int,
    *,
    starts: int = 10,
    init: np.ndarray | None = None,
    max_iter: int = 100,
) -> KMeansFit:
    """Best of ``starts`` k-means++ runs by inertia; a warm ``init`` (k × d) competes too.

    With ``init`` given, the random starts still run (``starts`` of them, which may be fewer
    than a cold call's): the warm result is kept only when no fresh start does better, so a
    warm start can only match or lower the inertia of the same random starts.
    """
    points = np.asarray(points, dtype=np.float64)
    weights = np.asarray(weights, dtype=np.float64)
    rng = np.random.default_rng(seed)
    best: KMeansFit | None = None
    if init is not None and init.shape == (k, points.shape[1]):
        best = lloyd(points, weights, init, max_iter)
    for _ in range(starts):
        fit = lloyd(points, weights, plus_plus(points, weights, k, rng), max_iter)
        if best is None or fit.inertia < best.inertia - 1e-12:
            best = fit
    if best is None:  # starts = 0 and no usable init
        best = lloyd(points, weights, plus_plus(points, weights, k, rng), max_iter)
    return best
