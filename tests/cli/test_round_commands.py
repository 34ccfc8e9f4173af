"""``kpibridge round list`` and ``kpibridge round results`` on the demo workspace's round.

Oracles: the JSON output equals ``analyze_round`` from the Python API (itself tested in
``tests/align``); the Markdown and table outputs carry the same recommended set.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from test_cli import assert_user_error, flat, invoke
from typer.testing import CliRunner

from kpibridge import Workspace
from kpibridge.model.rounds import Ballot
from kpibridge.services.rounds.ballots import submit_ballot
from kpibridge.services.rounds.round_results import stored_round_analysis
from kpibridge.services.rounds.stored_rounds import get_round, import_workspace_rounds
from kpibridge.services.rounds.workspace_rounds import analyze_round
from kpibridge.store import Store
from kpibridge.store.database import database_url


def test_round_list_shows_the_demo_round(runner: CliRunner, demo_root: Path) -> None:
    result = invoke(runner, "round", "list", "-w", demo_root)
    assert result.exit_code == 0, result.output
    text = flat(result.output)
    assert "kpis-2027" in text
    assert "Which KPIs" in text  # the question (Rich may wrap it inside its cell)
    assert "│ 13 " in text  # candidates: 12 KPIs and one proposal


def test_round_results_json_is_the_analysis(runner: CliRunner, demo_root: Path) -> None:
    result = invoke(runner, "round", "results", "kpis-2027", "--format", "json", "-w", demo_root)
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    with Workspace.open(demo_root) as ws:
        expected = analyze_round(ws, "kpis-2027").to_json()
    assert printed == json.loads(json.dumps(expected))
    assert len(printed["recommendation"]["selected"]) == 5
    assert set(printed["consensus"]) == {"kemeny", "schulze", "ranked_pairs", "copeland", "borda"}


def test_round_results_markdown_and_table(runner: CliRunner, demo_root: Path) -> None:
    with Workspace.open(demo_root) as ws:
        analysis = analyze_round(ws, "kpis-2027")
    selected = [analysis.names[c] for c in analysis.recommendation.selected]
    markdown = invoke(runner, "round", "results", "kpis-2027", "-f", "markdown", "-w", demo_root)
    assert markdown.exit_code == 0, markdown.output
    assert markdown.output.startswith("# Which KPIs should marketing own in 2027?")
    for number, name in enumerate(selected, 1):
        assert f"{number}. **{name}**" in markdown.output
    table = invoke(runner, "round", "results", "kpis-2027", "-w", demo_root)
    assert table.exit_code == 0, table.output
    assert all(name in flat(table.output) for name in selected)


def test_round_results_unknown_round(runner: CliRunner, demo_root: Path) -> None:
    result = invoke(runner, "round", "results", "kpis-2072", "-w", demo_root)
    assert_user_error(result, "unknown round 'kpis-2072'", "kpis-2027")


def test_round_results_refuses_a_broken_round(
    runner: CliRunner, demo_root: Path, tmp_path: Path
) -> None:
    root = tmp_path / "demo"
    shutil.copytree(demo_root, root)
    path = root / "rounds" / "kpis-2027.yaml"
    path.write_text(path.read_text().replace("- participant: cfo", "- participant: cfoo"))
    result = invoke(runner, "round", "results", "kpis-2027", "-w", root)
    assert_user_error(result, "rounds/kpis-2027.yaml", "unknown participant 'cfoo'")
    listing = invoke(runner, "round", "list", "-w", root)
    assert listing.exit_code == 0


def test_round_results_reads_web_ballots_from_the_app_store(
    runner: CliRunner, demo_root: Path, tmp_path: Path
) -> None:
    root = Path(shutil.copytree(demo_root, tmp_path / "workspace"))
    with Workspace.open(root) as ws:
        store = Store.open(database_url(ws.settings.app_store, ws.root))
        try:
            import_workspace_rounds(store, ws)
            stored = get_round(store, "kpis-2027")
            participant = stored.round.participants[0]
            reversed_ranking = list(stored.round.candidates)[::-1]
            submit_ballot(
                store,
                "kpis-2027",
                Ballot(participant=participant, ranking=reversed_ranking),
                actor="test",
                participant=participant,
            )
            expected = stored_round_analysis(ws, get_round(store, "kpis-2027"), anonymous=False)
        finally:
            store.close()
        from_file = analyze_round(ws, "kpis-2027")
    result = invoke(runner, "round", "results", "kpis-2027", "--format", "json", "-w", root)
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert found == json.loads(json.dumps(expected.to_json(), ensure_ascii=False))
    assert found != json.loads(json.dumps(from_file.to_json(), ensure_ascii=False))
    table = invoke(runner, "round", "results", "kpis-2027", "-w", root)
    assert "Ballots from the app store (web ballots)" in flat(table.output)


def test_round_results_without_an_app_store_reads_the_file(
    runner: CliRunner, demo_root: Path, tmp_path: Path
) -> None:
    root = Path(shutil.copytree(demo_root, tmp_path / "workspace"))
    shutil.rmtree(root / ".kpibridge", ignore_errors=True)
    result = invoke(runner, "round", "results", "kpis-2027", "-w", root)
    assert result.exit_code == 0, result.output
    assert "Ballots from rounds/kpis-2027.yaml" in flat(result.output)
    assert not (root / ".kpibridge" / "app.db").exists()  # reading created no store
