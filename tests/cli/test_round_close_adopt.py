"""``kpibridge round close`` and ``round adopt``: facilitators (and admins) only, with a
readable error for everyone else; adopting with no ``--select`` takes the recommended set, and
for competing change proposals it comments on the winner without approving it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from kpibridge.cli import accounts, governance, rounds, web
from kpibridge.model.rounds import Ballot
from kpibridge.services.metrics.setup import create_workspace
from kpibridge.services.metrics.workspace import Workspace
from kpibridge.services.rounds.ballots import submit_ballot
from kpibridge.services.rounds.round_checks import parse_round
from kpibridge.services.rounds.stored_rounds import create_round, get_round
from kpibridge.store import Store

ROUND = "cac-proposals-1-2"
Invoke = Callable[..., str]


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Invoke:
    app = typer.Typer()
    for commands in (web, accounts, governance, rounds):
        commands.register(app)
    root = tmp_path / "ws"
    create_workspace(root)
    monkeypatch.setenv("KPIBRIDGE_DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    monkeypatch.setenv("KPIBRIDGE_PASSWORD", "a long password")
    runner = CliRunner()

    def invoke(*arguments: str, code: int = 0) -> str:
        result = runner.invoke(app, [*arguments, "-w", str(root)])
        assert result.exit_code == code, result.output
        assert "Traceback" not in result.output
        return " ".join(result.output.split())

    for username, role, stakeholder in (
        ("boss", "admin", None),
        ("cmo", "member", "cmo"),
        ("cfo", "member", "cfo"),
        ("analyst", "facilitator", "analytics-lead"),
    ):
        linked = ["--stakeholder", stakeholder] if stakeholder else []
        invoke("user", "add", username, "--role", role, *linked)
    invoke("apply", "--as", "boss", "-m", "the library")
    cac = root / "kpis" / "cac.yaml"
    original = cac.read_text()
    for author, value in (("cmo", 45), ("cfo", 55)):
        cac.write_text(original + f"targets: [{{value: {value}}}]\n")
        invoke("propose", "cac", "--as", author, "-m", f"{author}'s CAC target")
    invoke("proposals", "round", "cac", "--as", "analyst")
    return invoke


def _vote(database: str) -> None:
    store = Store.open(database)
    try:  # two of three rank the CFO's proposal first
        for participant, first in (("cmo", 1), ("cfo", 2), ("analytics-lead", 2)):
            ranking = (f"proposal-{first}", f"proposal-{3 - first}")
            ballot = Ballot(participant=participant, ranking=tuple((c,) for c in ranking))
            submit_ballot(store, ROUND, ballot, actor=participant, participant=participant)
    finally:
        store.close()


def test_only_facilitators_close_and_adopt(run: Invoke, tmp_path: Path) -> None:
    invoke = run
    database = f"sqlite:///{tmp_path / 'app.db'}"
    _vote(database)
    refused = invoke("round", "close", ROUND, "--as", "cmo", code=1)
    assert "cmo is a member: only facilitators and admins close rounds" in refused
    assert "only facilitators and admins adopt rounds" in invoke(
        "round", "adopt", ROUND, "--as", "cfo", code=1
    )
    store = Store.open(database)
    try:
        assert get_round(store, ROUND).status == "open"  # nothing happened
    finally:
        store.close()

    closed = invoke("round", "close", ROUND, "--as", "analyst")
    assert f"round {ROUND} closed with 3 live ballot(s)" in closed
    assert "is closed, not open" in invoke("round", "close", ROUND, "--as", "analyst", code=1)
    assert "proposal-9" in invoke(
        "round", "adopt", ROUND, "--as", "boss", "--select", "proposal-9", code=1
    )

    unanswered = invoke("round", "adopt", ROUND, "--as", "boss", code=1)
    assert "1 recorded dissent(s) have no written answer: cmo (left out: proposal-1)" in unanswered
    adopted = invoke(
        "round", "adopt", ROUND, "--as", "boss", "--reason", "the CFO's budget rules this year"
    )
    assert f"round {ROUND} adopted: proposal-2" in adopted
    store = Store.open(database)
    try:
        stored = get_round(store, ROUND)
        assert (stored.status, stored.adopted, stored.adopted_by) == (
            "adopted",
            ("proposal-2",),
            "boss",
        )
    finally:
        store.close()
    shown = invoke("proposals", "show", "2", "--no-impact")
    assert "proposal 2 · cac · new target · open ·" in shown  # adoption did not approve it
    assert "the approvals of its decision rights are still needed" in shown
    assert "was adopted already" in invoke("round", "adopt", ROUND, "--as", "boss", code=1)


def test_no_ballots_no_result_and_nothing_to_adopt(run: Invoke) -> None:
    """Issue 21: with zero ballots the result recommended the listing order and adopted it."""
    invoke = run
    shown = invoke("round", "results", ROUND, "--format", "markdown")
    assert "No ballots yet: no recommendation, no consensus, nothing to adopt." in shown
    assert "Recommended" not in shown
    assert "put" not in shown
    assert "first" not in shown
    refused = invoke("round", "adopt", ROUND, "--as", "analyst", code=1)
    assert "has no ballots that rank the candidates: there is nothing to adopt" in refused
    assert "nothing to adopt" in invoke(
        "round", "adopt", ROUND, "--as", "analyst", "--select", "proposal-1", code=1
    )


def test_below_quorum_adopts_only_with_a_reason(run: Invoke, tmp_path: Path) -> None:
    invoke = run
    database = f"sqlite:///{tmp_path / 'app.db'}"
    store = Store.open(database)
    try:
        with Workspace.open(tmp_path / "ws") as ws:
            spec = parse_round(
                {
                    "id": "small",
                    "question": "Which two?",
                    "candidates": ["cac", "roas", "nps"],
                    "participants": ["cmo", "cfo", "analytics-lead"],
                    "select": 2,
                    "quorum": 3,
                }
            )
            create_round(store, ws, spec, actor="analyst")
        ballot = Ballot(participant="cmo", ranking=(("nps",), ("cac",), ("roas",)))
        submit_ballot(store, "small", ballot, actor="cmo", participant="cmo")
    finally:
        store.close()
    shown = invoke("round", "results", "small", "--format", "markdown")
    first = shown.split("## In one minute")[1].strip()
    assert first.startswith("* Below quorum: only 1 ballot ranks the candidates; the round asks")
    refused = invoke("round", "adopt", "small", "--as", "analyst", code=1)
    assert "below its quorum (1 of 3 ballots)" in refused
    assert "--below-quorum REASON" in refused
    adopted = invoke(
        "round", "adopt", "small", "--as", "analyst", "--below-quorum", "board meets today"
    )
    assert "round small adopted: nps, cac." in adopted
