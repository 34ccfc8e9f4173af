"""The opinion map of a reaction matrix: steps 3–4 of :mod:`kpibridge.align.reactions`.

A missing vote is replaced by its statement's mean vote over the analysed participants (so it
pulls no one either way), the matrix is reduced to two principal components, and each
participant's projection is scaled by ``sqrt(n_statements / n_voted)`` (Pol.is's
sparsity-aware projection: someone who voted on few statements sits near the centre only
because imputation filled in the average).

Principal axes: up to ``GRAM_LIMIT`` statements, the top two eigenvectors of the statements ×
statements Gram matrix by Lanczos (one BLAS product, then :func:`scipy.sparse.linalg.eigsh`);
beyond that, randomized SVD (Halko et al. 2011). Signs are fixed (largest loading positive)
so the same data always gives the same map.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import eigh
from scipy.sparse.linalg import eigsh
from sklearn.utils.extmath import randomized_svd

GRAM_LIMIT = 2000


def project(matrix: np.ndarray, fit_rows: np.ndarray, seed: int, scaled: bool) -> np.ndarray:
    voted = ~np.isnan(matrix)
    fit = matrix[fit_rows]
    counts = voted[fit_rows].sum(axis=0)
    means = np.where(counts > 0, np.nansum(fit, axis=0) / np.maximum(counts, 1), 0.0)
    centred = np.where(voted, matrix - means.astype(np.float32), np.float32(0.0))
    fit_centred = centred[fit_rows]
    fit_centred -= fit_centred.mean(axis=0)  # exact centring after imputation
    coords = np.zeros((matrix.shape[0], 2), dtype=np.float64)
    axes = principal_axes(fit_centred, seed)
    if axes.shape[0]:
        coords[:, : axes.shape[0]] = centred @ axes.T
    if not scaled:
        return coords
    n_voted = voted.sum(axis=1)
    scale = np.sqrt(matrix.shape[1] / np.maximum(n_voted, 1))
    return coords * scale[:, None]


def principal_axes(centred: np.ndarray, seed: int) -> np.ndarray:
    """Up to two principal axes (rows) of already centred data, signs fixed for determinism.

    Up to ``GRAM_LIMIT`` statements the statements × statements Gram matrix is formed by one
    BLAS product and its top two eigenvectors taken (exact, and faster than iterating);
    beyond that, randomized SVD (Halko et al. 2011).
    """
    rows, columns = centred.shape
    components = min(2, rows, columns)
    if components < 1 or not np.any(centred):
        return np.zeros((0, columns))
    if columns <= GRAM_LIMIT:
        gram = (centred.T @ centred).astype(np.float64)
        if columns <= 2 * components + 1:
            _, vectors = eigh(gram, subset_by_index=(columns - components, columns - 1))
        else:  # Lanczos: far faster than a full eigendecomposition for two vectors
            start = np.ones(columns) / np.sqrt(columns)
            values, vectors = eigsh(gram, k=components, which="LA", v0=start)
            vectors = vectors[:, np.argsort(values)]
        axes = vectors[:, ::-1].T
    else:
        _, _, axes = randomized_svd(centred, n_components=components, n_iter=4, random_state=seed)
    signs = np.sign(axes[np.arange(len(axes)), np.abs(axes).argmax(axis=1)])
    return np.asarray(axes * signs[:, None], dtype=np.float32)
