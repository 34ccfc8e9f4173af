"""How many themes? The number whose themes come back when the data is resampled.

Greene, O'Callaghan & Cunningham (2014), "How many topics? Stability analysis for topic
models" (ECML PKDD): for each candidate k, fit a reference model on all rows and models on
random subsamples (80% of rows); match each subsample's topics to the reference's one to one
(Hungarian method) by the Jaccard overlap of their top terms, and average. The k whose topics
agree best is the most stable; ties go to the smaller k. Every fit is seeded, so the choice
is the same for the same data and seed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix
from sklearn.decomposition import NMF


@dataclass(frozen=True)
class StabilityOptions:
    k_min: int = 4
    k_max: int = 12
    subsamples: int = 4
    fraction: float = 0.8
    top_terms: int = 10


def fit_nmf(matrix: csr_matrix, k: int, seed: int) -> NMF:
    """NMF with the deterministic NNDSVDa start, so a fit depends on data and seed only."""
    model = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=1000, tol=1e-4)
    model.fit(matrix)
    return model


def top_terms(components: np.ndarray, count: int) -> list[frozenset[int]]:
    """The ``count`` highest-weighted term indices of each topic."""
    order = np.argsort(-components, axis=1, kind="stable")[:, :count]
    return [frozenset(row.tolist()) for row in order]


def agreement(reference: list[frozenset[int]], other: list[frozenset[int]]) -> float:
    """Mean Jaccard overlap of topics matched one to one (Hungarian method)."""
    overlap = np.array(
        [[len(a & b) / len(a | b) if a | b else 0.0 for b in other] for a in reference]
    )
    rows, columns = linear_sum_assignment(-overlap)
    return float(overlap[rows, columns].mean())


def stability_by_k(matrix: csr_matrix, seed: int, options: StabilityOptions) -> dict[int, float]:
    """Stability of every k in ``k_min .. k_max`` (only ks smaller than the subsample's rows
    and the terms)."""
    rows, terms = matrix.shape
    sample_rows = max(2, int(options.fraction * rows))
    largest = min(options.k_max, sample_rows - 1, terms - 1)
    result: dict[int, float] = {}
    rng = np.random.default_rng(seed)
    samples = [
        np.sort(rng.choice(rows, size=sample_rows, replace=False))
        for _ in range(options.subsamples)
    ]
    for k in range(options.k_min, largest + 1):
        reference = top_terms(fit_nmf(matrix, k, seed).components_, options.top_terms)
        scores = [
            agreement(
                reference,
                top_terms(fit_nmf(matrix[sample], k, seed).components_, options.top_terms),
            )
            for sample in samples
        ]
        result[k] = float(np.mean(scores))
    return result


def choose_k(stability: dict[int, float]) -> int:
    """The most stable k; ties (within 0.005) go to the smaller k."""
    best = max(stability.values())
    return min(k for k, score in stability.items() if score >= best - 0.005)
