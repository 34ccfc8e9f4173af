"""Calibration of the KPI tree's claim tests: on independent KPIs, how many claims pass?

Each simulated tree has ``--kpis`` independent weekly KPIs (random walks of the log with drift,
a shared yearly cycle and noise, as in ``kpibridge.evidence.leadlag_simulation``'s null
design) and ``--edges`` claimed driver → outcome edges drawn at random between them. Nothing
drives anything, so every "supported" verdict is a false one. The claims are tested the way
``kpibridge tree`` tests them (:func:`kpibridge.evidence.leadlag.edge_family`: one
Benjamini–Hochberg family across all edges of the tree, a lead needs a BH discovery at a lag
≥ 1 confirmed by Granger).

Prints the share of claimed edges marked supported (goal: below 5 %), with its 95 % Wilson
interval, and the share of trees with at least one supported edge.

    .venv/bin/python benchmarks/tree_calibration.py            # 200 trees of 20 claims
    .venv/bin/python benchmarks/tree_calibration.py --quick    # 25 trees
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import time

import numpy as np
import pandas as pd

from kpibridge.evidence.leadlag import edge_family
from kpibridge.evidence.result import LeadLagResult


def independent_kpis(rng: np.random.Generator, count: int, weeks: int) -> list[pd.Series]:
    """Independent weekly KPIs: log random walk with drift + a shared yearly cycle + noise."""
    index = pd.date_range("2023-01-02", periods=weeks, freq="W-MON")
    t = np.arange(weeks)
    cycle = 0.15 * np.sin(2 * np.pi * t / 52.18)
    series = []
    for position in range(count):
        log_level = (
            np.log(1000)
            + np.cumsum(rng.normal(0.002, 0.03, weeks))
            + cycle
            + rng.normal(0, 0.05, weeks)
        )
        series.append(pd.Series(np.exp(log_level), index=index, name=f"kpi{position}"))
    return series


def one_tree(
    rng: np.random.Generator, kpis: int, edges: int, weeks: int, max_lag: int
) -> tuple[int, int]:
    """(claims marked supported, claims tested) for one simulated tree."""
    series = independent_kpis(rng, kpis, weeks)
    pairs = set()
    while len(pairs) < edges:
        driver, outcome = rng.choice(kpis, size=2, replace=False)
        pairs.add((int(driver), int(outcome)))
    results = edge_family([(series[d], series[o]) for d, o in sorted(pairs)], max_lag)
    tested = [r for r in results if isinstance(r, LeadLagResult)]
    supported = sum(r.direction in ("driver leads", "feedback") for r in tested)
    return supported, len(tested)


def wilson(successes: int, total: int, z: float = 1.96) -> tuple[float, float]:
    if total == 0:
        return math.nan, math.nan
    p = successes / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return centre - half, centre + half


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trees", type=int, default=200)
    parser.add_argument("--kpis", type=int, default=10)
    parser.add_argument("--edges", type=int, default=20)
    parser.add_argument("--weeks", type=int, default=156)
    parser.add_argument("--max-lag", type=int, default=8)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--quick", action="store_true", help="25 trees")
    arguments = parser.parse_args()
    trees = 25 if arguments.quick else arguments.trees
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    rng = np.random.default_rng(arguments.seed)
    supported = tested = trees_with_any = 0
    seconds = []
    for _ in range(trees):
        start = time.perf_counter()
        found, count = one_tree(
            rng, arguments.kpis, arguments.edges, arguments.weeks, arguments.max_lag
        )
        seconds.append(time.perf_counter() - start)
        supported += found
        tested += count
        trees_with_any += found > 0
    low, high = wilson(supported, tested)
    share = supported / tested
    print(
        f"{trees} trees × {arguments.edges} claimed edges between {arguments.kpis} independent "
        f"KPIs, {arguments.weeks} weeks, max lag {arguments.max_lag}"
    )
    print(
        f"claims marked supported: {supported}/{tested} = {share:.2%} "
        f"(95% CI {low:.2%} to {high:.2%}); goal < 5%: {'met' if high < 0.05 else 'NOT met'}"
    )
    print(f"trees with at least one supported claim: {trees_with_any}/{trees}")
    print(
        f"seconds per tree: median {statistics.median(seconds):.3f}, "
        f"min {min(seconds):.3f}, max {max(seconds):.3f}"
    )
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
