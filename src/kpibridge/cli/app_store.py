"""The app store as the read-only commands need it: opened only when it already exists."""

from __future__ import annotations

from pathlib import Path

from kpibridge.services.workspace import Workspace
from kpibridge.store import Store
from kpibridge.store.database import database_url


def existing_store(ws: Workspace, url: str | None) -> Store | None:
    """The app store, or None when it is a SQLite file not created yet (a command that reads
    does not create a store to find it empty)."""
    parsed = database_url(ws.settings.app_store, ws.root, url)
    if parsed.get_backend_name() == "sqlite":
        path = parsed.database
        if not path or path == ":memory:" or not Path(path).is_file():
            return None
    return Store.open(parsed)
