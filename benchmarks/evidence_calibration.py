"""Calibration of lead-lag evidence on simulated KPI pairs where the truth is known.

Prints, for weekly series of ``--weeks`` points (the model: ``kpibridge.evidence.
leadlag_simulation``):

* **null** — independent random walks with drift and a shared yearly cycle: the share that
  ``lead_lag`` flags as related (any q < 0.05), against the share a naive correlation of the
  levels flags (Pearson p < 0.05); goal ≤ 5 % ± simulation error;
* **planted** — the driver leads by 1–4 weeks at ``--strength``: the share detected with the
  right lag (direction "driver leads" or "feedback", best lag = planted lag, q < 0.05), goal
  ≥ 90 %; and the share where the reverse direction is claimed ("outcome leads"/"feedback").

Both for KPIs that grow multiplicatively (``--scale growth``, the default design: the method's
own scale) and for fixed-size steps around a level of 100 (``--scale additive``, where the log
the method takes distorts the relation) — ``--scale both`` runs one after the other.

    .venv/bin/python benchmarks/evidence_calibration.py                  # 1000 null, 250/lag
    .venv/bin/python benchmarks/evidence_calibration.py --simulations 200 --strength 0.7
    .venv/bin/python benchmarks/evidence_calibration.py --quick   # 20 null, 5/lag, growth

A calibration, not a race: there are no sides to interleave; the rates are printed with their
simulation error.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time

import numpy as np
from scipy import stats

from kpibridge.evidence.leadlag import lead_lag
from kpibridge.evidence.leadlag_simulation import PairDesign, Scale, simulate_pair

ALPHA = 0.05


def null_rates(
    rng: np.random.Generator, simulations: int, weeks: int, scale: Scale
) -> tuple[float, float]:
    """(share flagged by lead_lag, share flagged by naive correlation of levels)."""
    flagged = naive = 0
    for _ in range(simulations):
        driver, outcome = simulate_pair(rng, PairDesign(n=weeks, scale=scale))
        result = lead_lag(driver, outcome)
        flagged += min(result.q_values) < ALPHA or result.direction != "none"
        naive += stats.pearsonr(driver, outcome).pvalue < ALPHA
    return flagged / simulations, naive / simulations


def planted_rates(
    rng: np.random.Generator,
    simulations: int,
    weeks: int,
    lead: int,
    strength: float,
    scale: Scale,
) -> tuple[float, float]:
    """(share detected at the right lag, share claiming the reverse direction)."""
    right = reverse = 0
    for _ in range(simulations):
        design = PairDesign(n=weeks, lead=lead, strength=strength, scale=scale)
        driver, outcome = simulate_pair(rng, design)
        result = lead_lag(driver, outcome)
        right += (
            result.direction in ("driver leads", "feedback")
            and result.best_lag == lead
            and result.q_value < ALPHA
        )
        reverse += result.direction in ("outcome leads", "feedback")
    return right / simulations, reverse / simulations


def error(share: float, count: int) -> float:
    """Binomial standard error of a simulated share."""
    return math.sqrt(max(share * (1 - share), 1e-12) / count)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--simulations", type=int, default=1000, help="null pairs")
    parser.add_argument("--per-lag", type=int, default=250, help="planted pairs per lag")
    parser.add_argument("--weeks", type=int, default=104)
    parser.add_argument("--strength", type=float, default=0.5, help="β of the planted lead")
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--scale", choices=("growth", "additive", "both"), default="both")
    parser.add_argument("--quick", action="store_true", help="20 null pairs, 5 per lag, growth")
    arguments = parser.parse_args(argv)
    if arguments.quick:
        arguments.simulations, arguments.per_lag, arguments.scale = 20, 5, "growth"
    print(f"load average {os.getloadavg()[0]:.1f} at start")
    rng = np.random.default_rng(arguments.seed)
    started = time.perf_counter()
    scales: list[Scale] = ["growth", "additive"] if arguments.scale == "both" else [arguments.scale]
    for scale in scales:
        report(rng, arguments, scale)
    print(
        f"({time.perf_counter() - started:.0f} s, load average {os.getloadavg()[0]:.1f} at the end)"
    )
    return 0


def report(rng: np.random.Generator, arguments: argparse.Namespace, scale: Scale) -> None:
    """Print the null and planted rates for one simulation scale."""
    count, per_lag = arguments.simulations, arguments.per_lag
    flagged, naive = null_rates(rng, count, arguments.weeks, scale)
    print(f"== scale: {scale}")
    print(f"null: {count} independent pairs, n = {arguments.weeks} weeks")
    print(f"  lead_lag flags (any q < {ALPHA}): {flagged:6.1%} ± {error(flagged, count):.1%}")
    print(f"  naive correlation of levels:     {naive:6.1%} ± {error(naive, count):.1%}")
    verdict = "met" if flagged <= ALPHA + 2 * error(ALPHA, count) else "NOT met"
    print(f"  goal ≤ 5% ± simulation error (two standard errors): {verdict}")
    print(f"planted leads, β = {arguments.strength}, {per_lag} pairs per lag")
    worst = 1.0
    for lead in (1, 2, 3, 4):
        right, reverse = planted_rates(
            rng, per_lag, arguments.weeks, lead, arguments.strength, scale
        )
        worst = min(worst, right)
        print(
            f"  lag {lead}: right lag {right:6.1%} ± {error(right, per_lag):.1%}"
            f"   reverse claimed {reverse:5.1%}"
        )
    print(f"  goal ≥ 90% at every lag: {'met' if worst >= 0.9 else 'NOT met'}")


if __name__ == "__main__":
    sys.exit(main())
