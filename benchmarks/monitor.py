"""Benchmark: monitoring 30 KPIs on three years of daily data (goal: under 2 s).

Each KPI is a simulated daily series (trend, weekly cycle, yearly wave, noise, a few
spikes) with a monthly target; ``kpibridge.evidence.monitor.monitor`` runs status, trend,
anomalies, change points and the end-of-month forecast (1,000 simulated paths) for all.
Runs one process and ``--workers`` processes interleaved, ``--repeat`` rounds, and prints the
median and range of each and of their per-round ratio, with the load average. The two must
return identical monitors (exit 1 otherwise).

    .venv/bin/python benchmarks/monitor.py
    .venv/bin/python benchmarks/monitor.py --kpis 30 --days 1096 --repeat 5 --workers 2
    .venv/bin/python benchmarks/monitor.py --quick       # 2 KPIs × 400 days, 1 round
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from kpibridge.evidence.monitor.monitor import monitor

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import fail, interleaved, load, ratios, spread

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kpis", type=int, default=30)
    parser.add_argument("--days", type=int, default=1096)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="2 KPIs × 400 days, 1 round")
    arguments = parser.parse_args()
    if arguments.quick:
        arguments.kpis, arguments.days, arguments.repeat = 2, 400, 1
    series = simulated_kpis(arguments.kpis, arguments.days)
    targets = {name: float(values.iloc[-30:].sum()) for name, values in series.items()}
    print(f"python {platform.python_version()}, {os.cpu_count()} cores, {load()} at start")
    print(f"{arguments.kpis} KPIs × {arguments.days} days, {arguments.repeat} interleaved rounds")
    times, results = interleaved(
        {
            "serial": lambda: monitor(series, targets=targets, workers=1),
            "parallel": lambda: monitor(series, targets=targets, workers=arguments.workers),
        },
        arguments.repeat,
    )
    serial = [r.to_json() for r in results["serial"]]
    if serial != [r.to_json() for r in results["parallel"]]:
        fail("1 process and several processes return different monitors")
    anomalies = sum(len(result.anomalies.anomalies) for result in results["serial"])
    print(f"  1 process     {spread(times['serial'], digits=2)}")
    print(f"  {arguments.workers} processes   {spread(times['parallel'], digits=2)}")
    per_round = ratios(times["parallel"], times["serial"])
    print(f"  parallel / serial, per round: {spread(per_round, '×', 2)}")
    print(f"  anomalies flagged: {anomalies} (3 planted per KPI)")
    best = min(statistics.median(times["serial"]), statistics.median(times["parallel"]))
    verdict = "met" if best < GOAL_SECONDS else "NOT met"
    print(f"goal < {GOAL_SECONDS:g} s (median of the faster way): {verdict} ({best:.2f} s)")
    print(f"{load()} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
