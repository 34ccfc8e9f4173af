"""The small demo loaded into every tested backend, for the shared parity and SQL snapshot
suites.

One demo is built per test session (DuckDB, the reference). For each other backend the
workspace folder is copied and ``kpibridge warehouse copy --to URL --use`` loads the data
there — the command under test — after which the copy reads only from that backend:

* **postgres** — a fresh database on the server of ``scripts/postgres.sh``
  (``$KPIBRIDGE_TEST_POSTGRES_URL``; the tests fail, never skip, without it), dropped at the
  end; marker ``postgres``.
* **pyspark** — Spark in local mode in this process (PySpark from PyPI on Java 17), tables as
  Parquet folders in the workspace; one SparkSession for the whole test session, stopped at
  the end; marker ``spark``.

Each backend's workspace stays open for the session: a Spark session costs seconds to start.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from typer.testing import CliRunner

import kpibridge
from fixtures_demo import build_small_demo
from kpibridge.cli.app import app
from postgres_databases import postgres_url

BACKENDS = (
    pytest.param("duckdb", id="duckdb"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    pytest.param("pyspark", id="pyspark", marks=pytest.mark.spark),
)


@pytest.fixture(scope="session")
def parity_demo_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small demo on DuckDB; tests must not change it."""
    return build_small_demo(tmp_path_factory, "parity")


@pytest.fixture(scope="session")
def parity_postgres_url() -> Iterator[str]:
    """A new database on the test server for this session's parity data, dropped afterwards."""
    import psycopg

    admin_url = postgres_url()
    name = f"kpibridge_parity_{secrets.token_hex(4)}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(admin_url)
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def password_variable_written(root: Path) -> bool:
    """Whether kpibridge.yaml reads the warehouse password from the environment."""
    text = (root / "kpibridge.yaml").read_text(encoding="utf-8")
    return "password: ${KPIBRIDGE_WAREHOUSE_PASSWORD}" in text


def target_url(backend: str, request: pytest.FixtureRequest) -> str:
    if backend == "postgres":
        return str(request.getfixturevalue("parity_postgres_url"))
    if backend == "pyspark":
        try:
            import pyspark  # noqa: F401
        except ImportError:
            pytest.fail(
                "pyspark is not installed: pip install -e '.[dev,warehouses]' "
                "(scripts/setup.sh does)"
            )
        return "pyspark://data/spark?master=local[2]"
    raise AssertionError(backend)


@pytest.fixture(scope="session")
def backend_workspaces(
    parity_demo_root: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, kpibridge.Workspace]]:
    """Open workspaces by backend name, filled on first use; all closed at the end."""
    opened: dict[str, kpibridge.Workspace] = {}
    yield opened
    for workspace in opened.values():
        workspace.close()


def open_backend_workspace(
    backend: str,
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    parity_demo_root: Path,
    opened: dict[str, kpibridge.Workspace],
) -> kpibridge.Workspace:
    """The demo workspace reading from ``backend`` (loaded there by the CLI on first use)."""
    if backend in opened:
        return opened[backend]
    if backend == "duckdb":
        root = parity_demo_root
    else:
        root = tmp_path_factory.mktemp(f"parity-{backend}") / "workspace"
        shutil.copytree(parity_demo_root, root)
        url = target_url(backend, request)
        result = CliRunner().invoke(
            app, ["warehouse", "copy", "--to", url, "--use", "--workspace", str(root)]
        )
        assert result.exit_code == 0, result.output
        password = urlsplit(url).password
        if password:  # --use wrote ${KPIBRIDGE_WAREHOUSE_PASSWORD} in place of it
            assert password_variable_written(root)
            os.environ["KPIBRIDGE_WAREHOUSE_PASSWORD"] = password
    workspace = kpibridge.Workspace.open(root)
    assert workspace.settings.warehouse.backend == backend
    opened[backend] = workspace
    return workspace


@pytest.fixture(params=BACKENDS, scope="session")
def backend_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def backend_workspace(
    backend_name: str,
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    parity_demo_root: Path,
    backend_workspaces: dict[str, kpibridge.Workspace],
) -> kpibridge.Workspace:
    return open_backend_workspace(
        backend_name, request, tmp_path_factory, parity_demo_root, backend_workspaces
    )


@pytest.fixture(scope="session")
def reference_workspace(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    parity_demo_root: Path,
    backend_workspaces: dict[str, kpibridge.Workspace],
) -> kpibridge.Workspace:
    """The DuckDB workspace every other backend is compared with."""
    return open_backend_workspace(
        "duckdb", request, tmp_path_factory, parity_demo_root, backend_workspaces
    )
