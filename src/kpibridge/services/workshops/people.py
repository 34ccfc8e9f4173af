"""Who takes part in a workshop: guests (a display name and an optional group), signed-in
users (as themselves, with their stakeholder weight), and the facilitator's removal of one.

A guest holds a random token that only the web layer's signed cookie carries; the token
names one participant of one workshop, so nothing outside that session can be reached with
it. Removing a participant keeps their rows (the audit log and the export show them) but the
results leave them out, with a note saying so.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kpibridge.errors import KpibridgeError, WorkshopPermissionError, WorkshopStateError
from kpibridge.services.accounts.users import Account
from kpibridge.services.workshops.sessions import Workshop, load
from kpibridge.store import Store, audit
from kpibridge.store.workshops_schema import (
    WorkshopParticipantRecord,
    WorkshopRankingRecord,
    WorkshopReactionRecord,
    WorkshopStatementRecord,
)

NAME_LIMIT = 40
GROUP_LIMIT = 30
NOTE_LIMIT = 500


@dataclass(frozen=True)
class Participant:
    id: int
    workshop_id: int
    display_name: str
    group: str | None
    username: str | None
    stakeholder: str | None
    weight: float
    removed: bool
    removed_note: str | None

    @property
    def label(self) -> str:
        return f"{self.display_name} ({self.group})" if self.group else self.display_name

    def as_record(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "display_name": self.display_name,
            "group": self.group,
            "username": self.username,
            "stakeholder": self.stakeholder,
            "weight": self.weight,
            "guest": self.username is None,
            "removed": self.removed,
            "removed_note": self.removed_note,
        }


def to_participant(row: WorkshopParticipantRecord) -> Participant:
    return Participant(
        id=row.id,
        workshop_id=row.workshop_id,
        display_name=row.display_name,
        group=row.group_label,
        username=row.username,
        stakeholder=row.stakeholder,
        weight=row.weight,
        removed=row.removed_at is not None,
        removed_note=row.removed_note,
    )


def clean_text(value: str, what: str, limit: int, *, required: bool = True) -> str:
    """``value`` with outer spaces removed and inner runs of whitespace kept as typed;
    refuses control characters (they render as nothing and hide text) and over-long text."""
    text = value.strip()
    if required and not text:
        raise KpibridgeError(f"the {what} is empty: write something")
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in text) or "\x7f" in text:
        raise KpibridgeError(f"the {what} holds control characters: type it again as plain text")
    if len(text) > limit:
        raise KpibridgeError(
            f"the {what} is {len(text)} characters long: keep it to {limit} or fewer"
        )
    return text


def join_guest(
    store: Store, code: str, display_name: str, group: str | None
) -> tuple[Participant, str]:
    """Add a guest; returns the participant and the token its cookie carries."""
    name = clean_text(display_name, "display name", NAME_LIMIT)
    group_label = clean_text(group or "", "group", GROUP_LIMIT, required=False) or None
    with store.transaction() as session:
        _record, workshop = load(session, code)
        _check_joinable(workshop)
        token = secrets.token_urlsafe(32)
        row = WorkshopParticipantRecord(
            workshop_id=workshop.id,
            token=token,
            display_name=name,
            group_label=group_label,
            weight=1.0,
        )
        session.add(row)
        session.flush()
        return to_participant(row), token


def join_user(
    store: Store, code: str, account: Account, weight: float, group: str | None = None
) -> tuple[Participant, str]:
    """The signed-in ``account`` as a participant (joining twice returns the same one)."""
    group_label = clean_text(group or "", "group", GROUP_LIMIT, required=False) or None
    try:
        with store.transaction() as session:
            _record, workshop = load(session, code)
            existing = session.scalar(
                select(WorkshopParticipantRecord).where(
                    WorkshopParticipantRecord.workshop_id == workshop.id,
                    WorkshopParticipantRecord.username == account.username,
                )
            )
            if existing is not None:
                if existing.removed_at is not None:
                    raise WorkshopPermissionError("the facilitator removed you from this workshop")
                return to_participant(existing), existing.token
            _check_joinable(workshop)
            token = secrets.token_urlsafe(32)
            row = WorkshopParticipantRecord(
                workshop_id=workshop.id,
                token=token,
                display_name=account.username,
                group_label=group_label,
                username=account.username,
                stakeholder=account.stakeholder,
                weight=weight,
            )
            session.add(row)
            session.flush()
            return to_participant(row), token
    except IntegrityError:  # two tabs joining at once: the other one won
        return join_user(store, code, account, weight, group)


def _check_joinable(workshop: Workshop) -> None:
    if workshop.locked or workshop.phase == "closed":
        raise WorkshopStateError(f"workshop {workshop.code} is closed to new participants")


def participant_row(
    session: Session, workshop_id: int, participant_id: int, token: str
) -> WorkshopParticipantRecord:
    """The participant a cookie names, checked against its workshop and token."""
    row = session.get(WorkshopParticipantRecord, participant_id)
    if (
        row is None
        or row.workshop_id != workshop_id
        or not secrets.compare_digest(row.token, token)
    ):
        raise WorkshopPermissionError(
            "you are not a participant of this workshop: join it with its code first"
        )
    if row.removed_at is not None:
        raise WorkshopPermissionError("the facilitator removed you from this workshop")
    return row


def find_participant(store: Store, code: str, participant_id: int, token: str) -> Participant:
    with store.transaction() as session:
        _record, workshop = load(session, code)
        return to_participant(participant_row(session, workshop.id, participant_id, token))


def list_participants(store: Store, code: str) -> list[Participant]:
    with store.transaction() as session:
        _record, workshop = load(session, code)
        rows = session.scalars(
            select(WorkshopParticipantRecord)
            .where(WorkshopParticipantRecord.workshop_id == workshop.id)
            .order_by(WorkshopParticipantRecord.id)
        ).all()
        return [to_participant(row) for row in rows]


def remove_participant(
    store: Store, code: str, participant_id: int, *, actor: str, note: str
) -> Participant:
    """Take a participant out of the results, with the facilitator's note; their
    contributions stay in the store and go into the audit record in full."""
    reason = clean_text(note, "note", NOTE_LIMIT)
    with store.transaction() as session:
        _record, workshop = load(session, code, lock=True)
        row = session.get(WorkshopParticipantRecord, participant_id)
        if row is None or row.workshop_id != workshop.id:
            raise KpibridgeError(f"workshop {workshop.code} has no participant {participant_id}")
        if row.removed_at is not None:
            raise WorkshopStateError(f"{row.display_name} was removed already")
        statements = session.execute(
            select(WorkshopStatementRecord.id, WorkshopStatementRecord.text).where(
                WorkshopStatementRecord.participant_id == row.id
            )
        ).all()
        reactions = session.execute(
            select(WorkshopReactionRecord.statement_id, WorkshopReactionRecord.reaction).where(
                WorkshopReactionRecord.participant_id == row.id
            )
        ).all()
        ranking = session.scalar(
            select(WorkshopRankingRecord).where(WorkshopRankingRecord.participant_id == row.id)
        )
        row.removed_at = datetime.now(UTC)
        row.removed_by = actor
        row.removed_note = reason
        audit.record(
            session,
            actor=actor,
            action="workshop.remove_participant",
            entity="workshop",
            entity_id=workshop.code,
            detail={
                "participant": row.id,
                "display_name": row.display_name,
                "group": row.group_label,
                "username": row.username,
                "note": reason,
                "statements": [{"id": i, "text": t} for i, t in statements],
                "reactions": {str(s): r for s, r in reactions},
                "ranking": ranking.ranking if ranking else None,
                "comparisons": ranking.comparisons if ranking else None,
            },
        )
        session.flush()
        return to_participant(row)


def participant_counts(session: Session, workshop_id: int) -> tuple[int, int]:
    """(active, removed) participants."""
    rows = session.execute(
        select(WorkshopParticipantRecord.removed_at.is_(None), func.count())
        .where(WorkshopParticipantRecord.workshop_id == workshop_id)
        .group_by(WorkshopParticipantRecord.removed_at.is_(None))
    ).all()
    counts = {bool(active): int(n) for active, n in rows}
    return counts.get(True, 0), counts.get(False, 0)
