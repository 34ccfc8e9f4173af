"""The ``kpibridge`` command over real workspaces: Typer's ``CliRunner`` on the app for most
cases, and the installed console script in a subprocess for what only a real process shows
(exit code, stderr, no traceback).

Oracles: numbers printed by ``compute`` and ``scorecard`` must equal the Python API's
(``Workspace.compute`` and ``Workspace.scorecard``, themselves checked against SQL oracles in
``tests/metrics/test_library.py``); line numbers of validation errors are found in the file
that was broken. (``load`` is tested in ``tests/warehouse/``.)
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from typer.testing import CliRunner

from cli_output import assert_user_error, flat
from kpibridge import Workspace, WorkspaceError
from kpibridge.cli.app import app
from kpibridge.services.metrics.completeness import mark_partial
from kpibridge.workspace.scaffold import template_path

KPIBRIDGE = Path(sys.executable).with_name("kpibridge")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ISSUE_LINE = re.compile(
    r"^error (?P<file>[\w/.*-]+):(?P<line>\d+): (?P<field>[\w.]+): (?P<rest>.*)"
)
FILE_KINDS = ["kpibridge.yaml", "goals.yaml", "stakeholders.yaml", "models/*.yaml", "kpis/*.yaml"]


def invoke(runner: CliRunner, *args: object, env: dict[str, str] | None = None) -> Result:
    return runner.invoke(app, [str(a) for a in args], env=env)


def plain(value: Any) -> Any:
    """A frame cell as JSON would carry it: NaN → None, timestamps → YYYY-MM-DD."""
    if hasattr(value, "date") and callable(value.date):
        return value.date().isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def assert_same_records(got: Sequence[dict[str, Any]], want: Sequence[dict[str, Any]]) -> None:
    assert len(got) == len(want)
    for row, expected in zip(got, want, strict=True):
        assert list(row) == list(expected)
        for key, value in expected.items():
            if isinstance(value, float):
                assert row[key] == pytest.approx(value, rel=1e-12), (key, row, expected)
            else:
                assert row[key] == value, (key, row, expected)


def api_records(root: Path, kpi: str, by: Sequence[str]) -> list[dict[str, Any]]:
    with Workspace.open(root) as ws:  # the CLI's default grain: the KPI's review_every
        grain = ws.kpis[kpi].review_every
        frame = mark_partial(
            ws.engine, ws.kpis[kpi], grain, ws.compute(kpi, grain=grain, by=list(by))
        )
    return [{k: plain(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


# -- compute ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kpi", "by", "columns"),
    [
        pytest.param("revenue", [], ["period", "value"], id="simple"),
        pytest.param("nps", [], ["period", "value"], id="derived"),
        pytest.param(
            "cac",
            ["channel"],
            ["period", "channel", "value", "numerator", "denominator"],
            id="ratio-by-channel",
        ),
        pytest.param(
            "mql_to_sql", [], ["period", "value", "numerator", "denominator"], id="conversion"
        ),
        pytest.param("retention_rate", ["channel"], ["period", "channel", "value"], id="offset"),
    ],
)
def test_compute_json_is_one_record_per_row(
    runner: CliRunner, demo_root: Path, kpi: str, by: list[str], columns: list[str]
) -> None:
    arguments = [a for d in by for a in ("--by", d)]
    result = invoke(runner, "compute", kpi, *arguments, "--format", "json", "-w", demo_root)
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert isinstance(records, list)
    assert records
    assert {tuple(r) for r in records} == {(*columns, "partial")}
    assert all(DATE.fullmatch(r["period"]) for r in records)
    assert_same_records(records, api_records(demo_root, kpi, by))


def test_compute_json_writes_null_for_an_empty_value(runner: CliRunner, demo_root: Path) -> None:
    """CAC by channel has null where a paid channel acquired no customer that month."""
    result = invoke(runner, "compute", "cac", "--by", "channel", "-f", "json", "-w", demo_root)
    records = json.loads(result.stdout)
    empty = [r for r in records if r["value"] is None]
    assert empty
    assert all(r["denominator"] == 0 for r in empty)


def test_compute_csv(runner: CliRunner, demo_root: Path) -> None:
    result = invoke(runner, "compute", "aov", "--by", "channel", "--format", "csv", "-w", demo_root)
    assert result.exit_code == 0, result.output
    reader = csv.DictReader(io.StringIO(result.stdout))
    columns = ["period", "channel", "value", "numerator", "denominator", "partial"]
    assert reader.fieldnames == columns
    rows = list(reader)
    want = api_records(demo_root, "aov", ["channel"])
    assert len(rows) == len(want)
    for row, expected in zip(rows, want, strict=True):
        assert DATE.fullmatch(row["period"])
        assert (row["period"], row["channel"]) == (expected["period"], expected["channel"])
        assert row["partial"] == str(expected["partial"])
        for column in ("value", "numerator", "denominator"):
            assert float(row[column]) == pytest.approx(expected[column], rel=1e-12)


def test_compute_range_keeps_whole_months(runner: CliRunner, demo_root: Path) -> None:
    result = invoke(
        runner, "compute", "orders", "--start", "2025-01-15", "--end", "2025-03-02",
        "-f", "json", "-w", demo_root,
    )  # fmt: skip
    assert [r["period"] for r in json.loads(result.stdout)] == [
        "2025-01-01",
        "2025-02-01",
        "2025-03-01",
    ]


# -- explain and scorecard -------------------------------------------------------------


def test_explain_prints_words_lineage_and_sql(runner: CliRunner, demo_root: Path) -> None:
    result = invoke(runner, "explain", "cac", "-w", demo_root)
    assert result.exit_code == 0, result.output
    with Workspace.open(demo_root) as ws:
        explanation = ws.explain("cac")
    text = flat(result.output)
    assert "Customer acquisition cost (cac)" in text
    assert flat(explanation.words) in text
    assert "divided by" in explanation.words
    assert "Lineage" in text
    assert "model ad_spend → table ad_spend: date, spend" in text
    assert "model customers → table customers: acquired_at" in text
    assert "SQL" in text
    assert re.search(r'FROM "?ad_spend"?', text)
    assert re.search(r'FROM "?customers"?', text)


def test_explain_json(runner: CliRunner, demo_root: Path) -> None:
    result = invoke(runner, "explain", "nps", "--format", "json", "-w", demo_root)
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["kpi"] == "nps"
    assert record["lineage"] == [
        {"model": "surveys", "table": "surveys", "columns": ["responded_at", "nps"]}
    ]
    assert record["sql"].lstrip().upper().startswith("SELECT")
    assert "surveys" in record["sql"]


def test_scorecard_json(runner: CliRunner, demo_root: Path) -> None:
    result = invoke(runner, "scorecard", "--format", "json", "-w", demo_root)
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    with Workspace.open(demo_root) as ws:
        want = [row.as_record() for row in ws.scorecard().rows]
        kpis = sorted(ws.kpis)
    assert sorted(r["kpi"] for r in records) == kpis
    assert {r["status"] for r in records} <= {
        "on track",
        "at risk",
        "off track",
        "no target",
        "no data",
    }
    assert_same_records(records, want)


def test_scorecard_table(runner: CliRunner, demo_root: Path) -> None:
    result = invoke(runner, "scorecard", "-w", demo_root)
    assert result.exit_code == 0, result.output
    assert "Customer acquisition cost" in result.output
    with Workspace.open(demo_root) as ws:
        count = len(ws.kpis)
    assert f"{count} KPIs from" in flat(result.output)


# -- validate, init, schema, workspace option --------------------------------------------


def test_validate_a_good_workspace(runner: CliRunner, demo_root: Path) -> None:
    result = invoke(runner, "validate", "-w", demo_root)
    assert result.exit_code == 0, result.output
    assert "no problems" in result.output


def line_of(path: Path, fragment: str) -> int:
    """1-based number of the first line of ``path`` containing ``fragment``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if fragment in line)


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} not once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def issues_of(output: str) -> dict[tuple[str, int, str], str]:
    """``file:line: field: message`` issues, each message unwrapped (continuation lines
    joined) so that it can be checked whole."""
    issues: dict[tuple[str, int, str], str] = {}
    current: tuple[str, int, str] | None = None
    for line in output.splitlines():
        match = ISSUE_LINE.match(line)
        if match:
            current = (match["file"], int(match["line"]), match["field"])
            issues[current] = match["rest"]
        elif current is not None and line.strip() and not line.endswith("problem(s)"):
            issues[current] += " " + line.strip()
        else:
            current = None
    return {key: flat(message) for key, message in issues.items()}


def break_kpi(root: Path) -> tuple[str, int, str]:
    """Make ``aov`` name a measure that does not exist; return the issue's location."""
    path = root / "kpis" / "aov.yaml"
    replace_in(path, "denominator: orders.orders", "denominator: orders.orderz")
    return ("kpis/aov.yaml", line_of(path, "orders.orderz"), "denominator")


def break_model_column(root: Path) -> tuple[str, int, str]:
    """Make a measure of ``orders`` sum a column that does not exist."""
    path = root / "models" / "orders.yaml"
    replace_in(path, "expr: gross_margin,", "expr: gross_margins,")
    return ("models/orders.yaml", line_of(path, "gross_margins"), "measures.gross_margin")


def test_validate_reports_a_broken_kpi_at_its_line(runner: CliRunner, empty_root: Path) -> None:
    location = break_kpi(empty_root)
    result = invoke(runner, "validate", "-w", empty_root)
    assert_user_error(result, "1 problem(s)")
    issues = issues_of(result.output)
    assert list(issues) == [location], result.output
    assert "no measure 'orderz'. Did you mean 'orders'?" in issues[location]


def test_validate_reports_a_broken_model_column_at_its_line(
    runner: CliRunner, empty_root: Path
) -> None:
    location = break_model_column(empty_root)
    result = invoke(runner, "validate", "-w", empty_root)
    assert_user_error(result, "1 problem(s)")
    issues = issues_of(result.output)
    assert list(issues) == [location], result.output
    assert "'gross_margins'. Did you mean 'gross_margin'?" in issues[location]


def test_validate_lists_every_file_problem_at_its_line(runner: CliRunner, empty_root: Path) -> None:
    """Four KPI files broken four ways (an unknown field, a bad enum value, a reference to a
    measure that does not exist, bad YAML), all reported in one run, each where it is."""
    kpis = empty_root / "kpis"
    replace_in(kpis / "aov.yaml", "\nnumerator: orders.revenue", "\nnumerater: orders.revenue")
    replace_in(kpis / "ctr.yaml", "direction: higher_is_better", "direction: upwards")
    replace_in(kpis / "cac.yaml", "customers.new_customers", "customers.new_customerz")
    # an unclosed list: the parser reaches the end of the file (line 3) looking for ']'
    (kpis / "cpc.yaml").write_text("id: cpc\nname: [unclosed\n", encoding="utf-8")

    result = invoke(runner, "validate", "-w", empty_root)

    assert_user_error(result, "kpis/cpc.yaml:3: YAML syntax error")
    issues = issues_of(result.output)
    typo = ("kpis/aov.yaml", line_of(kpis / "aov.yaml", "numerater:"), "numerater")
    direction = ("kpis/ctr.yaml", line_of(kpis / "ctr.yaml", "direction: upwards"), "direction")
    assert "unknown field" in issues[typo]
    assert "higher_is_better" in issues[direction]
    assert "Field required" in issues["kpis/aov.yaml", 1, "numerator"]
    reference = ("kpis/cac.yaml", line_of(kpis / "cac.yaml", "new_customerz"), "denominator")
    assert "Did you mean 'new_customers'?" in issues[reference]
    problems = int(re.findall(r"(\d+) problem\(s\)", result.output)[-1])
    assert problems == len(issues) + 1  # + the syntax error, which names no field


def test_validate_lists_every_problem_in_one_run(runner: CliRunner, empty_root: Path) -> None:
    locations = {break_kpi(empty_root), break_model_column(empty_root)}
    result = invoke(runner, "validate", "-w", empty_root)
    assert_user_error(result, "2 problem(s)")
    assert set(issues_of(result.output)) == locations, result.output


def test_validate_checks_model_columns_against_the_warehouse(
    runner: CliRunner, empty_root: Path
) -> None:
    model_file = empty_root / "models" / "orders.yaml"
    replace_in(model_file, "time: ordered_at", "time: ordered_on")

    result = invoke(runner, "validate", "-w", empty_root)

    assert_user_error(result, "1 problem(s)")
    issues = issues_of(result.output)
    key = ("models/orders.yaml", line_of(model_file, "time: ordered_on"), "time")
    assert list(issues) == [key], result.output
    assert "'ordered_on'" in issues[key]
    assert "'ordered_at'" in issues[key]


def test_validate_prints_each_issue_on_one_line(runner: CliRunner, empty_root: Path) -> None:
    replace_in(
        empty_root / "kpis" / "aov.yaml",
        "denominator: orders.orders",
        "denominator: a_model_name_long_enough_to_make_the_line_wrap.measure",
    )
    replace_in(
        empty_root / "kpis" / "cac.yaml", "numerator: ad_spend.spend", "numerator: ad_spend.x"
    )
    result = invoke(runner, "validate", "-w", empty_root)
    with pytest.raises(WorkspaceError) as raised:
        Workspace.open(empty_root)
    expected = [str(issue) for issue in raised.value.issues]
    assert any(len(line) > 80 for line in expected)
    lines = result.output.splitlines()
    for issue in expected:
        assert any(line.endswith(issue) for line in lines), (issue, result.output)


def test_init_then_validate(runner: CliRunner, tmp_path: Path) -> None:
    root = tmp_path / "new"
    created = invoke(runner, "init", root)
    assert created.exit_code == 0, created.output
    assert "orders" in created.output
    assert (root / "kpibridge.yaml").is_file()
    assert (root / "kpis" / "cac.yaml").is_file()
    checked = invoke(runner, "validate", "-w", root)
    assert checked.exit_code == 0, checked.output
    template = template_path()
    kpis = len(list((template / "kpis").glob("*.yaml")))
    models = len(list((template / "models").glob("*.yaml")))
    assert f"{kpis} KPIs, {models} models" in checked.output


def test_init_refuses_to_overwrite(runner: CliRunner, empty_root: Path) -> None:
    (empty_root / "kpis" / "aov.yaml").write_text("# mine\n", encoding="utf-8")
    result = invoke(runner, "init", empty_root)
    assert_user_error(result, "--force")
    assert (empty_root / "kpis" / "aov.yaml").read_text(encoding="utf-8") == "# mine\n"


def test_workspace_environment_variable(
    runner: CliRunner, demo_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the current folder is not a workspace
    monkeypatch.delenv("KPIBRIDGE_WORKSPACE", raising=False)
    assert invoke(runner, "validate").exit_code == 1

    env = {"KPIBRIDGE_WORKSPACE": str(demo_root)}
    assert invoke(runner, "validate", env=env).exit_code == 0
    result = invoke(runner, "compute", "orders", "-f", "json", env=env)
    assert result.exit_code == 0, result.output
    assert_same_records(json.loads(result.stdout), api_records(demo_root, "orders", []))


def test_schema_is_json_for_the_five_file_kinds(runner: CliRunner, demo_root: Path) -> None:
    """Valid JSON; and the demo's own files use only the fields it allows (there is no
    JSON Schema validator among the dependencies, so top-level keys are checked by hand)."""
    from ruamel.yaml import YAML

    result = invoke(runner, "schema")
    assert result.exit_code == 0, result.output
    schemas = json.loads(result.stdout)
    assert list(schemas) == FILE_KINDS

    yaml = YAML(typ="safe", pure=True)

    def check(schema: dict[str, Any], path: Path) -> None:
        document = yaml.load(path.read_text(encoding="utf-8"))
        assert set(document) <= set(schema["properties"]), path
        assert set(schema.get("required", [])) <= set(document), path

    for kind in ("kpibridge.yaml", "goals.yaml", "stakeholders.yaml"):
        check(schemas[kind], demo_root / kind)
    for path in (demo_root / "models").glob("*.yaml"):
        check(schemas["models/*.yaml"], path)
    kpi_schema = schemas["kpis/*.yaml"]
    by_type = {}
    for branch in kpi_schema["oneOf"]:
        definition = kpi_schema["$defs"][branch["$ref"].rsplit("/", 1)[-1]]
        by_type[definition["properties"]["type"]["const"]] = definition
    assert sorted(by_type) == ["conversion", "cumulative", "derived", "ratio", "simple"]
    for path in (demo_root / "kpis").glob("*.yaml"):
        check(by_type[yaml.load(path.read_text(encoding="utf-8"))["type"]], path)


def test_schema_of_one_file_kind(runner: CliRunner) -> None:
    result = invoke(runner, "schema", "--file", "kpis/*.yaml")
    assert result.exit_code == 0, result.output
    assert "oneOf" in json.loads(result.stdout)
    assert invoke(runner, "schema", "--file", "nope.yaml").exit_code != 0


# -- mistakes: a message and exit 1, never a traceback -----------------------------------


@pytest.mark.parametrize("command", ["compute", "explain"])
def test_unknown_kpi(runner: CliRunner, demo_root: Path, command: str) -> None:
    result = invoke(runner, command, "cacc", "-w", demo_root)
    assert_user_error(result, "unknown KPI 'cacc'", "Did you mean 'cac'?")


def test_bad_date(runner: CliRunner, demo_root: Path) -> None:
    result = invoke(runner, "compute", "orders", "--start", "2025-13-01", "-w", demo_root)
    assert_user_error(result, "YYYY-MM-DD")


def test_unknown_dimension(runner: CliRunner, demo_root: Path) -> None:
    result = invoke(runner, "compute", "cac", "--by", "chanel", "-w", demo_root)
    assert_user_error(result, "'chanel'", "channel")


# -- the installed command, in a real process -------------------------------------------


def run(*args: object) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200"}
    env.pop("KPIBRIDGE_WORKSPACE", None)
    return subprocess.run(
        [str(KPIBRIDGE), *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env=env,
    )


def test_console_script_compute_json(demo_root: Path) -> None:
    process = run("compute", "cac", "--by", "channel", "--format", "json", "-w", demo_root)
    assert process.returncode == 0, process.stderr
    assert_same_records(json.loads(process.stdout), api_records(demo_root, "cac", ["channel"]))


def test_console_script_reports_a_mistake_without_traceback(demo_root: Path) -> None:
    process = run("compute", "cacc", "-w", demo_root)
    assert process.returncode == 1
    assert process.stdout == ""
    assert "Did you mean 'cac'?" in process.stderr
    assert "Traceback" not in process.stderr
