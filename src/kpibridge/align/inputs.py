"""What an analysis needs to know about a round: candidates, participants, ballots.

The workspace (or, later, the app store) builds a :class:`RoundInput`; the analysis needs
nothing else, so it runs the same from a notebook, the CLI or the web app.
"""

from __future__ import annotations

from dataclasses import dataclass

from kpibridge.model.rounds import Ballot


@dataclass(frozen=True)
class CandidateInfo:
    id: str
    name: str
    goal: str | None = None
    qualitative: bool = False
    proposed_by: str | None = None
    """Set for new candidates proposed in the round (not yet workspace KPIs)."""
    rationale: str = ""
    """Why the proposer wants it."""


@dataclass(frozen=True)
class ParticipantInfo:
    id: str
    name: str
    role: str
    weight: float | None = None
    """Relative voting weight; None counts as 1."""
    audience: bool = False
    """Outside the stakeholders (reactions only)."""


@dataclass(frozen=True)
class RoundInput:
    id: str
    question: str
    select: int
    criteria: tuple[str, ...]
    candidates: tuple[CandidateInfo, ...]
    participants: tuple[ParticipantInfo, ...]
    ballots: tuple[Ballot, ...]
    near_duplicates: tuple[frozenset[str], ...] = ()
    anonymous: bool = False
    """Results name roles, not people."""
    quorum: int | None = None
    """Ballots needed before the result stands (see :mod:`kpibridge.align.quorum`)."""
    seed: int = 0

    @property
    def names(self) -> dict[str, str]:
        return {c.id: c.name for c in self.candidates}

    @property
    def candidate_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.candidates)
