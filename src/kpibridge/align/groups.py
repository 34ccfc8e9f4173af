"""Opinion groups among people who ranked (and optionally scored) the candidates.

**Features.** Each participant is the vector of their normalised rank positions (0 = first,
1 = last; ties and unlisted candidates at the average place, see
:mod:`kpibridge.align.positions`), optionally joined with normalised criteria scores
(``(5 − score) / 4``, so that 0 is again the favourable end; a missing score is the
candidate's mean).

**Clustering.** Ward hierarchical clustering on those vectors, cut at k = 2..min(6, n − 1); k
is the cut with the best silhouette. Ward rather than k-means because one tree gives every k
at once, which is what makes a permutation null affordable, and because it is deterministic.

**No groups invented.** Silhouette always prefers *some* k ≥ 2, even in noise. So the split is
kept only if the best silhouette beats a permutation null: every candidate's column is shuffled
independently across participants (keeping how popular each candidate is, breaking which
candidates go together, which is what a faction is), the whole search over k is redone, and the
observed best silhouette must exceed the null's 95th percentile (a one-sided test at 5 %,
p = (1 + #{null ≥ observed}) / (1 + B), ``NULL_PERMUTATIONS`` = B shuffles, fixed seed). It
must also reach ``MIN_SILHOUETTE``. Otherwise k = 1: everyone is one group. The false-split
rate on homogeneous data is measured by the tests.

**Map.** PCA of the same features to two coordinates per participant, for a scatter plot.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import pdist, squareform
from sklearn.metrics import adjusted_rand_score

from kpibridge.align.positions import normalised_positions
from kpibridge.align.profile import Profile, join_names
from kpibridge.align.repness import GroupDescription, representative
from kpibridge.align.silhouette import silhouette

MAX_GROUPS = 6
NULL_PERMUTATIONS = 99
MIN_SILHOUETTE = 0.25
"""A floor under the permutation test: with many participants even a faint, real but useless
split beats shuffled data."""


@dataclass(frozen=True)
class RolesAlignment:
    """How the opinion groups line up with the participants' roles."""

    roles: tuple[str, ...]
    table: tuple[tuple[int, ...], ...]
    """table[g][r] = members of group g with role r."""
    adjusted_rand: float
    """Adjusted Rand index of groups against roles (1 = groups are the roles; ~0 = unrelated).
    NaN when there is only one group and one role (nothing to compare)."""
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class OpinionGroups:
    """Opinion groups of a ranking round.

    Attributes:
        voters: Participant names, in profile order.
        labels: Group per voter, 0..k−1, largest group first.
        k: Number of groups (1 when no split beats the null).
        coords: Voters × 2 PCA map of the features.
        silhouettes: Best-cut silhouette for each k tried.
        null_p_value: Permutation p-value of the best silhouette (NaN if not tested).
        notes: Plain sentences on the method and how k was decided.
        roles_alignment: Groups against roles (None when no roles were given).
        descriptions: What sets each group apart (:mod:`kpibridge.align.repness`).
    """

    voters: tuple[str, ...]
    labels: np.ndarray
    k: int
    coords: np.ndarray
    silhouettes: dict[int, float]
    null_p_value: float
    notes: tuple[str, ...]
    roles_alignment: RolesAlignment | None
    descriptions: tuple[GroupDescription, ...]

    def to_json(self) -> dict[str, Any]:
        """A JSON-compatible dictionary."""
        roles = self.roles_alignment
        return {
            "voters": list(self.voters),
            "labels": self.labels.tolist(),
            "k": self.k,
            "coords": self.coords.tolist(),
            "silhouettes": {str(k): v for k, v in self.silhouettes.items()},
            "null_p_value": None if np.isnan(self.null_p_value) else self.null_p_value,
            "notes": list(self.notes),
            "roles_alignment": None
            if roles is None
            else {
                "roles": list(roles.roles),
                "table": [list(row) for row in roles.table],
                "adjusted_rand": None if np.isnan(roles.adjusted_rand) else roles.adjusted_rand,
                "sentences": list(roles.sentences),
            },
            "descriptions": [d.to_json() for d in self.descriptions],
        }


def _cuts(features: np.ndarray, top: int) -> tuple[dict[int, float], dict[int, np.ndarray]]:
    """Silhouette and labels (0-based) of the Ward tree cut at k = 2..top."""
    condensed = pdist(features)
    if top < 2 or not np.any(condensed):
        return {}, {}
    distances = squareform(condensed)
    tree = linkage(features, method="ward")
    scores: dict[int, float] = {}
    cuts: dict[int, np.ndarray] = {}
    for k in range(2, top + 1):
        # fcluster is several times faster than cut_tree, which mattered for the null's copies
        labels = fcluster(tree, k, criterion="maxclust").astype(np.int64) - 1
        if labels.max() + 1 < 2:
            continue
        cuts[k] = labels
        scores[k] = silhouette(distances, labels)
    return scores, cuts


def _null_samples(features: np.ndarray, rng: np.random.Generator) -> list[np.ndarray]:
    """Copies with every candidate's column shuffled independently across participants.

    A Gaussian null with the data's covariance (SigClust, Liu et al. 2008) was tried too: it
    lost the 12-person two-faction split in 8 of 20 seeds and did no better on noisy copies.
    """
    return [rng.permuted(features, axis=0) for _ in range(NULL_PERMUTATIONS)]


def _best(scores: Mapping[int, float]) -> float:
    return max(scores.values(), default=0.0)


def _map(features: np.ndarray) -> np.ndarray:
    centred = features - features.mean(axis=0)
    coords = np.zeros((len(features), 2))
    if len(features) < 2 or not np.any(centred):
        return coords
    left, singular, right = np.linalg.svd(centred, full_matrices=False)
    width = min(2, len(singular))
    signs = np.sign(right[np.arange(width), np.abs(right[:width]).argmax(axis=1)])
    coords[:, :width] = left[:, :width] * singular[:width] * signs
    return coords


def _by_size(labels: np.ndarray) -> np.ndarray:
    sizes = np.bincount(labels)
    order = sorted(range(len(sizes)), key=lambda g: (-sizes[g], np.flatnonzero(labels == g)[0]))
    rank = np.empty(len(sizes), dtype=np.int64)
    rank[order] = np.arange(len(sizes))
    return rank[labels]


def roles_alignment(
    voters: tuple[str, ...], labels: np.ndarray, roles: Mapping[str, str]
) -> RolesAlignment:
    names = [roles.get(v, "unknown") for v in voters]
    role_list = tuple(sorted(set(names)))
    index = {r: i for i, r in enumerate(role_list)}
    groups = int(labels.max()) + 1
    table = np.zeros((groups, len(role_list)), dtype=np.int64)
    np.add.at(
        table,
        (np.asarray(labels, dtype=np.int64), np.array([index[r] for r in names], dtype=np.int64)),
        1,
    )
    totals = table.sum(axis=0)
    if groups == 1 and len(role_list) == 1:
        agreement = float("nan")
    else:
        agreement = float(adjusted_rand_score([index[r] for r in names], labels))
    sentences = []
    for group in range(groups):
        parts = [
            f"{table[group, r]} of {totals[r]} {role_list[r]}"
            for r in np.argsort(-table[group], kind="stable")
            if table[group, r] > 0
        ]
        sentences.append(f"Group {group + 1} is {join_names(parts)}.")
    return RolesAlignment(
        role_list, tuple(tuple(int(x) for x in row) for row in table), agreement, tuple(sentences)
    )


def opinion_groups(
    profile: Profile,
    *,
    roles: Mapping[str, str] | None = None,
    seed: int = 0,
    scores: np.ndarray | None = None,
) -> OpinionGroups:
    """Find opinion groups among the voters of a profile (see the module docstring).

    Args:
        profile: The rankings; weights are ignored (a group is made of people).
        roles: Voter name → role, to compare groups with roles.
        seed: Seeds the permutation null (same seed, same answer).
        scores: Optional voters × candidates mean criteria score on 1..5 (NaN = not scored),
            joined to the rank positions.

    Returns:
        An :class:`OpinionGroups`.
    """
    voters = profile.voters
    positions = normalised_positions(profile.levels)
    features = positions
    notes = [
        "Features: normalised rank positions (0 = first, 1 = last; ties and unlisted at the "
        "average place)."
    ]
    if scores is not None:
        scored = np.asarray(scores, dtype=float)
        if scored.shape != positions.shape:
            raise ValueError(f"scores are {scored.shape}; expected {positions.shape}")
        means = np.nanmean(np.where(np.isnan(scored), np.nan, scored), axis=0)
        filled = np.where(np.isnan(scored), np.nan_to_num(means, nan=3.0), scored)
        features = np.hstack([positions, (5 - filled) / 4])
        notes.append("Criteria scores joined as (5 − score) / 4; missing = candidate mean.")
    count = len(voters)
    top = min(MAX_GROUPS, count - 1)
    observed, cuts = _cuts(features, top)
    labels = np.zeros(count, dtype=np.int64)
    p_value = float("nan")
    k = 1
    if observed:
        best_k = max(observed, key=lambda x: (observed[x], -x))
        best = observed[best_k]
        rng = np.random.default_rng(seed)
        null = np.array([_best(_cuts(sample, top)[0]) for sample in _null_samples(features, rng)])
        p_value = float((1 + (null >= best - 1e-12).sum()) / (1 + NULL_PERMUTATIONS))
        threshold = float(np.quantile(null, 0.95))
        if best > threshold and p_value <= 0.05 and best >= MIN_SILHOUETTE:
            k, labels = best_k, _by_size(cuts[best_k])
            notes.append(
                f"k = {k}: silhouette {best:.2f} beats column-shuffled data (95th percentile "
                f"{threshold:.2f}, p = {p_value:.3f}, {NULL_PERMUTATIONS} shuffles)."
            )
        else:
            notes.append(
                f"One group: the best split (k = {best_k}, silhouette {best:.2f}) does not beat "
                f"column-shuffled data (95th percentile {threshold:.2f}, p = {p_value:.3f})."
            )
    else:
        notes.append("One group: too few voters, or every ballot is the same.")
    descriptions = representative(positions, labels, profile.candidates, voters, seed=seed)
    return OpinionGroups(
        voters=voters,
        labels=labels,
        k=k,
        coords=_map(features),
        silhouettes=observed,
        null_p_value=p_value,
        notes=tuple(notes),
        roles_alignment=None if roles is None else roles_alignment(voters, labels, roles),
        descriptions=tuple(descriptions),
    )
