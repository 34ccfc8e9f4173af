"""Opinion groups of rankings: planted factions found, homogeneous ballots left whole."""

from __future__ import annotations

import numpy as np
import pytest
from align_factions import faction_profile
from sklearn.metrics import adjusted_rand_score

from kpibridge.align.groups import opinion_groups
from kpibridge.align.profile import Profile


@pytest.mark.parametrize(("people", "factions"), [(12, 2), (24, 2), (18, 3), (40, 3)])
def test_planted_factions_are_recovered(people: int, factions: int) -> None:
    for seed in range(4):
        profile, truth = faction_profile(people, factions, noise=1.2, seed=seed)
        groups = opinion_groups(profile, seed=seed)
        assert groups.k == factions, groups.notes
        assert adjusted_rand_score(truth, groups.labels) >= 0.9
        assert groups.coords.shape == (people, 2)


def test_random_rankings_are_one_group() -> None:
    """Uniformly random rankings: measured 0 false splits in 20 seeds at 30 people."""
    splits = [
        opinion_groups(faction_profile(30, 0, 0, seed)[0], seed=seed).k > 1 for seed in range(20)
    ]
    assert np.mean(splits) <= 0.1


def test_noisy_copies_of_one_order_are_mostly_one_group() -> None:
    """Everyone a noisy copy of one order: measured 3 false splits in 20 seeds at noise 1.5
    (the shuffled null breaks the ranking constraint, so it is not exact here)."""
    splits = [
        opinion_groups(faction_profile(30, 1, 1.5, seed)[0], seed=seed).k > 1 for seed in range(20)
    ]
    assert np.mean(splits) <= 0.25


def test_roles_alignment_sentence_and_rand() -> None:
    profile, truth = faction_profile(12, 2, noise=1.0, seed=1)
    roles = {
        v: ("finance" if t == 0 else "marketing")
        for v, t in zip(profile.voters, truth, strict=True)
    }
    groups = opinion_groups(profile, roles=roles, seed=1)
    alignment = groups.roles_alignment
    assert alignment is not None
    assert alignment.adjusted_rand == pytest.approx(1.0)
    assert sorted(alignment.sentences) == [
        "Group 1 is 6 of 6 finance.",
        "Group 2 is 6 of 6 marketing.",
    ] or sorted(alignment.sentences) == [
        "Group 1 is 6 of 6 marketing.",
        "Group 2 is 6 of 6 finance.",
    ]
    assert len(groups.descriptions) == 2
    assert groups.to_json()["k"] == 2


def test_identical_ballots_and_tiny_rounds_are_one_group() -> None:
    same = Profile.from_orders("abc", ["abc"] * 5)
    assert opinion_groups(same).k == 1
    assert opinion_groups(Profile.from_orders("abc", ["abc", "cba"])).k == 1


def test_deterministic() -> None:
    profile, _ = faction_profile(20, 2, noise=1.5, seed=3)
    first, second = opinion_groups(profile, seed=5), opinion_groups(profile, seed=5)
    assert first.labels.tolist() == second.labels.tolist()
    assert first.null_p_value == second.null_p_value
