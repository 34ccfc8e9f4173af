"""What an analysis needs to know about a round: candidates, participants, ballots."""

from __future__ import annotations

from dataclasses import dataclass

from kpibridge.model.rounds import Ballot


@dataclass(frozen=True)
class CandidateInfo:
    id: str
    name: str
    goal: str | None = None
    qualitative: bool = False


@dataclass(frozen=True)
class ParticipantInfo:
    id: str
    name: str
    role: str
    weight: float | None = None


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
    seed: int = 0

    @property
    def names(self) -> dict[str, str]:
        return {c.id: c.name for c in self.candidates}
