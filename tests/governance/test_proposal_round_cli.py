"""``kpibridge proposals round`` and ``kpibridge round results`` through Typer on a fresh
template workspace: who may open the round (facilitators and admins; members and viewers get
a readable error and exit code 1), what it holds, and the winner the results name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from kpibridge.cli import accounts, governance, rounds, web
from kpibridge.model.rounds import Ballot
from kpibridge.services.metrics.setup import create_workspace
from kpibridge.services.rounds.ballots import submit_ballot
from kpibridge.services.rounds.stored_rounds import close_round
from kpibridge.store import Store

USERS = (
    ("boss", "admin", None),
    ("cmo", "member", "cmo"),
    ("cfo", "member", "cfo"),
    ("growth", "member", "head-of-growth"),
    ("analyst", "facilitator", "analytics-lead"),
    ("watcher", "viewer", "cx-lead"),
)


@pytest.fixture
def cli() -> typer.Typer:
    app = typer.Typer()
    web.register(app)
    accounts.register(app)
    governance.register(app)
    rounds.register(app)
    return app


def test_proposals_round_from_the_command_line(
    cli: typer.Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "ws"
    create_workspace(root)
    database = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("KPIBRIDGE_DATABASE_URL", database)
    monkeypatch.setenv("KPIBRIDGE_PASSWORD", "a long password")
    runner = CliRunner()

    def run(*arguments: str, code: int = 0) -> str:
        """The output with every run of white space made one space (Rich wraps lines at the
        terminal's width; JSON parses the same)."""
        result = runner.invoke(cli, [*arguments, "-w", str(root)])
        assert result.exit_code == code, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        return " ".join(result.output.split())

    for username, role, stakeholder in USERS:
        extra = ["--stakeholder", stakeholder] if stakeholder else []
        run("user", "add", username, "--role", role, *extra)
    run("apply", "--as", "boss", "-m", "the library")
    cac = root / "kpis" / "cac.yaml"
    original = cac.read_text()
    assert "needs at least two" in run("proposals", "round", "cac", "--as", "analyst", code=1)
    for author, value in (("cmo", 45), ("cfo", 55)):
        cac.write_text(original + f"targets: [{{value: {value}}}]\n")
        run("propose", "cac", "--as", author, "-m", f"{author}'s CAC target")

    for refused in ("cmo", "growth", "watcher"):
        output = run("proposals", "round", "cac", "--as", refused, code=1)
        assert "only facilitators and admins put proposals to an alignment round" in output
        assert "Traceback" not in output
    shown = run("proposals", "round", "cac", "--as", "analyst")
    assert "round cac-proposals-1-2 opened" in shown
    assert "#1 by cmo: standing target added: 45" in shown
    assert "#2 by cfo: standing target added: 55" in shown
    assert "participants: head-of-growth, analytics-lead, cmo, cfo; select 1" in shown
    assert "already in the open round 'cac-proposals-1-2'" in run(
        "proposals", "round", "cac", "--as", "boss", "--name", "again", code=1
    )

    assert "in round cac-proposals-1-2 (open) as proposal-2, revision 1" in run(
        "proposals", "show", "2", "--no-impact"
    )
    proposal = json.loads(run("proposals", "show", "2", "--no-impact", "--format", "json"))
    assert [(r["round"], r["candidate"], r["adopted"]) for r in proposal["rounds"]] == [
        ("cac-proposals-1-2", "proposal-2", False)
    ]
    assert proposal["seats_frozen"] is True

    results = json.loads(run("round", "results", "cac-proposals-1-2", "--format", "json"))
    assert [link["proposal"] for link in results["change_proposals"]] == [1, 2]
    assert results["winner"] is None  # no ballots yet

    store = Store.open(database)
    try:  # ballots are cast on the web; here straight through the service
        for participant, first in (("cmo", 1), ("cfo", 2), ("head-of-growth", 2)):
            ranking = (f"proposal-{first}", f"proposal-{3 - first}")
            ballot = Ballot(participant=participant, ranking=tuple((c,) for c in ranking))
            submit_ballot(
                store, "cac-proposals-1-2", ballot, actor=participant, participant=participant
            )
    finally:
        store.close()
    results = json.loads(run("round", "results", "cac-proposals-1-2", "--format", "json"))
    assert (results["winner"]["proposal"], results["winner"]["winner_adopted"]) == (2, False)
    table = run("round", "results", "cac-proposals-1-2")
    assert "Winner, leading (not adopted yet): proposal 2 by cfo (proposal-2)" in table

    store = Store.open(database)
    try:
        close_round(store, "cac-proposals-1-2", actor="analyst")
    finally:
        store.close()
    custom = run(
        "proposals",
        "round",
        "cac",
        "--as",
        "boss",
        "--name",
        "cac-later",
        "--participants",
        "cfo",
        "--participant",
        "cmo",
        "--deadline",
        "2099-01-31",
        "--select",
        "2",
        "--format",
        "json",
    )
    created = json.loads(custom)
    assert (created["name"], created["participants"], created["deadline"], created["select"]) == (
        "cac-later",
        ["cfo", "cmo"],
        "2099-01-31",
        2,
    )
    assert [link["proposal"] for link in created["change_proposals"]] == [1, 2]
    proposal = json.loads(run("proposals", "show", "1", "--no-impact", "--format", "json"))
    assert [(r["round"], r["round_status"]) for r in proposal["rounds"]] == [
        ("cac-proposals-1-2", "closed"),
        ("cac-later", "open"),
    ]
