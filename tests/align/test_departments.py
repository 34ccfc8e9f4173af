from __future__ import annotations

import numpy as np
import pytest

from kpibridge.align.departments import by_department


def test_roles_priorities_and_disagreement() -> None:
    candidates = ["cac", "nps", "awareness"]
    participants = ["cfo", "controller", "cmo"]
    support = np.array([[1.0, 0.5, 0.0], [0.8, 0.6, np.nan], [0.2, 0.6, 1.0]])
    roles = {"cfo": "finance", "controller": "finance", "cmo": "marketing"}
    views, disagreements = by_department(support, participants, candidates, roles, top=2)
    assert [v.role for v in views] == ["finance", "marketing"]
    finance = views[0]
    assert finance.priorities == ("cac", "nps")
    assert finance.support["awareness"] == 0.0  # unranked counts as no support
    assert finance.support["cac"] == pytest.approx(0.9)
    # awareness: marketing 1.0 vs finance 0.0 — the widest split
    assert disagreements[0].candidate == "awareness"
    assert (disagreements[0].most, disagreements[0].least) == ("marketing", "finance")
    assert disagreements[0].spread == pytest.approx(1.0)


def test_one_role_has_no_disagreement() -> None:
    views, disagreements = by_department(
        np.ones((2, 2)), ["a", "b"], ["x", "y"], {"a": "sales", "b": "sales"}
    )
    assert len(views) == 1
    assert disagreements == []
