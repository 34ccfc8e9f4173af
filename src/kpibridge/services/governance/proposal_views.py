"""A change proposal as its readers see it: the change in words and YAML, the seats of its
decision rights and who filled them, its decisions and the rounds it was put to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpibridge.model.governance import (
    Decision,
    GovernanceSettings,
    ProposalKind,
    ProposalStatus,
    Restatement,
)
from kpibridge.services.governance.decision_rights import Seat, seats_for
from kpibridge.services.governance.proposal_diff import diff_words, diff_yaml
from kpibridge.services.governance.versions import (
    latest_definitions,
)
from kpibridge.services.rounds.proposal_round_links import RoundLink, links_of_proposal
from kpibridge.store.governance_schema import (
    DefinitionVersion,
    Proposal,
    ProposalDecision,
    TargetVersion,
)
from kpibridge.workspace.definition import WorkspaceDefinition
from kpibridge.workspace.kpi_yaml import join_targets


@dataclass(frozen=True)
class SeatState:
    seat: Seat
    approved_by: tuple[str, ...]
    """Usernames whose approval of the current revision fills this seat."""

    def to_json(self) -> dict[str, object]:
        return {**self.seat.to_json(), "approved_by": list(self.approved_by)}


@dataclass(frozen=True)
class DecisionView:
    username: str
    stakeholder: str | None
    decision: Decision
    comment: str
    revision: int
    at: datetime

    def to_json(self) -> dict[str, object]:
        return {
            "username": self.username,
            "stakeholder": self.stakeholder,
            "decision": self.decision.value,
            "comment": self.comment,
            "revision": self.revision,
            "at": self.at.isoformat(),
        }


@dataclass(frozen=True)
class ProposalView:
    """A proposal with everything a reader needs but the impact preview."""

    id: int
    kpi_id: str
    kind: ProposalKind
    status: ProposalStatus
    author: str
    rationale: str
    revision: int
    effective_from: date
    restatement: Restatement
    created_at: datetime
    before: dict[str, Any] | None
    """The KPI's YAML now (None for a new KPI)."""
    after: dict[str, Any] | None
    """The KPI's YAML if approved (None for a retirement)."""
    seats: tuple[SeatState, ...]
    decisions: tuple[DecisionView, ...]
    independent_approval: bool
    """Whether someone other than the author approved the current revision (four eyes)."""
    seats_frozen: bool = True
    """False for a proposal made before seats were frozen (computed from governance.yaml now)."""
    rounds: tuple[RoundLink, ...] = ()
    """The alignment rounds this proposal was put to, oldest first."""

    @property
    def words(self) -> list[str]:
        return diff_words(self.before, self.after)

    @property
    def yaml_diff(self) -> str:
        return diff_yaml(self.before, self.after, self.kpi_id)

    @property
    def missing(self) -> tuple[str, ...]:
        """Approvals still needed: the empty seats; once every seat is filled, a second
        person if only the author approved."""
        empty = tuple(state.seat.name for state in self.seats if not state.approved_by)
        if empty or self.independent_approval:
            return empty
        return ("someone besides the author",)

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "kpi": self.kpi_id,
            "kind": self.kind.value,
            "status": self.status.value,
            "author": self.author,
            "rationale": self.rationale,
            "revision": self.revision,
            "effective_from": self.effective_from.isoformat(),
            "restatement": self.restatement.value,
            "created_at": self.created_at.isoformat(),
            "changes": self.words,
            "yaml_diff": self.yaml_diff,
            "before": self.before,
            "after": self.after,
            "seats": [state.to_json() for state in self.seats],
            "seats_frozen": self.seats_frozen,
            "rounds": [link.to_json() for link in self.rounds],
            "missing_approvals": list(self.missing),
            "decisions": [decision.to_json() for decision in self.decisions],
        }


def before_after(
    session: Session, proposal: Proposal
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The KPI's YAML at the proposal's base versions, and as it would be."""
    base = session.scalar(
        select(DefinitionVersion).where(
            DefinitionVersion.kpi_id == proposal.kpi_id,
            DefinitionVersion.version == proposal.base_version,
        )
    )
    base_targets = session.scalar(
        select(TargetVersion).where(
            TargetVersion.kpi_id == proposal.kpi_id,
            TargetVersion.version == proposal.base_target_version,
        )
    )
    old_targets = list(base_targets.targets) if base_targets else []
    before = (
        join_targets(base.content, old_targets) if base is not None and not base.retired else None
    )
    if proposal.kind == ProposalKind.RETIREMENT.value:
        return before, None
    definition = (
        proposal.definition
        if proposal.definition is not None
        else (base.content if base is not None else {})
    )
    targets = list(proposal.targets) if proposal.targets is not None else old_targets
    return before, join_targets(definition, targets)


def seat_states(
    session: Session,
    kpi_id: str,
    proposed: dict[str, Any] | None,
    definition: WorkspaceDefinition,
    governance: GovernanceSettings,
) -> tuple[Seat, ...]:
    current = latest_definitions(session).get(kpi_id)
    content = current.content if current is not None and not current.retired else proposed
    return seats_for(kpi_id, content or {}, definition, governance)


def proposal_view(
    session: Session,
    proposal: Proposal,
    definition: WorkspaceDefinition,
    governance: GovernanceSettings,
) -> ProposalView:
    """The view of ``proposal`` inside the caller's transaction."""
    return view_of(session, proposal, definition, governance)


def view_of(
    session: Session,
    proposal: Proposal,
    definition: WorkspaceDefinition,
    governance: GovernanceSettings,
) -> ProposalView:
    before, after = before_after(session, proposal)
    frozen = proposal.seats is not None
    seats = (
        tuple(Seat.from_json(item) for item in proposal.seats or ())
        if frozen
        else seats_for(proposal.kpi_id, before or after or {}, definition, governance)
    )
    decisions = tuple(
        DecisionView(
            d.username, d.stakeholder_id, Decision(d.decision), d.comment, d.revision, d.at
        )
        for d in session.scalars(
            select(ProposalDecision)
            .where(ProposalDecision.proposal_id == proposal.id)
            .order_by(ProposalDecision.id)
        )
    )
    approvals = [
        d for d in decisions if d.decision is Decision.APPROVE and d.revision == proposal.revision
    ]
    states = tuple(
        SeatState(seat, tuple(d.username for d in approvals if d.stakeholder in seat.holders))
        for seat in seats
    )
    return ProposalView(
        id=proposal.id,
        kpi_id=proposal.kpi_id,
        kind=ProposalKind(proposal.kind),
        status=ProposalStatus(proposal.status),
        author=proposal.author,
        rationale=proposal.rationale,
        revision=proposal.revision,
        effective_from=proposal.effective_from,
        restatement=Restatement(proposal.restatement),
        created_at=proposal.created_at,
        before=before,
        after=after,
        seats=states,
        decisions=decisions,
        independent_approval=any(d.username != proposal.author for d in approvals),
        seats_frozen=frozen,
        rounds=links_of_proposal(session, proposal.id),
    )
