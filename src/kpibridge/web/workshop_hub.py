"""Live workshop figures for many watchers: one computation per change, fanned out to every
open event stream (server-sent events; the browser keeps one connection open and never polls).

Per workshop with at least one open stream, one watcher task waits until a write in this
process pokes it (a vote, a statement, a phase change …) or ``FALLBACK_SECONDS`` pass (so that
changes made elsewhere — the CLI, a second server process — still arrive), reads the cheap
version of the workshop's data and, when it changed, computes the results once (in a worker
thread) and hands them to every stream. A burst of 300 votes becomes a few computations:
while one runs, the pokes that arrive only mark it stale, and each stream's queue keeps the
newest figures only.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.concurrency import run_in_threadpool

from kpibridge.services.workshops.results import (
    WorkshopResults,
    compute_results,
    current_version,
)
from kpibridge.store import Store

FALLBACK_SECONDS = 1.0
MIN_INTERVAL = 0.15
"""Seconds between two computations of one workshop: a burst of votes is coalesced."""
HEARTBEAT_SECONDS = 15.0
RECENT_SECONDS = 2.0
HIDDEN_KEYS = ("map", "groups", "common_ground", "divisive", "consensus")

logger = logging.getLogger(__name__)


def screen_view(public: Mapping[str, Any]) -> dict[str, Any]:
    """The figures for the projector and participants: counts always; the analysis only
    while the facilitator shows results."""
    view = dict(public)
    if not public["workshop"]["results_visible"]:
        for key in HIDDEN_KEYS:
            view[key] = None
    return view


@dataclass
class _Watch:
    event: asyncio.Event
    loop: asyncio.AbstractEventLoop
    queues: set[asyncio.Queue[str]] = field(default_factory=set)
    task: asyncio.Task[None] | None = None
    last: str | None = None
    """The newest event sent, for streams that open later."""


class WorkshopHub:
    def __init__(self, store: Store, names: Callable[[], Mapping[str, str]]) -> None:
        self.store = store
        self._names = names
        self._cache: dict[str, tuple[tuple[Any, ...], WorkshopResults]] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self._watches: dict[str, _Watch] = {}
        self._computed_at: dict[str, float] = {}
        self.computations = 0

    def results(self, code: str) -> WorkshopResults:
        """The current results of ``code`` (computed once per version of its data)."""
        with self._guard:
            lock = self._locks.setdefault(code, threading.Lock())
        with lock:
            version = current_version(self.store, code)
            cached = self._cache.get(code)
            if cached is not None and cached[0] == version:
                self._computed_at[code] = time.monotonic()
                return cached[1]
            results = compute_results(self.store, code, self._names())
            self.computations += 1
            self._cache[code] = (version, results)
            self._computed_at[code] = time.monotonic()
            return results

    def recent(self, code: str, max_age: float = RECENT_SECONDS) -> WorkshopResults:
        """Results at most ``max_age`` seconds old (computed now only when older): what a
        participant's page and the statement order need, without a computation per vote."""
        cached = self._cache.get(code)
        if cached is not None and time.monotonic() - self._computed_at.get(code, 0.0) < max_age:
            return cached[1]
        return self.results(code)

    def divisiveness(self, code: str) -> dict[int, float]:
        """The last computed divisiveness of each statement (empty before any computation)."""
        cached = self._cache.get(code)
        return cached[1].divisiveness if cached is not None else {}

    def poke(self, code: str) -> None:
        """Something in ``code`` changed: wake its watcher (safe from any thread)."""
        watch = self._watches.get(code)
        if watch is not None:
            watch.loop.call_soon_threadsafe(watch.event.set)

    async def stream(self, code: str) -> AsyncIterator[str]:
        """Server-sent events for ``code``: the figures now, then after every change."""
        loop = asyncio.get_running_loop()
        watch = self._watches.get(code)
        if watch is None:
            watch = _Watch(asyncio.Event(), loop)
            self._watches[code] = watch
        queue: asyncio.Queue[str] = asyncio.Queue(maxsize=1)
        watch.queues.add(queue)
        if watch.task is None or watch.task.done():
            watch.task = asyncio.create_task(self._watch(code, watch))
        elif watch.last is not None:  # the newest figures, without a database round trip
            _offer(queue, watch.last)
        else:
            results = await run_in_threadpool(self.results, code)
            _offer(queue, _event(results))  # the watcher may have filled it meanwhile
        try:
            yield "retry: 2000\n\n"
            while True:
                try:
                    data = await asyncio.wait_for(queue.get(), HEARTBEAT_SECONDS)
                except TimeoutError:
                    yield ": still here\n\n"
                    continue
                yield data
        finally:
            watch.queues.discard(queue)

    async def _watch(self, code: str, watch: _Watch) -> None:
        last: tuple[Any, ...] | None = None
        try:
            while watch.queues:
                version = await run_in_threadpool(current_version, self.store, code)
                if version != last:
                    results = await run_in_threadpool(self.results, code)
                    last = version
                    data = _event(results)
                    watch.last = data
                    for queue in list(watch.queues):
                        _offer(queue, data)
                    await asyncio.sleep(MIN_INTERVAL)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(watch.event.wait(), FALLBACK_SECONDS)
                watch.event.clear()
        except Exception:  # a watcher must not die silently: the streams would freeze
            logger.exception("workshop %s: live updates stopped", code)
            raise
        finally:
            if not watch.queues and self._watches.get(code) is watch:
                del self._watches[code]


def _offer(queue: asyncio.Queue[str], data: str) -> None:
    """Put ``data`` in a one-place queue, replacing what a slow reader has not taken yet."""
    if queue.full():
        queue.get_nowait()
    queue.put_nowait(data)


def _event(results: WorkshopResults) -> str:
    body = json.dumps(screen_view(results.public), separators=(",", ":"), default=str)
    return f"event: figures\ndata: {body}\n\n"
