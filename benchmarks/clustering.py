"""Benchmark: re-clustering reaction groups as votes arrive, cold against warm-started.

Issue 14's goal: 1,000 participants × 200 statements re-clustered in ≤ 1 s on this machine
(two cores, shared). The conversation is simulated: three planted opinion groups (each leans
agree or disagree on each statement), every participant would vote on about half of the
statements, and the votes arrive in a random order. The run starts with 60 % of the votes in,
then adds ``--batch`` votes per update (Pol.is recomputes in batches, too) and re-clusters:

* **cold** — ``cluster_reactions(matrix)`` from scratch: map, base clusters, k = 2..5, the
  five shuffled copies of the separation check;
* **warm** — ``cluster_reactions(matrix, previous=last_warm)``: k-means from the previous
  centres, the shuffled copies' silhouettes reused until the analysed audience changed by
  ``NULL_REFRESH`` (see ``kpibridge.align.reactions``).

Cold and warm run on the same matrices, interleaved (cold first on even updates, warm first on
odd ones) so that a burst of load from other processes hits both. Printed: median, quartiles
and range of each; the load average at start and end; and how far the warm result is from the
cold one on each update (adjusted Rand index of the labels, same k, same separation label).

    /work/main/.venv/bin/python benchmarks/clustering.py            # 30 updates
    /work/main/.venv/bin/python benchmarks/clustering.py --quick    # 6 updates, a quick try
    /work/main/.venv/bin/python benchmarks/clustering.py --joining 0.3   # people join late
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import numpy as np
from sklearn.metrics import adjusted_rand_score

from kpibridge.align.reactions import ReactionClusters, cluster_reactions

GOAL_SECONDS = 1.0
START_SHARE = 0.6


def conversation(
    participants: int, statements: int, groups: int, seed: int, joining: float = 0.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every vote the conversation will hold, the order they arrive in, and the truth.

    ``joining``: this share of the participants cast all their votes after everyone else's
    (people joining late), so the analysed audience grows during the run."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, groups, participants)
    lean = rng.choice([-1.0, 1.0], size=(groups, statements))
    agree = 0.5 + 0.4 * lean[truth] * rng.uniform(0.5, 1, size=(1, statements))
    draw = rng.random((participants, statements))
    votes = np.where(draw < agree * 0.85, 1.0, np.where(draw < 0.85, -1.0, 0.0))
    cast = rng.permutation(np.flatnonzero(rng.random(participants * statements) < 0.5))
    late = rng.random(participants) < joining
    order = np.argsort(late[cast // statements], kind="stable")  # early voters' cells first
    return votes.astype(np.float32), cast[order], truth


def spread(times: list[float]) -> str:
    q1, median, q3 = np.percentile(times, [25, 50, 75])
    return (
        f"median {median:.3f} s, quartiles {q1:.3f}–{q3:.3f} s, "
        f"range {min(times):.3f}–{max(times):.3f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=1_000)
    parser.add_argument("--statements", type=int, default=200)
    parser.add_argument("--groups", type=int, default=3)
    parser.add_argument("--updates", type=int, default=30)
    parser.add_argument("--batch", type=int, default=1_000, help="votes added per update")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="6 updates")
    parser.add_argument(
        "--joining",
        type=float,
        default=0.0,
        help="share of participants who join late (the audience grows; shuffled copies redrawn)",
    )
    arguments = parser.parse_args()
    updates = 6 if arguments.quick else arguments.updates

    votes, arrival, truth = conversation(
        arguments.participants,
        arguments.statements,
        arguments.groups,
        arguments.seed,
        arguments.joining,
    )
    start = int(len(arrival) * START_SHARE)
    if start + updates * arguments.batch > len(arrival):
        parser.error("too many updates × batch for the votes the conversation holds")
    print(
        f"{arguments.participants:,} participants × {arguments.statements} statements, "
        f"{arguments.groups} planted groups; {start:,} votes in, then {updates} updates of "
        f"{arguments.batch:,} votes; {arguments.joining:.0%} join late. "
        f"Python {platform.python_version()}, "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start"
    )
    matrix = np.full(votes.shape, np.nan, dtype=np.float32)

    def add(cells: np.ndarray) -> None:
        rows, columns = np.divmod(cells, arguments.statements)
        matrix[rows, columns] = votes[rows, columns]

    add(arrival[:start])
    previous: ReactionClusters = cluster_reactions(matrix, seed=0)  # the state before update 1
    cold_times: list[float] = []
    warm_times: list[float] = []
    redraw_times: list[float] = []
    rand: list[float] = []
    same_k = same_label = redrawn = 0
    for update in range(updates):
        first = start + update * arguments.batch
        add(arrival[first : first + arguments.batch])
        results: dict[str, ReactionClusters] = {}
        sides = ("cold", "warm") if update % 2 == 0 else ("warm", "cold")
        for side in sides:
            began = time.perf_counter()
            if side == "cold":
                results[side] = cluster_reactions(matrix, seed=0)
            else:
                results[side] = cluster_reactions(matrix, seed=0, previous=previous)
            (cold_times if side == "cold" else warm_times).append(time.perf_counter() - began)
        cold, warm = results["cold"], results["warm"]
        if warm.null_silhouettes != previous.null_silhouettes:
            redrawn += 1
            redraw_times.append(warm_times[-1])
        previous = warm
        rand.append(adjusted_rand_score(cold.labels, warm.labels))
        same_k += cold.k == warm.k
        cold_label = cold.separation.label if cold.separation else None
        warm_label = warm.separation.label if warm.separation else None
        same_label += cold_label == warm_label
    final = previous
    print(f"cold: {spread(cold_times)}")
    print(f"warm: {spread(warm_times)}")
    if redraw_times:
        print(f"warm runs that redrew the shuffled copies: {spread(redraw_times)}")
    median_warm = statistics.median(warm_times)
    verdict = "met" if median_warm <= GOAL_SECONDS else "NOT met"
    print(
        f"goal ≤ {GOAL_SECONDS:g} s per re-clustering (warm median): {verdict}; "
        f"warm is {statistics.median(cold_times) / median_warm:.1f}× faster than cold"
    )
    print(
        f"warm against cold: adjusted Rand of labels median {statistics.median(rand):.3f}, "
        f"lowest {min(rand):.3f}; same k in {same_k}/{updates}, same separation label in "
        f"{same_label}/{updates}; the warm runs drew new shuffled copies {redrawn} times"
    )
    print(
        f"last warm result: k = {final.k}, "
        f"{final.separation.sentence if final.separation else 'no separation label'} "
        f"adjusted Rand against the planted groups {adjusted_rand_score(truth, final.labels):.3f}"
    )
    print(f"load average {os.getloadavg()[0]:.1f} at the end (2 cores shared with others)")


if __name__ == "__main__":
    main()
