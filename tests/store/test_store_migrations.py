"""The app store migrates to a schema equal to the models, on SQLite and on a real PostgreSQL
(the server of scripts/postgres.sh; scripts/test.sh passes its URL as
$KPIBRIDGE_TEST_POSTGRES_URL). Without that variable the PostgreSQL cases fail, never skip."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from kpibridge.errors import AccountError, UnknownNameError
from kpibridge.model.access import AccessRole
from kpibridge.services.accounts.tokens import account_for_token, create_token
from kpibridge.services.accounts.users import (
    add_user,
    authenticate,
    list_users,
    set_role,
)
from kpibridge.store import Base, Store, database_url
from kpibridge.store.database import alembic_config
from postgres_databases import fresh_postgres_database


@pytest.fixture
def fresh_postgres() -> Iterator[str]:
    """A new, empty database on the test server, dropped afterwards."""
    with fresh_postgres_database() as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'nested' / 'app.db'}"
    else:
        url = request.getfixturevalue("fresh_postgres")
    opened = Store.open(url)
    yield opened
    opened.close()


def test_migrations_give_the_models_schema(store: Store) -> None:
    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []
    tables = set(inspect(store.engine).get_table_names())
    assert {"users", "api_tokens", "alembic_version"} <= tables


def test_migrating_twice_changes_nothing(store: Store) -> None:
    store.migrate()
    with store.engine.connect() as connection:
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert version == head


def test_downgrade_to_base_and_up_again(store: Store) -> None:
    store.downgrade("base")
    assert "users" not in inspect(store.engine).get_table_names()
    store.migrate()
    assert "users" in inspect(store.engine).get_table_names()


def test_accounts_round_trip(store: Store) -> None:
    stakeholders = {"cfo", "cmo"}
    add_user(store, "ruth", "long enough", AccessRole.VIEWER, "cfo", stakeholders)
    with pytest.raises(AccountError, match="exists already"):
        add_user(store, "ruth", "long enough", AccessRole.VIEWER, None, stakeholders)
    with pytest.raises(UnknownNameError, match="Did you mean 'cmo'"):
        add_user(store, "x", "long enough", AccessRole.VIEWER, "cm", stakeholders)
    with pytest.raises(AccountError, match="at least 8"):
        add_user(store, "y", "short", AccessRole.VIEWER, None, stakeholders)
    assert set_role(store, "ruth", AccessRole.ADMIN).role is AccessRole.ADMIN
    assert [a.username for a in list_users(store)] == ["ruth"]
    assert authenticate(store, "ruth", "long enough") is not None
    assert authenticate(store, "ruth", "wrong password") is None
    assert authenticate(store, "nobody", "long enough") is None
    token, owner = create_token(store, "ruth", "ci")
    assert owner.username == "ruth"
    found = account_for_token(store, token)
    assert found is not None
    assert found.role is AccessRole.ADMIN
    assert account_for_token(store, token + "x") is None
    with store.engine.connect() as connection:
        stored = connection.execute(
            text(
                "SELECT token_hash, password_hash FROM api_tokens "
                "JOIN users ON users.id = api_tokens.user_id"
            )
        ).one()
    assert token not in stored[0]
    assert stored[1].startswith("$argon2id$")


def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    opened = Store.open(f"sqlite:///{tmp_path / 'app.db'}")
    with opened.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    opened.close()


@pytest.mark.parametrize(
    ("configured", "given", "env", "expected"),
    [
        ("sqlite:///.kpibridge/app.db", None, None, "sqlite:///{root}/.kpibridge/app.db"),
        ("sqlite:////abs/app.db", None, None, "sqlite:////abs/app.db"),
        ("sqlite:///a.db", None, "postgresql://u@h/d", "postgresql+psycopg://u@h/d"),
        ("sqlite:///a.db", "sqlite:///b.db", "postgresql://u@h/d", "sqlite:///{root}/b.db"),
    ],
)
def test_database_url_precedence(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    configured: str,
    given: str | None,
    env: str | None,
    expected: str,
) -> None:
    if env:
        monkeypatch.setenv("KPIBRIDGE_DATABASE_URL", env)
    else:
        monkeypatch.delenv("KPIBRIDGE_DATABASE_URL", raising=False)
    url = database_url(configured, tmp_path, given)
    assert url.render_as_string() == expected.format(root=tmp_path)
