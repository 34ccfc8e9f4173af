"""All consensus methods side by side, the head-to-head reasons for an order, where the
methods disagree, and how close the top k is to changing.

The registry ``CONSENSUS_METHODS`` is explicit and ordered: Kemeny-Young first (the primary
consensus: the order that agrees with the most pairwise preferences), then the Condorcet
methods that explain it differently (Schulze, Ranked Pairs, Copeland), then Borda.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.stats import rankdata

from kpibridge.align.borda import borda
from kpibridge.align.copeland import copeland
from kpibridge.align.kemeny import kemeny
from kpibridge.align.profile import (
    ConsensusMethod,
    ConsensusResult,
    Profile,
    Ranking,
    join_names,
)
from kpibridge.align.ranked_pairs import ranked_pairs
from kpibridge.align.schulze import schulze

CONSENSUS_METHODS: dict[str, ConsensusMethod] = {
    "kemeny": kemeny,
    "schulze": schulze,
    "ranked_pairs": ranked_pairs,
    "copeland": copeland,
    "borda": borda,
}
"""Every consensus method, by name, primary first."""

METHOD_TITLES = {
    "kemeny": "Kemeny-Young",
    "schulze": "Schulze",
    "ranked_pairs": "Ranked Pairs",
    "copeland": "Copeland",
    "borda": "Borda",
}
REASONS_LIMIT = 10
"""Adjacent pairs explained by default: the top of the order is what readers check."""
BOUNDARY = 3
"""Sensitivity looks at the last BOUNDARY members of the top k against the first BOUNDARY
candidates after it."""


def consensus(profile: Profile) -> dict[str, ConsensusResult]:
    """Run every method of ``CONSENSUS_METHODS`` on the profile, in registry order.

    >>> list(consensus(Profile.from_orders("ab", ["ab"])))
    ['kemeny', 'schulze', 'ranked_pairs', 'copeland', 'borda']
    """
    return {name: method(profile) for name, method in CONSENSUS_METHODS.items()}


def _name(names: Mapping[str, str], candidate: str) -> str:
    return names.get(candidate, candidate)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def pairwise_reasons(
    profile: Profile,
    order: Sequence[str],
    names: Mapping[str, str],
    limit: int = REASONS_LIMIT,
) -> list[str]:
    """One sentence per neighbouring pair of ``order`` (the first ``limit`` pairs): how many
    participants rank the upper one above the lower one, how many the reverse, and how many
    did not compare them (tied them, or left both unranked).

    With unequal weights the sentence also gives the weight behind each side, since that is
    what the methods count.

    >>> p = Profile.from_orders("ab", ["ab", "ab", "ba", "a"])
    >>> pairwise_reasons(p, ("a", "b"), {"a": "CAC", "b": "CTR"})
    ['3 of 4 rank CAC above CTR; 1 ranks CTR above CAC.']
    """
    index = {c: i for i, c in enumerate(profile.candidates)}
    levels = profile.levels
    weights = np.asarray(profile.weights, dtype=float)
    total = len(profile.rankings)
    sentences: list[str] = []
    for upper, lower in list(itertools.pairwise(order))[:limit]:
        a, b = index[upper], index[lower]
        above = levels[:, a] < levels[:, b]
        below = levels[:, b] < levels[:, a]
        neither = ~above & ~below
        first, second = _name(names, upper), _name(names, lower)
        verb_above = "ranks" if above.sum() == 1 else "rank"
        sentence = f"{int(above.sum())} of {total} {verb_above} {first} above {second}"
        if profile.weighted:
            sentence += f" (weight {weights[above].sum():g} of {weights.sum():g})"
        if below.any():
            verb = "ranks" if below.sum() == 1 else "rank"
            sentence += f"; {int(below.sum())} {verb} {second} above {first}"
            if profile.weighted:
                sentence += f" (weight {weights[below].sum():g})"
        if neither.any():
            sentence += f"; {int(neither.sum())} did not compare them"
        if weights[below].sum() > weights[above].sum() + profile.tolerance:
            sentence += (
                f" — the order keeps {first} first against this head-to-head majority "
                "because that agrees with more preferences overall"
            )
        sentences.append(sentence + ".")
    return sentences


@dataclass(frozen=True)
class MethodComparison:
    """The top k of each method and, in a plain sentence, where they differ.

    Attributes:
        k: Size of the compared top.
        top_k: Method name → its first k candidates, in its order.
        agree: Whether every method selects the same set of k (order inside may differ).
        note: One sentence for readers.
    """

    k: int
    top_k: dict[str, tuple[str, ...]]
    agree: bool
    note: str

    def to_json(self) -> dict[str, Any]:
        return {
            "k": self.k,
            "top_k": {method: list(top) for method, top in self.top_k.items()},
            "agree": self.agree,
            "note": self.note,
        }


def compare_methods(
    results: Sequence[ConsensusResult] | Mapping[str, ConsensusResult],
    k: int,
    names: Mapping[str, str],
) -> MethodComparison:
    """Compare the top-k sets of the methods against the first result (the primary one).

    >>> p = Profile.from_orders("abc", ["abc", "acb", "bca"])
    >>> compare_methods(consensus(p), 1, {}).note
    'All 5 methods put a first.'
    """
    listed = list(results.values()) if isinstance(results, Mapping) else list(results)
    if not listed:
        raise ValueError("compare_methods needs at least one consensus result")
    primary = listed[0]
    top_k = {r.method: r.top(k) for r in listed}
    reference = set(primary.top(k))
    differences: dict[tuple[tuple[str, ...], tuple[str, ...]], list[str]] = {}
    for result in listed[1:]:
        chosen = set(result.top(k))
        if chosen != reference:
            entered = tuple(c for c in result.order if c in chosen - reference)
            left = tuple(c for c in primary.order if c in reference - chosen)
            differences.setdefault((entered, left), []).append(result.method)
    title = [METHOD_TITLES.get(r.method, r.method) for r in listed]
    place = "first" if k == 1 else f"in the top {k}"
    if not differences:
        shown = join_names([_name(names, c) for c in primary.top(k)])
        subject = f"All {len(listed)} methods" if len(listed) > 1 else title[0]
        what = f"put {shown} first" if k == 1 else f"agree on the top {k}: {shown}"
        note = f"{subject} {what}."
    else:
        clauses = [
            f"{join_names([METHOD_TITLES.get(m, m) for m in methods])} "
            f"put {join_names([_name(names, c) for c in entered])} {place} instead of "
            f"{join_names([_name(names, c) for c in left])}"
            for (entered, left), methods in differences.items()
        ]
        note = f"{'; '.join(clauses)} (compared with {title[0]})."
    return MethodComparison(k=k, top_k=top_k, agree=not differences, note=note)


@dataclass(frozen=True)
class Sensitivity:
    """The smallest ballot change found that alters the selected top k (see
    :func:`sensitivity` for the exact definition).

    Attributes:
        method: The consensus method whose top k is tested.
        k: Size of the top.
        selected: The top k as the method selects it now.
        promoted, demoted: The pair swapped: ``promoted`` moves just above ``demoted``.
        count: How many participants swap (None when no boundary swap changes the set).
        eligible: How many participants rank ``demoted`` above ``promoted`` now.
        voters: Who would swap (heaviest first).
        entering, leaving: How the top-k set changes with those swaps.
        pairs_checked: Boundary pairs tested.
        sentence: The finding in plain words.
    """

    method: str
    k: int
    selected: tuple[str, ...]
    promoted: str | None
    demoted: str | None
    count: int | None
    eligible: int
    voters: tuple[str, ...]
    entering: tuple[str, ...]
    leaving: tuple[str, ...]
    pairs_checked: int
    sentence: str

    def to_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "k": self.k,
            "selected": list(self.selected),
            "promoted": self.promoted,
            "demoted": self.demoted,
            "count": self.count,
            "eligible": self.eligible,
            "voters": list(self.voters),
            "entering": list(self.entering),
            "leaving": list(self.leaving),
            "pairs_checked": self.pairs_checked,
            "sentence": self.sentence,
        }


def promote(ranking: Ranking, promoted: str, demoted: str) -> Ranking:
    """The ballot with ``promoted`` taken out and put in its own tier just above ``demoted``.

    >>> promote((("a",), ("b", "c"), ("d",)), "d", "b")
    (('a',), ('d',), ('b', 'c'))
    """
    tiers = [tuple(c for c in tier if c != promoted) for tier in ranking]
    out: list[tuple[str, ...]] = []
    for tier in tiers:
        if demoted in tier:
            out.append((promoted,))
        if tier:
            out.append(tier)
    return tuple(out)


def swapped_profile(
    profile: Profile, voters: Sequence[int], promoted: str, demoted: str
) -> Profile:
    """The profile with the given voters' ballots changed by :func:`promote`; each of those
    voters must rank ``demoted`` strictly above ``promoted``.

    Sensitivity builds dozens of these, so the checks of :class:`Profile` (already passed by
    ``profile``) are skipped and only the changed rows of the tier levels are recomputed.
    """
    rows = np.asarray(sorted(set(voters)), dtype=np.int64)
    chosen = set(rows.tolist())
    rankings = tuple(
        promote(ranking, promoted, demoted) if row in chosen else ranking
        for row, ranking in enumerate(profile.rankings)
    )
    levels = profile.levels.copy()
    if len(rows):
        p, d = profile.candidates.index(promoted), profile.candidates.index(demoted)
        doubled = 2 * levels[rows]
        doubled[:, p] = doubled[:, d] - 1  # p alone just above d's tier
        levels[rows] = rankdata(doubled, method="dense", axis=1).astype(np.int64) - 1
    levels.setflags(write=False)
    swapped = object.__new__(Profile)
    for name, value in (
        ("candidates", profile.candidates),
        ("rankings", rankings),
        ("weights", profile.weights),
        ("voters", profile.voters),
        ("_levels", levels),
    ):
        object.__setattr__(swapped, name, value)
    return swapped


def sensitivity(
    profile: Profile,
    k: int,
    method: ConsensusMethod = kemeny,
    *,
    names: Mapping[str, str] | None = None,
    boundary: int = BOUNDARY,
) -> Sensitivity:
    """The fewest participants whose swap of one boundary pair changes the method's top k.

    Definition. Let S be the method's top k. For a pair (d, p) with d in S and p outside it,
    the *eligible* participants are those with positive weight who rank d strictly above p.
    They are taken heaviest first, then those for whom p is closest below d (the smallest
    change), then in ballot order; "c participants swap" means the first c of them move p
    into its own tier just above d (:func:`promote`). The pair's count is the smallest c whose
    swapped profile gives the method a different top-k *set*, found by binary search over
    c and checked: c swaps change the set, c − 1 do not. (Binary search presumes more swaps
    never undo a change; where that fails the count found is still a verified change, with a
    verified no-change one below it.) The result is the pair with the smallest count, ties
    going to the pair met first.

    Restriction, for speed: only the last ``boundary`` members of S (by the method's order)
    against the first ``boundary`` candidates after S are tried, closest pairs first — the
    pairs a small change can plausibly flip; pairs further from the boundary are not
    examined. Once a count c is known, other pairs are only asked whether c − 1 or fewer
    suffice.

    >>> p = Profile.from_orders("abc", ["abc", "abc", "bac"])
    >>> sensitivity(p, 1).sentence
    'If 1 of the 2 participants who rank a above b ranked b above it instead, b would replace a as the top choice.'
    """  # noqa: E501
    names = names or {}
    current = method(profile)
    selected = current.top(k)
    inside = set(selected)
    index = {c: i for i, c in enumerate(profile.candidates)}
    levels = profile.levels
    weights = np.asarray(profile.weights, dtype=float)
    method_name = current.method
    pairs = [
        (demoted, promoted)
        for demoted in reversed(selected[max(0, k - boundary) :])
        for promoted in current.order[k : k + boundary]
    ]
    pairs.sort(key=lambda pair: current.order.index(pair[1]) - current.order.index(pair[0]))

    def changed(candidate_profile: Profile) -> tuple[str, ...] | None:
        top = method(candidate_profile).top(k)
        return top if set(top) != inside else None

    best: tuple[int, str, str, list[int], tuple[str, ...]] | None = None
    checked = 0
    for demoted, promoted in pairs:
        d, p = index[demoted], index[promoted]
        rows = np.flatnonzero((levels[:, d] < levels[:, p]) & (weights > 0))
        if not len(rows):
            continue
        order = np.lexsort((rows, levels[rows, p] - levels[rows, d], -weights[rows]))
        eligible = rows[order].tolist()
        checked += 1
        high = len(eligible) if best is None else min(len(eligible), best[0] - 1)
        if high < 1:
            continue
        top = changed(swapped_profile(profile, eligible[:high], promoted, demoted))
        if top is None:
            continue
        low = 0  # low swaps are known not to change the set (0: the current profile)
        found = (high, top)
        while high - low > 1:
            middle = (low + high) // 2
            top = changed(swapped_profile(profile, eligible[:middle], promoted, demoted))
            if top is None:
                low = middle
            else:
                high, found = middle, (middle, top)
        best = (found[0], demoted, promoted, eligible[: found[0]], found[1])
    voters_total = len(profile.rankings)
    if best is None:
        sentence = (
            f"No swap of a boundary pair changes the top {k}: even if every participant who "
            f"ranks one of its last {min(boundary, k)} above one of the next {boundary} "
            f"candidates swapped them, {METHOD_TITLES.get(method_name, method_name)} would "
            f"keep the same {k}."
        )
        return Sensitivity(
            method_name, k, selected, None, None, None, 0, (), (), (), checked, sentence
        )
    count, demoted, promoted, rows_swapped, new_top = best
    entering = tuple(c for c in new_top if c not in inside)
    leaving = tuple(c for c in selected if c not in set(new_top))
    d, p = index[demoted], index[promoted]
    eligible_count = int(((levels[:, d] < levels[:, p]) & (weights > 0)).sum())
    first, second = _name(names, demoted), _name(names, promoted)
    where = "as the top choice" if k == 1 else f"in the top {k}"
    sentence = (
        f"If {count} of the {eligible_count} participants who rank {first} above {second} "
        f"ranked {second} above it instead, "
    )
    if entering == (promoted,) and leaving == (demoted,):
        sentence += f"{second} would replace {first} {where}."
    else:
        gained = join_names([_name(names, c) for c in entering])
        lost = join_names([_name(names, c) for c in leaving])
        sentence += f"the top {k} would gain {gained} and lose {lost}."
    if profile.weighted:
        moved = weights[rows_swapped].sum()
        sentence = sentence[:-1] + (
            f" (the heaviest first: weight {moved:g} of {weights.sum():g}; "
            f"{_count(voters_total, 'participant')} in all)."
        )
    return Sensitivity(
        method=method_name,
        k=k,
        selected=selected,
        promoted=promoted,
        demoted=demoted,
        count=count,
        eligible=eligible_count,
        voters=tuple(profile.voters[row] for row in rows_swapped),
        entering=entering,
        leaving=leaving,
        pairs_checked=checked,
        sentence=sentence,
    )
