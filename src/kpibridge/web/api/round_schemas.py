"""Request bodies of the round API (apart from the domain models, so that both can change)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from kpibridge.model.rounds import DEFAULT_CRITERIA


class RoundCreate(BaseModel):
    name: str = Field(description="The round's id: lower-case letters, digits, '_' and '-'.")
    question: str
    candidates: list[str] = Field(description="Workspace KPI ids.")
    participants: list[str] = Field(description="Stakeholder ids: only these vote.")
    criteria: list[str] = Field(default_factory=lambda: list(DEFAULT_CRITERIA))
    select: int = Field(default=5, ge=1, description="How many KPIs to select.")
    quorum: int | None = Field(
        default=None,
        ge=1,
        description="Ballots that must rank before the result stands; below it, adopting "
        "needs below_quorum_reason.",
    )
    deadline: str | None = Field(default=None, description="Last day for ballots, YYYY-MM-DD.")
    anonymous: bool = Field(default=False, description="Results name departments, not people.")
    facilitator: str | None = Field(default=None, description="The facilitating stakeholder.")


class BallotSubmit(BaseModel):
    """A ballot; the participant is the caller's stakeholder."""

    ranking: list[str | list[str]] = Field(
        default_factory=list, description="Best first; an inner list is a tie."
    )
    scores: dict[str, dict[str, int]] = Field(
        default_factory=dict, description="candidate → criterion → 1..5"
    )
    criteria_weights: dict[str, float] | None = None
    rationale: dict[str, str] = Field(default_factory=dict, description="candidate → why")


class ProposalCreate(BaseModel):
    id: str
    name: str
    rationale: str = ""
    goal: str | None = None
    nature: str = "quantitative"


class Adoption(BaseModel):
    selected: list[str] | None = Field(
        default=None, description="Candidate ids to adopt; null adopts the recommended set."
    )
    unanswered_reason: str | None = Field(
        default=None,
        max_length=2000,
        description="Why to adopt although a recorded dissent has no written answer.",
    )
    below_quorum_reason: str | None = Field(
        default=None,
        description="Needed to adopt a round below its quorum: why the facilitator adopts "
        "it anyway (recorded in the audit log).",
    )
