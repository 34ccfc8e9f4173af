"""The workspace as the commands that read KPIs open it: governed by the KPI versions of the
app store (``explain``, ``monitor``, ``drivers``, ``evidence`` say what ``scorecard`` says)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kpibridge.services.metrics.workspace import Workspace


@contextmanager
def open_governed(
    workspace: str | os.PathLike[str] | None, database: str | None
) -> Iterator[Workspace]:
    """The workspace with the app store's versions in effect today applied (the YAML alone
    when the store has none, or — a SQLite file — does not exist: it is not created to look).
    The store is read once and closed; the warehouse connection closes on leaving."""
    from kpibridge.cli.app_store import existing_store
    from kpibridge.services.governance.governed_workspace import governed_workspace
    from kpibridge.services.metrics.workspace import Workspace

    with Workspace.open(workspace) as ws:
        store = existing_store(ws, database)
        try:
            governed = governed_workspace(ws, store)
        finally:
            if store is not None:
                store.close()
        try:
            yield governed
        finally:
            governed.close()
