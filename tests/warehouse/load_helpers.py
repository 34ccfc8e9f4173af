"""What the load tests share: invoking the CLI, writing files, reading tables back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from click.testing import Result
from typer.testing import CliRunner

from helpers import table_rows
from kpibridge.cli.app import app

ORDER_COLUMNS = "order_id,customer_id,ordered_at,channel,revenue,gross_margin"


def invoke(runner: CliRunner, *args: object) -> Result:
    return runner.invoke(app, [str(a) for a in args])


def load(runner: CliRunner, root: Path, path: Path, table: str = "orders", *extra: str) -> Result:
    return invoke(runner, "load", path, "--into", table, "-w", root, *extra)


def write_file(tmp_path: Path, text: str | bytes, name: str = "orders.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def tables(root: Path) -> set[str]:
    return {row[0] for row in table_rows(root, "SELECT table_name FROM information_schema.tables")}


def quarantine(root: Path, table: str = "orders") -> list[dict[str, Any]]:
    """The quarantine rows as dicts (``_problems`` a list of dicts), in row order."""
    rows = table_rows(root, f"SELECT * FROM {table}__quarantine ORDER BY _loaded_at, _row")
    names = [r[0] for r in table_rows(root, f"DESCRIBE {table}__quarantine")]
    return [dict(zip(names, row, strict=True)) for row in rows]
