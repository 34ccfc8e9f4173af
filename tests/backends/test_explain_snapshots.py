"""The SQL each backend will run, per KPI, kept in ``tests/backends/snapshots/<backend>/``: a
change in generated SQL shows up as a diff in review.

The SQL is what ``kpibridge explain KPI`` prints (month grain, and ``cac`` by channel), taken
from the workspace of each backend in the parity suite — so it is compiled against the
backend's own tables and types. To accept a change, run the suite with
``KPIBRIDGE_UPDATE_SNAPSHOTS=1`` and review the diff of the snapshot files:

    KPIBRIDGE_UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/backends -k snapshot
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

import kpibridge
from kpibridge.cli.app import app
from kpibridge.model import Grain
from kpibridge.workspace.scaffold import template_path

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE_ENV = "KPIBRIDGE_UPDATE_SNAPSHOTS"
LIBRARY_KPIS = sorted(path.stem for path in (template_path() / "kpis").glob("*.yaml"))
EXPLAINED = [(kpi, ()) for kpi in LIBRARY_KPIS] + [("cac", ("channel",))]


def snapshot_path(backend: str, kpi: str, by: tuple[str, ...]) -> Path:
    return SNAPSHOTS / backend / ("-by-".join([kpi, *by]) + ".sql")


def check_snapshot(path: Path, sql: str) -> None:
    text = sql.rstrip() + "\n"
    if os.environ.get(UPDATE_ENV) == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.is_file(), (
        f"no snapshot {path.relative_to(SNAPSHOTS.parent)}: run with {UPDATE_ENV}=1 to write it"
    )
    assert text == path.read_text(encoding="utf-8"), (
        f"the SQL differs from {path.name}; if the change is intended, run with "
        f"{UPDATE_ENV}=1 and review the diff"
    )


@pytest.mark.parametrize(
    ("kpi", "by"), EXPLAINED, ids=["-by-".join([kpi, *by]) for kpi, by in EXPLAINED]
)
def test_explain_sql_snapshot(
    kpi: str, by: tuple[str, ...], backend_name: str, backend_workspace: kpibridge.Workspace
) -> None:
    explanation = backend_workspace.explain(kpi, grain=Grain.MONTH, by=list(by))
    check_snapshot(snapshot_path(backend_name, kpi, by), explanation.sql)


def test_every_snapshot_is_a_library_kpi() -> None:
    """No snapshot left behind by a KPI that is gone or renamed."""
    expected = {snapshot_path("x", kpi, by).name for kpi, by in EXPLAINED}
    for folder in SNAPSHOTS.iterdir():
        assert {path.name for path in folder.glob("*.sql")} <= expected, folder.name


def test_cli_explain_prints_the_snapshot_sql(parity_demo_root: Path) -> None:
    """``kpibridge explain`` (the command, JSON output) shows the same SQL as the snapshot."""
    result = CliRunner().invoke(
        app, ["explain", "cac", "--by", "channel", "-f", "json", "-w", str(parity_demo_root)]
    )
    assert result.exit_code == 0, result.output
    sql = json.loads(result.output)["sql"]
    assert sql.rstrip() + "\n" == snapshot_path("duckdb", "cac", ("channel",)).read_text()
