"""Rounds and ballots as app-store rows and back: the stored round a reader sees, its ballot
history, and the inserts that record a new round."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from kpibridge.errors import UnknownNameError
from kpibridge.model.people import Role
from kpibridge.model.rounds import AudienceMember, Ballot, Proposal, Round
from kpibridge.store.rounds_schema import (
    BallotRecord,
    RoundCandidateRecord,
    RoundCriterionRecord,
    RoundParticipantRecord,
    RoundRecord,
)


@dataclass(frozen=True)
class StoredRound:
    """A round as the store holds it: the round itself (with its live ballots) and its state."""

    round: Round
    status: str
    source: str
    created_by: str | None
    created_at: datetime
    closed_at: datetime | None
    adopted_at: datetime | None
    adopted_by: str | None
    adopted: tuple[str, ...]
    version: tuple[object, ...]
    """Changes whenever anything the analysis reads changes (for caching results)."""

    @property
    def name(self) -> str:
        return self.round.id

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def past_deadline(self) -> bool:
        deadline = self.round.deadline
        return deadline is not None and date.fromisoformat(deadline) < datetime.now(UTC).date()

    def as_record(self, *, named: bool = True) -> dict[str, Any]:
        """The round as JSON; ``named=False`` (an anonymous round shown to someone who does
        not facilitate) leaves out who proposed each candidate, as the results do."""
        r = self.round
        proposals = [p.model_dump(mode="json") for p in r.proposals]
        if not named:
            proposals = [{**p, "proposed_by": None} for p in proposals]
        return {
            "name": r.id,
            "question": r.question,
            "status": self.status,
            "source": self.source,
            "facilitator": r.facilitator,
            "select": r.select,
            "quorum": r.quorum,
            "criteria": list(r.criteria),
            "candidates": list(r.candidates),
            "proposals": proposals,
            "participants": list(r.participants),
            "audience": len(r.audience),
            "ballots": len(r.ballots),
            "deadline": r.deadline,
            "anonymous": r.anonymous,
            "created_by": self.created_by,
            "created_at": self.created_at.isoformat(),
            "closed_at": self.closed_at.isoformat() if self.closed_at else None,
            "adopted_at": self.adopted_at.isoformat() if self.adopted_at else None,
            "adopted_by": self.adopted_by,
            "adopted": list(self.adopted),
        }


@dataclass(frozen=True)
class BallotVersion:
    """One submission of a participant's ballot; ``replaced_at`` is None for the live one."""

    id: int
    participant: str
    ballot: Ballot
    submitted_by: str | None
    submitted_at: datetime
    replaced_at: datetime | None

    def as_record(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "participant": self.participant,
            "ballot": self.ballot.model_dump(mode="json"),
            "submitted_by": self.submitted_by,
            "submitted_at": self.submitted_at.isoformat(),
            "replaced_at": self.replaced_at.isoformat() if self.replaced_at else None,
            "live": self.replaced_at is None,
        }


def with_children(query: Any) -> Any:
    return query.options(
        selectinload(RoundRecord.candidates),
        selectinload(RoundRecord.criteria),
        selectinload(RoundRecord.participants),
    )


def round_record(session: Session, name: str, *, lock: bool = False) -> RoundRecord:
    query = with_children(select(RoundRecord).where(RoundRecord.name == name))
    if lock:
        # Writers of one round queue up before they read it, so that none decides on a stale
        # read (which live ballot to replace). PostgreSQL: a row lock. SQLite ignores FOR
        # UPDATE and starts its write transaction at the first write: write first (a no-op).
        query = query.with_for_update(of=RoundRecord)
        if session.get_bind().dialect.name == "sqlite":
            session.execute(
                update(RoundRecord).where(RoundRecord.name == name).values(name=RoundRecord.name)
            )
    record = session.scalar(query)
    if record is None:
        raise UnknownNameError("round", name, session.scalars(select(RoundRecord.name)))
    return record


def insert_round(
    session: Session, spec: Round, *, source: str, created_by: str | None
) -> RoundRecord:
    record = RoundRecord(
        name=spec.id,
        question=spec.question,
        facilitator=spec.facilitator,
        select_count=spec.select,
        quorum=spec.quorum,
        deadline=spec.deadline,
        anonymous=spec.anonymous,
        status="open",
        source=source,
        created_by=created_by,
    )
    candidates = [
        RoundCandidateRecord(candidate=c, position=i, rationale="", nature="quantitative")
        for i, c in enumerate(spec.candidates)
    ]
    candidates += [candidate_row(p, len(spec.candidates) + i) for i, p in enumerate(spec.proposals)]
    record.candidates = candidates
    record.criteria = [
        RoundCriterionRecord(criterion=c, position=i) for i, c in enumerate(spec.criteria)
    ]
    people = [
        RoundParticipantRecord(stakeholder=p, position=i, audience=False)
        for i, p in enumerate(spec.participants)
    ]
    people += [
        RoundParticipantRecord(
            stakeholder=m.id, position=len(people) + i, audience=True, role=m.role.value
        )
        for i, m in enumerate(spec.audience)
    ]
    record.participants = people
    session.add(record)
    session.flush()
    for ballot in spec.ballots:
        session.add(
            BallotRecord(
                round_id=record.id,
                participant=ballot.participant,
                content=ballot.model_dump(mode="json"),
                submitted_by=None,
            )
        )
    session.flush()
    return record


def candidate_row(proposal: Proposal, position: int) -> RoundCandidateRecord:
    return RoundCandidateRecord(
        candidate=proposal.id,
        position=position,
        name=proposal.name,
        proposed_by=proposal.proposed_by,
        rationale=proposal.rationale,
        goal=proposal.goal,
        nature=proposal.nature,
    )


def live_ballot_count(session: Session, round_id: int) -> int:
    return (
        session.scalar(
            select(func.count()).where(
                BallotRecord.round_id == round_id, BallotRecord.replaced_at.is_(None)
            )
        )
        or 0
    )


def to_stored(session: Session, record: RoundRecord) -> StoredRound:
    rows = session.scalars(
        select(BallotRecord)
        .where(BallotRecord.round_id == record.id, BallotRecord.replaced_at.is_(None))
        .order_by(BallotRecord.id)
    ).all()
    newest = session.scalar(
        select(func.max(BallotRecord.id)).where(BallotRecord.round_id == record.id)
    )
    kpis = [c.candidate for c in record.candidates if c.proposed_by is None and c.name is None]
    proposals = [
        Proposal(
            id=c.candidate,
            name=c.name or c.candidate,
            proposed_by=c.proposed_by,
            rationale=c.rationale,
            goal=c.goal,
            nature="qualitative" if c.nature == "qualitative" else "quantitative",
        )
        for c in record.candidates
        if not (c.proposed_by is None and c.name is None)
    ]
    round_ = Round(
        id=record.name,
        question=record.question,
        facilitator=record.facilitator,
        select=record.select_count,
        quorum=record.quorum,
        criteria=tuple(c.criterion for c in record.criteria),
        participants=tuple(p.stakeholder for p in record.participants if not p.audience),
        audience=tuple(
            AudienceMember(id=p.stakeholder, role=Role(p.role or Role.OTHER.value))
            for p in record.participants
            if p.audience
        ),
        candidates=tuple(kpis),
        proposals=tuple(proposals),
        deadline=record.deadline,
        anonymous=record.anonymous,
        ballots=tuple(Ballot.model_validate(row.content) for row in rows),
    )
    return StoredRound(
        round=round_,
        status=record.status,
        source=record.source,
        created_by=record.created_by,
        created_at=record.created_at,
        closed_at=record.closed_at,
        adopted_at=record.adopted_at,
        adopted_by=record.adopted_by,
        adopted=tuple(record.adopted or ()),
        version=(record.status, newest, len(record.candidates), len(rows)),
    )


def ballot_version(row: BallotRecord) -> BallotVersion:
    return BallotVersion(
        id=row.id,
        participant=row.participant,
        ballot=Ballot.model_validate(row.content),
        submitted_by=row.submitted_by,
        submitted_at=row.submitted_at,
        replaced_at=row.replaced_at,
    )
