"""Alignment rounds kept in the app store: create, list, read, vote, propose, close, adopt.

The app store is the truth for rounds run on the web. Rounds of the workspace's
``rounds/*.yaml`` are imported once (keyed by name) so that they show with their ballots.
A stored round is turned back into a :class:`kpibridge.model.rounds.Round` holding the live
ballots, which the alignment engine analyses exactly as it analyses a YAML round.

Every state change runs in one transaction, together with its audit record.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from kpibridge.errors import KpibridgeError, UnknownNameError, closest_names
from kpibridge.model.access import AccessRole, allows
from kpibridge.model.people import Role
from kpibridge.model.rounds import AudienceMember, Ballot, Proposal, Round
from kpibridge.services.accounts.users import Account
from kpibridge.services.metrics.workspace import Workspace
from kpibridge.services.rounds.proposal_round_links import record_adoption
from kpibridge.store import Store, audit
from kpibridge.store.rounds_schema import (
    BallotRecord,
    RoundCandidateRecord,
    RoundCriterionRecord,
    RoundParticipantRecord,
    RoundRecord,
)
from kpibridge.workspace.rounds import load_round, round_names

logger = logging.getLogger(__name__)


class RoundStateError(KpibridgeError):
    """The round cannot take this change now (closed, adopted, past its deadline)."""


class RoundPermissionError(KpibridgeError):
    """The caller is not someone who may do this in this round (not a participant …)."""


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

    def as_record(self) -> dict[str, Any]:
        r = self.round
        return {
            "name": r.id,
            "question": r.question,
            "status": self.status,
            "source": self.source,
            "facilitator": r.facilitator,
            "select": r.select,
            "criteria": list(r.criteria),
            "candidates": list(r.candidates),
            "proposals": [p.model_dump(mode="json") for p in r.proposals],
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


# ---------------------------------------------------------------------------- reading


def list_stored_rounds(store: Store) -> list[StoredRound]:
    """Every round, open ones first, then by name."""
    with store.transaction() as session:
        records = session.scalars(_with_children(select(RoundRecord))).all()
        rounds = [_stored(session, record) for record in records]
    order = {"open": 0, "closed": 1, "adopted": 2}
    return sorted(rounds, key=lambda r: (order.get(r.status, 3), r.name))


def get_round(store: Store, name: str) -> StoredRound:
    with store.transaction() as session:
        return _stored(session, _record(session, name))


def ballot_history(store: Store, name: str, participant: str) -> list[BallotVersion]:
    """Every ballot ``participant`` sent in round ``name``, newest first."""
    with store.transaction() as session:
        record = _record(session, name)
        rows = session.scalars(
            select(BallotRecord)
            .where(BallotRecord.round_id == record.id, BallotRecord.participant == participant)
            .order_by(BallotRecord.id.desc())
        ).all()
        return [_version(row) for row in rows]


def live_ballot(store: Store, name: str, participant: str) -> Ballot | None:
    history = ballot_history(store, name, participant)
    return history[0].ballot if history and history[0].replaced_at is None else None


# ---------------------------------------------------------------------------- changing


def create_round(store: Store, ws: Workspace, spec: Round, *, actor: str) -> StoredRound:
    """Store a new open round; raises KpibridgeError naming every problem of ``spec``."""
    with store.transaction() as session:
        return _stored(session, insert_new_round(session, ws, spec, actor=actor))


def insert_new_round(session: Session, ws: Workspace, spec: Round, *, actor: str) -> RoundRecord:
    """:func:`create_round` inside the caller's transaction (so that what else the caller
    records — links to proposals — commits with the round or not at all)."""
    problems = round_problems(spec, ws)
    if spec.ballots:
        problems.append("a new round starts without ballots")
    if problems:
        raise KpibridgeError(f"round {spec.id!r}: " + "; ".join(problems))
    if session.scalar(select(RoundRecord.id).where(RoundRecord.name == spec.id)) is not None:
        raise KpibridgeError(f"a round named {spec.id!r} exists already: choose another name")
    record = _insert(session, spec, source="web", created_by=actor)
    audit.record(
        session,
        actor=actor,
        action="round.create",
        entity="round",
        entity_id=spec.id,
        detail={
            "question": spec.question,
            "candidates": list(spec.all_candidates()),
            "participants": list(spec.participants),
            "select": spec.select,
        },
    )
    session.flush()
    return record


def import_workspace_rounds(store: Store, ws: Workspace) -> list[str]:
    """Copy the workspace's YAML rounds that the store does not hold yet (keyed by name).

    A round file with problems is left out with a warning in the log (``kpibridge validate``
    and ``kpibridge round list`` show its problems); the others are still imported. Returns
    the names imported.
    """
    imported = []
    for name in round_names(ws.root):
        with store.transaction() as session:
            if session.scalar(select(RoundRecord.id).where(RoundRecord.name == name)) is not None:
                continue
            round_, issues = load_round(ws.definition, name)
            if round_ is None or issues:
                logger.warning(
                    "round %s not imported into the app store: %s",
                    name,
                    "; ".join(str(i) for i in issues),
                )
                continue
            _insert(session, round_, source="workspace", created_by=None)
            audit.record(
                session,
                actor=None,
                action="round.import",
                entity="round",
                entity_id=name,
                detail={"file": f"rounds/{name}.yaml", "ballots": len(round_.ballots)},
            )
        imported.append(name)
    return imported


def submit_ballot(
    store: Store, name: str, ballot: Ballot, *, actor: str, participant: str | None
) -> BallotVersion:
    """Store ``ballot`` as the live ballot of ``participant`` (the caller's stakeholder).

    A previous live ballot is kept as history (``replaced_at`` set) in the same transaction.
    Raises RoundPermissionError when ``participant`` is not one of the round's participants,
    RoundStateError when the round is not open or its deadline has passed, KpibridgeError
    naming every problem of the ballot.
    """
    if participant is None:
        raise RoundPermissionError(
            "your account is not linked to a stakeholder, so it cannot vote in a round"
        )
    if ballot.participant != participant:
        ballot = ballot.model_copy(update={"participant": participant})
    try:
        with store.transaction() as session:
            record = _record(session, name, lock=True)
            stored = _stored(session, record)
            _check_open(stored)
            if participant not in stored.round.participants:
                raise RoundPermissionError(
                    f"{participant!r} is not a participant of round {name!r}; only "
                    f"{', '.join(stored.round.participants)} may vote"
                )
            problems = ballot_problems(stored.round, ballot)
            if problems:
                raise KpibridgeError(f"ballot for round {name!r}: " + "; ".join(problems))
            now = datetime.now(UTC)
            previous = session.scalar(
                select(BallotRecord).where(
                    BallotRecord.round_id == record.id,
                    BallotRecord.participant == participant,
                    BallotRecord.replaced_at.is_(None),
                )
            )
            if previous is not None:
                previous.replaced_at = now
                session.flush()  # the old row leaves the live index before the new one enters
            row = BallotRecord(
                round_id=record.id,
                participant=participant,
                content=ballot.model_dump(mode="json"),
                submitted_by=actor,
                submitted_at=now,
            )
            session.add(row)
            session.flush()
            audit.record(
                session,
                actor=actor,
                action="ballot.submit",
                entity="round",
                entity_id=name,
                detail={
                    "participant": participant,
                    "ballot": row.id,
                    "replaces": previous.id if previous is not None else None,
                },
            )
            return _version(row)
    except IntegrityError:
        # two submissions of the same participant at the same instant: the other one won
        raise RoundStateError(
            f"another ballot of {participant!r} was being stored at the same time; send again"
        ) from None


def propose_candidate(
    store: Store,
    ws: Workspace,
    name: str,
    proposal: Proposal,
    *,
    actor: str,
    participant: str | None,
    may_facilitate: bool,
) -> StoredRound:
    """Add a new candidate to an open round. Participants and facilitators may propose."""
    with store.transaction() as session:
        record = _record(session, name, lock=True)
        stored = _stored(session, record)
        _check_open(stored)
        if not may_facilitate and participant not in stored.round.participants:
            raise RoundPermissionError(f"only participants of round {name!r} propose candidates")
        if proposal.id in stored.round.all_candidates() or proposal.id in ws.kpis:
            raise KpibridgeError(
                f"{proposal.id!r} is already a KPI or a candidate: choose another id, or rank it"
            )
        if proposal.goal is not None and proposal.goal not in _goal_ids(ws):
            raise UnknownNameError("goal", proposal.goal, _goal_ids(ws))
        proposal = proposal.model_copy(update={"proposed_by": participant or proposal.proposed_by})
        record.candidates.append(_candidate_row(proposal, len(record.candidates)))
        audit.record(
            session,
            actor=actor,
            action="round.propose",
            entity="round",
            entity_id=name,
            detail={"candidate": proposal.id, "name": proposal.name},
        )
        session.flush()
        return _stored(session, record)


def require_facilitator(account: Account, doing: str) -> None:
    """Only facilitators (and admins) open, close and adopt rounds: the web routes check it
    with their dependency, the CLI with this."""
    if not allows(account.role, AccessRole.FACILITATOR):
        raise RoundPermissionError(
            f"{account.username} is a {account.role.value}: only facilitators and admins {doing}"
        )


def close_round(store: Store, name: str, *, actor: str) -> StoredRound:
    """Stop taking ballots. Only an open round closes."""
    with store.transaction() as session:
        record = _record(session, name, lock=True)
        if record.status != "open":
            raise RoundStateError(f"round {name!r} is {record.status}, not open")
        record.status = "closed"
        record.closed_at = datetime.now(UTC)
        audit.record(
            session,
            actor=actor,
            action="round.close",
            entity="round",
            entity_id=name,
            detail={"ballots": _live_count(session, record.id)},
        )
        session.flush()
        return _stored(session, record)


def adopt_round(store: Store, name: str, selected: Sequence[str], *, actor: str) -> StoredRound:
    """Adopt ``selected`` (candidate ids, in order) as the round's outcome; closes it too."""
    chosen = list(dict.fromkeys(selected))
    with store.transaction() as session:
        record = _record(session, name, lock=True)
        if record.status == "adopted":
            raise RoundStateError(f"round {name!r} was adopted already")
        candidates = [c.candidate for c in record.candidates]
        unknown = [c for c in chosen if c not in candidates]
        if unknown:
            raise UnknownNameError("candidate", unknown[0], candidates)
        if not chosen:
            raise KpibridgeError("adopt at least one candidate")
        now = datetime.now(UTC)
        record.status = "adopted"
        record.closed_at = record.closed_at or now
        record.adopted_at = now
        record.adopted_by = actor
        record.adopted = chosen
        audit.record(
            session,
            actor=actor,
            action="round.adopt",
            entity="round",
            entity_id=name,
            detail={"adopted": chosen},
        )
        # a round of competing change proposals: the winner gets a comment, not an approval
        record_adoption(session, record, chosen, actor=actor)
        session.flush()
        return _stored(session, record)


# ---------------------------------------------------------------------------- checking


def round_problems(spec: Round, ws: Workspace) -> list[str]:
    """Every problem of a new round's references (candidates, people, criteria, size)."""
    problems = []
    for candidate in spec.candidates:
        if candidate not in ws.kpis:
            problems.append(_unknown("KPI", candidate, ws.kpis))
    if len(spec.all_candidates()) < 2:
        problems.append("a round needs at least two candidates")
    for person in spec.participants:
        if person not in ws.stakeholders:
            problems.append(_unknown("stakeholder", person, ws.stakeholders))
    if not spec.participants:
        problems.append("a round needs at least one participant")
    if spec.facilitator and spec.facilitator not in ws.stakeholders:
        problems.append(_unknown("stakeholder", spec.facilitator, ws.stakeholders))
    if not spec.criteria:
        problems.append("a round needs at least one criterion")
    if len(set(spec.criteria)) != len(spec.criteria):
        problems.append("a criterion is listed twice")
    if spec.select > len(spec.all_candidates()):
        problems.append(
            f"select is {spec.select} but the round has only {len(spec.all_candidates())} "
            "candidates"
        )
    if spec.deadline is not None:
        try:
            if date.fromisoformat(spec.deadline) < datetime.now(UTC).date():
                problems.append(f"deadline {spec.deadline} has passed already")
        except ValueError:
            problems.append(f"deadline {spec.deadline!r} is not a date like 2027-01-31")
    return problems


def ballot_problems(round_: Round, ballot: Ballot) -> list[str]:
    """Every problem of a ballot against its round: unknown or repeated candidates, unknown
    criteria, scores outside 1-5, negative weights."""
    problems = []
    candidates = round_.all_candidates()
    ranked = ballot.ranked()
    for candidate in dict.fromkeys(ranked):
        if candidate not in candidates:
            problems.append("ranking: " + _unknown("candidate", candidate, candidates))
    repeated = sorted({c for c in ranked if ranked.count(c) > 1})
    if repeated:
        problems.append(f"ranking: ranked more than once: {', '.join(repeated)}")
    for field in ("scores", "reactions", "rationale"):
        for candidate in getattr(ballot, field):
            if candidate not in candidates:
                problems.append(f"{field}: " + _unknown("candidate", candidate, candidates))
    for candidate, marks in ballot.scores.items():
        for criterion, mark in marks.items():
            if criterion not in round_.criteria:
                problems.append(
                    f"scores.{candidate}: " + _unknown("criterion", criterion, round_.criteria)
                )
            elif not 1 <= mark <= 5:
                problems.append(f"scores.{candidate}.{criterion}: {mark} is outside 1-5")
    for criterion, weight in (ballot.criteria_weights or {}).items():
        if criterion not in round_.criteria:
            problems.append(
                "criteria_weights: " + _unknown("criterion", criterion, round_.criteria)
            )
        elif weight < 0:
            problems.append(f"criteria_weights.{criterion}: {weight} is negative")
    if ballot.criteria_weights and sum(ballot.criteria_weights.values()) <= 0:
        problems.append("criteria_weights: at least one weight must be above 0")
    for comparison in ballot.comparisons:
        for criterion in (comparison.a, comparison.b):
            if criterion not in round_.criteria:
                problems.append("comparisons: " + _unknown("criterion", criterion, round_.criteria))
    return problems


def parse_round(data: dict[str, Any]) -> Round:
    """A round from plain data (a form or a JSON body); KpibridgeError lists every problem."""
    try:
        return Round.model_validate(data)
    except ValidationError as error:
        raise KpibridgeError("; ".join(_validation_messages(error))) from None


def parse_ballot(data: dict[str, Any]) -> Ballot:
    try:
        return Ballot.model_validate(data)
    except ValidationError as error:
        raise KpibridgeError("ballot: " + "; ".join(_validation_messages(error))) from None


def parse_proposal(data: dict[str, Any]) -> Proposal:
    try:
        return Proposal.model_validate(data)
    except ValidationError as error:
        raise KpibridgeError("proposal: " + "; ".join(_validation_messages(error))) from None


# ---------------------------------------------------------------------------- internals


def _validation_messages(error: ValidationError) -> list[str]:
    return [
        f"{'.'.join(str(p) for p in item['loc']) or 'value'}: {item['msg']}"
        for item in error.errors()
    ]


def _unknown(kind: str, name: str, known: Collection[str]) -> str:
    close = closest_names(name, known)
    hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    return f"unknown {kind} {name!r}.{hint}"


def _goal_ids(ws: Workspace) -> list[str]:
    return [goal.id for root in ws.goals for goal in root.walk()]


def _check_open(stored: StoredRound) -> None:
    if stored.status != "open":
        raise RoundStateError(f"round {stored.name!r} is {stored.status}: it takes no changes")
    if stored.past_deadline:
        raise RoundStateError(
            f"round {stored.name!r} closed for ballots on its deadline {stored.round.deadline}"
        )


def _with_children(query: Any) -> Any:
    return query.options(
        selectinload(RoundRecord.candidates),
        selectinload(RoundRecord.criteria),
        selectinload(RoundRecord.participants),
    )


def _record(session: Session, name: str, *, lock: bool = False) -> RoundRecord:
    query = _with_children(select(RoundRecord).where(RoundRecord.name == name))
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


def _insert(session: Session, spec: Round, *, source: str, created_by: str | None) -> RoundRecord:
    record = RoundRecord(
        name=spec.id,
        question=spec.question,
        facilitator=spec.facilitator,
        select_count=spec.select,
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
    candidates += [
        _candidate_row(p, len(spec.candidates) + i) for i, p in enumerate(spec.proposals)
    ]
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


def _candidate_row(proposal: Proposal, position: int) -> RoundCandidateRecord:
    return RoundCandidateRecord(
        candidate=proposal.id,
        position=position,
        name=proposal.name,
        proposed_by=proposal.proposed_by,
        rationale=proposal.rationale,
        goal=proposal.goal,
        nature=proposal.nature,
    )


def _live_count(session: Session, round_id: int) -> int:
    return (
        session.scalar(
            select(func.count()).where(
                BallotRecord.round_id == round_id, BallotRecord.replaced_at.is_(None)
            )
        )
        or 0
    )


def _stored(session: Session, record: RoundRecord) -> StoredRound:
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


def _version(row: BallotRecord) -> BallotVersion:
    return BallotVersion(
        id=row.id,
        participant=row.participant,
        ballot=Ballot.model_validate(row.content),
        submitted_by=row.submitted_by,
        submitted_at=row.submitted_at,
        replaced_at=row.replaced_at,
    )
