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
    if workers is None:
        workers = (os.cpu_count() or 1) if len(items) >= PARALLEL_FROM else 1
    if workers <= 1 or len(items) < 2 * workers:
        return function(items)
    size = -(-len(items) // (workers * 4))
    chunks = [items[start : start + size] for start in range(0, len(items), size)]
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=initializer) as pool:
        return [result for part in pool.map(function, chunks) for result in part]
