"""Pol.is reaction clustering: planted groups, noise, and the real Pol.is conversations."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from align_factions import faction_reactions
from sklearn.metrics import adjusted_rand_score

from kpibridge.align.reactions import cluster_reactions, reaction_matrix
from kpibridge.model.rounds import Ballot

POLIS = Path("/work/shared/data/polis")


@pytest.mark.parametrize("groups", [2, 3])
def test_planted_groups_are_recovered(groups: int) -> None:
    for seed in range(3):
        votes, truth = faction_reactions(600, 80, groups, density=0.5, seed=seed)
        found = cluster_reactions(votes, seed=seed)
        assert found.k == groups, found.notes
        assert adjusted_rand_score(truth, found.labels) >= 0.9


def test_noise_is_one_group() -> None:
    for seed in range(3):
        votes, _ = faction_reactions(600, 60, 0, density=0.5, seed=seed)
        assert cluster_reactions(votes, seed=seed).k == 1


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


@pytest.mark.parametrize(
    ("conversation", "min_votes"),
    [
        ("15-per-hour-seattle", 7),  # Pol.is clustered exactly the 138 with ≥ 7 votes
        ("football-concussions", 1),  # Pol.is clustered 1,434 people, many with one vote
    ],
)
def test_real_polis_groups(conversation: str, min_votes: int) -> None:
    """Against Pol.is's own group-id (open-data export). These exports match *unscaled*
    projections: with sparsity scaling ARI is 0.8 (Seattle) and ~0.05 (football), measured."""
    folder = POLIS / conversation
    if not folder.exists():
        pytest.skip("Pol.is open data not present")
    table = pd.read_csv(folder / "participants-votes.csv")
    columns = [c for c in table.columns if c.isdigit()]
    votes = table[columns].to_numpy(dtype=np.float32)
    clustered = table["group-id"].notna().to_numpy()
    polis_k = int(table["group-id"].nunique())
    found = cluster_reactions(votes, seed=0, k=polis_k, min_votes=min_votes, sparsity_scaling=False)
    score = adjusted_rand_score(table["group-id"][clustered], found.labels[clustered])
    assert score >= 0.7
