"""Dissent: how far the recommendation is from each participant's ballot, in their words.

Recorded with the result so that the people who lost the argument are seen, and their
reasons stay attached to the decision.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Dissent:
    participant: str
    wanted: tuple[str, ...]
    """The participant's own top k (ties at the boundary included)."""
    kept: tuple[str, ...]
    left_out: tuple[str, ...]
    distance: float
    """1 − |wanted ∩ selected| / |wanted|: 0 when the set is all theirs, 1 when none is."""
    rationale_left_out: dict[str, str] = field(default_factory=dict)
    """What they wrote for the KPIs they wanted that were left out."""
    objections: dict[str, str] = field(default_factory=dict)
    """What they wrote against KPIs that were selected though they did not rank them."""

    def sentence(self, names: Mapping[str, str]) -> str:
        if not self.wanted:
            return f"{self.participant} gave no ranking."
        share = f"{len(self.kept)} of their top {len(self.wanted)}"
        if not self.left_out:
            return f"{self.participant}: all of their top {len(self.wanted)} are in."
        missing = ", ".join(names.get(c, c) for c in self.left_out)
        return f"{self.participant}: {share} are in; left out: {missing}."


def dissent(
    rankings: Mapping[str, Sequence[Sequence[str]]],
    rationale: Mapping[str, Mapping[str, str]],
    selected: Sequence[str],
) -> list[Dissent]:
    """One :class:`Dissent` per participant, most dissenting first (then by name)."""
    k = len(selected)
    chosen = set(selected)
    results = []
    for participant in sorted(set(rankings) | set(rationale)):
        tiers = rankings.get(participant, ())
        wanted: list[str] = []
        for tier in tiers:
            if len(wanted) >= k:
                break
            wanted += list(tier)
        kept = tuple(c for c in wanted if c in chosen)
        left_out = tuple(c for c in wanted if c not in chosen)
        notes = rationale.get(participant, {})
        ranked = {c for tier in tiers for c in tier}
        results.append(
            Dissent(
                participant=participant,
                wanted=tuple(wanted),
                kept=kept,
                left_out=left_out,
                distance=1 - len(kept) / len(wanted) if wanted else 0.0,
                rationale_left_out={c: notes[c] for c in left_out if c in notes},
                objections={c: notes[c] for c in selected if c in notes and c not in ranked},
            )
        )
    return sorted(results, key=lambda d: (-d.distance, d.participant))
