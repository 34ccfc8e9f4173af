"""Alignment rounds: the question, the candidates, the participants and their ballots."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, model_validator

from kpibridge.model.common import Identifier, Strict
from kpibridge.model.people import Role

DEFAULT_CRITERIA = ("goal_alignment", "measurability", "actionability", "timeliness")

Reaction = Literal["agree", "disagree", "pass"]


def _tier(value: Any) -> Any:
    """A ranking entry is a candidate id, or a list of ids tied at that place."""
    return (value,) if isinstance(value, str) else tuple(value)


Tier = Annotated[tuple[str, ...], BeforeValidator(_tier)]


class Proposal(Strict):
    """A new candidate KPI proposed in a round (not yet defined in the workspace)."""

    id: Identifier
    name: str = Field(min_length=1)
    proposed_by: str | None = None
    rationale: str = ""
    goal: str | None = None
    nature: Literal["quantitative", "qualitative"] = "quantitative"


class Comparison(Strict):
    """One AHP judgment: how much more important ``a`` is than ``b`` (Saaty 1-9, or 1/9-1)."""

    a: str
    b: str
    value: float = Field(ge=1 / 9 - 1e-9, le=9)

    @model_validator(mode="before")
    @classmethod
    def _from_list(cls, value: Any) -> Any:
        if isinstance(value, list | tuple) and len(value) == 3:
            return {"a": value[0], "b": value[1], "value": value[2]}
        return value


class AudienceMember(Strict):
    """Someone outside the stakeholder list who reacts to candidates (Pol.is style): a
    member of a whole department or of a customer community, where ranking 30 KPIs is too
    much to ask. Only the role is needed, so audience members can stay anonymous."""

    id: Identifier
    role: Role = Role.OTHER


class Ballot(Strict):
    """What one participant said. Every part is optional."""

    participant: str
    ranking: tuple[Tier, ...] = Field(
        default=(),
        description="Best first; a list inside the list is a tie; unlisted "
        "candidates count as tied below every listed one.",
    )
    scores: dict[str, dict[str, int]] = Field(
        default_factory=dict, description="candidate → criterion → 1..5"
    )
    criteria_weights: dict[str, float] | None = Field(
        default=None, description="Direct weights of the criteria (normalised)."
    )
    comparisons: tuple[Comparison, ...] = Field(
        default=(), description="AHP pairwise judgments [a, b, value]."
    )
    reactions: dict[str, Reaction] = Field(default_factory=dict)
    rationale: dict[str, str] = Field(default_factory=dict)

    def ranked(self) -> list[str]:
        return [candidate for tier in self.ranking for candidate in tier]


class Round(Strict):
    """An alignment round, as written in ``rounds/NAME.yaml``."""

    id: Identifier
    question: str = Field(min_length=1)
    facilitator: str | None = None
    select: int = Field(default=5, ge=1, description="How many KPIs to select.")
    quorum: int | None = Field(
        default=None,
        ge=1,
        description="How many ballots must rank the candidates before the result stands; "
        "below it the result is provisional and adopting it needs the facilitator's "
        "confirmation.",
    )
    criteria: tuple[str, ...] = DEFAULT_CRITERIA
    participants: tuple[str, ...] = ()
    audience: tuple[AudienceMember, ...] = Field(
        default=(), description="People outside the stakeholders; their ballots hold reactions."
    )
    candidates: tuple[str, ...] = ()
    proposals: tuple[Proposal, ...] = ()
    deadline: str | None = None
    anonymous: bool = False
    ballots: tuple[Ballot, ...] = ()

    def all_candidates(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys([*self.candidates, *(p.id for p in self.proposals)]))
