"""Shared by the benchmark scripts: interleaved timing, median and spread, load, loud failure.

Not a benchmark itself (the leading underscore keeps it out of the ``benchmarks/*.py``
quick-mode test). The rules every script follows (benchmarks/README.md, "The contract"):
sides run interleaved so that load from other processes lands on all of them, the report
is the median with its range and the load average — never the best run — and any
disagreement between the sides ends the run with a non-zero exit.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any, NoReturn


def load() -> str:
    """The 1-minute load average, as printed at the start and end of every script."""
    return f"load average {os.getloadavg()[0]:.1f}"


def spread(times: Sequence[float], unit: str = "s", digits: int = 3) -> str:
    """``median M (min–max)``: the figure every script reports."""
    return (
        f"median {statistics.median(times):.{digits}f} {unit} "
        f"(range {min(times):.{digits}f}–{max(times):.{digits}f})"
    )


def interleaved(
    sides: dict[str, Callable[[], Any]], repeat: int
) -> tuple[dict[str, list[float]], dict[str, Any]]:
    """Run every side once per round, ``repeat`` rounds, alternating the order each round.

    Returns each side's times and its result of the last round.
    """
    times: dict[str, list[float]] = {name: [] for name in sides}
    results: dict[str, Any] = {}
    names = list(sides)
    for round_number in range(repeat):
        order = names if round_number % 2 == 0 else names[::-1]
        for name in order:
            started = time.perf_counter()
            results[name] = sides[name]()
            times[name].append(time.perf_counter() - started)
    return times, results


def ratios(numerator: Sequence[float], denominator: Sequence[float]) -> list[float]:
    """Per-round ratios (the load of one round hits both sides of it)."""
    return [a / b for a, b in zip(numerator, denominator, strict=True)]


def fail(message: str) -> NoReturn:
    """The sides disagree (or a check failed): say so and exit 1; the figures are void."""
    print(f"FAILED: {message}", flush=True)
    sys.exit(1)
