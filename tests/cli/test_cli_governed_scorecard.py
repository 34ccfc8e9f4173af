"""``kpibridge scorecard`` and ``compute`` with the KPI versions of the workspace's app store:
none is created to look; with versions, rows are stamped and a retired KPI is off."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from kpibridge.cli.app import app
from kpibridge.model.access import AccessRole
from kpibridge.model.governance import Restatement
from kpibridge.services.accounts.users import add_user
from kpibridge.services.governance.governance_apply import apply_workspace
from kpibridge.services.governance.versions import acting_account
from kpibridge.services.metrics.workspace import Workspace
from kpibridge.store import Store, database_url


def run_json(runner: CliRunner, *args: object) -> list[dict[str, object]]:
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)  # type: ignore[no-any-return]


def test_scorecard_and_compute_apply_the_stored_versions(
    demo_root: Path, tmp_path: Path, runner: CliRunner
) -> None:
    root = tmp_path / "demo"
    shutil.copytree(demo_root, root)
    store_file = root / ".kpibridge" / "app.db"

    plain = run_json(runner, "scorecard", "-w", root, "-f", "json")
    assert not store_file.exists()  # reading does not create an app store
    assert {row["definition_version"] for row in plain} == {None}
    assert "cac" in [row["kpi"] for row in plain]
    assert " v1" not in runner.invoke(app, ["scorecard", "-w", str(root)]).output

    with Workspace.open(root) as ws:
        store = Store.open(database_url(ws.settings.app_store, ws.root))
        add_user(store, "admin", "a long password", AccessRole.ADMIN, None, set(ws.stakeholders))
        for retire, effective in ((False, date(2023, 1, 1)), (True, date(2026, 1, 1))):
            apply_workspace(
                ws.definition,
                store,
                acting_account(store, "admin"),
                message="as agreed",
                effective_from=effective,
                restatement=Restatement.AS_REPORTED,
                only="cac" if retire else None,
                retire=retire,
            )
        store.close()

    governed = run_json(runner, "scorecard", "-w", root, "-f", "json")
    assert [row["kpi"] for row in governed] == [row["kpi"] for row in plain if row["kpi"] != "cac"]
    assert {row["definition_version"] for row in governed} == {1}
    table = runner.invoke(app, ["scorecard", "-w", str(root)])
    assert table.exit_code == 0, table.output
    assert " v1" in table.output

    # cac is retired from 2026-01: compute keeps its history (v1) up to then, nothing after
    months = run_json(runner, "compute", "cac", "-w", root, "-f", "json", "--start", "2025-07-01")
    assert months, "history before the retirement is kept"
    assert {row["definition_version"] for row in months} == {1}
    assert max(str(row["period"])[:10] for row in months) == "2025-12-01"

    bad = runner.invoke(app, ["scorecard", "-w", str(root), "--as-of", "June"])
    assert bad.exit_code == 1
    assert "--as-of 'June' is not a date: write YYYY-MM-DD" in bad.output
