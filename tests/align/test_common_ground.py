"""Group-informed consensus: what both factions like is found, one faction's favourite is not."""

from __future__ import annotations

import numpy as np
import pytest
from align_factions import faction_profile

from kpibridge.align.common_ground import common_ground
from kpibridge.align.positions import top_half_support


def test_candidate_both_factions_like_is_common_ground() -> None:
    labels = np.repeat([0, 1], 10)
    support = np.zeros((20, 3))
    support[:, 0] = 1  # everyone
    support[labels == 0, 1] = 1  # one faction only (and the larger half of the room)
    support[:3, 2] = np.nan
    result = common_ground(support, labels, ["shared", "partisan", "none"], {"shared": "CAC"})
    assert result.common == ("shared",)
    assert result.scores[0].score == pytest.approx((11 / 12) ** 2)
    assert result.scores[0].candidate == "shared"
    assert result.sentence == "CAC has the support of every group."


def test_one_group_is_plain_smoothed_support() -> None:
    support = np.array([[1.0], [1.0], [0.0]])
    result = common_ground(support, [0, 0, 0], ["a"])
    assert result.scores[0].score == pytest.approx(3 / 5)


def test_rankings_via_top_half_support() -> None:
    profile, truth = faction_profile(20, 2, noise=0.3, seed=0)
    result = common_ground(top_half_support(profile.levels), truth, profile.candidates)
    # bases are rotations by half the list: no candidate is in both factions' top half
    assert result.common == ()
    assert top_half_support(np.array([[0, 1, 2, 2]])).tolist() == [[1.0, 1.0, 0.0, 0.0]]
