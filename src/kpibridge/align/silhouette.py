"""Silhouette of a clustering from a distance matrix, with weights per point.

Shared by :mod:`kpibridge.align.reactions` (silhouette of ~100 weighted base clusters, as
Pol.is computes it) and :mod:`kpibridge.align.groups` (silhouette of participants, weight 1,
recomputed for every permutation of the null check, hence vectorised over clusters rather than
calling :func:`sklearn.metrics.silhouette_score` in a loop).

A point of weight ``w`` stands for ``w`` participants at the same place, so its own cluster's
mean distance divides by ``W_A − 1`` (the others in its cluster), and a cluster of one
participant has silhouette 0 (Rousseeuw 1987, *J. Comput. Appl. Math.* 20:53–65; the same
convention as scikit-learn, against which the unweighted case is tested).
"""

from __future__ import annotations

import numpy as np


def silhouette(
    distances: np.ndarray, labels: np.ndarray, weights: np.ndarray | None = None
) -> float:
    """Weighted mean silhouette of ``labels`` (0..k−1) given pairwise ``distances``.

    Returns 0.0 when there are fewer than two clusters (no split, nothing to score).
    """
    labels = np.asarray(labels)
    count = distances.shape[0]
    w = np.ones(count) if weights is None else np.asarray(weights, dtype=float)
    k = int(labels.max()) + 1 if count else 0
    if k < 2:
        return 0.0
    onehot = np.zeros((count, k))
    onehot[np.arange(count), labels] = w
    sums = distances @ onehot  # sums[i, c] = Σ_j in c  w_j d(i, j)
    sizes = onehot.sum(axis=0)
    own_size = sizes[labels]
    own = sums[np.arange(count), labels]
    with np.errstate(divide="ignore", invalid="ignore"):
        within = np.where(own_size - 1 > 0, own / np.maximum(own_size - 1, 1e-300), 0.0)
        between = sums / np.where(sizes > 0, sizes, np.nan)
    between[np.arange(count), labels] = np.inf
    between = np.where(np.isnan(between), np.inf, between)
    nearest = between.min(axis=1)
    denominator = np.maximum(within, nearest)
    with np.errstate(divide="ignore", invalid="ignore"):
        scores = np.where(denominator > 0, (nearest - within) / denominator, 0.0)
    scores = np.where(own_size > 1, scores, 0.0)
    total = w.sum()
    return float((scores * w).sum() / total) if total > 0 else 0.0


def pairwise_distances(points: np.ndarray) -> np.ndarray:
    """Euclidean distances between the rows of ``points`` (float64, exact zeros on the
    diagonal)."""
    points = np.asarray(points, dtype=float)
    squares = (points**2).sum(axis=1)
    gram = squares[:, None] + squares[None, :] - 2 * points @ points.T
    distances = np.sqrt(np.maximum(gram, 0.0))
    np.fill_diagonal(distances, 0.0)
    return distances
