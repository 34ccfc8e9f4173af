"""Benchmark: does the monitor's 80% forecast band hold about 80% of held-out periods?

Builds the demo company (``--seed``, ``--scale``) in a temporary folder and runs the
rolling-origin backtest of ``kpibridge.services.monitoring.monitor.forecast_coverage`` for
each KPI below: for each of its last ``--origins`` complete review periods, the forecast is
made from the data before a cut part-way into the period and checked against the KPI's own
value for the period. Prints per KPI the held-out count, coverage and misses below/above,
then the pooled coverage with the band a calibrated forecast falls in (80% ± two binomial
standard errors), and the time taken (median and spread of ``--repeat`` runs of the whole
backtest; the load average is printed, as other helpers share the machine).

    .venv/bin/python benchmarks/forecast_coverage.py            # scale 1, 40 origins
    .venv/bin/python benchmarks/forecast_coverage.py --quick    # scale 0.05, 12 origins
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from kpibridge.errors import KpibridgeError
from kpibridge.evidence.monitor.forecast_backtest import NOMINAL, Coverage, binomial_band
from kpibridge.services.demo.build import build_demo
from kpibridge.services.metrics.workspace import Workspace
from kpibridge.services.monitoring.monitor import forecast_coverage

KPIS = (
    "revenue",
    "orders",
    "sessions",
    "conversion_rate",
    "ctr",
    "cac",
    "nps",
    "csat",
    "retention_rate",
)


def run(root: Path, origins: int) -> dict[str, Coverage | str]:
    """Each KPI's coverage, or why it cannot be forecast (gaps in a small demo's surveys)."""
    found: dict[str, Coverage | str] = {}
    with Workspace.open(root) as ws:
        for kpi in KPIS:
            try:
                found[kpi] = forecast_coverage(ws, kpi, origins=origins)
            except KpibridgeError as error:
                found[kpi] = str(error)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small demo, fewer origins")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--scale", type=float, default=None)
    parser.add_argument("--origins", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=None)
    args = parser.parse_args()
    scale = args.scale if args.scale is not None else (0.05 if args.quick else 1.0)
    origins = args.origins or (12 if args.quick else 40)
    repeat = args.repeat or (1 if args.quick else 3)
    print(
        f"load average {os.getloadavg()}; demo seed {args.seed}, scale {scale}; {origins} origins",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "demo"
        build_demo(root, seed=args.seed, scale=scale)
        times: list[float] = []
        found: dict[str, Coverage | str] = {}
        for _ in range(repeat):
            started = time.perf_counter()
            found = run(root, origins)
            times.append(time.perf_counter() - started)
    inside = held = 0
    for kpi, coverage in found.items():
        if isinstance(coverage, str):
            print(f"{kpi:18s} skipped: {coverage}")
            continue
        inside += coverage.inside
        held += coverage.held_out
        print(
            f"{kpi:18s} held out {coverage.held_out:3d}  coverage {coverage.coverage:5.0%}  "
            f"below {coverage.below:2d}  above {coverage.above:2d}"
        )
    low, high = binomial_band(held)
    pooled = inside / held
    verdict = "calibrated" if low <= pooled <= high else "NOT calibrated"
    print(
        f"pooled: {inside}/{held} = {pooled:.1%} (nominal {NOMINAL:.0%}, a calibrated band "
        f"gives {low:.1%}–{high:.1%}): {verdict}"
    )
    spread = statistics.pstdev(times) if len(times) > 1 else 0.0
    print(f"backtest time: median {statistics.median(times):.1f} s, spread ±{spread:.1f} s")


if __name__ == "__main__":
    main()
