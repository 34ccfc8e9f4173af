"""The recommended set: exact, constrained, explained."""

from __future__ import annotations

import itertools

from kpibridge.align.selection import SelectionCandidate, combined_scores, recommend


def candidate(
    id_: str, goal: str, consensus: float, qualitative: bool = False
) -> SelectionCandidate:
    return SelectionCandidate(id_, id_.upper(), goal, qualitative, consensus)


CANDIDATES = [
    candidate("cac", "efficiency", 1.0),
    candidate("roas", "efficiency", 0.9),
    candidate("marketing_roi", "efficiency", 0.8),
    candidate("conversion_rate", "growth", 0.7),
    candidate("nps", "loyalty", 0.3, qualitative=True),
    candidate("retention_rate", "loyalty", 0.5),
    candidate("churn_rate", "loyalty", 0.45),
]


def brute_force(k: int, duplicates: set[frozenset[str]]) -> set[str]:
    """Oracle: every k-subset; coverage of goals and the qualitative seat first, then score."""
    scores = combined_scores(CANDIDATES)
    best: tuple[float, ...] = ()
    chosen: set[str] = set()
    for subset in itertools.combinations(CANDIDATES, k):
        ids = {c.id for c in subset}
        if any(pair <= ids for pair in duplicates):
            continue
        key = (
            len({c.goal for c in subset}) + any(c.qualitative for c in subset),
            sum(scores[c.id] for c in subset),
        )
        if key > best:
            best, chosen = key, ids
    return chosen


def test_the_top_scores_alone_would_leave_goals_uncovered() -> None:
    result = recommend(CANDIDATES, 3)
    assert result.unconstrained == ("cac", "roas", "marketing_roi")
    assert set(result.selected) == brute_force(3, set())
    assert {"cac", "conversion_rate"} <= set(result.selected)
    assert any("goal" in reason for reason in result.reasons)


def test_a_qualitative_kpi_is_included_when_one_is_a_candidate() -> None:
    result = recommend(CANDIDATES, 4)
    assert "nps" in result.selected
    assert set(result.selected) == brute_force(4, set())
    assert any("qualitative" in reason for reason in result.reasons)


def test_near_duplicates_are_not_both_taken() -> None:
    duplicates = {frozenset({"retention_rate", "churn_rate"}), frozenset({"cac", "roas"})}
    for k in (3, 4, 5):
        result = recommend(CANDIDATES, k, duplicates)
        assert not any(pair <= set(result.selected) for pair in duplicates)
        assert set(result.selected) == brute_force(k, duplicates)


def test_more_goals_than_seats_covers_as_many_as_possible() -> None:
    result = recommend(CANDIDATES, 2)
    goals = {c.goal for c in CANDIDATES if c.id in result.selected}
    assert len(goals) == 2
    assert set(result.selected) == brute_force(2, set())
    assert any("only 2 KPIs" in reason for reason in result.reasons)
