"""Warehouse connections as people write them (issue 19 item 5): libpq's Unix-socket URLs,
``${VAR}`` references that ``warehouse copy --use`` writes as given and never a password, and
a missing driver named with the extra that installs it. The socket cases run against the
PostgreSQL server of scripts/postgres.sh (its socket directory asked from the server)."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from urllib.parse import urlsplit

import ibis
import pytest
from typer.testing import CliRunner

import kpibridge
from kpibridge.cli.app import app
from kpibridge.errors import WarehouseError, WorkspaceError
from kpibridge.metrics.backends import connect, describe, parse_warehouse_url, redact
from kpibridge.model import WarehouseConfig

pytestmark = pytest.mark.postgres


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "postgresql:///marketing?host=/var/run/postgresql",
            {"host": "/var/run/postgresql", "database": "marketing"},
        ),
        (
            "postgresql://kpi@%2Fvar%2Frun%2FPostgres:5433/marketing",
            {"host": "/var/run/Postgres", "port": 5433, "user": "kpi", "database": "marketing"},
        ),
        (
            "postgresql:///marketing?host=/tmp&port=54329&user=kpi",
            {"host": "/tmp", "port": 54329, "user": "kpi", "database": "marketing"},
        ),
        (
            "postgresql://kpi:${PGPASSWORD}@${PGHOST}:${PGPORT}/marketing",
            {"host": "${PGHOST}", "port": "${PGPORT}", "password": "${PGPASSWORD}"},
        ),
        ("postgresql://[::1]:5432/m", {"host": "::1", "port": 5432, "database": "m"}),
    ],
)
def test_socket_and_reference_urls_parse(url: str, expected: dict[str, object]) -> None:
    options = parse_warehouse_url(url).connection_options()
    assert {key: options.get(key) for key in expected} == expected


def test_describe_and_redact_socket_urls() -> None:
    config = parse_warehouse_url("postgresql:///marketing?host=/var/run/postgresql&port=5433")
    assert describe(config) == "postgres at marketing (socket in /var/run/postgresql:5433)"
    assert redact("postgresql://kpi:pw@%2Ftmp/db") == "postgresql://kpi:***@%2Ftmp/db"
    assert redact("postgresql://kpi@%2Ftmp/db") == "postgresql://kpi@%2Ftmp/db"


def test_a_missing_driver_names_the_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ibis's own message advises conda; kpibridge's says what to pip install."""
    monkeypatch.delattr(ibis, "postgres", raising=False)  # Ibis caches a loaded backend
    monkeypatch.setitem(sys.modules, "ibis.backends.postgres", None)
    with pytest.raises(WarehouseError) as error:
        connect(WarehouseConfig(backend="postgres", path=None, host="h", database="d"), tmp_path)
    message = str(error.value)
    assert "pip install 'kpibridge[warehouses]'" in message
    assert "conda" not in message
    monkeypatch.setitem(sys.modules, "ibis.backends.mssql", None)
    with pytest.raises(WarehouseError, match=r"pip install 'ibis-framework\[mssql\]'"):
        connect(WarehouseConfig(backend="mssql", path=None), tmp_path)


SOCKET_ENV = "KPIBRIDGE_TEST_POSTGRES_SOCKET"


@pytest.fixture
def socket_database(parity_postgres_url: str) -> tuple[str, str, int]:
    """(database, socket directory, port) of the parity database on the test server.

    The socket directory is Debian's (``pg_lsclusters`` clusters put it there) unless
    ``$KPIBRIDGE_TEST_POSTGRES_SOCKET`` names another; scripts/postgres.sh gives the OS user a
    role, as the socket authenticates by peer."""
    parts = urlsplit(parity_postgres_url)
    assert parts.port is not None
    directory = os.environ.get(SOCKET_ENV, "/var/run/postgresql")
    if not (Path(directory) / f".s.PGSQL.{parts.port}").exists():
        pytest.fail(
            f"no PostgreSQL socket for port {parts.port} in {directory}: "
            f"set ${SOCKET_ENV} to the server's unix_socket_directories"
        )
    return parts.path.lstrip("/"), directory, parts.port


def test_a_socket_url_reaches_the_server(
    socket_database: tuple[str, str, int], tmp_path: Path
) -> None:
    database, directory, port = socket_database
    config = parse_warehouse_url(f"postgresql:///{database}?host={directory}&port={port}")
    backend = connect(config, tmp_path)
    try:
        row = backend.raw_sql("SELECT current_database(), inet_server_addr()").fetchone()
    finally:
        backend.disconnect()
    assert row == (database, None)  # no server address: the connection is a Unix socket


def copy_to(root: Path, url: str) -> str:
    result = CliRunner().invoke(app, ["warehouse", "copy", "--to", url, "--use", "-w", str(root)])
    assert result.exit_code == 0, result.output
    return result.output


def revenue_by_month(root: Path) -> list[tuple[object, float]]:
    with kpibridge.Workspace.open(root) as ws:
        frame = ws.compute("revenue", "month")
    assert len(frame) > 0
    return sorted(zip(frame["period"], frame["value"], strict=True))


def test_copy_to_a_socket_url_with_a_reference_keeps_the_reference(
    socket_database: tuple[str, str, int],
    parity_demo_root: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    database, directory, port = socket_database
    root = tmp_path / "workspace"
    shutil.copytree(parity_demo_root, root)
    monkeypatch.setenv("KPI_TEST_PGSOCKET", directory)
    url = f"postgresql:///{database}?host=${{KPI_TEST_PGSOCKET}}&port={port}"
    output = copy_to(root, url)
    assert f"socket in {directory}" in output
    settings = (root / "kpibridge.yaml").read_text(encoding="utf-8")
    assert "host: ${KPI_TEST_PGSOCKET}" in settings
    assert directory not in settings
    assert revenue_by_month(root) == revenue_by_month(parity_demo_root)
    monkeypatch.delenv("KPI_TEST_PGSOCKET")
    with pytest.raises(WorkspaceError) as caught:
        kpibridge.Workspace.open(root)
    (issue,) = caught.value.issues
    assert issue.file == "kpibridge.yaml"
    assert settings.splitlines()[issue.line - 1].strip() == "host: ${KPI_TEST_PGSOCKET}"
    assert "KPI_TEST_PGSOCKET is not set" in issue.message


def test_copy_never_writes_a_password(
    parity_postgres_url: str,
    parity_demo_root: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    password = urlsplit(parity_postgres_url).password
    assert password
    monkeypatch.delenv("KPIBRIDGE_WAREHOUSE_PASSWORD", raising=False)
    root = tmp_path / "workspace"
    shutil.copytree(parity_demo_root, root)
    output = copy_to(root, parity_postgres_url)
    assert "set KPIBRIDGE_WAREHOUSE_PASSWORD to the password" in " ".join(output.split())
    settings = (root / "kpibridge.yaml").read_text(encoding="utf-8")
    assert "password: ${KPIBRIDGE_WAREHOUSE_PASSWORD}" in settings
    assert f":{password}" not in settings
    assert f"password: {password}" not in settings
    with pytest.raises(WorkspaceError, match="KPIBRIDGE_WAREHOUSE_PASSWORD is not set"):
        kpibridge.Workspace.open(root)
    monkeypatch.setenv("KPIBRIDGE_WAREHOUSE_PASSWORD", password)
    assert revenue_by_month(root) == revenue_by_month(parity_demo_root)


def test_an_unset_variable_in_the_url_is_named(parity_demo_root: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            *("warehouse", "copy", "--to", "postgresql://kpi:${KPI_TEST_UNSET}@h/db"),
            *("-w", str(parity_demo_root)),
        ],
    )
    assert result.exit_code == 1
    assert "KPI_TEST_UNSET is not set" in " ".join(result.output.split())
