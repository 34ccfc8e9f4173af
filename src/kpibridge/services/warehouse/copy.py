"""Copy a workspace's data into another warehouse, so the same KPIs run there.

``kpibridge warehouse copy --to URL`` reads every table the workspace's models read from the
current warehouse (streamed in Arrow batches), writes them to the target (see
:func:`kpibridge.metrics.backends.write_tables` for how each engine takes them), checks that
each target table holds as many rows as its source, and — with ``use`` — points the
workspace file at the target, keeping the file's comments.

The URL may hold ``$VAR``/``${VAR}`` references (``postgresql://kpi:${PGPASSWORD}@db/kpi``):
they are expanded to connect, and written to the workspace file as given. A password written
out in the URL is never stored: the file gets ``${KPIBRIDGE_WAREHOUSE_PASSWORD}`` instead, and
the result says which variable to set.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from kpibridge.errors import EnvironmentReferenceError, WarehouseError
from kpibridge.metrics.backends import (
    TableSource,
    connect,
    describe,
    parse_warehouse_url,
    read_table,
    redact,
    write_tables,
)
from kpibridge.model import WarehouseConfig
from kpibridge.services.metrics.workspace import Workspace
from kpibridge.workspace.environment import expand, references
from kpibridge.workspace.loader import SETTINGS_FILE
from kpibridge.workspace.yaml_limits import read_yaml_file

__all__ = ["PASSWORD_VARIABLE", "CopyResult", "copy_warehouse", "redact", "use_warehouse"]

PASSWORD_VARIABLE = "KPIBRIDGE_WAREHOUSE_PASSWORD"
"""What ``--use`` writes in place of a password given in the URL."""


@dataclass(frozen=True)
class CopyResult:
    """What was copied where; ``rows`` maps each table to its row count in the target."""

    source: str
    target: str
    config: WarehouseConfig
    rows: dict[str, int]
    switched: bool
    password_variable: str | None = None
    """Set when ``use`` wrote a reference in place of a password: the variable to set."""

    def as_record(self) -> dict[str, object]:
        return {
            "source": self.source,
            "target": self.target,
            "backend": self.config.backend,
            "rows": dict(self.rows),
            "switched": self.switched,
            "password_variable": self.password_variable,
        }


def copy_warehouse(
    ws: Workspace, url: str, *, tables: list[str] | None = None, use: bool = False
) -> CopyResult:
    """Copy ``tables`` (default: every table a model reads) from ``ws``'s warehouse to ``url``.

    Raises:
        WarehouseError: the target is the source, a table is missing from the source, the
            target cannot be reached or written, or a table arrives with a different number
            of rows than it left with.
    """
    try:
        config = parse_warehouse_url(expand(url, os.environ))
    except EnvironmentReferenceError as error:
        raise WarehouseError(f"cannot use the warehouse URL {redact(url)!r}: {error}") from None
    if _same_place(config, ws.settings.warehouse, ws.root):
        raise WarehouseError(f"{url!r} is the workspace's own warehouse: nothing to copy")
    wanted = tables or sorted({model.table for model in ws.models.values()})
    existing = set(ws.backend.list_tables())
    missing = [name for name in wanted if name not in existing]
    if missing:
        raise WarehouseError(
            f"table(s) {', '.join(missing)} are not in the workspace's warehouse "
            f"({describe(ws.settings.warehouse)}); load them first or leave them out"
        )
    expected = {name: int(ws.backend.table(name).count().execute()) for name in wanted}
    target = connect(config, ws.root)
    try:
        try:
            written = write_tables(
                target, config, ws.root, {name: _opener(ws, name) for name in wanted}
            )
        except WarehouseError:
            raise
        except Exception as error:  # drivers raise their own types
            raise WarehouseError(f"cannot write to {describe(config)}: {error}") from None
        counted = {name: int(target.table(name).count().execute()) for name in wanted}
    finally:
        if config.backend != "pyspark":  # stopping a session costs the next one a restart
            target.disconnect()
    wrong = {
        name: (expected[name], counted[name]) for name in wanted if counted[name] != expected[name]
    }
    if wrong or written != counted:
        details = ", ".join(
            f"{n}: {a} rows in the source, {b} in the target" for n, (a, b) in wrong.items()
        )
        raise WarehouseError(f"the copy to {describe(config)} is incomplete: {details or written}")
    variable = None
    if use:
        written_config, variable = without_password(parse_warehouse_url(url))
        use_warehouse(ws.root, written_config)
    return CopyResult(
        describe(ws.settings.warehouse), describe(config), config, counted, use, variable
    )


def without_password(config: WarehouseConfig) -> tuple[WarehouseConfig, str | None]:
    """``config`` (as given, references unexpanded) with a written-out password replaced by
    ``${KPIBRIDGE_WAREHOUSE_PASSWORD}``; returns the variable the user must now set, if any."""
    password = config.connection_options().get("password")
    if password is None or references(str(password)):
        return config, None
    fields = {"backend": config.backend, "path": config.path, **config.connection_options()}
    fields["password"] = f"${{{PASSWORD_VARIABLE}}}"
    return WarehouseConfig(**fields), PASSWORD_VARIABLE


def _opener(ws: Workspace, table: str) -> TableSource:
    return lambda: read_table(ws.backend, table)


def use_warehouse(root: Path, config: WarehouseConfig) -> None:
    """Point the workspace file's ``warehouse:`` at ``config``, keeping the file's comments."""
    path = root / SETTINGS_FILE
    yaml = YAML(typ="rt")
    document: Any = read_yaml_file(path, SETTINGS_FILE)
    block: dict[str, Any] = {"backend": config.backend, "path": config.path}
    block.update(config.connection_options())
    document["warehouse"] = block
    with path.open("w", encoding="utf-8") as handle:
        yaml.dump(document, handle)


def _same_place(config: WarehouseConfig, current: WarehouseConfig, root: Path) -> bool:
    if config.backend != current.backend:
        return False
    if config.backend == "duckdb" and config.path and current.path:
        return (root / config.path).resolve() == (root / current.path).resolve()
    return config == current
