"""Benchmark: evidence figures, one section each (``--only`` runs some of them).

Sections (``SECTIONS``; another engineer adds monitoring as one more entry):

* ``screen`` — screening 50 candidate KPIs against one outcome at 12 lags on three years of
  weekly data (156 points) with ``kpibridge.evidence.leadlag.screen``, against the per-pair
  loop an analyst would write with statsmodels and scipy: for each candidate, make both
  series stationary (the same ``make_stationary``, on the pair's common differencing order),
  ``ar_select_order`` + ``AutoReg`` to
  prewhiten, ``scipy.signal.lfilter``, ``scipy.stats.pearsonr`` at every lag,
  ``grangercausalitytests`` both ways, then ``multipletests(method="fdr_bh")`` over all.
  Both run in this process, interleaved, median and range of ``--repeat`` rounds; the honesty
  check compares every
  p-value and q-value (max abs difference) and the benchmark exits 1 when they differ by more
  than 1e-9. Goal: ≥ 10× faster.

    .venv/bin/python benchmarks/evidence.py
    .venv/bin/python benchmarks/evidence.py --only screen --repeat 5
    .venv/bin/python benchmarks/evidence.py --quick        # 1 round, 10 candidates
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import signal, stats
from statsmodels.stats.multitest import multipletests
from statsmodels.tsa.ar_model import AutoReg, ar_select_order
from statsmodels.tsa.stattools import grangercausalitytests

from kpibridge.evidence.leadlag import AR_MAX_ORDER, screen
from kpibridge.evidence.leadlag_simulation import PairDesign, simulate_pair
from kpibridge.evidence.stationarity import make_stationary

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import interleaved, load, ratios, spread

CANDIDATES = 50
WEEKS = 156
MAX_LAG = 12
GOAL_RATIO = 10.0
TOLERANCE = 1e-9


@dataclass(frozen=True)
class Options:
    repeat: int
    seed: int
    candidates: int = CANDIDATES


def screening_data(seed: int, count: int = CANDIDATES) -> tuple[pd.Series, dict[str, pd.Series]]:
    """One outcome led by ``kpi_00`` (lag 2) and 49 independent candidate KPIs."""
    rng = np.random.default_rng(seed)
    driver, outcome = simulate_pair(rng, PairDesign(n=WEEKS, lead=2, strength=0.5))
    candidates = {"kpi_00": driver.rename("kpi_00")}
    for number in range(1, count):
        candidates[f"kpi_{number:02d}"] = simulate_pair(rng, PairDesign(n=WEEKS))[0]
    return outcome.rename("revenue"), candidates


def baseline_pair(driver: pd.Series, outcome: pd.Series, max_lag: int) -> np.ndarray:
    """The analyst's per-pair statsmodels/scipy pipeline: CCF p at −max_lag…max_lag, Granger
    p driver → outcome and outcome → driver at orders 1…max_lag."""
    driver_made, outcome_made = (
        make_stationary(driver, period=52),
        make_stationary(outcome, period=52),
    )
    order = max(driver_made.record.differences, outcome_made.record.differences)  # one scale
    stationary_driver = make_stationary(driver, period=52, differences=order).values
    stationary_outcome = make_stationary(outcome, period=52, differences=order).values
    common = stationary_driver.index.intersection(stationary_outcome.index)
    x, y = stationary_driver.loc[common].to_numpy(), stationary_outcome.loc[common].to_numpy()
    max_order = max(1, min(AR_MAX_ORDER, len(x) // 10))
    order = len(ar_select_order(x, max_order, ic="aic").ar_lags or [])
    phi = AutoReg(x, order).fit().params[1:] if order else np.empty(0)
    whitener = np.concatenate([[1.0], -phi])
    xw, yw = signal.lfilter(whitener, 1, x)[order:], signal.lfilter(whitener, 1, y)[order:]
    n = len(xw)
    ccf = [
        stats.pearsonr(xw[: n - k], yw[k:]).pvalue
        if k >= 0
        else stats.pearsonr(xw[-k:], yw[: n + k]).pvalue
        for k in range(-max_lag, max_lag + 1)
    ]
    forward = grangercausalitytests(np.column_stack([y, x]), max_lag)
    backward = grangercausalitytests(np.column_stack([x, y]), max_lag)
    return np.concatenate(
        [
            ccf,
            [forward[k][0]["ssr_ftest"][1] for k in range(1, max_lag + 1)],
            [backward[k][0]["ssr_ftest"][1] for k in range(1, max_lag + 1)],
        ]
    )


def baseline_screen(
    outcome: pd.Series, candidates: dict[str, pd.Series], max_lag: int
) -> tuple[np.ndarray, np.ndarray]:
    p = np.stack([baseline_pair(c, outcome, max_lag) for c in candidates.values()])
    q = multipletests(p.ravel(), method="fdr_bh")[1].reshape(p.shape)
    return p, q


def kpibridge_screen(
    outcome: pd.Series, candidates: dict[str, pd.Series], max_lag: int
) -> tuple[np.ndarray, np.ndarray]:
    found = {r.driver: r for r in screen(outcome, candidates, max_lag).results}
    ordered = [found[name] for name in candidates]
    p = np.stack([np.concatenate([r.p_values, r.granger_p_forward, r.granger_p_backward])
                  for r in ordered])  # fmt: skip
    q = np.stack([r.q_values for r in ordered])
    return p, q


def section_screen(options: Options) -> int:
    outcome, candidates = screening_data(options.seed, options.candidates)
    print(
        f"\n## screen: {options.candidates} candidates × {WEEKS} weeks, lags −{MAX_LAG}…{MAX_LAG}"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # statsmodels' verbose/FutureWarnings in the baseline
        kpibridge_screen(outcome, candidates, MAX_LAG)  # warm-up: imports, caches
        times, results = interleaved(  # machine noise lands on both
            {
                "ours": lambda: kpibridge_screen(outcome, candidates, MAX_LAG),
                "base": lambda: baseline_screen(outcome, candidates, MAX_LAG),
            },
            options.repeat,
        )
        ours_runs, base_runs = times["ours"], times["base"]
        (ours_p, ours_q), (base_p, base_q) = results["ours"], results["base"]
    p_difference = float(np.nanmax(np.abs(ours_p - base_p)))
    q_difference = float(
        np.nanmax(np.abs(ours_q[:, : 2 * MAX_LAG + 1] - base_q[:, : 2 * MAX_LAG + 1]))
    )
    tests = ours_p.size
    speedups = ratios(base_runs, ours_runs)
    ratio = statistics.median(speedups)
    print(f"tests in the BH family: {tests} ({options.candidates} pairs × {ours_p.shape[1]})")
    print(f"{'kpibridge screen (batched numpy)':<38}{spread(ours_runs)}")
    print(f"{'per-pair statsmodels/scipy loop':<38}{spread(base_runs)}")
    print(f"  kpibridge runs (s): {', '.join(f'{r:.3f}' for r in ours_runs)}")
    print(f"  baseline runs (s): {', '.join(f'{r:.3f}' for r in base_runs)}")
    print(f"max |Δp| = {p_difference:.2e}, max |Δq| (correlations) = {q_difference:.2e}")
    verdict = "met" if ratio >= GOAL_RATIO else "NOT met"
    print(f"speed-up per round: {spread(speedups, '×', 1)} (goal ≥ {GOAL_RATIO:g}×): {verdict}")
    if max(p_difference, q_difference) > TOLERANCE:
        print(f"honesty check FAILED: p- or q-values differ by more than {TOLERANCE:g}")
        return 1
    return 0


SECTIONS: dict[str, Callable[[Options], int]] = {"screen": section_screen}
"""Name → section; each prints its figures and returns an exit status (0: honest figures)."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="+", choices=sorted(SECTIONS), help="sections to run")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="1 round, 10 candidates")
    arguments = parser.parse_args(argv)
    options = Options(repeat=arguments.repeat, seed=arguments.seed)
    if arguments.quick:
        options = Options(repeat=1, seed=arguments.seed, candidates=10)
    print(f"{time.strftime('%Y-%m-%d %H:%M')}, Python {platform.python_version()}, "
          f"numpy {np.__version__}, pandas {pd.__version__}, {load()} at start")  # fmt: skip
    status = 0
    for name in arguments.only or list(SECTIONS):
        status = max(status, SECTIONS[name](options))
    print(f"{load()} at the end")
    return status


if __name__ == "__main__":
    sys.exit(main())
