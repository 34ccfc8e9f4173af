"""``compute`` and ``explain`` as the KPI is defined (issue 21 item 8): the KPI's
``review_every`` when no grain is given, periods labelled as people write them, values in
the KPI's format in tables, raw in JSON."""

from __future__ import annotations

import json
import re
from pathlib import Path

from test_cli import flat, invoke
from typer.testing import CliRunner

import kpibridge


def test_explain_without_grain_uses_review_every(runner: CliRunner, demo_root: Path) -> None:
    with kpibridge.Workspace.open(demo_root) as ws:
        assert ws.kpis["retention_rate"].review_every.value == "quarter"
    result = invoke(runner, "explain", "retention_rate", "-w", demo_root)
    assert result.exit_code == 0, result.output
    assert "per quarter by default" in flat(result.output)
    assert "DATE_TRUNC('QUARTER'" in result.output
    assert "DATE_TRUNC('MONTH'" not in result.output
    monthly = invoke(runner, "explain", "retention_rate", "--grain", "month", "-w", demo_root)
    assert "DATE_TRUNC('MONTH'" in monthly.output


def test_compute_table_labels_periods_and_formats_values(
    runner: CliRunner, demo_root: Path
) -> None:
    table = invoke(runner, "compute", "retention_rate", "-w", demo_root)
    assert table.exit_code == 0, table.output
    rows = re.findall(r"│ (\d{4}-Q[1-4]) │ +(\S+) │", table.output)
    assert rows, table.output
    raw = json.loads(
        invoke(runner, "compute", "retention_rate", "--format", "json", "-w", demo_root).output
    )
    assert len(rows) == len(raw)
    for (label, shown), record in zip(rows, raw, strict=True):
        year, month = int(record["period"][:4]), int(record["period"][5:7])
        assert label == f"{year}-Q{(month - 1) // 3 + 1}"  # JSON keeps the ISO start date
        value = record["value"]
        assert shown == ("—" if value is None else f"{value * 100:.1f}%")
    weekly = invoke(runner, "compute", "cac", "--grain", "week", "-w", demo_root)
    assert re.search(r"│ \d{4}-W\d{2} │ +\$[\d,]+(\.\d\d)? │", weekly.output), weekly.output
    monthly = invoke(runner, "compute", "revenue", "--grain", "month", "-w", demo_root)
    assert re.search(r"│ \d{4}-\d{2} │ +\$[\d,]+ │", monthly.output), monthly.output
    assert "2026-01-01" not in monthly.output
