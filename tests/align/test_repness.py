"""Repness: the planted distinguishing candidates are found; homogeneous data shows little."""

from __future__ import annotations

import numpy as np

from kpibridge.align.positions import normalised_positions
from kpibridge.align.repness import representative


def test_planted_distinguishing_candidates_are_found() -> None:
    rng = np.random.default_rng(0)
    people, width = 16, 6
    labels = np.repeat([0, 1], people // 2)
    levels = np.array([rng.permutation(width) for _ in range(people)])
    levels[labels == 0, 0], levels[labels == 0, 5] = -2, -1  # group 1 puts k0 (then k5) first
    names = [f"p{i}" for i in range(people)]
    candidates = [f"k{i}" for i in range(width)]
    described = representative(normalised_positions(levels), labels, candidates, names)
    first = described[0].distinguishing
    assert first[0].candidate == "k0"
    assert first[0].direction == "higher"
    assert first[0].q_value <= 0.05
    assert "ranks k0 much higher than the rest" in described[0].sentence
    assert described[1].distinguishing[0].direction == "lower"


def test_homogeneous_rankings_mostly_show_nothing() -> None:
    hits = 0
    for seed in range(10):
        rng = np.random.default_rng(seed)
        levels = np.array([rng.permutation(6) for _ in range(14)])
        labels = np.repeat([0, 1], 7)
        described = representative(
            normalised_positions(levels),
            labels,
            list("abcdef"),
            [str(i) for i in range(14)],
            seed=seed,
        )
        hits += any(d.distinguishing for d in described)
    assert hits <= 2


def test_reactions_agree_rates() -> None:
    rng = np.random.default_rng(2)
    labels = np.repeat([0, 1], 15)
    votes = rng.choice([1.0, -1.0, 0.0], size=(30, 4))
    votes[labels == 0, 2] = 1.0
    votes[labels == 1, 2] = -1.0
    votes[0, 1] = np.nan
    described = representative(
        votes, labels, list("abcd"), [str(i) for i in range(30)], kind="reactions"
    )
    top = described[0].distinguishing[0]
    assert top.candidate == "c"
    assert top.direction == "higher"
    assert top.group_value == (15 + 1) / (15 + 2)


def test_one_group_has_no_distinctions() -> None:
    described = representative(np.zeros((3, 2)), [0, 0, 0], ["a", "b"], ["x", "y", "z"])
    assert len(described) == 1
    assert described[0].distinguishing == ()
