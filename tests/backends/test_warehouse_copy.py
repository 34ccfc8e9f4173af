"""Warehouse URLs, ``kpibridge warehouse copy`` on DuckDB (the parity suite copies to
PostgreSQL and Spark), its errors, and the compile fix of ``kpibridge.metrics.backends``."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import ibis
import pytest
from typer.testing import CliRunner

import kpibridge
from fixtures_demo import DEMO_TABLES
from kpibridge.cli.app import app
from kpibridge.errors import WarehouseError
from kpibridge.metrics.backends import connect, parse_warehouse_url, redact
from kpibridge.model import WarehouseConfig


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("duckdb:///tmp/w.duckdb", {"backend": "duckdb", "path": "/tmp/w.duckdb"}),
        ("duckdb://data/copy.duckdb", {"backend": "duckdb", "path": "data/copy.duckdb"}),
        (
            "postgresql://kpi:s%40cret@db.internal:5433/marketing?sslmode=require",
            {
                "backend": "postgres",
                "path": None,
                "host": "db.internal",
                "port": 5433,
                "user": "kpi",
                "password": "s@cret",
                "database": "marketing",
                "sslmode": "require",
            },
        ),
        ("postgres://db/marketing", {"backend": "postgres", "host": "db", "database": "marketing"}),
        (
            "pyspark:///srv/spark?master=local[2]&conf.spark.executor.memory=2g",
            {
                "backend": "pyspark",
                "path": "/srv/spark",
                "master": "local[2]",
                "conf": {"spark.executor.memory": "2g"},
            },
        ),
        ("spark://?master=spark://head:7077", {"backend": "pyspark", "path": None}),
    ],
)
def test_parse_warehouse_url(url: str, expected: dict[str, object]) -> None:
    config = parse_warehouse_url(url)
    record = {"backend": config.backend, "path": config.path, **config.connection_options()}
    assert {key: record.get(key) for key in expected} == expected


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://h/db", "scheme 'mysql' is not one of"),
        ("warehouse.duckdb", "scheme '(none)'"),
        ("duckdb://", "names no file"),
        ("postgresql://u:secret@/db", "needs a host (or a socket directory) and a database"),
        ("postgresql://u:secret@host", "needs a host (or a socket directory) and a database"),
    ],
)
def test_bad_warehouse_url_says_what_is_wrong(url: str, message: str) -> None:
    with pytest.raises(WarehouseError) as error:
        parse_warehouse_url(url)
    assert message in str(error.value)
    assert "secret" not in str(error.value)


def test_redact_hides_the_password() -> None:
    assert redact("postgresql://u:pw@h:1/d") == "postgresql://u:***@h:1/d"
    assert redact("postgresql://h/d") == "postgresql://h/d"


def test_compile_renders_the_sql_ibis_to_sql_shows(tmp_path: Path) -> None:
    """A column used twice, once cast: Ibis 12 + sqlglot 30 moved the CAST to the other use
    when rendering in place (every conversion rate was 0 on PostgreSQL)."""
    backend = connect(WarehouseConfig(path="w.duckdb"), tmp_path)
    table = ibis.memtable({"numerator": [1, 2], "denominator": [6, 0]})
    grouped = table.group_by("denominator").aggregate(numerator=table.numerator.sum())
    expression = grouped.select(
        value=grouped.numerator.cast("float64") / grouped.denominator.nullif(0),
        numerator=grouped.numerator,
    )
    compiled = backend.compile(expression)
    assert 'CAST("t1"."numerator" AS DOUBLE) / NULLIF' in compiled
    shown = str(ibis.to_sql(expression, dialect="duckdb"))
    assert "".join(compiled.split()) == "".join(shown.split())  # the same but for layout
    backend.disconnect()


@pytest.fixture(scope="module")
def copied_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small demo copied to a second DuckDB file with the CLI, the workspace switched."""
    from fixtures_demo import build_small_demo

    root = build_small_demo(tmp_path_factory, "copy")
    result = CliRunner().invoke(
        app, ["warehouse", "copy", "--to", "duckdb://data/copy.duckdb", "--use", "-w", str(root)]
    )
    assert result.exit_code == 0, result.output
    for table in DEMO_TABLES:
        assert f"  {table}\n" in result.output
    return root


def test_copy_moves_every_row_and_switches_the_workspace(copied_demo: Path) -> None:
    source = duckdb.connect(str(copied_demo / "data" / "warehouse.duckdb"), read_only=True)
    target = duckdb.connect(str(copied_demo / "data" / "copy.duckdb"), read_only=True)
    try:
        for table in DEMO_TABLES:
            query = f"SELECT * FROM {table} ORDER BY ALL"
            assert source.execute(query).fetchall() == target.execute(query).fetchall(), table
            assert (
                source.execute(f"DESCRIBE {table}").fetchall()
                == target.execute(f"DESCRIBE {table}").fetchall()
            )
    finally:
        source.close()
        target.close()
    settings = (copied_demo / "kpibridge.yaml").read_text(encoding="utf-8")
    assert "path: data/copy.duckdb" in settings
    assert "# Where the company's data lives" in settings  # comments kept
    with kpibridge.Workspace.open(copied_demo) as ws:
        assert ws.settings.warehouse.path == "data/copy.duckdb"
        assert len(ws.compute("revenue", "month")) > 0


def test_copy_to_itself_is_refused(copied_demo: Path) -> None:
    result = CliRunner().invoke(
        app, ["warehouse", "copy", "--to", "duckdb://data/copy.duckdb", "-w", str(copied_demo)]
    )
    assert result.exit_code == 1
    assert "is the workspace's own warehouse" in result.output


def test_copy_of_a_missing_table_changes_nothing(copied_demo: Path, tmp_path: Path) -> None:
    root = tmp_path / "workspace"
    shutil.copytree(copied_demo, root)
    result = CliRunner().invoke(
        app,
        [
            "warehouse",
            "copy",
            "--to",
            "duckdb://data/third.duckdb",
            "-t",
            "orders",
            "-t",
            "nope",
            "-w",
            str(root),
        ],
    )
    assert result.exit_code == 1
    assert "nope" in result.output
    assert not (root / "data" / "third.duckdb").exists()


def test_copy_to_an_unreachable_server_says_so(copied_demo: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "warehouse",
            "copy",
            "--to",
            "postgresql://u:hidden@127.0.0.1:9/db",
            "-w",
            str(copied_demo),
        ],
    )
    assert result.exit_code == 1
    assert "cannot connect to the postgres warehouse" in result.output
    assert "hidden" not in result.output
