"""Synthetic ballots with planted factions, shared by the opinion-group tests."""

from __future__ import annotations

import numpy as np

from kpibridge.align.profile import Profile

CANDIDATES = tuple(f"k{i}" for i in range(10))


def faction_profile(
    people: int, factions: int, noise: float, seed: int
) -> tuple[Profile, np.ndarray]:
    """Noisy copies of one base order per faction (bases are rotations of one another, so
    factions really differ); ``factions = 0`` gives uniformly random rankings."""
    rng = np.random.default_rng(seed)
    width = len(CANDIDATES)
    truth = np.arange(people) % max(factions, 1)
    base = rng.permutation(width)
    bases = [np.roll(base, f * width // max(factions, 1)) for f in range(max(factions, 1))]
    orders = []
    for voter in range(people):
        if factions == 0:
            order = rng.permutation(width)
        else:
            place = np.argsort(bases[truth[voter]]) + rng.normal(0, noise, width)
            order = np.argsort(place)
        orders.append([CANDIDATES[i] for i in order])
    return Profile.from_orders(CANDIDATES, orders), truth


def faction_reactions(
    people: int, statements: int, groups: int, density: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Reactions where each group leans agree or disagree on each statement."""
    rng = np.random.default_rng(seed)
    truth = np.arange(people) % max(groups, 1)
    strength = 0.8 if groups else 0.0
    lean = rng.choice([-1.0, 1.0], size=(max(groups, 1), statements))
    agree = 0.5 + 0.5 * strength * lean[truth] * rng.uniform(0.5, 1, size=(1, statements))
    draw = rng.random((people, statements))
    votes = np.where(draw < agree * 0.85, 1.0, np.where(draw < 0.85, -1.0, 0.0))
    votes[rng.random((people, statements)) > density] = np.nan
    return votes.astype(np.float32), truth


def crossed_reactions(
    people: int, statements: int, density: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Four groups made by two independent splits (half the statements divide the room one
    way, half the other): the four group means lie in a plane, as four real camps must for a
    two-axis map to show them. Group = 2 × side of split A + side of split B."""
    rng = np.random.default_rng(seed)
    truth = np.arange(people) % 4
    side_a = np.where(truth // 2 == 0, 1.0, -1.0)
    side_b = np.where(truth % 2 == 0, 1.0, -1.0)
    issue = np.arange(statements) % 2  # 0: split A decides, 1: split B decides
    direction = rng.choice([-1.0, 1.0], size=statements)
    side = np.where(issue[None, :] == 0, side_a[:, None], side_b[:, None])
    agree = 0.5 + 0.4 * side * direction[None, :]
    draw = rng.random((people, statements))
    votes = np.where(draw < agree * 0.85, 1.0, np.where(draw < 0.85, -1.0, 0.0))
    votes[rng.random((people, statements)) > density] = np.nan
    return votes.astype(np.float32), truth
