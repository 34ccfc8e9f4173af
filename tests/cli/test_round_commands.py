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
from kpibridge.services.rounds import analyze_round


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
