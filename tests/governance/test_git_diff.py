"""``kpibridge diff REV`` (issue 19 item 4) on a real temporary git repository: KPIs added,
removed and changed (definition and targets) in the working tree against a revision."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from typer.testing import CliRunner

from helpers import Table, write_workspace
from kpibridge.cli.app import app

REVENUE = {"type": "simple", "measure": "orders.revenue", "owner": "cfo"}
ORDERS = {"type": "simple", "measure": "orders.orders"}


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def test_diff_names_added_removed_and_changed_kpis(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    workspace = write_workspace(
        repo / "analytics",
        kpis={
            "revenue": {**REVENUE, "targets": [{"period": "2026", "value": 100}]},
            "orders": ORDERS,
        },
    )
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "kpis")
    write_workspace(
        workspace,
        kpis={
            "revenue": {**REVENUE, "owner": "cmo", "targets": [{"period": "2026", "value": 120}]},
            "aov": {"type": "ratio", "numerator": "revenue", "denominator": "orders"},
        },
    )
    (workspace / "kpis" / "orders.yaml").unlink()
    result = CliRunner().invoke(app, ["diff", "HEAD", "-w", str(workspace), "--format", "json"])
    assert result.exit_code == 0, result.output
    changes = {record["kpi"]: record for record in json.loads(result.output)}
    assert {kpi: record["change"] for kpi, record in changes.items()} == {
        "aov": "added",
        "orders": "removed",
        "revenue": "changed",
    }
    assert changes["revenue"]["words"] == ["owner: cfo → cmo", "target for 2026: 100 → 120"]
    assert changes["orders"]["words"] == ["retire KPI 'orders': off the scorecard, kept in history"]
    same = CliRunner().invoke(app, ["diff", "HEAD", "-w", str(repo / "analytics")])
    assert "revenue (changed)" in same.output
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "change")
    unchanged = CliRunner().invoke(app, ["diff", "HEAD", "-w", str(workspace)])
    assert "no KPI changes against HEAD" in unchanged.output


def test_an_unknown_revision_is_named(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    write_workspace(repo)
    git(repo, "init", "-q")
    result = CliRunner().invoke(app, ["diff", "nope", "-w", str(repo)])
    assert result.exit_code == 1
    assert "git archive" in result.output


ORDERS_MODEL = {
    "name": "orders",
    "table": "orders",
    "time": "ordered_at",
    "measures": {"revenue": {"agg": "sum", "expr": "revenue"}, "orders": {"agg": "count"}},
}
ORDER_ROWS = [
    ("2026-10-03", 10.0),
    ("2026-11-02", 20.0),
    ("2026-11-20", 35.0),
    ("2026-11-28", 5.0),
    ("2026-12-02", 7.0),  # so that November is the latest complete month
]


def test_a_changed_kpi_shows_the_impact_numbers(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    tables = {"orders": Table("ordered_at TIMESTAMP, revenue DOUBLE", ORDER_ROWS)}
    write_workspace(repo, models={"orders": ORDERS_MODEL}, kpis={"sales": REVENUE}, tables=tables)
    (repo / ".gitignore").write_text("data/\n.kpibridge/\n", encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "kpis")
    write_workspace(repo, models={"orders": ORDERS_MODEL}, kpis={"sales": ORDERS}, tables=tables)
    result = CliRunner().invoke(app, ["diff", "HEAD", "-w", str(repo), "--format", "json"])
    assert result.exit_code == 0, result.output
    (record,) = json.loads(result.output)
    november = [value for day, value in ORDER_ROWS if day.startswith("2026-11")]
    assert record["impact"] == {"period": "2026-11-01", "before": sum(november), "after": 3}
    shown = CliRunner().invoke(app, ["diff", "HEAD", "-w", str(repo)])
    assert "impact, 2026-11-01: 60 → 3" in shown.output
