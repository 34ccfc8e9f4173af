"""Pol.is reaction clustering: planted groups, noise, and the real Pol.is conversations."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from align_factions import crossed_reactions, faction_reactions
from sklearn.metrics import adjusted_rand_score

from kpibridge.align.kmeans import weighted_kmeans
from kpibridge.align.reactions import (
    MIN_SILHOUETTE,
    NULL_MARGIN,
    STRONG_SILHOUETTE,
    cluster_reactions,
    max_groups,
    reaction_matrix,
    separation,
)
from kpibridge.model.rounds import Ballot

POLIS = Path("/work/shared/data/polis")


@pytest.mark.parametrize("groups", [2, 3])
def test_planted_groups_are_recovered(groups: int) -> None:
    for seed in range(3):
        votes, truth = faction_reactions(600, 80, groups, density=0.5, seed=seed)
        found = cluster_reactions(votes, seed=seed)
        assert found.k == groups, found.notes
        assert adjusted_rand_score(truth, found.labels) >= 0.9
        assert found.separation is not None
        assert found.separation.label == "strong"


def test_four_planted_groups_in_a_plane_are_recovered() -> None:
    for seed in range(3):
        votes, truth = crossed_reactions(800, 80, density=0.5, seed=seed)
        found = cluster_reactions(votes, seed=seed)
        assert found.k == 4, found.notes
        assert adjusted_rand_score(truth, found.labels) >= 0.9
        assert found.separation is not None
        assert found.separation.label != "weak"


def test_noise_is_split_but_labelled_weak() -> None:
    """Pol.is always cuts the map; the label says the cut means nothing."""
    for seed in range(3):
        votes, _ = faction_reactions(600, 60, 0, density=0.5, seed=seed)
        found = cluster_reactions(votes, seed=seed)
        assert 2 <= found.k <= 5
        assert found.separation is not None
        assert found.separation.label == "weak"
        assert "a shuffled map splits almost as well" in found.separation.sentence
        assert found.separation.sentence in " ".join(found.notes)


def test_separation_labels_follow_the_margins() -> None:
    null = (0.30, 0.35, 0.40)
    assert separation(0.40 + NULL_MARGIN, null).label == "weak"  # not *more* than the margin
    assert separation(0.40 + NULL_MARGIN + 0.01, null).label == "moderate"
    assert separation(STRONG_SILHOUETTE, null).label == "strong"
    assert separation(STRONG_SILHOUETTE, (0.48,)).label == "weak"  # shuffled maps do as well
    below = separation(MIN_SILHOUETTE - 0.01, (0.0,))
    assert below.label == "weak"
    assert "overlap" in below.sentence
    assert separation(0.6, null).sentence == (
        "strong: the groups stand well apart — silhouette 0.60; shuffled copies up to 0.40."
    )
    assert separation(0.6, null).to_json()["null_best"] == [0.30, 0.35, 0.40]


def test_largest_k_follows_polis() -> None:
    assert [max_groups(n) for n in (2, 11, 12, 24, 36, 100)] == [2, 2, 3, 4, 5, 5]
    votes, _ = faction_reactions(20, 30, 3, density=1.0, seed=0)  # 20 distinct positions
    assert set(cluster_reactions(votes, seed=0).silhouettes) == {2, 3}


def test_weighted_kmeans_matches_scikit_learn() -> None:
    """Our Lloyd against scikit-learn's on the same weighted points (inertia within 1 %)."""
    from sklearn.cluster import KMeans

    rng = np.random.default_rng(3)
    points = rng.normal(size=(90, 2)) + np.repeat(rng.normal(scale=4, size=(3, 2)), 30, axis=0)
    weights = rng.integers(1, 20, size=90).astype(float)
    for k in (2, 3, 4):
        ours = weighted_kmeans(points, weights, k, seed=0)
        theirs = KMeans(n_clusters=k, n_init=10, random_state=0).fit(points, sample_weight=weights)
        assert ours.inertia <= theirs.inertia_ * 1.01
        gaps = ((points[:, None, :] - ours.centres[None]) ** 2).sum(axis=2)
        assert np.array_equal(gaps.argmin(axis=1), ours.labels)


def test_warm_start_on_the_same_votes_equals_cold() -> None:
    votes, _ = faction_reactions(400, 50, 3, density=0.5, seed=2)
    cold = cluster_reactions(votes, seed=0)
    warm = cluster_reactions(votes, seed=0, previous=cold)
    assert warm.k == cold.k
    assert np.array_equal(warm.labels, cold.labels)
    assert warm.null_silhouettes == cold.null_silhouettes  # reused, not redrawn


def test_warm_start_after_new_votes() -> None:
    votes, truth = faction_reactions(500, 60, 3, density=0.5, seed=4)
    earlier = votes.copy()
    earlier[450:] = np.nan  # the last 50 have not voted yet
    first = cluster_reactions(earlier, seed=0)
    warm = cluster_reactions(votes, seed=0, previous=first)
    cold = cluster_reactions(votes, seed=0)
    assert warm.k == cold.k == 3
    assert adjusted_rand_score(cold.labels, warm.labels) >= 0.98
    assert adjusted_rand_score(truth, warm.labels) >= 0.9
    # 450 → 500 analysed is more than NULL_REFRESH: the null is drawn again
    assert warm.null_silhouettes == cold.null_silhouettes


def test_warm_start_ignores_a_changed_statement_set() -> None:
    votes, _ = faction_reactions(300, 40, 2, density=0.6, seed=5)
    first = cluster_reactions(votes[:, :30], seed=0)
    again = cluster_reactions(votes, seed=0, previous=first)
    cold = cluster_reactions(votes, seed=0)
    assert np.array_equal(again.labels, cold.labels)


def test_sparse_participants_are_assigned_not_fitted() -> None:
    votes, _ = faction_reactions(200, 30, 2, density=0.6, seed=1)
    votes[0, 3:] = np.nan
    votes[1, :] = np.nan
    found = cluster_reactions(votes, seed=1)
    assert not found.in_analysis[0]
    assert found.labels[0] >= 0
    assert found.labels[1] == -1


def test_reaction_matrix_from_ballots() -> None:
    ballots = [
        Ballot(participant="ann", reactions={"cac": "agree", "ctr": "pass"}),
        Ballot(participant="bob", ranking=("cac",)),
        Ballot(participant="cy", reactions={"ctr": "disagree"}),
    ]
    matrix, people = reaction_matrix(ballots, ["cac", "ctr"])
    assert people == ("ann", "cy")
    assert np.array_equal(matrix, np.array([[1, 0], [np.nan, -1]]), equal_nan=True)
    with pytest.raises(ValueError, match="Did you mean 'ctr'"):
        reaction_matrix([Ballot(participant="d", reactions={"ctx": "agree"})], ["cac", "ctr"])


def _polis(conversation: str) -> tuple[np.ndarray, pd.Series]:
    folder = POLIS / conversation
    if not folder.exists():
        pytest.skip("Pol.is open data not present")
    table = pd.read_csv(folder / "participants-votes.csv")
    columns = [c for c in table.columns if c.isdigit()]
    return table[columns].to_numpy(dtype=np.float32), table["group-id"]


@pytest.mark.parametrize(
    ("conversation", "min_votes"),
    [
        ("15-per-hour-seattle", 7),  # Pol.is clustered exactly the 138 with ≥ 7 votes
        ("football-concussions", 1),  # Pol.is clustered 1,434 people, many with one vote
    ],
)
def test_real_polis_groups(conversation: str, min_votes: int) -> None:
    """Against Pol.is's own group-id (open-data export). These exports match *unscaled*
    projections: with sparsity scaling ARI is 0.8 (Seattle) and ~0.05 (football), measured.

    Football has two 2-group cuts of nearly equal silhouette (a small group on one side of the
    map or on the other; the one Pol.is did not show scores slightly *higher*), so which one a
    seed lands on is chance: Pol.is's own choice depends on its history of warm starts. Both
    the earlier scikit-learn base clusters and ours match Pol.is in 4 of these 6 seeds."""
    votes, polis = _polis(conversation)
    clustered = polis.notna().to_numpy()
    polis_k = int(polis.nunique())
    scores = [
        adjusted_rand_score(
            polis[clustered],
            cluster_reactions(
                votes, seed=seed, k=polis_k, min_votes=min_votes, sparsity_scaling=False
            ).labels[clustered],
        )
        for seed in range(6)
    ]
    assert sum(score >= 0.7 for score in scores) >= 4, scores


@pytest.mark.parametrize("conversation", ["15-per-hour-seattle", "football-concussions"])
def test_real_polis_conversations_are_not_collapsed(conversation: str) -> None:
    """With k chosen by the project, neither conversation is "one group" any more (both were,
    with the earlier null check), whatever the settings."""
    votes, _ = _polis(conversation)
    for settings in ({}, {"min_votes": 1, "sparsity_scaling": False}):
        found = cluster_reactions(votes, seed=0, **settings)  # type: ignore[arg-type]
        assert found.k >= 2
        assert found.separation is not None


def test_seattle_k_chosen_as_polis_did() -> None:
    """Seattle with Pol.is's settings for its export (≥ 7 votes, unscaled): k = 2 as Pol.is,
    the same groups, in every seed; with everyone who voted the split is labelled strong."""
    votes, polis = _polis("15-per-hour-seattle")
    clustered = polis.notna().to_numpy()
    for seed in range(4):
        found = cluster_reactions(votes, seed=seed, sparsity_scaling=False)
        assert found.k == polis.nunique() == 2
        assert adjusted_rand_score(polis[clustered], found.labels[clustered]) >= 0.9
    everyone = cluster_reactions(votes, seed=0, min_votes=1, sparsity_scaling=False)
    assert everyone.k == 2
    assert everyone.separation is not None
    assert everyone.separation.label == "strong"


def test_football_is_split_but_labelled_weak() -> None:
    """Football: Pol.is shows 2 groups; the silhouettes of k = 2..5 are within a few hundredths
    of one another and of shuffled copies, so k depends on the seed (3, 4 or 5 measured) and
    the label says weak: the map has no clear cut, which is the honest reading."""
    votes, _ = _polis("football-concussions")
    found = cluster_reactions(votes, seed=0, min_votes=1, sparsity_scaling=False)
    assert found.separation is not None
    assert found.separation.label == "weak"
    assert max(found.silhouettes.values()) - min(found.silhouettes.values()) < 0.1
