"""Build tiny workspaces with known answers: YAML files from dicts or strings, DuckDB tables
from a column list and a handful of rows.

A test writes exactly the models, KPIs and rows it reasons about, so that every expected
number can be worked out by hand from what is on the screen::

    root = write_workspace(
        tmp_path,
        models={"orders": ORDERS_MODEL},
        kpis={"revenue": {"type": "simple", "measure": "orders.revenue"}},
        tables={"orders": Table("ordered_at TIMESTAMP, revenue DOUBLE", [("2025-01-05", 10.0)])},
    )
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from ruamel.yaml import YAML

Content = Mapping[str, Any] | Sequence[Any] | str
"""A YAML file: a dict or list (dumped in block style) or the literal text (dedented)."""

WAREHOUSE_PATH = "data/warehouse.duckdb"

DEFAULT_GOALS: list[dict[str, Any]] = [
    {
        "id": "growth",
        "name": "Grow",
        "owner": "ceo",
        "children": [{"id": "acquisition", "name": "Acquire customers", "owner": "cmo"}],
    }
]
DEFAULT_STAKEHOLDERS: list[dict[str, Any]] = [
    {"id": "ceo", "name": "Chief Executive", "role": "executive"},
    {"id": "cmo", "name": "Chief Marketer", "role": "marketing"},
]


@dataclass(frozen=True)
class Table:
    """A warehouse table: a DuckDB column list (``"id INTEGER, at TIMESTAMP"``) and rows.

    Values go in as query parameters, so ISO strings become dates and timestamps by the
    column's type and ``None`` is SQL null.
    """

    columns: str
    rows: Sequence[tuple[Any, ...]] = field(default_factory=list)


def to_yaml(content: Content) -> str:
    if isinstance(content, str):
        return textwrap.dedent(content).lstrip("\n")
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[attr-defined]
    buffer = io.StringIO()
    yaml.dump(_plain(content), buffer)
    return buffer.getvalue()


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def write_file(root: Path, relative: str, content: Content) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(to_yaml(content), encoding="utf-8")
    return path


def write_tables(database: Path, tables: Mapping[str, Table]) -> None:
    """Create (or replace) each table in the DuckDB file and insert its rows."""
    database.parent.mkdir(parents=True, exist_ok=True)
    connection = duckdb.connect(str(database))
    try:
        for name, table in tables.items():
            connection.execute(f'CREATE OR REPLACE TABLE "{name}" ({table.columns})')
            if table.rows:
                width = len(table.rows[0])
                placeholders = ", ".join("?" * width)
                connection.executemany(
                    f'INSERT INTO "{name}" VALUES ({placeholders})', [list(r) for r in table.rows]
                )
    finally:
        connection.close()


def write_workspace(
    root: Path,
    *,
    models: Mapping[str, Content] | None = None,
    kpis: Mapping[str, Content] | None = None,
    tables: Mapping[str, Table] | None = None,
    fiscal_year_start: int = 1,
    settings: Content | None = None,
    goals: Content | None = None,
    stakeholders: Content | None = None,
    files: Mapping[str, Content] | None = None,
) -> Path:
    """Write a workspace under ``root`` and return ``root``.

    ``models`` and ``kpis`` map a file stem to the file's content (``kpis={"aov": {...}}``
    writes ``kpis/aov.yaml``). A KPI given as a dict gets ``id`` (the stem) and ``name``
    when it has none. ``files`` writes any other file verbatim, by relative path.
    """
    root.mkdir(parents=True, exist_ok=True)
    write_file(
        root,
        "kpibridge.yaml",
        settings
        if settings is not None
        else {
            "name": "Test workspace",
            "warehouse": {"backend": "duckdb", "path": WAREHOUSE_PATH},
            "fiscal_year_start": fiscal_year_start,
        },
    )
    write_file(root, "goals.yaml", {"goals": DEFAULT_GOALS} if goals is None else goals)
    write_file(
        root,
        "stakeholders.yaml",
        {"stakeholders": DEFAULT_STAKEHOLDERS} if stakeholders is None else stakeholders,
    )
    for stem, content in (models or {}).items():
        write_file(root, f"models/{stem}.yaml", content)
    for stem, content in (kpis or {}).items():
        if isinstance(content, Mapping):
            content = {"id": stem, "name": stem.replace("_", " ").title(), **content}
        write_file(root, f"kpis/{stem}.yaml", content)
    for relative, content in (files or {}).items():
        write_file(root, relative, content)
    write_tables(root / WAREHOUSE_PATH, tables or {})
    return root


def table_rows(root: Path, sql: str) -> list[tuple[Any, ...]]:
    """Run ``sql`` on the workspace's warehouse file (read-only) and return its rows."""
    connection = duckdb.connect(str(root / WAREHOUSE_PATH), read_only=True)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def records(frame: Any, *columns: str) -> list[tuple[Any, ...]]:
    """Rows of a result frame as plain tuples (``period`` as ``YYYY-MM-DD``, NaN as None),
    for comparing with hand-written expectations."""
    chosen = list(columns) or list(frame.columns)
    result = []
    for row in frame[chosen].itertuples(index=False):
        values = []
        for name, value in zip(chosen, row, strict=True):
            if name == "period":
                values.append(value.date().isoformat())
            elif isinstance(value, float) and value != value:
                values.append(None)
            else:
                values.append(value)
        result.append(tuple(values))
    return result


def assert_rows(
    actual: Sequence[tuple[Any, ...]], expected: Sequence[tuple[Any, ...]], rel: float = 1e-9
) -> None:
    """Equal row by row; floats compared with a relative tolerance, None only with None."""
    assert len(actual) == len(expected), f"{len(actual)} rows {actual} != {expected}"
    for got, want in zip(actual, expected, strict=True):
        assert len(got) == len(want), f"{got} != {want}"
        for a, b in zip(got, want, strict=True):
            if isinstance(b, float) and not isinstance(a, str) and a is not None:
                assert math.isclose(a, b, rel_tol=rel, abs_tol=1e-12), f"{got} != {want}"
            else:
                assert a == b, f"{got} != {want}"
