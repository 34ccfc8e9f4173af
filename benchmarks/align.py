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

* **analysis** — ``align.analyze`` on a round of 30 candidates × 200 participants (rankings
  from three Mallows factions, criteria scores and AHP judgments from a quarter of them,
  reactions from everyone): goal ≤ 3 s.
* **reactions** — Pol.is-style clustering at Pol.is scale, 10,000 participants × 1,000
  statements, 30% of cells voted, three planted groups: goal ≤ 10 s and ≤ 2 GB (peak resident
  memory of the process, which includes generating the data).

* **hard** — exact Kemeny on uniform (φ = 1) 60 × 1000 profiles, ``--draws`` independent
  draws (default 6): time, exact or not and gap per draw; goal exact in ≤ 5 s in at least 5 of
  6 draws. Not run by ``--quick`` (one hard draw can take the whole 10 s limit).

Every timing is the median and range of ``--repeat`` runs; ``--quick`` runs each section once
on smaller inputs. A wrong answer (brute force disagreeing with ours) exits 1.

More sections are added by writing one function that takes the parsed arguments and returns
printed lines, and naming it in ``SECTIONS``.

    .venv/bin/python benchmarks/align.py
    .venv/bin/python benchmarks/align.py --only kemeny --repeat 5
    .venv/bin/python benchmarks/align.py --only hard --draws 6
    .venv/bin/python benchmarks/align.py --quick
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import resource
import statistics
import sys
import time
from collections.abc import Callable

import numpy as np
from sklearn.metrics import adjusted_rand_score

from kpibridge.align.analyze import analyze
from kpibridge.align.inputs import CandidateInfo, ParticipantInfo, RoundInput
from kpibridge.align.kemeny import kemeny
from kpibridge.align.profile import Profile
from kpibridge.align.reactions import cluster_reactions
from kpibridge.model.rounds import Ballot

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _timing import fail, interleaved, load, ratios, spread

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


def _times(run: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return times


def section_kemeny(arguments: argparse.Namespace) -> list[str]:
    lines = [f"Kemeny-Young, {BALLOTS} ballots, {arguments.repeat} run(s) (profile included)"]
    sizes, dispersions = ((40,), (0.9,)) if arguments.quick else ((40, 60), (0.9, 0.99, 1.0))
    for n in sizes:
        for dispersion in dispersions:
            orders = mallows_orders(n, BALLOTS, dispersion, seed=n)
            results: list[dict[str, object]] = []

            def run(
                orders: np.ndarray = orders, results: list[dict[str, object]] = results
            ) -> None:
                results.append(dict(kemeny(profile_from(orders)).details))

            times = _times(run, arguments.repeat)
            seconds = statistics.median(times)
            details = results[-1]
            components = details["components"]
            largest = max(components) if isinstance(components, list) else "?"
            goal = GOAL_KEMENY_SECONDS[n]
            verdict = ""
            if dispersion < 1.0:
                verdict = "meets goal" if seconds <= goal else "MISSES goal"
                verdict += f" ≤ {goal:g} s"
            lines.append(
                f"  n={n:2d} φ={dispersion:<4g} {spread(times)}  exact={details['exact']!s:5} "
                f"gap={float(str(details['gap'])):.2e} largest component={largest}  {verdict}"
            )
    return lines


def section_brute_force(arguments: argparse.Namespace) -> list[str]:
    from pref_voting.profiles import Profile as ReferenceProfile
    from pref_voting.voting_methods import kemeny_young

    n = 7 if arguments.quick else 9  # pref_voting tries every permutation: 9! takes ~10 s
    rng = np.random.default_rng(9)
    orders = np.array([rng.permutation(n) for _ in range(51)])
    ours: list[tuple[str, ...]] = []
    reference = ReferenceProfile(orders.tolist())
    winners: list[list[int]] = []
    times, _ = interleaved(
        {
            "ours": lambda: ours.append(kemeny(profile_from(orders)).order),
            "pref_voting": lambda: winners.append(list(kemeny_young(reference))),
        },
        1 if arguments.quick else arguments.repeat,
    )
    speedups = ratios(times["pref_voting"], times["ours"])
    profile = profile_from(orders)
    pairwise = profile.pairwise()
    index = [profile.candidates.index(c) for c in ours[-1]]
    score = float(np.triu(pairwise[np.ix_(index, index)], k=1).sum())
    permutations = np.array(list(itertools.permutations(range(n))), dtype=np.int64)
    totals = np.zeros(len(permutations))
    for i, j in itertools.combinations(range(n), 2):
        totals += pairwise[permutations[:, i], permutations[:, j]]
    best = float(totals.max())
    ratio = statistics.median(speedups)
    same = score == best and index[0] in winners[-1]
    lines = [
        f"Kemeny-Young at {n} candidates × {len(orders)} ballots vs pref_voting kemeny_young",
        f"  pref_voting {spread(times['pref_voting'])}   ours {spread(times['ours'], digits=4)}",
        f"  ratio per round {spread(speedups, '×', 0)}  "
        f"{'meets' if ratio >= GOAL_BRUTE_FORCE_RATIO else 'MISSES'} goal ≥ "
        f"{GOAL_BRUTE_FORCE_RATIO:g}×",
        f"  same answer: {same} (agreement {score:g}, brute-force optimum {best:g}; "
        f"our winner among pref_voting's winners {winners[-1]})",
    ]
    if not same:
        print("\n".join(lines))
        fail("our Kemeny order is not optimal or its winner is not among pref_voting's")
    return lines


GOAL_ANALYSIS_SECONDS = 3.0
GOAL_REACTIONS_SECONDS = 10.0
GOAL_REACTIONS_GIB = 2.0


def planted_round(candidates: int, participants: int, seed: int) -> RoundInput:
    """A round with three factions (rotated reference orders), some scores and judgments."""
    rng = np.random.default_rng(seed)
    ids = [f"kpi_{i:02d}" for i in range(candidates)]
    criteria = ("goal_alignment", "measurability", "actionability", "timeliness")
    factions = [np.roll(np.arange(candidates), shift) for shift in (0, 10, 20)]
    ballots = []
    for person in range(participants):
        faction = person % 3
        order = mallows_orders(candidates, 1, 0.8, seed + person)[0]
        ranking = [ids[factions[faction][i]] for i in order]
        ballot: dict[str, object] = {"participant": f"p{person:03d}", "ranking": ranking}
        if person % 4 == 0:
            ballot["scores"] = {
                c: {k: int(rng.integers(1, 6)) for k in criteria} for c in ranking[:8]
            }
            ballot["comparisons"] = [
                [a, b, float(rng.choice([1, 2, 3, 1 / 2, 1 / 3]))]
                for a, b in itertools.combinations(criteria, 2)
            ]
        favourite = set(ranking[: candidates // 3])
        ballot["reactions"] = {
            c: "agree" if c in favourite else "disagree" for c in ids if rng.random() < 0.6
        }
        ballots.append(Ballot.model_validate(ballot))
    return RoundInput(
        id="bench",
        question="Which KPIs?",
        select=5,
        criteria=criteria,
        candidates=tuple(
            CandidateInfo(c, c.upper(), goal=f"goal{i % 4}", qualitative=i % 7 == 0)
            for i, c in enumerate(ids)
        ),
        participants=tuple(
            ParticipantInfo(f"p{i:03d}", f"P{i}", ("marketing", "sales", "finance")[i % 3])
            for i in range(participants)
        ),
        ballots=tuple(ballots),
    )


def section_analysis(arguments: argparse.Namespace) -> list[str]:
    candidates, participants = (12, 30) if arguments.quick else (30, 200)
    round_ = planted_round(candidates, participants, seed=1)
    times = _times(lambda: analyze(round_), arguments.repeat)
    seconds = statistics.median(times)
    result = analyze(round_)
    groups = ", ".join(f"{g.source}: k = {g.k}" for g in result.groups)
    verdict = "met" if seconds <= GOAL_ANALYSIS_SECONDS else "NOT met"
    return [
        f"Full round analysis, {candidates} candidates × {participants} participants",
        f"  {spread(times, digits=2)} (goal ≤ {GOAL_ANALYSIS_SECONDS:g} s: {verdict}); "
        f"groups found: {groups}",
    ]


def section_reactions(arguments: argparse.Namespace) -> list[str]:
    rng = np.random.default_rng(5)
    participants, statements, groups = (600, 100, 3) if arguments.quick else (10_000, 1_000, 3)
    labels = rng.integers(0, groups, participants)
    leaning = rng.uniform(0.1, 0.9, (groups, statements)).astype(np.float32)
    agree = rng.random((participants, statements), dtype=np.float32) < leaning[labels]
    matrix = np.where(agree, np.float32(1), np.float32(-1))
    matrix[rng.random((participants, statements)) >= 0.3] = np.nan
    start = time.perf_counter()
    found = cluster_reactions(matrix, seed=0)
    seconds = time.perf_counter() - start
    peak_gib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    rand = adjusted_rand_score(labels, found.labels)
    ok = seconds <= GOAL_REACTIONS_SECONDS and peak_gib <= GOAL_REACTIONS_GIB
    return [
        f"Reaction clustering, {participants:,} participants × {statements:,} statements "
        "(30% voted, 3 groups; one run)",
        f"  {seconds:.2f} s, peak RSS {peak_gib:.2f} GiB (goals ≤ {GOAL_REACTIONS_SECONDS:g} s, "
        f"≤ {GOAL_REACTIONS_GIB:g} GiB: {'met' if ok else 'NOT met'}); k = {found.k}, "
        f"adjusted Rand vs planted {rand:.3f}",
    ]


def section_hard(arguments: argparse.Namespace) -> list[str]:
    """Uniform 60 × 1000 profiles, one run per draw: the spread is across draws."""
    lines = [f"Exact Kemeny on uniform 60 × {BALLOTS} profiles, {arguments.draws} draws"]
    fast = 0
    times = []
    for draw in range(arguments.draws):
        orders = mallows_orders(60, BALLOTS, 1.0, seed=1000 + draw)
        started = time.perf_counter()
        details = dict(kemeny(profile_from(orders)).details)
        seconds = time.perf_counter() - started
        times.append(seconds)
        fast += bool(details["exact"]) and seconds <= 5.0
        lines.append(
            f"  draw {draw}: {seconds:6.2f} s exact={details['exact']!s:5} "
            f"gap={float(str(details['gap'])):.2e} components={details['components']}"
        )
    verdict = "met" if fast >= arguments.draws * 5 / 6 else "NOT met"
    lines.append(
        f"  {spread(times, digits=2)}; exact in ≤ 5 s in {fast}/{arguments.draws} draws "
        f"(goal ≥ 5 of 6: {verdict})"
    )
    return lines


SECTIONS: dict[str, Callable[[argparse.Namespace], list[str]]] = {
    "kemeny": section_kemeny,
    "brute_force": section_brute_force,
    "analysis": section_analysis,
    "reactions": section_reactions,
    "hard": section_hard,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--only", choices=sorted(SECTIONS), help="run one section")
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing (median)")
    parser.add_argument("--draws", type=int, default=6, help="uniform profiles of `hard`")
    parser.add_argument("--quick", action="store_true", help="each section once, small inputs")
    arguments = parser.parse_args(argv)
    if arguments.quick:
        arguments.repeat = 1
    print(
        f"python {platform.python_version()}, {os.cpu_count()} cores, "
        f"{platform.machine()} {platform.system()}, {load()} at start"
    )
    for name, section in SECTIONS.items():
        if arguments.only == name or (
            arguments.only is None and not (arguments.quick and name == "hard")
        ):
            print()
            print("\n".join(section(arguments)))
    print(f"\n{load()} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
