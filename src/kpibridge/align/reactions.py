"""Opinion groups from agree / disagree / pass reactions, by Pol.is's published method.

For a large audience, reacting to each candidate is all one can ask; Pol.is (Small et al.
2021, *Polis: Scaling deliberation by mapping high dimensional opinion spaces*, Recerca 26(2),
and the ``math`` module of compdemocracy/polis, read for its method, not copied) maps such
reactions to opinion groups in five steps, which this module follows:

1. **Matrix.** Participants × statements: +1 agree, −1 disagree, 0 pass, NaN unseen.
2. **Who is analysed.** Only participants with at least ``min(7, n_statements)`` votes fit the
   map (Pol.is's ``in-conv`` rule): a handful of votes says too little about a person to shape
   the axes. Everyone with at least one vote is still placed on the map and given the nearest
   group, flagged by ``in_analysis`` so a reader knows who was assigned rather than fitted.
3. **Imputation and PCA.** A missing vote is replaced by its statement's mean vote (the mean
   over analysed participants who voted), so it pulls no participant either way; then PCA to
   two components on float32 data: the top two eigenvectors of the statements × statements
   Gram matrix by Lanczos (randomized SVD, Halko et al. 2011, beyond 2,000 statements), which
   is what makes 10,000 × 1,000 fast.
4. **Sparsity-aware projection.** A participant who voted on few statements sits near the
   centre only because imputation filled in the average; Pol.is scales each projection by
   ``sqrt(n_statements / n_voted)`` to undo that shrinkage.
5. **Clustering.** k-means into up to 100 *base clusters* (so the cost no longer grows with
   the audience), then weighted k-means of the base centres into k = 2..5 groups, k chosen by
   the (weighted) silhouette of the base clusters.

**No groups invented.** Any clustering finds groups, even in noise. So the chosen split is
kept only if (a) its silhouette is at least ``MIN_SILHOUETTE`` and (b) it beats a null check:
the same pipeline run on ``NULL_PERMUTATIONS`` copies of the data in which every statement's
column is shuffled independently across analysed participants. Shuffling keeps each
statement's vote mix and missing rate but breaks any link between statements, which is what
an opinion group is. The observed best silhouette must exceed every permuted one by
``NULL_MARGIN``; otherwise everyone is one group. With five permutations this is a screening
rule (a one-sided test at 1/6 plus a margin), not a calibrated p-value; it is tested on planted
factions, on noise and on the real Pol.is conversations. When ``k`` is given, no check is made.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.linalg import eigh
from scipy.sparse.linalg import eigsh
from sklearn.cluster import KMeans
from sklearn.utils.extmath import randomized_svd

from kpibridge.align.silhouette import pairwise_distances, silhouette
from kpibridge.errors import closest_names
from kpibridge.model.rounds import Ballot

MIN_VOTES = 7
"""Pol.is's ``in-conv`` threshold: votes needed to help fit the map (or all statements)."""
BASE_CLUSTERS = 100
"""Pol.is clusters participants into this many base clusters first, then groups those."""
MAX_GROUPS = 5
MIN_SILHOUETTE = 0.3
"""Below this, the best split is too weak to report (Kaufman & Rousseeuw: < 0.25 'no
substantial structure'; a little stricter because the map is only two-dimensional)."""
NULL_PERMUTATIONS = 5
NULL_MARGIN = 0.05
NULL_SAMPLE = 2000
"""Analysed participants drawn (without replacement) into each shuffled copy: the silhouette
of noise barely depends on the audience's size, and this keeps the check cheap for 10,000."""
GRAM_LIMIT = 2000
BASE_ITERATIONS = 30
"""Lloyd iterations for the base clusters: they only summarise the map, so full convergence
buys nothing."""

_VOTE = {"agree": 1.0, "disagree": -1.0, "pass": 0.0}


@dataclass(frozen=True)
class ReactionClusters:
    """Opinion groups found in a reaction matrix.

    Attributes:
        labels: Group per participant, 0..k−1 (largest group first); −1 for participants
            without a single vote.
        coords: Participants × 2 map position (sparsity-scaled PCA projection).
        k: Number of groups (1 when no split survives the checks).
        silhouettes: Silhouette of the base clusters for each k tried.
        in_analysis: Participants with enough votes to fit the map; the others are assigned
            to the nearest group centre.
        null_silhouettes: Best silhouette on each column-permuted copy (empty if k was given).
        notes: Plain sentences on how k was decided.
    """

    labels: np.ndarray
    coords: np.ndarray
    k: int
    silhouettes: dict[int, float]
    in_analysis: np.ndarray
    null_silhouettes: tuple[float, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        """A JSON-compatible dictionary."""
        return {
            "labels": self.labels.tolist(),
            "coords": self.coords.tolist(),
            "k": self.k,
            "silhouettes": {str(k): v for k, v in self.silhouettes.items()},
            "in_analysis": self.in_analysis.tolist(),
            "null_silhouettes": list(self.null_silhouettes),
            "notes": list(self.notes),
        }


def reaction_matrix(
    ballots: Sequence[Ballot], candidates: Sequence[str]
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Participants × candidates matrix (+1 agree, −1 disagree, 0 pass, NaN unseen) of the
    ballots that hold at least one reaction, with those participants' names.

    Raises:
        ValueError: for a reaction to a candidate that is not in ``candidates``.
    """
    index = {c: i for i, c in enumerate(candidates)}
    reacting = [b for b in ballots if b.reactions]
    matrix = np.full((len(reacting), len(candidates)), np.nan, dtype=np.float32)
    for row, ballot in enumerate(reacting):
        for candidate, reaction in ballot.reactions.items():
            if candidate not in index:
                hint = closest_names(candidate, candidates)
                suggestion = f" Did you mean {hint[0]!r}?" if hint else ""
                raise ValueError(
                    f"{ballot.participant!r} reacts to {candidate!r}, which is not a candidate "
                    f"of this round.{suggestion}"
                )
            matrix[row, index[candidate]] = _VOTE[reaction]
    return matrix, tuple(b.participant for b in reacting)


@dataclass(frozen=True)
class _Fit:
    coords: np.ndarray
    base_labels: np.ndarray
    centres: np.ndarray
    weights: np.ndarray
    distances: np.ndarray
    groupings: dict[int, np.ndarray]
    silhouettes: dict[int, float]


def _project(matrix: np.ndarray, fit_rows: np.ndarray, seed: int, scaled: bool) -> np.ndarray:
    """Steps 3–4: impute column means, PCA to 2 on ``fit_rows``, sparsity-scaled projection."""
    voted = ~np.isnan(matrix)
    fit = matrix[fit_rows]
    counts = voted[fit_rows].sum(axis=0)
    means = np.where(counts > 0, np.nansum(fit, axis=0) / np.maximum(counts, 1), 0.0)
    centred = np.where(voted, matrix - means.astype(np.float32), np.float32(0.0))
    fit_centred = centred[fit_rows]
    fit_centred -= fit_centred.mean(axis=0)  # exact centring after imputation
    coords = np.zeros((matrix.shape[0], 2), dtype=np.float64)
    axes = _principal_axes(fit_centred, seed)
    if axes.shape[0]:
        coords[:, : axes.shape[0]] = centred @ axes.T
    if not scaled:
        return coords
    n_voted = voted.sum(axis=1)
    scale = np.sqrt(matrix.shape[1] / np.maximum(n_voted, 1))
    return coords * scale[:, None]


def _principal_axes(centred: np.ndarray, seed: int) -> np.ndarray:
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


def _weighted_kmeans(
    points: np.ndarray, weights: np.ndarray, k: int, seed: int, starts: int = 10
) -> np.ndarray:
    """Weighted Lloyd k-means with k-means++ starts, best of ``starts`` by inertia.

    Written out because it runs on at most 100 base centres, dozens of times per call (every
    k, every null copy), where scikit-learn's per-call overhead dominates the arithmetic.
    """
    rng = np.random.default_rng(seed)
    best_labels = np.zeros(len(points), dtype=np.int64)
    best_inertia = np.inf
    probabilities = weights / weights.sum()
    for _ in range(starts):
        centres = points[[rng.choice(len(points), p=probabilities)]]
        for _ in range(1, k):
            gaps = ((points[:, None, :] - centres[None]) ** 2).sum(axis=2).min(axis=1)
            mass = gaps * weights
            pick = rng.choice(len(points), p=mass / mass.sum()) if mass.sum() > 0 else 0
            centres = np.vstack([centres, points[pick]])
        labels = np.zeros(len(points), dtype=np.int64)
        for _ in range(100):
            gaps = ((points[:, None, :] - centres[None]) ** 2).sum(axis=2)
            labels = gaps.argmin(axis=1)
            mass = np.bincount(labels, weights=weights, minlength=k)
            sums = np.stack(
                [np.bincount(labels, weights=weights * points[:, d], minlength=k) for d in (0, 1)],
                axis=1,
            )
            moved = np.where(mass[:, None] > 0, sums / np.maximum(mass, 1e-300)[:, None], centres)
            if np.allclose(moved, centres):
                break
            centres = moved
        inertia = float((gaps[np.arange(len(points)), labels] * weights).sum())
        if inertia < best_inertia - 1e-12:
            best_inertia, best_labels = inertia, labels
    return best_labels


def _fit(
    matrix: np.ndarray, fit_rows: np.ndarray, seed: int, ks: Sequence[int], scaled: bool
) -> _Fit:
    coords = _project(matrix, fit_rows, seed, scaled)
    points = coords[fit_rows]
    unique, inverse, counts = np.unique(points, axis=0, return_inverse=True, return_counts=True)
    inverse = inverse.reshape(-1)
    if len(unique) > BASE_CLUSTERS:
        base = KMeans(
            n_clusters=BASE_CLUSTERS, n_init=1, max_iter=BASE_ITERATIONS, random_state=seed
        )
        base_labels = base.fit_predict(points)
        weights = np.bincount(base_labels, minlength=BASE_CLUSTERS).astype(float)
        keep = weights > 0
        remap = np.cumsum(keep) - 1
        base_labels = remap[base_labels]
        centres = base.cluster_centers_[keep]
        weights = weights[keep]
    else:
        base_labels, centres, weights = inverse, unique, counts.astype(float)
    distances = pairwise_distances(centres)
    groupings: dict[int, np.ndarray] = {}
    silhouettes: dict[int, float] = {}
    for k in ks:
        if k > len(centres):
            continue
        grouping = _weighted_kmeans(centres, weights, k, seed)
        groupings[k] = grouping
        silhouettes[k] = silhouette(distances, grouping, weights)
    return _Fit(coords, base_labels, centres, weights, distances, groupings, silhouettes)


def _null_best(
    matrix: np.ndarray, fit_rows: np.ndarray, seed: int, ks: Sequence[int], scaled: bool
) -> float:
    rng = np.random.default_rng(seed)
    rows = fit_rows
    if len(rows) > NULL_SAMPLE:
        rows = np.sort(rng.choice(rows, size=NULL_SAMPLE, replace=False))
    shuffled = rng.permuted(matrix[rows], axis=0)
    everyone = np.arange(len(rows))
    silhouettes = _fit(shuffled, everyone, seed, ks, scaled).silhouettes
    return max(silhouettes.values(), default=0.0)


def cluster_reactions(
    matrix: np.ndarray,
    *,
    seed: int = 0,
    k: int | None = None,
    min_votes: int = MIN_VOTES,
    sparsity_scaling: bool = True,
) -> ReactionClusters:
    """Pol.is opinion groups of a participants × statements reaction matrix.

    Args:
        matrix: +1 agree, −1 disagree, 0 pass, NaN unseen.
        seed: Seeds the SVD, k-means and the null permutations (same seed, same answer).
        k: Force this many groups (skips the choice of k and the null check).
        min_votes: Votes needed to fit the map (capped at the number of statements).
        sparsity_scaling: Scale projections by ``sqrt(n_statements / n_voted)`` (Pol.is).

    Returns:
        A :class:`ReactionClusters`; see the module docstring for the method.
    """
    matrix = np.asarray(matrix, dtype=np.float32)
    if matrix.ndim != 2:
        raise ValueError("the reaction matrix must be participants × statements")
    participants, statements = matrix.shape
    if k is not None and k < 1:
        raise ValueError(f"k = {k}: ask for at least one group")
    n_voted = (~np.isnan(matrix)).sum(axis=1)
    in_analysis = n_voted >= min(min_votes, statements) if statements else n_voted < 0
    in_analysis &= n_voted > 0
    fit_rows = np.flatnonzero(in_analysis)
    labels = np.full(participants, -1, dtype=np.int64)
    if len(fit_rows) < 2:
        labels[n_voted > 0] = 0
        note = "Fewer than two participants have enough votes to map: one group."
        coords = np.zeros((participants, 2))
        return ReactionClusters(labels, coords, 1, {}, in_analysis, (), (note,))
    ks = [k] if k is not None else list(range(2, MAX_GROUPS + 1))
    fit = _fit(matrix, fit_rows, seed, [x for x in ks if x >= 2], sparsity_scaling)
    notes: list[str] = []
    null: tuple[float, ...] = ()
    chosen = 1
    if k is not None:
        chosen = k if k in fit.groupings or k == 1 else 1
        notes.append(f"k = {k} was given; no null check was made.")
        if chosen != k:
            notes.append(f"only {len(fit.centres)} distinct positions: one group.")
    elif fit.silhouettes:
        best = max(fit.silhouettes, key=lambda x: (fit.silhouettes[x], -x))
        observed = fit.silhouettes[best]
        null = tuple(
            _null_best(matrix, fit_rows, seed + 1 + i, ks, sparsity_scaling)
            for i in range(NULL_PERMUTATIONS)
        )
        if observed < MIN_SILHOUETTE:
            notes.append(
                f"Best split (k = {best}) has silhouette {observed:.2f} < {MIN_SILHOUETTE}: "
                "too weak, one group."
            )
        elif observed <= max(null) + NULL_MARGIN:
            notes.append(
                f"Best split (k = {best}, silhouette {observed:.2f}) is no better than shuffled "
                f"data (up to {max(null):.2f}): one group."
            )
        else:
            chosen = best
            notes.append(
                f"k = {best}: silhouette {observed:.2f} against at most {max(null):.2f} on "
                f"{NULL_PERMUTATIONS} column-shuffled copies."
            )
    base_groups = fit.groupings.get(chosen, np.zeros(len(fit.centres), dtype=np.int64))
    base_groups = _by_size(base_groups, fit.weights)
    labels[fit_rows] = base_groups[fit.base_labels]
    others = np.flatnonzero(~in_analysis & (n_voted > 0))
    if len(others):
        centres = np.stack(
            [fit.coords[fit_rows][labels[fit_rows] == g].mean(axis=0) for g in range(chosen)]
        )
        gaps = ((fit.coords[others, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
        labels[others] = gaps.argmin(axis=1)
    return ReactionClusters(
        labels, fit.coords, chosen, fit.silhouettes, in_analysis, null, tuple(notes)
    )


def _by_size(groups: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Renumber groups so that 0 is the largest (then the first met), for stable output."""
    totals = np.bincount(groups, weights=weights)
    order = sorted(range(len(totals)), key=lambda g: (-totals[g], g))
    rank = np.empty(len(totals), dtype=np.int64)
    rank[order] = np.arange(len(totals))
    return rank[groups]
