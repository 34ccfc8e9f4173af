"""Every Kemeny-optimal order, counted, and a few named: is the winner, is the top k unique?

:func:`kpibridge.align.kemeny.kemeny` returns one optimal order. When others reach the same
score (the cycle ``a>b>c, b>c>a, c>a>b`` has three), a reader must be told, and told whether
the winner and the selected top set depend on that choice.

**Why per component.** Every optimal order keeps the strongly connected components of the
weak majority graph in their majority order (:func:`majority_components`), so the optimal
orders are exactly the products of each component's optimal orders; a component of one
candidate has one.

**Dynamic programming over subsets** (Held-Karp style, exact, ``2^m · m`` steps): ``f(S)``
is the best agreement of any order of the candidates ``S`` alone, built by choosing which of
them comes last: ``f(S) = max_c f(S − c) + Σ_{a ∈ S − c} N[a, c]``. The number of optimal
orders of ``S`` adds up the counts of every tight choice, and walking back through tight
choices lists them. A set ``S`` of size ``j`` is the top ``j`` of some optimal order exactly
when ``f(S) + Σ_{a ∈ S, b ∉ S} N[a, b] + f(rest) = f(all)``. Components larger than
``DP_LIMIT`` are not enumerated: counts and sets are then unknown (``None``), and said so.

Checked against brute force over all permutations in the tests.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from kpibridge.align.profile import Profile

DP_LIMIT = 12
"""Largest component enumerated (2^12 subsets; a few milliseconds)."""
MAX_ALTERNATIVES = 5
"""Other optimal orders named, at most."""


def majority_components(margins: np.ndarray, tolerance: float) -> list[list[int]]:
    """Strongly connected components of the weak majority graph, in majority order."""
    n = len(margins)
    weak = (margins >= -tolerance) & ~np.eye(n, dtype=bool)
    count, labels = connected_components(csr_matrix(weak), directed=True, connection="strong")
    members = [np.flatnonzero(labels == label) for label in range(count)]
    # Between components every pair is a strict win one way: count wins to order them.
    # Every member of a component beats every member of the later ones, so the candidates
    # outside it that one member beats are exactly those of the later components.
    beaten = [int(np.delete(weak[group[0]], group).sum()) for group in members]
    order = sorted(range(count), key=lambda label: -beaten[label])
    return [members[label].tolist() for label in order]


@dataclass(frozen=True)
class _Table:
    """Subset DP of one component (indices are the component's own, 0..m−1)."""

    members: list[int]
    best: np.ndarray
    """best[S] = f(S), S a bitmask."""
    count: np.ndarray
    prefix_ok: np.ndarray
    """prefix_ok[S]: S is the top |S| of some optimal order of the component."""
    gains: np.ndarray
    tolerance: float

    @property
    def full(self) -> int:
        return (1 << len(self.members)) - 1

    def orders(self, limit: int) -> list[list[int]]:
        """Up to ``limit`` optimal orders (global candidate indices)."""
        found: list[list[int]] = []

        def walk(subset: int, tail: list[int]) -> None:
            if len(found) >= limit:
                return
            if subset == 0:
                found.append([self.members[i] for i in reversed(tail)])
                return
            for last in range(len(self.members)):
                bit = 1 << last
                if subset & bit and self._tight(subset, last):
                    walk(subset ^ bit, [*tail, last])

        walk(self.full, [])
        return found

    def _tight(self, subset: int, last: int) -> bool:
        rest = subset ^ (1 << last)
        value = self.best[rest] + self.gains[rest, last]
        return bool(abs(value - self.best[subset]) <= self.tolerance)


def _table(pairwise: np.ndarray, members: list[int], tolerance: float) -> _Table:
    m = len(members)
    local = pairwise[np.ix_(members, members)]
    size = 1 << m
    bits = ((np.arange(size)[:, None] >> np.arange(m)[None, :]) & 1).astype(float)
    gains = bits @ local  # gains[S, c] = Σ_{a ∈ S} N[a, c]
    best = np.zeros(size)
    count = np.zeros(size, dtype=np.int64)  # ≤ 12! < 2^63
    count[0] = 1
    popcount = bits.sum(axis=1).astype(np.int64)
    for layer in range(1, m + 1):  # one vectorised step per subset size
        subsets = np.flatnonzero(popcount == layer)
        values = np.full((len(subsets), m), -np.inf)
        rests = np.zeros((len(subsets), m), dtype=np.int64)
        for c in range(m):
            has = (subsets >> c & 1).astype(bool)
            rest = subsets[has] ^ (1 << c)
            values[has, c] = best[rest] + gains[rest, c]
            rests[has, c] = rest
        top = values.max(axis=1)
        best[subsets] = top
        tight = top[:, None] - values <= tolerance
        count[subsets] = np.where(tight, count[rests], 0).sum(axis=1)
    cross = (gains * (1 - bits)).sum(axis=1)  # Σ_{a ∈ S, b ∉ S} N[a, b]
    complement = (size - 1) ^ np.arange(size)
    prefix_ok = np.abs(best + cross + best[complement] - best[size - 1]) <= tolerance
    return _Table(members, best, count, prefix_ok, gains, tolerance)


@dataclass(frozen=True)
class KemenyTies:
    """The optimal orders of a profile (see the module docstring)."""

    candidates: tuple[str, ...]
    components: tuple[tuple[int, ...], ...]
    tables: tuple[_Table | None, ...]
    """One per component; None when it is larger than ``DP_LIMIT``."""

    @property
    def enumerated(self) -> bool:
        return all(table is not None for table in self.tables)

    @property
    def count(self) -> int | None:
        """How many orders reach the optimum (None when a component was too large)."""
        total = 1
        for table in self.tables:
            if table is None:
                return None
            total *= int(table.count[table.full])
        return total

    def orders(self, limit: int) -> list[tuple[str, ...]]:
        """Up to ``limit`` optimal orders (empty when not enumerated)."""
        if not self.enumerated:
            return []
        per_component = [t.orders(limit) for t in self.tables if t is not None]
        names = self.candidates
        out = []
        for parts in itertools.islice(itertools.product(*per_component), limit):
            out.append(tuple(names[i] for part in parts for i in part))
        return out

    def top_sets(self, k: int) -> list[frozenset[str]] | None:
        """Every set of k candidates that is the top k of some optimal order, or None when
        the component holding place k was too large to enumerate."""
        before: list[int] = []
        for group, table in zip(self.components, self.tables, strict=True):
            if len(before) + len(group) < k:
                before.extend(group)
                continue
            inside = k - len(before)
            if inside in (0, len(group)):
                chosen = before + list(group)[:inside] if inside else before
                return [frozenset(self.candidates[i] for i in chosen)]
            if table is None:
                return None
            m = len(group)
            sets = [
                subset
                for subset in range(1 << m)
                if bin(subset).count("1") == inside and table.prefix_ok[subset]
            ]
            return [
                frozenset(
                    [self.candidates[i] for i in before]
                    + [self.candidates[table.members[c]] for c in range(m) if s >> c & 1]
                )
                for s in sets
            ]
        return [frozenset(self.candidates[i] for i in before)]

    def winners(self) -> list[str] | None:
        """Candidates first in some optimal order (None when not known)."""
        sets = self.top_sets(1) if self.candidates else []
        return None if sets is None else sorted((next(iter(s)) for s in sets), key=self._place)

    def _place(self, name: str) -> int:
        return self.candidates.index(name)


def kemeny_ties(
    candidates: Sequence[str],
    pairwise: np.ndarray,
    components: Sequence[Sequence[int]],
    tolerance: float,
) -> KemenyTies:
    """The optimal orders of a profile's pairwise matrix, component by component."""
    tables = tuple(
        _table(pairwise, list(group), tolerance) if len(group) <= DP_LIMIT else None
        for group in components
    )
    return KemenyTies(tuple(candidates), tuple(tuple(g) for g in components), tables)


def profile_ties(profile: Profile) -> KemenyTies:
    """:func:`kemeny_ties` of a profile."""
    components = majority_components(profile.margins(), profile.tolerance)
    return kemeny_ties(profile.candidates, profile.pairwise(), components, profile.tolerance)


def tie_sentences(
    ties: KemenyTies, order: Sequence[str], score: float, by_rule: bool = True
) -> list[str]:
    """Plain sentences on the other optimal orders and whether the winner is unique.

    ``by_rule``: the order shown was picked by the tie-break rule (False when the weights have
    no common grain and the solver picked it, see :mod:`kpibridge.align.kemeny`)."""
    count = ties.count
    if count is None:
        return [
            "Other orders with the same Kemeny score were not looked for: a group of more than "
            f"{DP_LIMIT} candidates that beat one another in a cycle is too large to enumerate."
        ]
    if count <= 1:
        return []
    others = [o for o in ties.orders(MAX_ALTERNATIVES + 1) if tuple(o) != tuple(order)]
    named = "; ".join(" > ".join(o) for o in others[:MAX_ALTERNATIVES])
    more = f" and {count - 1 - MAX_ALTERNATIVES} more" if count - 1 > MAX_ALTERNATIVES else ""
    sentences = [
        f"{count} orders reach the best Kemeny score ({score:.6g}); besides the one shown: "
        f"{named}{more}. "
        + (
            "The one shown agrees most with the tie-break order (Borda score, then round order)."
            if by_rule
            else "The one shown is the solver's choice."
        )
    ]
    winners = ties.winners()
    if winners is not None and len(winners) > 1:
        sentences.append(
            f"The Kemeny winner is not unique: {', '.join(winners)} each come first in an "
            "optimal order."
        )
    return sentences
