"""Open the app store: resolve its URL, create the engine, run migrations, hand out sessions.

URL, first found: the ``url`` argument (``--database-url``), ``$KPIBRIDGE_DATABASE_URL``, the
workspace's ``app_store`` setting (default ``sqlite:///.kpibridge/app.db``, relative to the
workspace). ``postgresql://`` URLs use the psycopg 3 driver.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

from kpibridge.store.audit import AUDIT_KEY_INFO
from kpibridge.store.audit_key import resolve_audit_key

DATABASE_URL_ENV = "KPIBRIDGE_DATABASE_URL"
MIGRATIONS = Path(__file__).with_name("migrations")

logger = logging.getLogger(__name__)


def database_url(configured: str, root: Path, url: str | None = None) -> URL:
    """The store's URL: ``url``, else the environment, else ``configured`` (the workspace
    setting). A relative SQLite path is taken relative to the workspace ``root``."""
    parsed = make_url(url or os.environ.get(DATABASE_URL_ENV) or configured)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not Path(database).is_absolute():
            parsed = parsed.set(database=str(root / database))
    elif parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


class Store:
    """The app store of one workspace: an engine and a session factory.

    >>> store = Store.open("sqlite://")                           # doctest: +SKIP
    >>> with store.transaction() as session: ...
    """

    def __init__(self, engine: Engine, audit_key: bytes | None = None) -> None:
        self.engine = engine
        self.audit_key = audit_key
        """Keys the audit chain (``store/audit_key.py``); sessions carry it in ``info``."""
        self._sessions = sessionmaker(
            engine, expire_on_commit=False, info={AUDIT_KEY_INFO: audit_key}
        )

    @classmethod
    def open(
        cls,
        url: str | URL,
        *,
        migrate: bool = True,
        key_dir: Path | None = None,
        audit_key: bytes | None = None,
    ) -> Store:
        """Connect (creating a SQLite file and its folder if needed) and migrate to head.
        ``key_dir``: where the audit key is kept (the workspace's ``.kpibridge``); by default
        ``$KPIBRIDGE_AUDIT_KEY`` or next to a SQLite file (see ``store/audit_key.py``)."""
        parsed = make_url(url)
        options: dict[str, Any] = {"pool_pre_ping": True}
        if parsed.get_backend_name() == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                _create_private(Path(parsed.database))
            options = {"connect_args": {"check_same_thread": False, "timeout": 30}}
        engine = create_engine(parsed, **options)
        if parsed.get_backend_name() == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        key = audit_key if audit_key is not None else resolve_audit_key(parsed, key_dir)
        store = cls(engine, key)
        if migrate:
            store.migrate()
        return store

    def migrate(self, revision: str = "head") -> None:
        """Bring the schema to ``revision`` with Alembic (idempotent)."""
        config = alembic_config()
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
        logger.info("app store migrated to %s", revision)

    def downgrade(self, revision: str) -> None:
        """Undo migrations down to ``revision`` (``base``: an empty store). For recovery and
        for the tests that check every migration can be undone."""
        config = alembic_config()
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, revision)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose changes are committed together at the end, or not at all."""
        with self._sessions.begin() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()


def alembic_config() -> Config:
    """Alembic configuration without an ini file (the scripts ship inside the package)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _create_private(path: Path) -> None:
    """Create the SQLite file readable and writable by its owner only (0600, like the secret
    key next to it): it holds password hashes and every ballot. SQLite gives its -wal and
    -shm files the same mode. An existing file is left as it is."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _sqlite_pragmas(connection: Any, _record: object) -> None:
    """WAL lets readers work while one writer commits; foreign keys are off by default.
    ``synchronous=NORMAL`` under WAL syncs at checkpoints, not at every commit: a crash of
    the process loses nothing committed, a power cut can lose the last commits but never
    corrupts the file (SQLite's documented trade-off), and a write costs no fsync."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
