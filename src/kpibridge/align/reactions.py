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
   the audience), then weighted k-means of the base centres into k = 2..``max_k`` groups, k
   chosen by the (weighted) silhouette of the base clusters. ``max_k`` is Pol.is's
   ``min(5, 2 + base clusters // 12)``, so a small conversation is not cut into five.

**Separation, said rather than hidden.** Any clustering finds groups, even in noise, and a
real conversation is rarely cleanly split. Earlier versions answered "one group" whenever
the split failed a null check; on Pol.is's public conversations that hid the two to four
groups Pol.is shows in a third of them. Now the groups are always reported the way Pol.is
finds them, and how well they are separated is a label of its own (:class:`Separation`):
the best silhouette is compared with the best silhouette of the same pipeline on
``NULL_PERMUTATIONS`` copies in which every statement's column is shuffled independently
across analysed participants (keeping each statement's vote mix and missing rate, breaking
any link between statements, which is what an opinion group is):

* **weak** — the silhouette is at most ``NULL_MARGIN`` above the best shuffled copy, or
  below ``MIN_SILHOUETTE``: "a shuffled map splits almost as well". The groups are where the
  map is cut, not evidence of factions.
* **moderate** — beats every shuffled copy by more than ``NULL_MARGIN``.
* **strong** — beats every shuffled copy by more than ``NULL_MARGIN`` and has a silhouette of
  at least ``STRONG_SILHOUETTE`` (Kaufman & Rousseeuw's "reasonable structure" begins at
  0.51).

With five copies this is a screening rule (a one-sided test at 1/6 plus a margin), not a
calibrated p-value; it is tested on planted groups, on noise and on the real Pol.is
conversations. When ``k`` is given, no null is drawn and no label given. "One group" remains
only when fewer than two participants (or positions) can be mapped. Small *ranking* rounds
keep their own one-group verdict (:mod:`kpibridge.align.groups`).

**Votes arriving.** ``previous=`` (the last result) warm-starts a re-clustering: the base
and group k-means start from the previous centres (competing with fewer fresh starts) and
the shuffled copies' silhouettes are reused until the analysed audience has grown by
``NULL_REFRESH`` or the statements changed — the null depends only on each statement's vote
mix, which a few votes barely move. ``benchmarks/clustering.py`` measures speed and how
often the warm result differs from a cold one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from kpibridge.align.kmeans import lloyd, plus_plus, weighted_kmeans
from kpibridge.align.reaction_map import project
from kpibridge.align.silhouette import pairwise_distances, silhouette
from kpibridge.errors import closest_names
from kpibridge.model.rounds import Ballot

MIN_VOTES = 7
"""Pol.is's ``in-conv`` threshold: votes needed to help fit the map (or all statements)."""
BASE_CLUSTERS = 100
"""Pol.is clusters participants into this many base clusters first, then groups those."""
MAX_GROUPS = 5
MIN_SILHOUETTE = 0.3
"""Below this a split is labelled weak whatever the null says (Kaufman & Rousseeuw: < 0.25
'no substantial structure'; a little stricter because the map is only two-dimensional)."""
NULL_PERMUTATIONS = 5
NULL_MARGIN = 0.05
"""A split must beat the best shuffled copy by more than this not to be called weak."""
STRONG_SILHOUETTE = 0.5
"""… and reach this silhouette to be called strong."""
NULL_SAMPLE = 2000
"""Analysed participants drawn (without replacement) into each shuffled copy: the silhouette
of noise barely depends on the audience's size, and this keeps the check cheap for 10,000."""
NULL_REFRESH = 0.1
"""A warm re-clustering draws new shuffled copies once the analysed audience has changed by
this share since they were drawn."""
BASE_ITERATIONS = 30
"""Lloyd iterations for the base clusters: they only summarise the map, so full convergence
buys nothing."""
GROUP_STARTS = 10
WARM_GROUP_STARTS = 2
"""Fresh k-means++ starts beside the previous centres in a warm re-clustering."""

SINGLE_THREAD_CELLS = 4_000_000
"""Up to this many matrix cells, BLAS runs on one thread: a threaded product of a 1,000 × 200
matrix spends its time waking threads (median 90 ms against 0.5 ms on one thread, measured
on this project's two-core machine under load)."""

_VOTE = {"agree": 1.0, "disagree": -1.0, "pass": 0.0}


@dataclass(frozen=True)
class Separation:
    """How clearly the groups are apart, against shuffled copies of the same votes.

    Attributes:
        label: ``strong``, ``moderate`` or ``weak`` (see the module docstring).
        silhouette: Best silhouette of the data (the chosen k).
        null_best: Best silhouette on each shuffled copy.
        sentence: The label in plain words, with the figures.
    """

    label: str
    silhouette: float
    null_best: tuple[float, ...]
    sentence: str

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "silhouette": self.silhouette,
            "null_best": list(self.null_best),
            "sentence": self.sentence,
        }


@dataclass(frozen=True)
class WarmState:
    """What a re-clustering reuses (see ``previous=`` in :func:`cluster_reactions`)."""

    statements: int
    base_centres: np.ndarray
    group_centres: dict[int, np.ndarray]
    null_best: tuple[float, ...]
    null_audience: int
    """Analysed participants when ``null_best`` was drawn."""


@dataclass(frozen=True)
class ReactionClusters:
    """Opinion groups found in a reaction matrix.

    Attributes:
        labels: Group per participant, 0..k−1 (largest group first); −1 for participants
            without a single vote.
        coords: Participants × 2 map position (sparsity-scaled PCA projection).
        k: Number of groups (1 only when fewer than two positions can be mapped).
        silhouettes: Silhouette of the base clusters for each k tried.
        in_analysis: Participants with enough votes to fit the map; the others are assigned
            to the nearest group centre.
        null_silhouettes: Best silhouette on each column-permuted copy (empty if k was given).
        notes: Plain sentences on how k was decided.
        separation: How clearly the groups are apart (None when k was given or k = 1).
        state: What a warm re-clustering reuses; not part of the result's JSON.
    """

    labels: np.ndarray
    coords: np.ndarray
    k: int
    silhouettes: dict[int, float]
    in_analysis: np.ndarray
    null_silhouettes: tuple[float, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
    separation: Separation | None = None
    state: WarmState | None = field(default=None, repr=False, compare=False)

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
            "separation": None if self.separation is None else self.separation.to_json(),
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
    base_centres: np.ndarray
    centres: np.ndarray
    """Distinct base positions clustered into groups (empty base clusters dropped)."""
    weights: np.ndarray
    groupings: dict[int, np.ndarray]
    group_centres: dict[int, np.ndarray]
    silhouettes: dict[int, float]


def max_groups(positions: int) -> int:
    """Pol.is's largest k: ``min(5, 2 + positions // 12)`` for that many base clusters."""
    return min(MAX_GROUPS, 2 + positions // 12)


def _base(
    points: np.ndarray, seed: int, warm: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Base clusters: (labels per point, all base centres, kept centres, kept weights)."""
    unique, inverse, counts = np.unique(points, axis=0, return_inverse=True, return_counts=True)
    inverse = inverse.reshape(-1)
    if len(unique) <= BASE_CLUSTERS:
        return inverse, unique, unique, counts.astype(float)
    ones = np.ones(len(points))
    if warm is None or warm.shape != (BASE_CLUSTERS, points.shape[1]):
        warm = plus_plus(points, ones, BASE_CLUSTERS, np.random.default_rng(seed))
    fit = lloyd(points, ones, warm, BASE_ITERATIONS)
    weights = np.bincount(fit.labels, minlength=BASE_CLUSTERS).astype(float)
    keep = weights > 0
    remap = np.cumsum(keep) - 1
    return remap[fit.labels], fit.centres, fit.centres[keep], weights[keep]


def _fit(
    matrix: np.ndarray,
    fit_rows: np.ndarray,
    seed: int,
    ks: Sequence[int] | None,
    scaled: bool,
    warm: WarmState | None = None,
) -> _Fit:
    """Map, base clusters and groups for each k in ``ks`` (None: 2..Pol.is's max k)."""
    coords = project(matrix, fit_rows, seed, scaled)
    base_labels, base_centres, centres, weights = _base(
        coords[fit_rows], seed, None if warm is None else warm.base_centres
    )
    distances = pairwise_distances(centres)
    groupings: dict[int, np.ndarray] = {}
    group_centres: dict[int, np.ndarray] = {}
    silhouettes: dict[int, float] = {}
    tried = range(2, max_groups(len(centres)) + 1) if ks is None else ks
    for k in tried:
        if k > len(centres) or k < 2:
            continue
        init = None if warm is None else warm.group_centres.get(k)
        starts = GROUP_STARTS if init is None else WARM_GROUP_STARTS
        found = weighted_kmeans(centres, weights, k, seed, starts=starts, init=init)
        groupings[k] = found.labels
        group_centres[k] = found.centres
        silhouettes[k] = silhouette(distances, found.labels, weights)
    return _Fit(
        coords, base_labels, base_centres, centres, weights, groupings, group_centres, silhouettes
    )


def _null_best(matrix: np.ndarray, fit_rows: np.ndarray, seed: int, scaled: bool) -> float:
    rng = np.random.default_rng(seed)
    rows = fit_rows
    if len(rows) > NULL_SAMPLE:
        rows = np.sort(rng.choice(rows, size=NULL_SAMPLE, replace=False))
    shuffled = rng.permuted(matrix[rows], axis=0)
    everyone = np.arange(len(rows))
    silhouettes = _fit(shuffled, everyone, seed, None, scaled).silhouettes
    return max(silhouettes.values(), default=0.0)


def separation(observed: float, null: Sequence[float]) -> Separation:
    """Label a best silhouette against the shuffled copies' best ones (module docstring)."""
    top = max(null, default=0.0)
    figures = f"silhouette {observed:.2f}; shuffled copies up to {top:.2f}"
    if observed < MIN_SILHOUETTE or observed <= top + NULL_MARGIN:
        label, words = "weak", "a shuffled map splits almost as well"
        if observed < MIN_SILHOUETTE and observed > top + NULL_MARGIN:
            words = f"the groups overlap (silhouette below {MIN_SILHOUETTE})"
    elif observed >= STRONG_SILHOUETTE:
        label, words = "strong", "the groups stand well apart"
    else:
        label, words = "moderate", "clearer than on shuffled maps, but the groups overlap"
    return Separation(label, observed, tuple(null), f"{label}: {words} — {figures}.")


def cluster_reactions(
    matrix: np.ndarray,
    *,
    seed: int = 0,
    k: int | None = None,
    min_votes: int = MIN_VOTES,
    sparsity_scaling: bool = True,
    previous: ReactionClusters | None = None,
) -> ReactionClusters:
    """Pol.is opinion groups of a participants × statements reaction matrix.

    Args:
        matrix: +1 agree, −1 disagree, 0 pass, NaN unseen.
        seed: Seeds the SVD, k-means and the null permutations (same seed, same answer).
        k: Force this many groups (skips the choice of k and the null check).
        min_votes: Votes needed to fit the map (capped at the number of statements).
        sparsity_scaling: Scale projections by ``sqrt(n_statements / n_voted)`` (Pol.is).
        previous: The last result for the same conversation (rows may have been added at the
            end): warm-starts the k-means and reuses the null (module docstring).

    Returns:
        A :class:`ReactionClusters`; see the module docstring for the method.
    """
    matrix = np.asarray(matrix, dtype=np.float32)
    if matrix.ndim != 2:
        raise ValueError("the reaction matrix must be participants × statements")
    if k is not None and k < 1:
        raise ValueError(f"k = {k}: ask for at least one group")
    threads = 1 if matrix.size <= SINGLE_THREAD_CELLS else None
    with threadpool_limits(limits=threads, user_api="blas"):
        return _cluster(matrix, seed, k, min_votes, sparsity_scaling, previous)


def _cluster(
    matrix: np.ndarray,
    seed: int,
    k: int | None,
    min_votes: int,
    sparsity_scaling: bool,
    previous: ReactionClusters | None,
) -> ReactionClusters:
    participants, statements = matrix.shape
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
    warm = previous.state if previous is not None else None
    if warm is not None and warm.statements != statements:
        warm = None
    fit = _fit(matrix, fit_rows, seed, None if k is None else [k], sparsity_scaling, warm)
    notes: list[str] = []
    null: tuple[float, ...] = ()
    verdict: Separation | None = None
    chosen = 1
    if k is not None:
        chosen = k if k in fit.groupings or k == 1 else 1
        notes.append(f"k = {k} was given; no null check was made.")
        if chosen != k:
            notes.append(f"only {len(fit.centres)} distinct positions: one group.")
    elif fit.silhouettes:
        chosen = max(fit.silhouettes, key=lambda x: (fit.silhouettes[x], -x))
        null = _reused_null(warm, len(fit_rows)) or tuple(
            _null_best(matrix, fit_rows, seed + 1 + i, sparsity_scaling)
            for i in range(NULL_PERMUTATIONS)
        )
        verdict = separation(fit.silhouettes[chosen], null)
        tried = ", ".join(f"{x}: {s:.2f}" for x, s in fit.silhouettes.items())
        notes.append(
            f"k = {chosen}, the best silhouette of k = 2..{max(fit.silhouettes)} ({tried})."
        )
        notes.append(f"Separation {verdict.sentence}")
    else:
        notes.append(f"only {len(fit.centres)} distinct position: one group.")
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
    audience = len(fit_rows)
    if warm is not None and null and null == warm.null_best:
        audience = warm.null_audience
    state = WarmState(statements, fit.base_centres, fit.group_centres, null, audience)
    return ReactionClusters(
        labels, fit.coords, chosen, fit.silhouettes, in_analysis, null, tuple(notes), verdict, state
    )


def _reused_null(warm: WarmState | None, audience: int) -> tuple[float, ...]:
    """The previous shuffled copies' silhouettes, while the audience is within NULL_REFRESH."""
    if warm is None or not warm.null_best or warm.null_audience <= 0:
        return ()
    if abs(audience - warm.null_audience) > NULL_REFRESH * warm.null_audience:
        return ()
    return warm.null_best


def _by_size(groups: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Renumber groups so that 0 is the largest (then the first met), for stable output."""
    totals = np.bincount(groups, weights=weights)
    order = sorted(range(len(totals)), key=lambda g: (-totals[g], g))
    rank = np.empty(len(totals), dtype=np.int64)
    rank[order] = np.arange(len(totals))
    return rank[groups]
