"""Benchmark: monitoring 30 KPIs on three years of daily data (goal: under 2 s).

Each KPI is a simulated daily series (trend, weekly cycle, yearly wave, noise, a few
spikes) with a monthly target; ``kpibridge.evidence.monitor.monitor`` runs status, trend,
anomalies, change points and the end-of-month forecast (1,000 simulated paths) for all.
Prints the best of ``--repeat`` runs with one process and with ``--workers`` processes.

    .venv/bin/python benchmarks/monitor.py
    .venv/bin/python benchmarks/monitor.py --kpis 30 --days 1096 --repeat 3 --workers 2
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np
import pandas as pd

from kpibridge.evidence.monitor.monitor import KpiMonitor, monitor

GOAL_SECONDS = 2.0


def simulated_kpis(count: int, days: int, seed: int = 0) -> dict[str, pd.Series]:
    rng = np.random.default_rng(seed)
    index = pd.date_range("2023-11-01", periods=days, freq="D")
    t = np.arange(days)
    series = {}
    for number in range(count):
        level = rng.uniform(50, 5000)
        values = level * (
            1
            + 0.0002 * t
            + 0.1 * np.sin(2 * np.pi * t / 7)
            + 0.08 * np.sin(2 * np.pi * t / 365.25)
            + rng.normal(0, 0.05, days)
        )
        values[rng.choice(days, 3, replace=False)] *= 2.5
        series[f"kpi_{number:02d}"] = pd.Series(values, index=index)
    return series


def best_time(
    series: dict[str, pd.Series], targets: dict[str, float], workers: int, repeat: int
) -> tuple[float, list[KpiMonitor]]:
    best = float("inf")
    results: list[KpiMonitor] = []
    for _ in range(repeat):
        start = time.perf_counter()
        results = monitor(series, targets=targets, workers=workers)
        best = min(best, time.perf_counter() - start)
    return best, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kpis", type=int, default=30)
    parser.add_argument("--days", type=int, default=1096)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    arguments = parser.parse_args()
    series = simulated_kpis(arguments.kpis, arguments.days)
    targets = {name: float(values.iloc[-30:].sum()) for name, values in series.items()}
    print(f"python {platform.python_version()}, {os.cpu_count()} cores")
    print(f"{arguments.kpis} KPIs × {arguments.days} days, best of {arguments.repeat}")
    serial, results = best_time(series, targets, 1, arguments.repeat)
    parallel, parallel_results = best_time(series, targets, arguments.workers, arguments.repeat)
    assert [r.to_json() for r in results] == [r.to_json() for r in parallel_results]
    anomalies = sum(len(result.anomalies.anomalies) for result in results)
    print(f"  1 process     {serial:6.2f} s  ({1000 * serial / arguments.kpis:.0f} ms per KPI)")
    print(f"  {arguments.workers} processes   {parallel:6.2f} s")
    print(f"  anomalies flagged: {anomalies} (3 planted per KPI)")
    best = min(serial, parallel)
    verdict = "met" if best < GOAL_SECONDS else "NOT met"
    print(f"goal < {GOAL_SECONDS:g} s: {verdict} ({best:.2f} s)")


if __name__ == "__main__":
    main()
