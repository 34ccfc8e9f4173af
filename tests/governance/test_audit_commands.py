"""``kpibridge audit verify`` / ``audit log`` through Typer, on a workspace whose user changes
(``user add``, ``user set-role``, ``token create``) were each recorded in the audit log."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import typer
from sqlalchemy import text
from typer.testing import CliRunner

from kpibridge.cli import accounts, governance, web
from kpibridge.services.metrics.setup import create_workspace
from kpibridge.store import Store


@pytest.fixture
def cli() -> typer.Typer:
    app = typer.Typer()
    web.register(app)
    accounts.register(app)
    governance.audit.register(app)
    return app


def test_account_changes_are_audited_and_verified(
    cli: typer.Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "ws"
    create_workspace(root)
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("KPIBRIDGE_DATABASE_URL", url)
    monkeypatch.setenv("KPIBRIDGE_PASSWORD", "a long password")
    runner = CliRunner()
    ws = ["-w", str(root)]
    for arguments in (
        ["user", "add", "ruth"],
        ["user", "set-role", "ruth", "admin"],
        ["token", "create", "ruth", "--name", "ci"],
    ):
        assert runner.invoke(cli, [*arguments, *ws]).exit_code == 0
    logged = runner.invoke(cli, ["audit", "log", "--format", "json", *ws])
    assert logged.exit_code == 0, logged.output
    events = json.loads(logged.stdout)
    token_detail = events[2]["detail"]
    assert datetime.fromisoformat(token_detail.pop("expires_at")) > datetime.now(UTC)
    assert [(e["action"], e["entity_id"], e["detail"]) for e in events] == [
        ("user.add", "ruth", {"role": "viewer", "stakeholder": None}),
        ("user.set_role", "ruth", {"from": "viewer", "to": "admin"}),
        ("token.create", "ruth", {"token_name": "ci"}),
    ]
    assert "kpb_" not in logged.stdout  # never the token itself
    verified = runner.invoke(cli, ["audit", "verify", *ws])
    assert verified.exit_code == 0, verified.output
    assert "intact" in verified.output
    assert "3 rows" in verified.output

    store = Store.open(url)
    with store.engine.begin() as connection:
        connection.execute(
            text(
                'UPDATE audit_log SET detail = \'{"from": "viewer", "to": "viewer"}\' WHERE seq = 2'
            )
        )
    store.close()
    broken = runner.invoke(cli, ["audit", "verify", "--format", "json", *ws])
    assert broken.exit_code == 1
    assert json.loads(broken.stdout)["broken_seq"] == 2


def test_log_filters_and_bad_dates(
    cli: typer.Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "ws"
    create_workspace(root)
    monkeypatch.setenv("KPIBRIDGE_DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    monkeypatch.setenv("KPIBRIDGE_PASSWORD", "a long password")
    runner = CliRunner()
    ws = ["-w", str(root)]
    assert runner.invoke(cli, ["user", "add", "ruth", *ws]).exit_code == 0
    assert "No audit events" in runner.invoke(cli, ["audit", "log", "--kpi", "cac", *ws]).output
    future = runner.invoke(cli, ["audit", "log", "--since", "2999-01-01", *ws])
    assert "No audit events" in future.output
    past = runner.invoke(cli, ["audit", "log", "--since", "2000-01-01", "-f", "csv", *ws])
    assert past.stdout.splitlines()[1].startswith("1,")
    bad = runner.invoke(cli, ["audit", "log", "--since", "last week", *ws])
    assert bad.exit_code == 1
    assert "--since 'last week' is not a date" in bad.output
