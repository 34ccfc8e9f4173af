"""App stores for the governance tests: SQLite in a temporary folder, and a fresh database on
the PostgreSQL server of scripts/postgres.sh ($KPIBRIDGE_TEST_POSTGRES_URL; without it the
PostgreSQL cases fail, never skip)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from kpibridge.store import Store

POSTGRES_ENV = "KPIBRIDGE_TEST_POSTGRES_URL"


@pytest.fixture
def postgres_database() -> Iterator[str]:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.fail(f"${POSTGRES_ENV} is not set: start `bash scripts/postgres.sh` and export it")
    admin_url = make_url(url).set(drivername="postgresql+psycopg")
    name = f"kpibridge_gov_{secrets.token_hex(4)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def app_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A migrated app store on each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'app.db'}"
    else:
        url = request.getfixturevalue("postgres_database")
    store = Store.open(url)
    yield store
    store.close()
