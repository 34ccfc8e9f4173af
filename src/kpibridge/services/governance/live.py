"""A workspace shared by a long-running server: one warehouse connection used by one thread
at a time, and results remembered until the data or the definitions change.

The data version is the size and modification time of the warehouse file (DuckDB, SQLite)
plus those of every YAML file of the workspace; a change to either reloads the definitions and
forgets every remembered result. A warehouse without a local file (PostgreSQL …) is
re-read after :data:`REMOTE_TTL_SECONDS`. With an app store attached (:meth:`govern_with`),
the KPI versions recorded in it and the current date are part of the data version too: an
approved version, or a version whose effective date arrives, changes the scorecard. The store
is asked at most every :data:`STORE_POLL_SECONDS` (a page asks for the data version several
times; a store query each time cost the scorecard page a third of its throughput).

What :meth:`LiveWorkspace.remember`, :meth:`~LiveWorkspace.run` and
:attr:`~LiveWorkspace.workspace` hand out is the workspace as governed by those versions
(:func:`governed_workspace`: each KPI its latest definition in effect, retired ones off the
lists), made once per data version and sharing the one warehouse connection.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import date
from pathlib import Path
from typing import TypeVar

from kpibridge.services.governance.governed_workspace import governed_workspace
from kpibridge.services.governance.version_rules import versions_stamp
from kpibridge.services.metrics.scorecard import Scorecard
from kpibridge.services.metrics.workspace import Workspace
from kpibridge.store import Store

T = TypeVar("T")

REMOTE_TTL_SECONDS = 300
STORE_POLL_SECONDS = 1.0
CACHE_ENTRIES = 512

logger = logging.getLogger(__name__)


class LiveWorkspace:
    """Thread-safe access to a :class:`Workspace` with a result cache.

    >>> live = LiveWorkspace(Path("demo"))                           # doctest: +SKIP
    >>> live.remember(("kpi", "cac"), lambda ws: ws.compute("cac"))
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.RLock()
        self._store: Store | None = None
        self._store_stamp: tuple[float, tuple[object, ...]] | None = None
        self._workspace = Workspace.open(root)
        self._governed: Workspace | None = None
        self._governed_stamp: tuple[object, ...] | None = None
        self._version = self._data_version()
        self._results: OrderedDict[Hashable, object] = OrderedDict()
        self.computed = 0
        """How many results were computed (not taken from the cache): for tests and logs."""

    def remember(self, key: Hashable, compute: Callable[[Workspace], T]) -> T:
        """``compute(workspace)``, or its remembered result for the same ``key`` and data."""
        with self._lock:
            self._refresh()
            if key in self._results:
                self._results.move_to_end(key)
                return self._results[key]  # type: ignore[return-value]
            result = compute(self._view(fresh=True))
            self.computed += 1
            self._results[key] = result
            if len(self._results) > CACHE_ENTRIES:
                self._results.popitem(last=False)
            return result

    def peek(self, key: Hashable) -> object | None:
        """The remembered result for ``key`` and the current data, without waiting: None when
        nothing is remembered, or when the workspace is busy (a long computation holds it)."""
        if not self._lock.acquire(blocking=False):
            return None
        try:
            self._refresh()
            return self._results.get(key)
        finally:
            self._lock.release()

    def govern_with(self, store: Store) -> None:
        """Apply the KPI versions of ``store`` to the scorecard (and watch them for changes)."""
        with self._lock:
            self._store = store
            self._store_stamp = None
            self._version = self._data_version()
            self._results.clear()
            self._governed = None

    @property
    def store(self) -> Store | None:
        """The app store whose KPI versions apply (None: the workspace YAML alone)."""
        return self._store

    def scorecard(self) -> Scorecard:
        """The scorecard as governed by the attached app store's versions, remembered."""
        return self.remember(("scorecard",), lambda ws: ws.scorecard())

    def run(self, action: Callable[[Workspace], T]) -> T:
        """``action(workspace)`` under the lock, without remembering the result."""
        with self._lock:
            self._refresh()
            return action(self._view())

    @property
    def workspace(self) -> Workspace:
        """The current definitions, as governed (read-only use: names, goals, stakeholders;
        :attr:`Workspace.live_kpis` for the KPIs to list)."""
        with self._lock:
            self._refresh()
            return self._view()

    def close(self) -> None:
        with self._lock:
            self._workspace.close()
            self._governed = None

    def _refresh(self) -> None:
        version = self._data_version()
        if version == self._version:
            return
        logger.info("workspace %s changed: reloading definitions and forgetting results", self.root)
        replacement = Workspace.open(self.root)
        self._workspace.close()
        self._workspace = replacement
        self._governed = None
        self._version = version
        self._results.clear()

    def _view(self, *, fresh: bool = False) -> Workspace:
        """The governed workspace of the current data version (made on first use after a
        change: two app-store queries and the versioned KPIs validated once). ``fresh``: ask
        the store whether its versions changed since — a result about to be remembered must
        not be computed with versions up to a poll interval old (one store query per
        computed result, none per remembered one)."""
        stamp = self._governed_stamp
        if self._store is not None and (fresh or self._governed is None):
            stamp = versions_stamp(self._store)
        if self._governed is None or stamp != self._governed_stamp:
            self._governed = governed_workspace(self._workspace, self._store)
            self._governed_stamp = stamp
        return self._governed

    def _versions_stamp(self) -> tuple[object, ...]:
        """The app store's KPI versions stamp, asked again after STORE_POLL_SECONDS."""
        assert self._store is not None
        now = time.monotonic()
        if self._store_stamp is None or now - self._store_stamp[0] >= STORE_POLL_SECONDS:
            self._store_stamp = (now, versions_stamp(self._store))
        return self._store_stamp[1]

    def _data_version(self) -> tuple[object, ...]:
        files = sorted(self.root.glob("*.yaml")) + sorted(self.root.glob("*/*.yaml"))
        warehouse = self._workspace.settings.warehouse if hasattr(self, "_workspace") else None
        stamp: list[object] = [_stat(path) for path in files]
        if warehouse is not None and warehouse.path:
            path = Path(warehouse.path)
            path = path if path.is_absolute() else self.root / path
            stamp += [_stat(path), _stat(path.with_name(path.name + ".wal"))]
        else:
            stamp.append(int(time.monotonic() // REMOTE_TTL_SECONDS))
        if self._store is not None:
            stamp += [self._versions_stamp(), date.today()]
        return tuple(stamp)


def _stat(path: Path) -> tuple[str, int, int] | None:
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    return (path.name, info.st_size, info.st_mtime_ns)
