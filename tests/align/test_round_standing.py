"""A round's result never outruns its ballots: without any ballot there is no consensus, no
recommendation and no winner in any output; below its quorum the result says so first; and
the one-minute summary fits one minute (issue 21, items 1 and 2)."""

from __future__ import annotations

import json

from kpibridge.align.analyze import analyze
from kpibridge.align.inputs import CandidateInfo, ParticipantInfo, RoundInput
from kpibridge.align.quorum import round_standing
from kpibridge.align.report import to_markdown
from kpibridge.model.rounds import Ballot

CANDIDATES = tuple(CandidateInfo(c, c.upper()) for c in ("a", "b", "c", "d", "e", "f"))
PEOPLE = tuple(
    ParticipantInfo(p, p, role)
    for p, role in (("ann", "finance"), ("bo", "sales"), ("cy", "brand"), ("di", "sales"))
)


def _round(ballots: tuple[Ballot, ...], quorum: int | None = None) -> RoundInput:
    return RoundInput(
        id="r",
        question="Which two?",
        select=2,
        criteria=("goal_alignment",),
        candidates=CANDIDATES,
        participants=PEOPLE,
        ballots=ballots,
        quorum=quorum,
    )


def _ranking(who: str, order: str) -> Ballot:
    return Ballot(participant=who, ranking=tuple((c,) for c in order))


def test_no_ballots_no_recommendation_no_consensus() -> None:
    analysis = analyze(_round(()))
    assert analysis.standing.state == "no ballots"
    assert analysis.recommendation.selected == ()
    assert analysis.summary[0].startswith("No ballots yet: no recommendation")
    assert len(analysis.summary) <= 2
    data = analysis.to_json()
    assert data["consensus"] == {}
    assert data["recommendation"]["selected"] == []
    assert data["standing"]["state"] == "no ballots"
    text = json.dumps(data) + to_markdown(analysis)
    # the listing order must not read as a result
    for claim in ("first", "put A", "Recommended (", "## Recommended set", "## Consensus"):
        assert claim not in text, claim


def test_ballots_with_scores_only_decide_nothing() -> None:
    scores = Ballot(participant="ann", scores={"a": {"goal_alignment": 5}})
    assert round_standing((scores,), None).state == "no ballots"
    assert analyze(_round((scores,))).recommendation.selected == ()


def test_below_quorum_says_so_first() -> None:
    ballots = (_ranking("ann", "abcdef"), _ranking("bo", "bacdef"))
    below = analyze(_round(ballots, quorum=3))
    assert below.standing.state == "below quorum"
    assert below.summary[0] == (
        "Below quorum: only 2 ballots rank the candidates; the round asks for 3. The result "
        "is provisional: adopting it needs the facilitator's confirmation."
    )
    assert below.recommendation.selected  # provisional, but shown
    met = analyze(_round(ballots, quorum=2))
    assert met.standing.state == "quorate"
    assert met.summary[0].startswith("Recommended (2): A and B.")
    assert met.recommendation.selected == below.recommendation.selected


def test_one_ballot_is_one_persons_view() -> None:
    analysis = analyze(_round((_ranking("ann", "fedcba"),)))
    assert analysis.summary[0].startswith("Recommended (2): F and E.")
    assert "How solid: one ranking only" in analysis.summary[1]


def test_the_summary_fits_a_minute_and_the_rest_is_below() -> None:
    ballots = (
        _ranking("ann", "abcdef"),
        _ranking("bo", "fedcba"),
        _ranking("cy", "abcdfe"),
        _ranking("di", "fedcab"),
    )
    analysis = analyze(_round(ballots))
    assert 3 <= len(analysis.summary) <= 6
    assert [line.split(":")[0] for line in analysis.summary[1:]][:1] == ["How solid"]
    assert analysis.summary[-1].startswith("Left out")
    assert sum(len(line.split()) for line in analysis.summary) <= 120
    # the long sentences moved below, none lost
    assert any(line.startswith("Consensus (Kemeny-Young)") for line in analysis.details)
    assert any("Kendall's W =" in line for line in analysis.details)
    markdown = to_markdown(analysis)
    assert markdown.index("## In one minute") < markdown.index("## In more detail")
