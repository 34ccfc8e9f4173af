"""Kemeny-Young: the strict order that agrees with the most pairwise preferences.

The *agreement* of an order is ``Σ N[a, b]`` over the pairs it places a above b (``N`` from
:meth:`Profile.pairwise`); maximising it is minimising the weighted Kendall tau distance to
the ballots (Kemeny 1959; Young and Levenglick 1978). Three steps make the exact answer
cheap in practice:

1. **Components.** Candidates are split into the strongly connected components of the weak
   majority graph (an edge a → b when ``N[a, b] ≥ N[b, a]``). Between two components every
   pair has a strict majority in the same direction, so sorting any order by component
   (stably) only turns pairs the majority's way: every optimal order keeps the components in
   their majority order (the extended Condorcet criterion, Truchon 1998, *An extension of
   the Condorcet criterion and Kemeny orders*). Each component is solved alone.
2. **Local search.** A start from the tie-break order (Borda, then round order) improved by
   insertion moves (take one candidate, put it at its best place) until none helps. It is
   the fallback, and usually already optimal.
3. **Integer program.** Binary ``x[a, b]`` for a < b (``x[b, a] = 1 − x[a, b]``), maximise
   ``Σ margins[a, b]·x[a, b]``, solved with HiGHS through :func:`scipy.optimize.milp`. The
   transitivity ("no 3-cycle") constraints are added lazily: solve, find the 3-cycles of the
   solution, add exactly the constraints they violate, solve again, until the solution is
   an order. The first solve starts from the 3-cycles of the majority graph itself.

A component larger than ``exact_limit``, or one left when ``time_limit`` runs out, keeps the
local-search order; ``details`` then says ``exact: false`` and gives the relative gap to the
upper bound ``Σ max(N[a, b], N[b, a])``.

**Ties.** When several orders reach the optimum, the one that agrees most with the tie-break
order (Borda, then round order) is chosen: the objective gets a secondary term
``ε·Σ s[a, b]·x[a, b]`` (``s = ±1`` by the tie-break order) with ``ε`` too small to outweigh
any real difference in agreement. That needs the grain of the weights (1 for whole weights,
0.5 for halves …); for weights without a small common grain the secondary term is dropped and
the solver's choice among equal optima stands. Every two neighbours of the final order with
a zero margin — the swaps that keep the score — are reported in ``tie_breaks``; optima that
differ by more than a neighbour swap are not enumerated.

Checked against brute force over all permutations and pref_voting's ``kemeny_young``.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import csr_array, vstack

from kpibridge.align.kemeny_ties import (
    MAX_ALTERNATIVES,
    kemeny_ties,
    majority_components,
    tie_sentences,
)
from kpibridge.align.profile import ConsensusResult, Profile, _number, tie_break_positions

WEIGHT_GRAINS = (1, 2, 4, 5, 10, 20, 100, 1000)
"""Denominators tried to find a common grain of the weights (see the module docstring)."""
MAX_ROUNDS = 200
"""Lazy-constraint rounds before a component is handed to the heuristic."""
_VIOLATION = 1e-6


def _weight_grain(profile: Profile) -> float | None:
    """The largest 1/q (q in WEIGHT_GRAINS) of which every weight is a whole multiple."""
    weights = np.asarray(profile.weights, dtype=float)
    for denominator in WEIGHT_GRAINS:
        scaled = weights * denominator
        if np.allclose(scaled, np.round(scaled), atol=1e-9):
            return 1.0 / denominator
    return None


def _objective_matrix(profile: Profile, margins: np.ndarray) -> np.ndarray:
    """Margins plus the secondary tie-break term ``ε·s`` (antisymmetric)."""
    n = len(margins)
    grain = _weight_grain(profile)
    if grain is None or n < 2:
        return margins.copy()
    positions = tie_break_positions(profile)
    preference = np.sign(positions[None, :] - positions[:, None]).astype(float)
    epsilon = 0.5 * grain / (n * (n - 1) / 2 + 1)
    return np.asarray(margins + epsilon * preference)


def local_search(objective: np.ndarray, start: list[int]) -> list[int]:
    """Improve ``start`` by the best insertion move until no move gains.

    Moving the candidate at place p to place j < p gains ``Σ_{q=j}^{p-1} C[p, q]``; to j > p
    gains ``Σ_{q=p+1}^{j} C[q, p]`` (``C`` antisymmetric, reordered along the order). Both
    are cumulative sums, so one pass over every move is a few vectorised n × n operations.
    """
    order = list(start)
    n = len(order)
    if n < 3:
        if n == 2 and objective[order[1], order[0]] > 0:
            order.reverse()
        return order
    for _ in range(50 * n * n):
        index = np.asarray(order)
        c = objective[np.ix_(index, index)]
        # up[p, j] = Σ_{q=j}^{p-1} c[p, q] for j < p
        prefix = np.concatenate([np.zeros((n, 1)), np.cumsum(c, axis=1)], axis=1)
        up = prefix[np.arange(n), np.arange(n)][:, None] - prefix[:, :n]
        up = np.where(np.tri(n, k=-1, dtype=bool), up, -np.inf)
        # down[p, j] = Σ_{q=p+1}^{j} c[q, p] for j > p
        below = np.cumsum(c.T, axis=1)  # below[p, j] = Σ_{q≤j} c[q, p]
        down = below - below[np.arange(n), np.arange(n)][:, None]
        down = np.where(np.tri(n, k=-1, dtype=bool).T, down, -np.inf)
        gains = np.maximum(up, down)
        best = int(np.argmax(gains))
        p, j = divmod(best, n)
        if gains[p, j] <= 1e-12 * max(1.0, float(np.abs(c).max())):
            break
        moved = order.pop(p)
        order.insert(j, moved)
    return order


def _agreement(pairwise: np.ndarray, order: list[int]) -> float:
    index = np.asarray(order, dtype=np.int64)
    reordered = pairwise[np.ix_(index, index)]
    return float(np.triu(reordered, k=1).sum())


@dataclass
class _Triangles:
    """Transitivity rows over the pair variables of one component of size m."""

    m: int

    def __post_init__(self) -> None:
        m = self.m
        pair = np.full((m, m), -1, dtype=np.int64)
        upper = np.triu_indices(m, k=1)
        pair[upper] = np.arange(len(upper[0]))
        self.pair = pair
        triples = np.fromiter(
            itertools.chain.from_iterable(itertools.combinations(range(m), 3)), dtype=np.int64
        )
        i, j, k = triples.reshape(-1, 3).T
        self.ij, self.jk, self.ik = pair[i, j], pair[j, k], pair[i, k]

    def violated(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Indices of triples whose forward / backward cycle constraint ``x`` violates."""
        forward = x[self.ij] + x[self.jk] - x[self.ik] > 1 + _VIOLATION
        backward = x[self.ik] - x[self.ij] - x[self.jk] > _VIOLATION
        return np.flatnonzero(forward), np.flatnonzero(backward)

    def rows(self, forward: np.ndarray, backward: np.ndarray) -> tuple[csr_array, np.ndarray]:
        """Rows ``x_ij + x_jk − x_ik ≤ 1`` and ``x_ik − x_ij − x_jk ≤ 0``, with upper bounds."""
        count = len(forward) + len(backward)
        triples = np.concatenate([forward, backward])
        sign = np.concatenate([np.ones(len(forward)), -np.ones(len(backward))])
        rows = np.repeat(np.arange(count), 3)
        columns = np.stack([self.ij[triples], self.jk[triples], self.ik[triples]], axis=1)
        values = np.stack([sign, sign, -sign], axis=1)
        matrix = csr_array((values.ravel(), (rows, columns.ravel())), shape=(count, self.pairs))
        upper = np.concatenate([np.ones(len(forward)), np.zeros(len(backward))])
        return matrix, upper

    @property
    def pairs(self) -> int:
        return self.m * (self.m - 1) // 2


def _order_from_pairs(x: np.ndarray, m: int) -> list[int]:
    """The order a transitive 0/1 pair vector describes (most wins first)."""
    above = np.zeros((m, m))
    upper = np.triu_indices(m, k=1)
    above[upper] = x
    above[upper[1], upper[0]] = 1 - x
    return np.argsort(-above.sum(axis=1), kind="stable").tolist()


def _solve_exact(objective: np.ndarray, deadline: float) -> list[int] | None:
    """Optimal order of one component by lazy constraints, or None when out of time.

    Rounds first solve the linear relaxation (cheap; with many voters it is usually integral
    already), then — only if the relaxation stays fractional with no violated triangle — the
    integer program; each round adds the triangles the last solution violates.
    """
    m = len(objective)
    triangles = _Triangles(m)
    upper = np.triu_indices(m, k=1)
    cost = -objective[upper]
    x = (cost < 0).astype(float)  # the majority tournament: the unconstrained optimum
    blocks: list[csr_array] = []
    bounds: list[np.ndarray] = []
    integer = False
    for _ in range(MAX_ROUNDS):
        forward, backward = triangles.violated(x)
        fractional = bool(np.abs(x - np.round(x)).max() > _VIOLATION)
        if not len(forward) and not len(backward):
            if not fractional:
                return _order_from_pairs(np.round(x), m)
            integer = True
        else:
            matrix, bound = triangles.rows(forward, backward)
            blocks.append(matrix)
            bounds.append(bound)
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            return None
        solved = _solve_round(cost, vstack(blocks), np.concatenate(bounds), integer, remaining)
        if solved is None:
            return None
        x = solved
    return None


def _solve_round(
    cost: np.ndarray, matrix: csr_array, upper: np.ndarray, integer: bool, seconds: float
) -> np.ndarray | None:
    """One HiGHS solve over the pair variables in [0, 1]: linear, or integer if asked."""
    if integer:
        result = milp(
            cost,
            constraints=LinearConstraint(matrix, -np.inf, upper),
            integrality=np.ones(len(cost)),
            bounds=Bounds(0, 1),
            options={"time_limit": seconds, "mip_rel_gap": 0.0},
        )
        return None if result.status != 0 or result.x is None else np.round(result.x)
    result = linprog(
        cost,
        A_ub=matrix,
        b_ub=upper,
        bounds=(0, 1),
        method="highs",
        options={"time_limit": seconds},
    )
    return None if result.status != 0 or result.x is None else np.asarray(result.x)


def kemeny(profile: Profile, *, exact_limit: int = 80, time_limit: float = 10.0) -> ConsensusResult:
    """The Kemeny-Young order (see the module docstring for the method and its ties).

    Args:
        profile: The ballots.
        exact_limit: Components of the majority graph larger than this are ordered by local
            search instead of the integer program.
        time_limit: Seconds for all the integer programs together; components left when it
            runs out keep the local-search order.

    ``scores`` are ``n − 1 − place``; ``details`` holds ``exact``, ``score`` (the agreement),
    ``upper_bound``, ``gap`` (relative, 0 when exact) and ``components`` (their sizes, in
    order).

    >>> kemeny(Profile.from_orders("abc", ["abc", "bca", "cab", "abc"])).order
    ('a', 'b', 'c')
    """
    started = time.perf_counter()
    deadline = started + time_limit
    names = profile.candidates
    n = len(names)
    pairwise = profile.pairwise()
    margins = profile.margins()
    objective = _objective_matrix(profile, margins)
    positions = tie_break_positions(profile)
    components = majority_components(margins, profile.tolerance) if n else []
    order: list[int] = []
    exact = True
    for group in components:
        start = sorted(group, key=lambda i: positions[i])
        local = objective[np.ix_(start, start)]
        found = local_search(local, list(range(len(start))))
        if 2 < len(start) <= exact_limit:
            solved = _solve_exact(local, deadline)
            if solved is not None:
                found = solved
            else:
                exact = False
        elif len(start) > exact_limit:
            exact = False
        order.extend(start[i] for i in found)
    score = _agreement(pairwise, order)
    bound = float(np.maximum(pairwise, pairwise.T)[np.triu_indices(n, k=1)].sum())
    upper_bound = score if exact else bound
    gap = 0.0 if exact or upper_bound <= 0 else (upper_bound - score) / upper_bound
    tie_breaks = [
        f"{names[a]} and {names[b]} are tied head to head (margin 0): swapping them keeps the "
        f"Kemeny score, and {names[a]} comes first by the tie-break rule (Borda score, then "
        f"round order)."
        if positions[a] < positions[b]
        else f"{names[a]} and {names[b]} are tied head to head (margin 0): swapping them keeps "
        f"the Kemeny score ({_number(score)}); the solver placed {names[a]} first."
        for a, b in itertools.pairwise(order)
        if abs(margins[a, b]) <= profile.tolerance
    ]
    ordered = tuple(names[i] for i in order)
    ties = kemeny_ties(names, pairwise, components, profile.tolerance)
    count = ties.count
    if exact:
        tie_breaks += tie_sentences(ties, ordered, score, _weight_grain(profile) is not None)
    alternatives = [list(o) for o in ties.orders(MAX_ALTERNATIVES + 1) if o != ordered]
    winners = ties.winners() if n else []
    return ConsensusResult(
        method="kemeny",
        ranking=tuple((c,) for c in ordered),
        order=ordered,
        tie_breaks=tuple(tie_breaks),
        scores={c: float(n - 1 - place) for place, c in enumerate(ordered)},
        details={
            "exact": exact,
            "score": score,
            "upper_bound": upper_bound,
            "gap": gap,
            "components": [len(group) for group in components],
            "optimal_orders": count,
            "alternatives": alternatives[:MAX_ALTERNATIVES],
            "winners": winners,
            "winner_unique": None if winners is None else len(winners) == 1,
        },
    )
