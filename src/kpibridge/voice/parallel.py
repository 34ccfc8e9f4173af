"""Map a function over chunks of a list in worker processes, keeping the order.

VADER and the text checks are pure Python: one process uses one core. Large batches are cut
into chunks (four per worker, to even out) and mapped in forked workers; small batches stay in
this process, where starting workers would cost more than it saves.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

#: Below this many items, worker processes cost more than they save.
PARALLEL_FROM = 20_000


def map_chunks(
    function: Callable[[Sequence[Item]], list[Result]],
    items: Sequence[Item],
    workers: int | None = None,
    initializer: Callable[[], object] | None = None,
) -> list[Result]:
    """``function`` (which maps a chunk to one result per item) over ``items``, in order.

    ``workers`` defaults to every core from ``PARALLEL_FROM`` items on, else one.
    """
    return start_map_chunks(function, items, workers, initializer)()


def start_map_chunks(
    function: Callable[[Sequence[Item]], list[Result]],
    items: Sequence[Item],
    workers: int | None = None,
    initializer: Callable[[], object] | None = None,
) -> Callable[[], list[Result]]:
    """``map_chunks`` started in the background: returns a function that waits for the
    results (and ends the workers). Meanwhile this process can do other work — the workers
    are separate processes, so pure-Python work here does not hold them up. In one process
    (few items or ``workers`` ≤ 1) the work is done before this returns. Call the returned
    function also when something else fails meanwhile: it ends the workers."""
    if workers is None:
        workers = (os.cpu_count() or 1) if len(items) >= PARALLEL_FROM else 1
    if workers <= 1 or len(items) < 2 * workers:
        results = function(items)
        return lambda: results
    size = -(-len(items) // (workers * 4))
    chunks = [items[start : start + size] for start in range(0, len(items), size)]
    pool = multiprocessing.get_context("fork").Pool(workers, initializer=initializer)
    pending = pool.map_async(function, chunks)

    def wait() -> list[Result]:
        try:
            return [result for part in pending.get() for result in part]
        finally:
            pool.terminate()
            pool.join()

    return wait
