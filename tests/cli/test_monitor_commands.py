"""``kpibridge monitor`` and ``kpibridge drivers`` on the small demo (scale 0.05)."""

from __future__ import annotations

import json
from pathlib import Path

from test_cli import assert_user_error, flat, invoke
from typer.testing import CliRunner


def test_monitor_json_has_every_kpi_and_its_figures(runner: CliRunner, demo_root: Path) -> None:
    result = invoke(runner, "monitor", "--format", "json", "-w", demo_root)
    assert result.exit_code == 0, result.output
    watched = {item["kpi"]: item for item in json.loads(result.output)}
    assert "revenue" in watched
    assert "cac" in watched
    revenue = watched["revenue"]
    assert revenue["reason"] is None
    assert revenue["step"] == "day"
    assert revenue["status"]["status"] in {"on track", "at risk", "off track"}
    assert revenue["trend"]["direction"] in {"increasing", "decreasing", "no trend"}
    assert 0.0 <= revenue["forecast"]["probability"] <= 1.0
    assert revenue["anomalies"]["n"] > 900


def test_monitor_table_names_the_kpis_and_explains_methods(
    runner: CliRunner, demo_root: Path
) -> None:
    result = invoke(runner, "monitor", "revenue", "buyers_ttm", "-w", demo_root)
    assert result.exit_code == 0, result.output
    text = flat(result.output)
    assert "revenue" in text
    assert "buyers_ttm" in text
    assert "Mann–Kendall" in text


def test_monitor_refuses_csv_and_unknown_kpis(runner: CliRunner, demo_root: Path) -> None:
    assert_user_error(invoke(runner, "monitor", "revnue", "-w", demo_root), "unknown KPI 'revnue'")
    result = invoke(runner, "monitor", "--format", "csv", "-w", demo_root)
    assert result.exit_code == 2
    assert "use --format json" in flat(result.output)


def test_drivers_table_and_json(runner: CliRunner, demo_root: Path) -> None:
    args = ("drivers", "conversion_rate", "--from", "2026-08", "--to", "2026-09", "--by", "device")
    table = invoke(runner, *args, "-w", demo_root)
    assert table.exit_code == 0, table.output
    text = flat(table.output)
    assert "mobile" in text
    assert "Mix effect" in text
    assert " pp" in text
    result = invoke(runner, *args, "--format", "json", "-w", demo_root)
    assert result.exit_code == 0, result.output
    split = json.loads(result.output)
    assert split["kind"] == "mix/rate"
    assert split["from"] == "2026-08"
    assert abs(split["mix"] + split["rate"] - split["change"]) < 1e-12
    assert {segment["segment"] for segment in split["segments"]} == {"desktop", "mobile", "tablet"}


def test_drivers_explain_what_they_cannot_split(runner: CliRunner, demo_root: Path) -> None:
    result = invoke(
        runner,
        "drivers",
        "nps",
        "--from",
        "2026-08",
        "--to",
        "2026-09",
        "--by",
        "channel",
        "-w",
        demo_root,
    )
    assert_user_error(result, "nps cannot be split into drivers", "it is a derived KPI")
