"""What a round's analysis says about tied Kemeny optima and about reaction-group separation."""

from __future__ import annotations

import numpy as np
from align_factions import faction_reactions

from kpibridge.align.analyze import analyze
from kpibridge.align.inputs import CandidateInfo, ParticipantInfo, RoundInput
from kpibridge.model.rounds import Ballot

_VOTES = {1.0: "agree", -1.0: "disagree", 0.0: "pass"}


def _round(ballots: list[Ballot], candidates: str, select: int) -> RoundInput:
    people = {b.participant for b in ballots}
    return RoundInput(
        id="r",
        question="Which?",
        select=select,
        criteria=("measurable",),
        candidates=tuple(CandidateInfo(id=c, name=c.upper()) for c in candidates),
        participants=tuple(ParticipantInfo(id=p, name=p, role="staff") for p in sorted(people)),
        ballots=tuple(ballots),
    )


def test_a_cycle_round_says_the_top_set_is_not_unique() -> None:
    ballots = [
        Ballot(participant=name, ranking=tuple((c,) for c in order))
        for name, order in (("ann", "abc"), ("bob", "bca"), ("cy", "cab"))
    ]
    analysis = analyze(_round(ballots, "abc", select=1))
    kemeny = analysis.consensus["kemeny"]
    assert kemeny.details["optimal_orders"] == 3
    assert "The Kemeny top 1 is not unique: 3 sets come first in an optimal order " in " ".join(
        analysis.notes
    )
    assert "({A}; {B}; {C})" in " ".join(analysis.notes)
    data = analysis.to_json()
    assert data["consensus"]["kemeny"]["details"]["alternatives"] == [
        ["b", "c", "a"],
        ["c", "a", "b"],
    ]


def test_a_clear_round_adds_no_tie_note() -> None:
    ballots = [Ballot(participant=f"p{i}", ranking=(("a",), ("b",), ("c",))) for i in range(4)] + [
        Ballot(participant="q", ranking=(("b",), ("a",), ("c",)))
    ]
    analysis = analyze(_round(ballots, "abc", select=2))
    assert analysis.consensus["kemeny"].details["optimal_orders"] == 1
    assert not any("Kemeny top" in note for note in analysis.notes)


def test_reaction_groups_carry_their_separation() -> None:
    votes, _ = faction_reactions(100, 20, 2, density=1.0, seed=0)
    candidates = "abcdefghijklmnopqrst"
    ballots = [
        Ballot(
            participant=f"p{row}",
            reactions={c: _VOTES[float(v)] for c, v in zip(candidates, votes[row], strict=True)},
        )
        for row in range(len(votes))
    ]
    analysis = analyze(_round(ballots, candidates, select=3))
    (groups,) = [g for g in analysis.groups if g.source == "reactions"]
    assert groups.k == 2
    assert groups.separation is not None
    assert groups.separation["label"] == "strong"
    assert analysis.to_json()["groups"][0]["separation"]["label"] == "strong"
    assert "(separation strong: " in " ".join(analysis.summary + analysis.details)
    assert np.isfinite(groups.separation["silhouette"])
