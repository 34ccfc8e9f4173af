from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from kpibridge.align.criteria import criteria_analysis
from kpibridge.model.rounds import Ballot

CRITERIA = ("impact", "measurable", "timely")
CANDIDATES = ("cac", "nps", "ctr", "ltv")
ALICE = np.array([0.6, 0.3, 0.1])  # her comparisons below are consistent with these
CAROL = np.array([0.2, 0.4, 0.4])


def consistent_comparisons(weights: np.ndarray) -> list[list[Any]]:
    return [
        [CRITERIA[i], CRITERIA[j], float(weights[i] / weights[j])]
        for i in range(3)
        for j in range(i + 1, 3)
    ]


def planted_ballots() -> list[Ballot]:
    return [
        Ballot.model_validate(
            {
                "participant": "alice",
                "comparisons": consistent_comparisons(ALICE),
                "scores": {
                    "cac": {"impact": 5, "measurable": 5, "timely": 5},
                    "nps": {"impact": 1, "measurable": 1, "timely": 1},
                },
            }
        ),
        Ballot.model_validate(
            {
                "participant": "bob",
                "criteria_weights": {"impact": 2, "measurable": 1, "timely": 1},
                "scores": {
                    "cac": {"impact": 5, "measurable": 5, "timely": 5},
                    "ctr": {"impact": 3},
                },
            }
        ),
        Ballot.model_validate(
            {
                "participant": "carol",
                "criteria_weights": {"impact": 1},  # ignored: she also compared
                "comparisons": consistent_comparisons(CAROL),
            }
        ),
        Ballot(participant="dan"),  # took part, weighed nothing
    ]


def test_planted_weights_and_scores() -> None:
    result = criteria_analysis(CRITERIA, planted_ballots(), CANDIDATES)
    by_name = {p.participant: p for p in result.participants}
    assert set(by_name) == {"alice", "bob", "carol"}
    assert by_name["alice"].method == "ahp"
    alice_weights = by_name["alice"].weights
    assert alice_weights is not None
    assert list(alice_weights.values()) == pytest.approx(ALICE.tolist())
    assert by_name["bob"].weights == pytest.approx(
        {"impact": 0.5, "measurable": 0.25, "timely": 0.25}
    )
    assert by_name["carol"].method == "ahp"
    assert "comparisons were used" in by_name["carol"].note
    # AIJ of two consistent judges = normalised geometric mean of their weights; then the
    # arithmetic mean with bob's direct weights, the AHP block counting for two people.
    aij = np.sqrt(ALICE * CAROL)
    aij /= aij.sum()
    expected = (2 * aij + np.array([0.5, 0.25, 0.25])) / 3
    assert list(result.weights.values()) == pytest.approx(expected.tolist())
    assert result.group_ahp is not None
    assert result.inconsistent == ()
    scores = {c.candidate: c for c in result.candidates}
    assert scores["cac"].score == pytest.approx(1.0)
    assert scores["cac"].scored_by == 2
    assert scores["nps"].score == pytest.approx(0.0)
    # ctr: only impact was scored (3 of 5): the score uses impact alone
    assert scores["ctr"].score == pytest.approx(0.5)
    assert scores["ctr"].criterion_means == {"impact": 3.0, "measurable": None, "timely": None}
    assert scores["ltv"].score is None
    assert scores["ltv"].scored_by == 0
    assert [c.candidate for c in result.ranked()] == ["cac", "ctr", "nps", "ltv"]
    json.dumps(result.to_json())


def test_a_weighted_mean_score_with_participant_weights() -> None:
    ballots = [
        Ballot(participant="a", scores={"cac": {"impact": 5}}),
        Ballot(participant="b", scores={"cac": {"impact": 1}}),
    ]
    result = criteria_analysis(CRITERIA, ballots, CANDIDATES, {"a": 3})
    # mean impact = (3·5 + 1·1) / 4 = 4 → (4 − 1) / 4
    assert result.candidates[0].score == pytest.approx(0.75)
    assert result.weights == pytest.approx(dict.fromkeys(CRITERIA, 1 / 3))
    assert "Nobody weighed" in result.method


def test_inconsistent_participants_are_flagged_with_the_reason() -> None:
    cycle = [["impact", "measurable", 9], ["measurable", "timely", 9], ["timely", "impact", 9]]
    ballots = [Ballot.model_validate({"participant": "dave", "comparisons": cycle})]
    result = criteria_analysis(CRITERIA, ballots, CANDIDATES)
    assert [p.participant for p in result.inconsistent] == ["dave"]
    assert result.inconsistent[0].ahp is not None
    assert result.inconsistent[0].ahp.consistency_ratio > 0.10
    assert "contradict" in result.to_json()["inconsistent"][0]["explanation"]


def test_incomplete_individual_comparisons_still_count_for_the_group() -> None:
    ballots = [
        Ballot.model_validate({"participant": "a", "comparisons": [["impact", "measurable", 2]]}),
        Ballot.model_validate({"participant": "b", "comparisons": [["measurable", "timely", 3]]}),
    ]
    result = criteria_analysis(CRITERIA, ballots, CANDIDATES)
    assert all(p.weights is None for p in result.participants)
    assert result.weights == pytest.approx({"impact": 0.6, "measurable": 0.3, "timely": 0.1})


@pytest.mark.parametrize(
    ("ballot", "message"),
    [
        (
            {"scores": {"cac": {"impact": 6}}},
            "'eve' scores candidate 'cac' 6 on criterion 'impact'",
        ),
        ({"scores": {"cac": {"impakt": 3}}}, "'eve'.*'cac'.*'impakt'.*Did you mean 'impact'"),
        ({"scores": {"cca": {"impact": 3}}}, "'eve' scores 'cca'.*Did you mean 'cac'"),
        ({"comparisons": [["impact", "timley", 3]]}, "'eve'.*'timley'.*Did you mean 'timely'"),
        ({"criteria_weights": {"speed": 1}}, "'eve' weighs 'speed'"),
        ({"criteria_weights": {"impact": 0}}, "'eve' gives every criterion weight 0"),
    ],
)
def test_bad_input_names_participant_candidate_and_criterion(
    ballot: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        criteria_analysis(
            CRITERIA, [Ballot.model_validate({"participant": "eve", **ballot})], CANDIDATES
        )
