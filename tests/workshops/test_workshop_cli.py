"""``kpibridge workshop open|phase|status|export`` on the demo workspace and a SQLite store,
against the same store the web app uses."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from kpibridge.cli import accounts, workshops
from kpibridge.services.metrics.workspace import Workspace
from kpibridge.services.rounds.round_checks import parse_round
from kpibridge.services.rounds.stored_rounds import create_round
from kpibridge.services.workshops.people import join_guest
from kpibridge.services.workshops.statements import add_statement, react
from kpibridge.store import Store


def test_open_phase_status_and_export(
    workshop_demo_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("KPIBRIDGE_DATABASE_URL", database)
    monkeypatch.setenv("KPIBRIDGE_PASSWORD", "a long password")
    cli = typer.Typer()
    accounts.register(cli)
    workshops.register(cli)
    runner = CliRunner()

    def run(*arguments: str, code: int = 0) -> str:
        result = runner.invoke(cli, [*arguments, "-w", str(workshop_demo_root)])
        assert result.exit_code == code, result.output
        return " ".join(result.output.split())

    run("user", "add", "lead", "--role", "facilitator", "--stakeholder", "analytics-lead")
    run("user", "add", "mem", "--role", "member", "--stakeholder", "cmo")
    store = Store.open(database)
    with Workspace.open(workshop_demo_root) as ws:
        spec = parse_round(
            {
                "id": "cli-round",
                "question": "Which KPIs?",
                "candidates": ["cac", "roas"],
                "participants": ["cmo"],
                "select": 1,
            }
        )
        create_round(store, ws, spec, actor="lead")

    assert "only facilitators" in run("workshop", "open", "cli-round", "--as", "mem", code=1)
    qr = tmp_path / "join.svg"
    opened = run(
        "workshop",
        "open",
        "cli-round",
        "--as",
        "lead",
        "--base-url",
        "https://kpi.example",
        "--qr",
        str(qr),
    )
    code = re.search(r"workshop ([A-Z0-9]{6}) open", opened).group(1)  # type: ignore[union-attr]
    assert f"join: https://kpi.example/w/{code}" in opened
    assert qr.read_text().lstrip().startswith("<svg")

    statement, _ = add_statement(
        store, code, "ROAS is enough", participant_id=None, token=None, client_key="a", actor="lead"
    )
    person, token = join_guest(store, code, "Ann", "finance")
    react(store, code, statement.id, "disagree", participant_id=person.id, token=token)

    moved = run("workshop", "phase", code, "react", "--as", "lead", "--timer", "5", "--lock")
    assert f"workshop {code}: phase react, locked, results shown, 300 s on the timer." in moved
    assert "unknown phase 'vote'" in run("workshop", "phase", code, "vote", "--as", "lead", code=1)

    status = run("workshop", "status", code)
    assert "1 participants (0 removed), 1 statements (0 waiting), 1 votes" in status
    figures = json.loads(
        runner.invoke(
            cli, ["workshop", "status", code, "--json", "-w", str(workshop_demo_root)]
        ).output
    )
    assert figures["votes"] == 1
    assert figures["workshop"]["locked"] is True

    out = tmp_path / "export.json"
    run("workshop", "export", code, "--as", "lead", "-o", str(out))
    exported = json.loads(out.read_text())
    assert exported["reactions"][0]["reaction"] == "disagree"
    assert exported["participants"][0]["display_name"] == "Ann"
    assert "no workshop has the code 'NOPE'" in run("workshop", "status", "nope", code=1)
    store.close()
