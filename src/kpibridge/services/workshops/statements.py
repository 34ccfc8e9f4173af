"""Statements and reactions, Pol.is style: participants write short statements, the
facilitator may moderate them, and everyone answers one statement at a time.

Order of the statements a participant is shown (after Pol.is's comment routing, made
deterministic so that it can be tested and explained): unseen statements only; first the
*new* ones — fewer than ``NEW_VOTES`` votes — fewest votes first, so that every statement gets
early exposure; then the rest, most divisive first (the spread of the opinion groups' agree
rates, or with one group the balance of agree and disagree), so that votes go where they
tell the groups apart. The author of a statement agrees with it (as in Pol.is).

Storage guarantees: one reaction per (statement, participant) by a unique constraint and an
upsert (a double click or a retry stores one row; the last answer wins); one statement per
``client_key`` a form sends (a double click posts one statement). A reaction is checked
against the workshop's state *inside* the write transaction, after the workshop row is locked,
so that a reaction racing a lock or a rejection either lands before it or is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kpibridge.errors import KpibridgeError, WorkshopError, WorkshopStateError
from kpibridge.services.workshops.people import clean_text, participant_row
from kpibridge.services.workshops.sessions import load
from kpibridge.store import Store, audit
from kpibridge.store.workshops_schema import (
    WorkshopParticipantRecord,
    WorkshopReactionRecord,
    WorkshopStatementRecord,
)

STATEMENT_LIMIT = 280
"""A statement is one thought: the length of a short message."""
NEW_VOTES = 5
REACTIONS = ("agree", "disagree", "pass")
ReactionValue = Literal["agree", "disagree", "pass"]


@dataclass(frozen=True)
class Statement:
    id: int
    text: str
    status: str
    reason: str | None
    author: int | None
    author_name: str | None
    created_at: datetime

    def as_record(self, *, with_author: bool = False) -> dict[str, Any]:
        record: dict[str, Any] = {
            "id": self.id,
            "text": self.text,
            "status": self.status,
            "reason": self.reason,
        }
        if with_author:
            record["author"] = self.author_name
        return record


def _statement(row: WorkshopStatementRecord, author_name: str | None) -> Statement:
    return Statement(
        row.id, row.text, row.status, row.reason, row.participant_id, author_name, row.created_at
    )


def _upsert_reaction(
    session: Session, workshop_id: int, statement_id: int, participant_id: int, reaction: str
) -> None:
    values = {
        "workshop_id": workshop_id,
        "statement_id": statement_id,
        "participant_id": participant_id,
        "reaction": reaction,
        "at": datetime.now(UTC),
    }
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(WorkshopReactionRecord).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=["statement_id", "participant_id"],
        set_={"reaction": values["reaction"], "at": values["at"]},
    )
    session.execute(statement)


def add_statement(
    store: Store,
    code: str,
    text: str,
    *,
    participant_id: int | None,
    token: str | None,
    client_key: str,
    actor: str | None = None,
) -> tuple[Statement, bool]:
    """Store a statement (pending when the workshop moderates, else accepted); returns it and
    whether it is new (False: the same ``client_key`` was sent before). ``participant_id``
    None is the facilitator seeding a statement (``actor`` names them)."""
    body = clean_text(text, "statement", STATEMENT_LIMIT)
    key = clean_text(client_key, "form key", 64)
    try:
        with store.transaction() as session:
            record, workshop = load(session, code, lock=True)
            author = None
            if participant_id is not None:
                author = participant_row(session, workshop.id, participant_id, token or "")
                workshop.check_accepts("statements")
                known = session.scalar(
                    select(WorkshopStatementRecord).where(
                        WorkshopStatementRecord.workshop_id == workshop.id,
                        WorkshopStatementRecord.participant_id == participant_id,
                        WorkshopStatementRecord.client_key == key,
                    )
                )
                if known is not None:
                    return _statement(known, author.display_name), False
            elif workshop.locked or workshop.phase == "closed":
                raise WorkshopStateError(f"workshop {workshop.code} is locked")
            moderated = workshop.moderation and author is not None
            row = WorkshopStatementRecord(
                workshop_id=workshop.id,
                participant_id=participant_id,
                client_key=key,
                text=body,
                status="pending" if moderated else "accepted",
            )
            session.add(row)
            session.flush()
            if author is not None and not moderated:
                _upsert_reaction(session, workshop.id, row.id, author.id, "agree")
            audit.record(
                session,
                actor=actor or (f"guest:{author.id}" if author else None),
                action="workshop.statement",
                entity="workshop",
                entity_id=record.code,
                detail={
                    "statement": row.id,
                    "participant": participant_id,
                    "text": body,
                    "status": row.status,
                },
            )
            return _statement(row, author.display_name if author else None), True
    except IntegrityError:  # the same form key sent twice at the same instant
        with store.transaction() as session:
            _record, workshop = load(session, code)
            known = session.scalar(
                select(WorkshopStatementRecord).where(
                    WorkshopStatementRecord.workshop_id == workshop.id,
                    WorkshopStatementRecord.participant_id == participant_id,
                    WorkshopStatementRecord.client_key == key,
                )
            )
            if known is None:
                raise
            return _statement(known, None), False


def moderate(
    store: Store, code: str, statement_id: int, *, accept: bool, reason: str, actor: str
) -> Statement:
    """Accept or reject a statement (a rejection needs a reason, shown to its author)."""
    why = clean_text(reason, "reason", 500, required=not accept)
    with store.transaction() as session:
        record, workshop = load(session, code, lock=True)
        row = session.get(WorkshopStatementRecord, statement_id)
        if row is None or row.workshop_id != workshop.id:
            raise WorkshopError(f"workshop {workshop.code} has no statement {statement_id}")
        row.status = "accepted" if accept else "rejected"
        row.reason = why or None
        row.moderated_by = actor
        if accept and row.participant_id is not None:
            _upsert_reaction(session, workshop.id, row.id, row.participant_id, "agree")
        audit.record(
            session,
            actor=actor,
            action="workshop.moderate",
            entity="workshop",
            entity_id=record.code,
            detail={"statement": row.id, "status": row.status, "reason": row.reason},
        )
        session.flush()
        return _statement(row, None)


def react(
    store: Store,
    code: str,
    statement_id: int,
    reaction: str,
    *,
    participant_id: int,
    token: str,
) -> None:
    """Record ``reaction`` (agree, disagree or pass) of the participant to a statement.

    Raises WorkshopStateError (nothing changed) for a rejected or pending statement, a
    locked workshop or a phase without reactions; WorkshopPermissionError for a removed or
    unknown participant.
    """
    if reaction not in REACTIONS:
        raise KpibridgeError(f"unknown reaction {reaction!r}: answer agree, disagree or pass")
    with store.transaction() as session:
        _record, workshop = load(session, code, lock=True)
        participant_row(session, workshop.id, participant_id, token)
        workshop.check_accepts("reactions")
        row = session.get(WorkshopStatementRecord, statement_id)
        if row is None or row.workshop_id != workshop.id:
            raise WorkshopError(f"workshop {workshop.code} has no statement {statement_id}")
        if row.status == "rejected":
            raise WorkshopStateError(
                f"statement {statement_id} was rejected by the facilitator"
                + (f" ({row.reason})" if row.reason else "")
                + ": it takes no reactions"
            )
        if row.status != "accepted":
            raise WorkshopStateError(
                f"statement {statement_id} is waiting for the facilitator: react once accepted"
            )
        if row.participant_id is not None:
            author = session.get(WorkshopParticipantRecord, row.participant_id)
            if author is not None and author.removed_at is not None:
                raise WorkshopStateError(
                    f"statement {statement_id} left the workshop with its author"
                )
        _upsert_reaction(session, workshop.id, statement_id, participant_id, reaction)


def statements(store: Store, code: str, *, status: str | None = None) -> list[Statement]:
    """The workshop's statements (of one status), oldest first, with their authors' names."""
    with store.transaction() as session:
        _record, workshop = load(session, code)
        query = (
            select(WorkshopStatementRecord, WorkshopParticipantRecord.display_name)
            .outerjoin(
                WorkshopParticipantRecord,
                WorkshopParticipantRecord.id == WorkshopStatementRecord.participant_id,
            )
            .where(WorkshopStatementRecord.workshop_id == workshop.id)
            .order_by(WorkshopStatementRecord.id)
        )
        if status is not None:
            query = query.where(WorkshopStatementRecord.status == status)
        return [_statement(row, name) for row, name in session.execute(query).all()]


def own_statements(store: Store, code: str, participant_id: int) -> list[Statement]:
    return [s for s in statements(store, code) if s.author == participant_id]


@dataclass(frozen=True)
class NextStatement:
    """What a participant answers next, and how far along they are."""

    statement: Statement | None
    answered: int
    total: int

    def as_record(self) -> dict[str, Any]:
        return {
            "statement": self.statement.as_record() if self.statement else None,
            "answered": self.answered,
            "total": self.total,
        }


def next_statement(
    store: Store,
    code: str,
    participant_id: int,
    token: str,
    divisiveness: Mapping[int, float] | None = None,
) -> NextStatement:
    """The statement ``participant_id`` should answer next (see the module docstring)."""
    spread = divisiveness or {}
    with store.transaction() as session:
        _record, workshop = load(session, code)
        participant_row(session, workshop.id, participant_id, token)
        live = _live_statements(session, workshop.id)
        votes = _vote_counts(session, workshop.id)
        mine = set(
            session.scalars(
                select(WorkshopReactionRecord.statement_id).where(
                    WorkshopReactionRecord.participant_id == participant_id
                )
            )
        )
        unseen = [row for row in live if row.id not in mine]
        answered = len(live) - len(unseen)

        def priority(row: WorkshopStatementRecord) -> tuple[int, float, int]:
            count = votes.get(row.id, (0, 0, 0))
            total = sum(count)
            if total < NEW_VOTES:
                return (0, float(total), row.id)
            return (1, -spread.get(row.id, _balance(count)), row.id)

        unseen.sort(key=priority)
        chosen = unseen[0] if unseen else None
        return NextStatement(
            _statement(chosen, None) if chosen is not None else None, answered, len(live)
        )


def _balance(count: tuple[int, int, int]) -> float:
    """With one group: 1 when agree and disagree are even, 0 when everyone sides one way."""
    agree, disagree, _ = count
    sided = agree + disagree
    return 1 - abs(agree - disagree) / sided if sided else 0.0


def _live_statements(session: Session, workshop_id: int) -> list[WorkshopStatementRecord]:
    """Accepted statements whose author (if any) was not removed."""
    removed = select(WorkshopParticipantRecord.id).where(
        WorkshopParticipantRecord.workshop_id == workshop_id,
        WorkshopParticipantRecord.removed_at.is_not(None),
    )
    return list(
        session.scalars(
            select(WorkshopStatementRecord)
            .where(
                WorkshopStatementRecord.workshop_id == workshop_id,
                WorkshopStatementRecord.status == "accepted",
                (WorkshopStatementRecord.participant_id.is_(None))
                | (WorkshopStatementRecord.participant_id.not_in(removed)),
            )
            .order_by(WorkshopStatementRecord.id)
        )
    )


def _vote_counts(session: Session, workshop_id: int) -> dict[int, tuple[int, int, int]]:
    """statement → (agree, disagree, pass) of the participants not removed."""
    rows = session.execute(
        select(WorkshopReactionRecord.statement_id, WorkshopReactionRecord.reaction, func.count())
        .join(
            WorkshopParticipantRecord,
            WorkshopParticipantRecord.id == WorkshopReactionRecord.participant_id,
        )
        .where(
            WorkshopReactionRecord.workshop_id == workshop_id,
            WorkshopParticipantRecord.removed_at.is_(None),
        )
        .group_by(WorkshopReactionRecord.statement_id, WorkshopReactionRecord.reaction)
    ).all()
    counts: dict[int, list[int]] = {}
    for statement_id, reaction, number in rows:
        slot = counts.setdefault(statement_id, [0, 0, 0])
        slot[REACTIONS.index(reaction)] += int(number)
    return {k: (v[0], v[1], v[2]) for k, v in counts.items()}
