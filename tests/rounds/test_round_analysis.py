"""The demo company's round, analysed end to end: the result must show real disagreement —
opinion groups that line up with departments — and common ground, and a recommended set
that respects the round's constraints."""

from __future__ import annotations

from pathlib import Path

import pytest
from sklearn.metrics import adjusted_rand_score

import kpibridge
from fixtures_demo import build_small_demo
from kpibridge.align.round_analysis import RoundAnalysis
from kpibridge.demo.pulse import CAMP
from kpibridge.services.rounds.workspace_rounds import analyze_round, list_rounds


@pytest.fixture(scope="module")
def demo_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_small_demo(tmp_path_factory, "rounds-demo")


@pytest.fixture(scope="module")
def analysis(demo_root: Path) -> RoundAnalysis:
    with kpibridge.Workspace.open(demo_root) as ws:
        return analyze_round(ws, "kpis-2027")


def test_the_staff_pulse_splits_along_departments(analysis: RoundAnalysis) -> None:
    reactions = next(g for g in analysis.groups if g.source == "reactions")
    assert reactions.k >= 2
    camps = [CAMP[member.rsplit("-", 1)[0]] for member in reactions.participants]
    assert adjusted_rand_score(camps, reactions.labels) >= 0.7
    # both camps mostly agree with the KPIs that join them: that is the common ground
    assert {"clv_to_cac", "repeat_purchase_rate"} <= set(reactions.common_ground.common)
    assert "brand_awareness" not in reactions.common_ground.common
    assert "cac" not in reactions.common_ground.common


def test_the_recommendation_respects_the_round(analysis: RoundAnalysis) -> None:
    selected = analysis.recommendation.selected
    assert len(selected) == analysis.select == 5
    goals = {c.goal for c in analysis.candidates if c.goal}
    chosen = {c.goal for c in analysis.candidates if c.id in selected}
    assert goals <= chosen or len(goals) > len(selected)
    assert any(c.qualitative for c in analysis.candidates if c.id in selected)
    assert analysis.unweighted is not None  # the CEO's weight is set in the demo


def test_dissent_keeps_the_reasons_of_those_left_out(analysis: RoundAnalysis) -> None:
    for entry in analysis.dissent:
        assert set(entry.left_out).isdisjoint(analysis.recommendation.selected)
        assert set(entry.rationale_left_out) <= set(entry.left_out)
    assert any(entry.rationale_left_out for entry in analysis.dissent)


def test_summary_and_json(analysis: RoundAnalysis) -> None:
    text = " ".join(analysis.summary)
    for kpi in analysis.recommendation.selected:
        assert analysis.names[kpi] in text
    assert "Main split: the reactions form 2 groups" in text
    assert len(analysis.summary) <= 6
    assert "opinion groups in the reactions" in " ".join(analysis.details)
    data = analysis.to_json()
    assert data["methods"]["k"] == 5
    assert len(data["groups"]) == 2


def test_list_rounds(demo_root: Path) -> None:
    with kpibridge.Workspace.open(demo_root) as ws:
        (listing,) = list_rounds(ws)
    assert listing.name == "kpis-2027"
    assert listing.participants == 8
    assert listing.audience == 48
    assert listing.problems == 0
