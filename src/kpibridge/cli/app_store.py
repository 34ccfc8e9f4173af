"""The app store as the commands open it: for a change (migrated, created when missing) or
for reading (only when it already exists)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kpibridge.services.metrics.workspace import Workspace
    from kpibridge.store import Store


def existing_store(ws: Workspace, url: str | None) -> Store | None:
    """The app store, or None when it is a SQLite file not created yet (a command that reads
    does not create a store to find it empty)."""
    from kpibridge.store import Store
    from kpibridge.store.database import database_url

    parsed = database_url(ws.settings.app_store, ws.root, url)
    if parsed.get_backend_name() == "sqlite":
        path = parsed.database
        if not path or path == ":memory:" or not Path(path).is_file():
            return None
    return Store.open(parsed, key_dir=ws.root / ".kpibridge")


@contextmanager
def opened_store(ws: Workspace, url: str | None) -> Iterator[Store]:
    """The workspace's app store (or the one at ``url``), migrated, closed on leaving."""
    from kpibridge.store import Store
    from kpibridge.store.database import database_url

    store = Store.open(
        database_url(ws.settings.app_store, ws.root, url), key_dir=ws.root / ".kpibridge"
    )
    try:
        yield store
    finally:
        store.close()


@contextmanager
def workspace_and_store(
    workspace: Path | None, url: str | None
) -> Iterator[tuple[Workspace, Store]]:
    """The workspace and its app store (:func:`opened_store`), both closed on leaving: what
    every command that changes the app store opens first."""
    from kpibridge.services.metrics.workspace import Workspace

    with Workspace.open(workspace) as ws, opened_store(ws, url) as store:
        yield ws, store
