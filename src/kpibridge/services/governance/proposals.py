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

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpibridge.errors import (
    GovernanceError,
    ProposalNotFoundError,
    ProposalPermissionError,
    ProposalStateError,
)
from kpibridge.model.access import AccessRole, allows
from kpibridge.model.governance import (
    Decision,
    GovernanceSettings,
    ProposalKind,
    ProposalStatus,
    Restatement,
)
from kpibridge.services.accounts.users import Account
from kpibridge.services.governance.proposal_views import ProposalView, seat_states, view_of
from kpibridge.services.governance.versions import (
    Change,
    record_change,
)
from kpibridge.store import Store, audit
from kpibridge.store.governance_schema import (
    Proposal,
    ProposalDecision,
)
from kpibridge.workspace.definition import WorkspaceDefinition

LIVE = (ProposalStatus.OPEN.value, ProposalStatus.CHANGES_REQUESTED.value)


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
    seats = seat_states(session, change.kpi_id, change.definition, definition, governance)
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
        return view_of(session, _proposal(session, proposal_id), definition, governance)


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
        view = view_of(session, proposal, definition, governance)
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
            view = view_of(session, proposal, definition, governance)
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
        return view_of(session, proposal, definition, governance)


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
