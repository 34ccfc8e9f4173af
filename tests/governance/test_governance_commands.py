"""``apply``, ``propose``, ``proposals …`` and ``export`` through Typer on a fresh workspace:
the path a user takes, with readable errors (exit code 1, no traceback) for their mistakes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from kpibridge.cli import accounts, governance, web
from kpibridge.services.metrics.setup import create_workspace


@pytest.fixture
def cli() -> typer.Typer:
    app = typer.Typer()
    web.register(app)
    accounts.register(app)
    governance.register(app)
    return app


def test_propose_approve_export(
    cli: typer.Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "ws"
    create_workspace(root)
    monkeypatch.setenv("KPIBRIDGE_DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    monkeypatch.setenv("KPIBRIDGE_PASSWORD", "a long password")
    runner = CliRunner()
    ws = ["-w", str(root)]

    def run(*arguments: str, code: int = 0) -> str:
        result = runner.invoke(cli, [*arguments, *ws])
        assert result.exit_code == code, result.output
        return result.output

    for name, role in (("boss", "admin"), ("cmo", "member"), ("analytics-lead", "member")):
        run(
            "user",
            "add",
            name,
            "--role",
            role,
            *(["--stakeholder", name] if name != "boss" else []),
        )
    run("user", "add", "sales-director", "--stakeholder", "sales-director", "--role", "member")
    assert "no such user" in run("apply", "--as", "nobody", code=1)
    applied = json.loads(run("apply", "--as", "boss", "--format", "json"))
    assert applied["direct"]
    assert len(applied["changes"]) > 20

    aov = root / "kpis" / "aov.yaml"
    aov.write_text(aov.read_text() + "targets: [{value: 80}]\n")
    assert "rationale" in run("propose", "aov", "--as", "cmo", "--message", " ", code=1)
    assert "proposal 1" in run("propose", "aov", "--as", "cmo", "-m", "set a target")
    assert "set a target" in run("proposals", "list")
    shown = json.loads(run("proposals", "show", "1", "--no-impact", "--format", "json"))
    assert shown["changes"] == ["standing target added: 80"]
    assert "+targets:" in shown["yaml_diff"]
    assert shown["missing_approvals"] == ["owner", "goal_owner", "role:analytics"]
    assert "holds none" in run("proposals", "approve", "1", "--as", "cmo", code=1)
    assert "still needed: role:analytics" in run(
        "proposals", "approve", "1", "--as", "sales-director"
    )
    assert "now approved" in run("proposals", "approve", "1", "--as", "analytics-lead")
    assert "--effective 'soon' is not a date" in run(
        "propose", "aov", "--as", "cmo", "-m", "x", "--effective", "soon", code=1
    )

    aov.write_text(aov.read_text().replace("targets: [{value: 80}]\n", ""))  # a stale copy
    assert "updated: aov" in run("export")
    assert aov.read_text().endswith("targets:\n  - {value: 80}\n")
    log = json.loads(run("audit", "log", "--kpi", "aov", "--format", "json"))
    assert [entry["action"] for entry in log][-5:] == [
        "proposal.open",
        "proposal.approve",
        "proposal.approve",
        "kpi.targets",
        "proposal.approved",
    ]
    assert "intact" in run("audit", "verify")
