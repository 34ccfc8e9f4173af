"""Benchmark: the consensus engine of alignment rounds (``kpibridge.align``).

Sections (one function each, listed in ``SECTIONS``; run one with ``--only NAME``):

* **kemeny** — exact Kemeny-Young on 40 and 60 candidates × 1000 ballots, the profile
  computation included, median of ``--repeat`` runs. Ballots are drawn from a Mallows model
  (repeated insertion around one reference order, dispersion φ): φ = 0.9 is the realistic
  case (people broadly agree, with noise), φ = 0.99 nearly uniform, φ = 1 uniform — the hard
  case, reported as measured (it varies a lot with the draw: some uniform 60 × 1000 profiles
  need a long branch-and-bound and end, at the default 10 s limit, with the local-search
  order and its gap). Goals: 40 × 1000 ≤ 0.5 s, 60 × 1000 ≤ 5 s (realistic case).
* **brute_force** — pref_voting's ``kemeny_young`` (every permutation) at 9 candidates against
  ours on the same profile: the same optimal agreement, and ours ≥ 100× faster.

More sections (the full round analysis, reaction clustering …) are added by writing one
function that takes the parsed arguments and returns printed lines, and naming it in
``SECTIONS``.

    .venv/bin/python benchmarks/align.py
    .venv/bin/python benchmarks/align.py --only kemeny --repeat 5
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable

import numpy as np

from kpibridge.align.kemeny import kemeny
from kpibridge.align.profile import Profile

GOAL_KEMENY_SECONDS = {40: 0.5, 60: 5.0}
GOAL_BRUTE_FORCE_RATIO = 100.0
BALLOTS = 1000


def mallows_orders(n: int, ballots: int, dispersion: float, seed: int) -> np.ndarray:
    """Ballots × n candidate indices, Mallows(φ = dispersion) around 0, 1, …, n − 1.

    Repeated insertion (Doignon et al. 2004): candidate i goes to place j ≤ i with
    probability ∝ φ^(i − j). Vectorised over ballots, one candidate at a time.
    """
    rng = np.random.default_rng(seed)
    orders = np.full((ballots, n), -1, dtype=np.int64)
    for i in range(n):
        weights = dispersion ** np.arange(i, -1, -1, dtype=float)
        places = rng.choice(i + 1, size=ballots, p=weights / weights.sum())
        # shift the tail right by one from each ballot's insertion place
        columns = np.arange(n)
        shifted = np.where(
            columns[None, 1 : i + 1] > places[:, None],
            orders[:, 0:i],
            orders[:, 1 : i + 1],
        )
        orders[:, 1 : i + 1] = shifted
        orders[np.arange(ballots), places] = i
    return orders


def profile_from(orders: np.ndarray) -> Profile:
    candidates = [f"kpi{i:02d}" for i in range(orders.shape[1])]
    return Profile.from_orders(candidates, [[candidates[i] for i in row] for row in orders])


def _median_seconds(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def section_kemeny(arguments: argparse.Namespace) -> list[str]:
    lines = [f"Kemeny-Young, {BALLOTS} ballots, median of {arguments.repeat} (profile included)"]
    for n in (40, 60):
        for dispersion in (0.9, 0.99, 1.0):
            orders = mallows_orders(n, BALLOTS, dispersion, seed=n)
            results: list[dict[str, object]] = []

            def run(
                orders: np.ndarray = orders, results: list[dict[str, object]] = results
            ) -> None:
                results.append(dict(kemeny(profile_from(orders)).details))

            seconds = _median_seconds(run, arguments.repeat)
            details = results[-1]
            components = details["components"]
            largest = max(components) if isinstance(components, list) else "?"
            goal = GOAL_KEMENY_SECONDS[n]
            verdict = ""
            if dispersion < 1.0:
                verdict = "meets goal" if seconds <= goal else "MISSES goal"
                verdict += f" ≤ {goal:g} s"
            lines.append(
                f"  n={n:2d} φ={dispersion:<4g} {seconds:7.3f} s  exact={details['exact']!s:5} "
                f"gap={float(str(details['gap'])):.2e} largest component={largest}  {verdict}"
            )
    return lines


def section_brute_force(arguments: argparse.Namespace) -> list[str]:
    from pref_voting.profiles import Profile as ReferenceProfile
    from pref_voting.voting_methods import kemeny_young

    n = 9
    rng = np.random.default_rng(9)
    orders = np.array([rng.permutation(n) for _ in range(51)])
    ours: list[tuple[str, ...]] = []
    reference = ReferenceProfile(orders.tolist())
    ours_seconds = _median_seconds(
        lambda: ours.append(kemeny(profile_from(orders)).order), arguments.repeat
    )
    winners: list[list[int]] = []
    reference_seconds = _median_seconds(lambda: winners.append(list(kemeny_young(reference))), 1)
    profile = profile_from(orders)
    pairwise = profile.pairwise()
    index = [profile.candidates.index(c) for c in ours[-1]]
    score = float(np.triu(pairwise[np.ix_(index, index)], k=1).sum())
    permutations = np.array(list(itertools.permutations(range(n))), dtype=np.int64)
    totals = np.zeros(len(permutations))
    for i, j in itertools.combinations(range(n), 2):
        totals += pairwise[permutations[:, i], permutations[:, j]]
    best = float(totals.max())
    ratio = reference_seconds / ours_seconds
    same = score == best and index[0] in winners[-1]
    return [
        f"Kemeny-Young at {n} candidates × {len(orders)} ballots vs pref_voting kemeny_young",
        f"  pref_voting {reference_seconds:8.3f} s   ours {ours_seconds:8.4f} s   "
        f"ratio {ratio:7.0f}×  "
        f"{'meets' if ratio >= GOAL_BRUTE_FORCE_RATIO else 'MISSES'} goal ≥ "
        f"{GOAL_BRUTE_FORCE_RATIO:g}×",
        f"  same answer: {same} (agreement {score:g}, brute-force optimum {best:g}; "
        f"our winner among pref_voting's winners {winners[-1]})",
    ]


SECTIONS: dict[str, Callable[[argparse.Namespace], list[str]]] = {
    "kemeny": section_kemeny,
    "brute_force": section_brute_force,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--only", choices=sorted(SECTIONS), help="run one section")
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing (median)")
    arguments = parser.parse_args(argv)
    print(
        f"python {platform.python_version()}, {os.cpu_count()} cores, "
        f"{platform.machine()} {platform.system()}"
    )
    for name, section in SECTIONS.items():
        if arguments.only in (None, name):
            print()
            print("\n".join(section(arguments)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
