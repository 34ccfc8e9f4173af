"""App stores for the governance tests: SQLite in a temporary folder, and a fresh database on
the PostgreSQL server of scripts/postgres.sh ($KPIBRIDGE_TEST_POSTGRES_URL; without it the
PostgreSQL cases fail, never skip)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kpibridge.store import Store
from postgres_databases import fresh_postgres_database


@pytest.fixture
def postgres_database() -> Iterator[str]:
    with fresh_postgres_database("kpibridge_gov") as url:
        yield url


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
