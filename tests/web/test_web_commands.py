"""``kpibridge user …``, ``token create`` and ``demo --no-serve`` (demo sign-ins), through
the Typer commands. A Typer app is built from the command modules themselves so that these
tests do not depend on every other command importing."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from kpibridge.cli import accounts, demo, warehouse, web
from kpibridge.services.accounts.tokens import account_for_token
from kpibridge.services.accounts.users import authenticate, list_users
from kpibridge.services.demo.demo_accounts import DEMO_PASSWORD
from kpibridge.services.metrics.workspace import Workspace
from kpibridge.store import Store, database_url


@pytest.fixture(scope="module")
def cli() -> typer.Typer:
    app = typer.Typer()
    web.register(app)
    accounts.register(app)
    warehouse.register(app)
    demo.register(app)
    return app


def test_user_add_list_set_role_and_token(
    cli: typer.Typer, demo_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("KPIBRIDGE_DATABASE_URL", url)
    monkeypatch.setenv("KPIBRIDGE_PASSWORD", "a long password")
    runner = CliRunner()
    ws = ["-w", str(demo_root)]
    added = runner.invoke(cli, ["user", "add", "ruth", "--stakeholder", "cfo", *ws])
    assert added.exit_code == 0, added.output
    unknown = runner.invoke(cli, ["user", "add", "x", "--stakeholder", "cf", *ws])
    assert unknown.exit_code == 1
    assert "Did you mean 'cfo'" in unknown.output
    bad_role = runner.invoke(cli, ["user", "set-role", "ruth", "boss", *ws])
    assert bad_role.exit_code == 1
    assert "unknown role" in bad_role.output
    assert runner.invoke(cli, ["user", "set-role", "ruth", "facilitator", *ws]).exit_code == 0
    listed = runner.invoke(cli, ["user", "list", *ws])
    assert "ruth" in listed.output
    assert "facilitator" in listed.output
    created = runner.invoke(cli, ["token", "create", "ruth", *ws])
    assert created.exit_code == 0, created.output
    token = created.stdout.strip().splitlines()[0]
    store = Store.open(url)
    found = account_for_token(store, token)
    store.close()
    assert found is not None
    assert found.role.value == "facilitator"


def test_demo_creates_sign_ins_for_its_stakeholders(cli: typer.Typer, tmp_path: Path) -> None:
    root = tmp_path / "demo"
    arguments = ["demo", "--dir", str(root), "--scale", "0.05", "--seed", "3", "--no-serve"]
    result = CliRunner().invoke(cli, arguments)
    assert result.exit_code == 0, result.output
    assert "Alignment round kpis-2027" in result.output  # the demo shows the round's summary
    assert "Recommended (" in " ".join(result.output.split())  # its one-minute summary
    with Workspace.open(root) as ws:
        store = Store.open(database_url(ws.settings.app_store, ws.root))
        names = {account.username for account in list_users(store)}
        assert names == set(ws.stakeholders) | {"viewer"}
        assert authenticate(store, "ceo", DEMO_PASSWORD) is not None
        store.close()
    assert (root / ".kpibridge" / "app.db").exists()
