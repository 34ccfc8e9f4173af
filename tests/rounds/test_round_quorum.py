"""Adopting a stored round: never without ballots; below the round's quorum only with the
facilitator's reason, which the audit log keeps; the quorum survives the store (issue 21)."""

from __future__ import annotations

from pathlib import Path

import pytest

import kpibridge
from kpibridge.errors import KpibridgeError, QuorumError
from kpibridge.model.rounds import Ballot
from kpibridge.services.metrics.setup import create_workspace
from kpibridge.services.rounds.ballots import submit_ballot
from kpibridge.services.rounds.round_checks import parse_round
from kpibridge.services.rounds.stored_rounds import adopt_round, create_round, get_round
from kpibridge.store import Store, audit

SPEC = {
    "id": "q",
    "question": "Which two?",
    "candidates": ["cac", "roas", "nps"],
    "participants": ["cmo", "cfo", "analytics-lead"],
    "select": 2,
    "quorum": 2,
}


@pytest.fixture
def setup(tmp_path: Path):  # type: ignore[no-untyped-def]
    root = tmp_path / "ws"
    create_workspace(root)
    store = Store.open(f"sqlite:///{tmp_path / 'app.db'}")
    with kpibridge.Workspace.open(root) as ws:
        create_round(store, ws, parse_round(SPEC), actor="fac")
        yield store, ws
    store.close()


def _vote(store: Store, who: str) -> None:
    ballot = Ballot(participant=who, ranking=(("nps",), ("cac",), ("roas",)))
    submit_ballot(store, "q", ballot, actor=who, participant=who)


def test_no_ballots_nothing_to_adopt(setup) -> None:  # type: ignore[no-untyped-def]
    store, _ = setup
    for reason in (None, "we decided in the meeting"):
        with pytest.raises(QuorumError, match="no ballots that rank the candidates"):
            adopt_round(store, "q", ["nps"], actor="fac", below_quorum_reason=reason)
    assert get_round(store, "q").status == "open"


def test_below_quorum_needs_a_reason_and_is_audited(setup) -> None:  # type: ignore[no-untyped-def]
    store, _ = setup
    assert get_round(store, "q").round.quorum == 2
    _vote(store, "cmo")
    for reason in (None, "  "):
        with pytest.raises(QuorumError, match=r"below its quorum \(1 of 2 ballots\)"):
            adopt_round(store, "q", ["nps", "cac"], actor="fac", below_quorum_reason=reason)
    assert get_round(store, "q").status == "open"
    adopted = adopt_round(
        store, "q", ["nps", "cac"], actor="fac", below_quorum_reason="the CFO is on leave"
    )
    assert adopted.adopted == ("nps", "cac")
    with store.transaction() as session:
        (entry,) = [e for e in audit.read(session, entity="round") if e.action == "round.adopt"]
    assert entry.detail["below_quorum"] == {
        "ballots": 1,
        "quorum": 2,
        "reason": "the CFO is on leave",
    }


def test_at_quorum_adopts_without_confirmation(setup) -> None:  # type: ignore[no-untyped-def]
    store, _ = setup
    _vote(store, "cmo")
    _vote(store, "cfo")
    adopt_round(store, "q", ["nps", "cac"], actor="fac")
    with store.transaction() as session:
        (entry,) = [e for e in audit.read(session, entity="round") if e.action == "round.adopt"]
    assert "below_quorum" not in entry.detail


def test_a_quorum_larger_than_the_round_is_refused(setup) -> None:  # type: ignore[no-untyped-def]
    store, ws = setup
    spec = parse_round({**SPEC, "id": "big", "quorum": 4})
    with pytest.raises(KpibridgeError, match="quorum is 4 but the round has only 3 people"):
        create_round(store, ws, spec, actor="fac")
