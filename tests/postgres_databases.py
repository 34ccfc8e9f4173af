"""Throw-away databases on the PostgreSQL test server that ``scripts/postgres.sh`` starts
(``scripts/test.sh`` exports its URL as ``$KPIBRIDGE_TEST_POSTGRES_URL``). Without the
variable a test that needs the server fails with the way to start it: it never skips."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

POSTGRES_ENV = "KPIBRIDGE_TEST_POSTGRES_URL"


def postgres_url() -> str:
    """The test server's URL (its maintenance database)."""
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.fail(
            f"${POSTGRES_ENV} is not set: run the tests with `bash scripts/test.sh`, or start the "
            f"server with `bash scripts/postgres.sh` and export {POSTGRES_ENV}=<the URL it prints>"
        )
    return url


@contextmanager
def fresh_postgres_database(prefix: str = "kpibridge_test") -> Iterator[str]:
    """A new, empty database (URL with the psycopg driver), dropped afterwards."""
    admin_url = make_url(postgres_url()).set(drivername="postgresql+psycopg")
    name = f"{prefix}_{secrets.token_hex(4)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()
