"""Random ballots for the voting-method tests (seeded: every test sees the same profiles)."""

from __future__ import annotations

import numpy as np

from kpibridge.align.profile import Profile, Ranking


def random_tiered_ranking(rng: np.random.Generator, candidates: list[str]) -> Ranking:
    """A ranking with random ties and a random number of candidates left out."""
    listed = [candidates[i] for i in rng.permutation(len(candidates))]
    listed = listed[: rng.integers(0, len(candidates) + 1)]
    tiers: list[tuple[str, ...]] = []
    start = 0
    while start < len(listed):
        size = int(rng.integers(1, 3))
        tiers.append(tuple(listed[start : start + size]))
        start += size
    return tuple(tiers)


def random_profile(seed: int, *, linear: bool) -> Profile:
    """3–7 candidates, 5–40 voters; ``linear``: strict complete orders only."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 8))
    voters = int(rng.integers(5, 41))
    candidates = [f"c{i}" for i in range(n)]
    if linear:
        orders = [[candidates[i] for i in rng.permutation(n)] for _ in range(voters)]
        return Profile.from_orders(candidates, orders)
    return Profile(
        tuple(candidates), tuple(random_tiered_ranking(rng, candidates) for _ in range(voters))
    )
