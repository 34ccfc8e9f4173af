"""Change proposals: open (or revise) one, decide on it, and on full approval turn it into
versions that take effect from its date.

Rules (docs/governance.md):

* members, facilitators and admins may propose, comment and — when their stakeholder holds
  one of the proposal's seats — approve, reject or request changes; viewers only read;
* a rejection closes the proposal; a request for changes sends it back to its author, whose
  next ``apply``/``propose`` for the KPI revises it (a new revision: earlier approvals no
  longer count);
* a proposal is approved when every seat has an approval on its current revision and at
  least one approval comes from someone other than its author (four eyes); its versions are
  then written in the same transaction, unless the KPI changed since it was proposed;
* the seats are frozen on the proposal when it is made and on every revision, so that a later
  edit of ``governance.yaml`` does not change who decides. A proposal made before migration
  0005 has none frozen: its seats are computed from ``governance.yaml`` as it is when read
  (``seats_frozen`` false) and frozen the first time anyone acts on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpibridge.errors import GovernanceError
from kpibridge.model.access import AccessRole, allows
from kpibridge.model.governance import (
    Decision,
    GovernanceSettings,
    ProposalKind,
    ProposalStatus,
    Restatement,
)
from kpibridge.services.accounts.users import Account
from kpibridge.services.governance.decision_rights import Seat, seats_for
from kpibridge.services.governance.proposal_diff import diff_words, diff_yaml
from kpibridge.services.governance.versions import (
    Change,
    latest_definitions,
    record_change,
)
from kpibridge.services.rounds.proposal_round_links import RoundLink, links_of_proposal
from kpibridge.store import Store, audit
from kpibridge.store.governance_schema import (
    DefinitionVersion,
    Proposal,
    ProposalDecision,
    TargetVersion,
)
from kpibridge.workspace.definition import WorkspaceDefinition
from kpibridge.workspace.kpi_yaml import join_targets

LIVE = (ProposalStatus.OPEN.value, ProposalStatus.CHANGES_REQUESTED.value)


class ProposalPermissionError(GovernanceError):
    """The account may not do this to the proposal (a viewer, or no seat): 403 on the web."""


class ProposalStateError(GovernanceError):
    """The proposal's status does not allow this now (decided, sent back): 409 on the web."""


class ProposalNotFoundError(GovernanceError):
    """No proposal with this number: 404 on the web."""


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


def require_member(account: Account, doing: str) -> None:
    if not allows(account.role, AccessRole.MEMBER):
        raise ProposalPermissionError(
            f"{account.username} is a {account.role.value}: viewers may not {doing}"
        )


def open_or_revise(
    session: Session,
    change: Change,
    *,
    account: Account,
    rationale: str,
    effective_from: date,
    restatement: Restatement,
    definition: WorkspaceDefinition,
    governance: GovernanceSettings,
) -> tuple[Proposal, bool]:
    """Open a proposal for ``change``, or revise the author's live proposal for the same
    KPI; returns (the proposal, whether it is new). Checks that its seats can be filled."""
    require_member(account, "propose changes")
    if not rationale.strip():
        raise GovernanceError("a proposal needs its rationale: give --message 'why'")
    seats = _seats(session, change.kpi_id, change.definition, definition, governance)
    mine = session.scalar(
        select(Proposal).where(
            Proposal.kpi_id == change.kpi_id,
            Proposal.author == account.username,
            Proposal.status.in_(LIVE),
        )
    )
    fields = {
        "kind": change.kind.value,
        "definition": change.definition,
        "targets": change.targets,
        "base_version": change.base_version,
        "base_target_version": change.base_target_version,
        "rationale": rationale,
        "effective_from": effective_from,
        "restatement": restatement.value,
        "seats": [seat.to_json() for seat in seats],
    }
    if mine is not None:
        for key, value in fields.items():
            setattr(mine, key, value)
        mine.revision += 1
        mine.status = ProposalStatus.OPEN.value
        mine.updated_at = datetime.now(UTC)
        session.flush()
        _audit(
            session,
            mine,
            account,
            "proposal.revise",
            {"revision": mine.revision, "seats": fields["seats"]},
        )
        return mine, False
    proposal = Proposal(
        kpi_id=change.kpi_id,
        status=ProposalStatus.OPEN.value,
        author=account.username,
        revision=1,
        **fields,
    )
    session.add(proposal)
    session.flush()
    _audit(
        session,
        proposal,
        account,
        "proposal.open",
        {
            "kind": change.kind.value,
            "effective_from": effective_from.isoformat(),
            "restatement": restatement.value,
            "seats": fields["seats"],
        },
    )
    return proposal, True


def list_proposals(
    store: Store, *, status: ProposalStatus | None = None, kpi: str | None = None
) -> list[dict[str, object]]:
    """Proposals, newest first, as short records."""
    with store.transaction() as session:
        query = select(Proposal).order_by(Proposal.id.desc())
        if status is not None:
            query = query.where(Proposal.status == status.value)
        if kpi is not None:
            query = query.where(Proposal.kpi_id == kpi)
        return [
            {
                "id": p.id,
                "kpi": p.kpi_id,
                "kind": p.kind,
                "status": p.status,
                "author": p.author,
                "revision": p.revision,
                "effective_from": p.effective_from.isoformat(),
                "rationale": p.rationale,
            }
            for p in session.scalars(query)
        ]


def show_proposal(
    store: Store,
    proposal_id: int,
    definition: WorkspaceDefinition,
    governance: GovernanceSettings,
) -> ProposalView:
    with store.transaction() as session:
        return _view(session, _proposal(session, proposal_id), definition, governance)


def decide(
    store: Store,
    proposal_id: int,
    account: Account,
    decision: Decision,
    comment: str,
    definition: WorkspaceDefinition,
    governance: GovernanceSettings,
) -> ProposalView:
    """Record ``account``'s decision; on the last approval needed, write the versions."""
    require_member(account, f"{decision.value.replace('_', ' ')} proposals")
    with store.transaction() as session:
        proposal = _proposal(session, proposal_id)
        status = ProposalStatus(proposal.status)
        allowed = LIVE if decision is Decision.COMMENT else (ProposalStatus.OPEN.value,)
        if proposal.status not in allowed:
            raise ProposalStateError(
                f"proposal {proposal_id} is {status.value.replace('_', ' ')}: "
                f"it takes no {decision.value.replace('_', ' ')} now"
            )
        if decision is Decision.COMMENT and not comment.strip():
            raise GovernanceError("a comment needs its text: give --comment 'text'")
        if decision in (Decision.REJECT, Decision.REQUEST_CHANGES) and not comment.strip():
            raise GovernanceError(f"say why: {decision.value.replace('_', ' ')} needs --comment")
        view = _view(session, proposal, definition, governance)
        freeze_legacy_seats(session, proposal, view, actor=account.username)
        if decision is not Decision.COMMENT:
            held = [s.seat.name for s in view.seats if account.stakeholder in s.seat.holders]
            if not held:
                raise ProposalPermissionError(
                    f"{account.username} (stakeholder {account.stakeholder or 'none'}) holds "
                    "none of this proposal's seats: "
                    + "; ".join(f"{s.seat.name}: {', '.join(s.seat.holders)}" for s in view.seats)
                )
        session.add(
            ProposalDecision(
                proposal_id=proposal.id,
                revision=proposal.revision,
                username=account.username,
                stakeholder_id=account.stakeholder,
                decision=decision.value,
                comment=comment,
            )
        )
        session.flush()
        _audit(
            session,
            proposal,
            account,
            f"proposal.{decision.value}",
            {"revision": proposal.revision, "comment": comment},
        )
        if decision is Decision.REJECT:
            _set_status(session, proposal, account, ProposalStatus.REJECTED)
        elif decision is Decision.REQUEST_CHANGES:
            _set_status(session, proposal, account, ProposalStatus.CHANGES_REQUESTED)
        elif decision is Decision.APPROVE:
            view = _view(session, proposal, definition, governance)
            if not view.missing:
                record_change(
                    session,
                    _change(proposal),
                    author=proposal.author,
                    rationale=proposal.rationale,
                    effective_from=proposal.effective_from,
                    restatement=Restatement(proposal.restatement),
                    proposal_id=proposal.id,
                )
                _set_status(session, proposal, account, ProposalStatus.APPROVED)
        session.expire(proposal)
        return _view(session, proposal, definition, governance)


def freeze_legacy_seats(
    session: Session, proposal: Proposal, view: ProposalView, *, actor: str
) -> None:
    """Freeze the seats of a proposal made before migration 0005 (none frozen) as ``view``
    computed them from governance.yaml now: the first action on it fixes who decides."""
    if proposal.seats is not None:
        return
    proposal.seats = [state.seat.to_json() for state in view.seats]
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="proposal.seats_frozen",
        entity="kpi",
        entity_id=proposal.kpi_id,
        detail={
            "proposal": proposal.id,
            "seats": proposal.seats,
            "rule": "made before seats were frozen: frozen at its first action",
        },
    )


def _change(proposal: Proposal) -> Change:
    return Change(
        proposal.kpi_id,
        ProposalKind(proposal.kind),
        proposal.definition,
        proposal.targets,
        proposal.base_version,
        proposal.base_target_version,
    )


def _set_status(
    session: Session, proposal: Proposal, account: Account, status: ProposalStatus
) -> None:
    proposal.status = status.value
    proposal.updated_at = datetime.now(UTC)
    session.flush()
    _audit(session, proposal, account, f"proposal.{status.value}", {"revision": proposal.revision})


def _audit(
    session: Session, proposal: Proposal, account: Account, action: str, detail: dict[str, object]
) -> None:
    audit.record(
        session,
        actor=account.username,
        action=action,
        entity="kpi",
        entity_id=proposal.kpi_id,
        detail={"proposal": proposal.id, **detail},
    )


def _proposal(session: Session, proposal_id: int) -> Proposal:
    proposal = session.get(Proposal, proposal_id)
    if proposal is None:
        raise ProposalNotFoundError(
            f"no proposal {proposal_id}: `kpibridge proposals list` shows them"
        )
    return proposal


def _before_after(
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


def _seats(
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
    return _view(session, proposal, definition, governance)


def _view(
    session: Session,
    proposal: Proposal,
    definition: WorkspaceDefinition,
    governance: GovernanceSettings,
) -> ProposalView:
    before, after = _before_after(session, proposal)
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
