"""Ranked Pairs (Tideman 1987, *Independence of clones as a criterion for voting rules*,
Social Choice and Welfare 4), on margins.

Every ordered pair (a, b) with a positive margin, and both directions of every pair with a
zero margin, is taken from the largest margin to the smallest and locked in unless it would
close a cycle with the pairs already locked. The locked pairs end up ordering every two
candidates, so the result is a strict order.

**Equal margins** are taken in a fixed order (the analogue of Tideman's "tie-breaking ranking
of candidates", Zavist and Tideman 1989): the pair whose winner comes first in the tie-break
order (Borda score, then round order) goes first, and between pairs with the same winner the
one whose loser comes last goes first. Whenever that order decided something — a pair of
equal margin skipped because an earlier one of the same margin already placed its loser above
its winner, or a zero-margin pair oriented — a sentence in ``tie_breaks`` says so. The result
is one of the Ranked Pairs outcomes pref_voting enumerates over all tie-breakings (checked in
the tests); without equal margins it is the unique one.
"""

from __future__ import annotations

import numpy as np

from kpibridge.align.profile import (
    ConsensusResult,
    Profile,
    _number,
    tie_break_positions,
)


def _edges(profile: Profile) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Winners, losers and margins of the pairs to lock, in locking order."""
    margins = profile.margins()
    tolerance = profile.tolerance
    positions = tie_break_positions(profile)
    off_diagonal = ~np.eye(len(margins), dtype=bool)
    winners, losers = np.nonzero((margins >= -tolerance) & off_diagonal)
    values = margins[winners, losers]
    values = np.where(np.abs(values) <= tolerance, 0.0, values)
    rounded = np.round(values / tolerance) if tolerance else values
    order = np.lexsort((-positions[losers], positions[winners], -rounded))
    return winners[order], losers[order], values[order]


def ranked_pairs(profile: Profile) -> ConsensusResult:
    """Lock pairs by decreasing margin, skipping those that would close a cycle.

    >>> ranked_pairs(Profile.from_orders("abc", ["abc", "bca", "cab", "abc"])).order
    ('a', 'b', 'c')
    """
    names = profile.candidates
    n = len(names)
    winners, losers, values = _edges(profile)
    tolerance = profile.tolerance
    reach = np.eye(n, dtype=bool)  # reach[x, y]: x is locked above y (or x == y)
    locked: list[list[object]] = []
    skipped: list[list[object]] = []
    tie_breaks: list[str] = []
    group_start = reach.copy()
    for position, (a, b, value) in enumerate(
        zip(winners.tolist(), losers.tolist(), values.tolist(), strict=True)
    ):
        if position == 0 or abs(value - values[position - 1]) > tolerance:
            group_start = reach.copy()
        if reach[b, a]:
            skipped.append([names[a], names[b], value])
            decided_now = not group_start[b, a]
            if decided_now and value != 0.0:
                tie_breaks.append(
                    f"{names[a]} over {names[b]} (margin {_number(value)}) was not locked: "
                    f"pairs of equal margin are taken in tie-break order (Borda score, then "
                    f"round order) and earlier ones already placed {names[b]} above {names[a]}."
                )
            continue
        if value == 0.0 and not group_start[a, b]:
            tie_breaks.append(
                f"{names[a]} and {names[b]} are tied head to head (margin 0); {names[a]} "
                f"was placed above {names[b]} by the tie-break rule (Borda score, then round "
                f"order)."
            )
        if not reach[a, b]:
            reach |= np.outer(reach[:, a], reach[b, :])
        locked.append([names[a], names[b], value])
    below = reach.sum(axis=1) - 1
    order = tuple(names[i] for i in np.argsort(-below, kind="stable"))
    return ConsensusResult(
        method="ranked_pairs",
        ranking=tuple((c,) for c in order),
        order=order,
        tie_breaks=tuple(tie_breaks),
        scores={c: float(s) for c, s in zip(names, below, strict=True)},
        details={"locked": locked, "skipped": skipped},
    )
