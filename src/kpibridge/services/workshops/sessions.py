"""Workshop sessions: open one on a round, find it by its join code, and the facilitator's
controls (phase, timer, results shown or hidden, lock, moderation).

A workshop belongs to one round and moves through the phases brainstorm → react → rank →
results → closed, one click each (any phase may be chosen: a facilitator who skipped ahead
must be able to go back). Every control is a state change with its audit record, in one
transaction.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kpibridge.errors import KpibridgeError, WorkshopNotFoundError, WorkshopStateError
from kpibridge.model.choices import WORKSHOP_PHASES
from kpibridge.services.rounds.round_records import round_record
from kpibridge.store import Store, audit
from kpibridge.store.rounds_schema import RoundRecord
from kpibridge.store.workshops_schema import WorkshopRecord

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
"""No 0/O, 1/I/L: a code read off a projector across a room is typed without guessing."""
CODE_LENGTH = 6
"""31⁶ ≈ 890 million codes: guessing one by trial is out of reach of the join rate limit."""
MAX_TIMER_MINUTES = 180

ACCEPTS = {
    "statements": ("brainstorm",),
    "reactions": ("brainstorm", "react"),
    "rankings": ("rank",),
}
"""Which phases take which contributions (Pol.is lets people react while statements come in)."""


@dataclass(frozen=True)
class Workshop:
    """A workshop as readers see it."""

    id: int
    code: str
    round: str
    round_status: str
    question: str
    phase: str
    moderation: bool
    results_visible: bool
    locked: bool
    timer_ends_at: datetime | None
    created_by: str
    created_at: datetime
    changed_at: datetime

    def seconds_left(self, now: datetime | None = None) -> int | None:
        if self.timer_ends_at is None:
            return None
        left = (self.timer_ends_at - (now or datetime.now(UTC))).total_seconds()
        return max(0, round(left))

    def as_record(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "round": self.round,
            "round_status": self.round_status,
            "question": self.question,
            "phase": self.phase,
            "phases": list(WORKSHOP_PHASES),
            "moderation": self.moderation,
            "results_visible": self.results_visible,
            "locked": self.locked,
            "timer_ends_at": self.timer_ends_at.isoformat() if self.timer_ends_at else None,
            "seconds_left": self.seconds_left(),
            "created_by": self.created_by,
            "created_at": self.created_at.isoformat(),
        }

    def check_accepts(self, what: str) -> None:
        """Raise WorkshopStateError when the workshop takes no ``what`` now, saying why."""
        if self.locked:
            raise WorkshopStateError(
                f"workshop {self.code} is locked by the facilitator: it takes no {what} now"
            )
        if self.round_status != "open":
            raise WorkshopStateError(
                f"the round {self.round!r} is {self.round_status}: the workshop takes no {what}"
            )
        phases = ACCEPTS[what]
        if self.phase not in phases:
            raise WorkshopStateError(
                f"workshop {self.code} is in the {self.phase} phase: {what} are taken in the "
                f"{' and '.join(phases)} phase{'s' if len(phases) > 1 else ''}"
            )


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes (stored as UTC): make them aware again."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def to_workshop(record: WorkshopRecord, round_: RoundRecord) -> Workshop:
    return Workshop(
        id=record.id,
        code=record.code,
        round=round_.name,
        round_status=round_.status,
        question=round_.question,
        phase=record.phase,
        moderation=record.moderation,
        results_visible=record.results_visible,
        locked=record.locked,
        timer_ends_at=_aware(record.timer_ends_at),
        created_by=record.created_by,
        created_at=_aware(record.created_at) or record.created_at,
        changed_at=_aware(record.changed_at) or record.changed_at,
    )


def normalise_code(code: str) -> str:
    """Codes are typed by hand: case and spaces or dashes do not matter."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def workshop_record(session: Session, code: str, *, lock: bool = False) -> WorkshopRecord:
    """The workshop of ``code``; raises WorkshopNotFoundError. ``lock`` serialises writers
    (PostgreSQL row lock; SQLite takes its write lock with a no-op update)."""
    wanted = normalise_code(code)
    query = select(WorkshopRecord).where(WorkshopRecord.code == wanted)
    if lock:
        query = query.with_for_update()
        if session.get_bind().dialect.name == "sqlite":
            session.execute(
                update(WorkshopRecord)
                .where(WorkshopRecord.code == wanted)
                .values(code=WorkshopRecord.code)
            )
    record = session.scalar(query)
    if record is None:
        raise WorkshopNotFoundError(f"no workshop has the code {wanted or code!r}: check the code")
    return record


def load(session: Session, code: str, *, lock: bool = False) -> tuple[WorkshopRecord, Workshop]:
    record = workshop_record(session, code, lock=lock)
    round_ = session.get(RoundRecord, record.round_id)
    assert round_ is not None  # a foreign key with ON DELETE CASCADE
    return record, to_workshop(record, round_)


def get_workshop(store: Store, code: str) -> Workshop:
    with store.transaction() as session:
        return load(session, code)[1]


def list_workshops(store: Store, round_name: str | None = None) -> list[Workshop]:
    """Every workshop (of one round when ``round_name`` is given), newest first."""
    with store.transaction() as session:
        query = select(WorkshopRecord, RoundRecord).join(
            RoundRecord, RoundRecord.id == WorkshopRecord.round_id
        )
        if round_name is not None:
            query = query.where(RoundRecord.name == round_name)
        rows = session.execute(query.order_by(WorkshopRecord.id.desc())).all()
        return [to_workshop(w, r) for w, r in rows]


def _new_code(session: Session) -> str:
    for _ in range(20):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if session.scalar(select(WorkshopRecord.id).where(WorkshopRecord.code == code)) is None:
            return code
    raise KpibridgeError("could not find a free join code; try again")  # pragma: no cover


def open_workshop(
    store: Store, round_name: str, *, actor: str, moderation: bool = False
) -> Workshop:
    """Open a workshop on the open round ``round_name`` with a fresh join code."""
    with store.transaction() as session:
        round_ = round_record(session, round_name)
        if round_.status != "open":
            raise WorkshopStateError(
                f"round {round_name!r} is {round_.status}: open a workshop on an open round"
            )
        record = WorkshopRecord(
            code=_new_code(session),
            round_id=round_.id,
            phase="brainstorm",
            moderation=moderation,
            results_visible=True,
            locked=False,
            created_by=actor,
        )
        session.add(record)
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="workshop.open",
            entity="workshop",
            entity_id=record.code,
            detail={"round": round_name, "moderation": moderation},
        )
        return to_workshop(record, round_)


def control(
    store: Store,
    code: str,
    *,
    actor: str,
    phase: str | None = None,
    timer_minutes: float | None = None,
    clear_timer: bool = False,
    results_visible: bool | None = None,
    locked: bool | None = None,
    moderation: bool | None = None,
) -> Workshop:
    """Apply the facilitator's controls given (the others stay as they are)."""
    if phase is not None and phase not in WORKSHOP_PHASES:
        raise KpibridgeError(f"unknown phase {phase!r}: choose one of {', '.join(WORKSHOP_PHASES)}")
    if timer_minutes is not None and not 0 < timer_minutes <= MAX_TIMER_MINUTES:
        raise KpibridgeError(
            f"timer of {timer_minutes:g} minutes: give 0 < minutes ≤ {MAX_TIMER_MINUTES}"
        )
    with store.transaction() as session:
        record, before = load(session, code, lock=True)
        changes: dict[str, Any] = {}
        now = datetime.now(UTC)
        if phase is not None and phase != record.phase:
            changes["phase"] = [record.phase, phase]
            record.phase = phase
            if phase == "closed":
                record.locked = True
        if timer_minutes is not None:
            record.timer_ends_at = now + timedelta(minutes=timer_minutes)
            changes["timer_minutes"] = timer_minutes
        elif clear_timer and record.timer_ends_at is not None:
            record.timer_ends_at = None
            changes["timer_minutes"] = None
        if results_visible is not None and results_visible != record.results_visible:
            record.results_visible = results_visible
            changes["results_visible"] = results_visible
        if locked is not None and locked != record.locked:
            record.locked = locked
            changes["locked"] = locked
        if moderation is not None and moderation != record.moderation:
            record.moderation = moderation
            changes["moderation"] = moderation
        if changes:
            record.changed_at = now
            audit.record(
                session,
                actor=actor,
                action="workshop.control",
                entity="workshop",
                entity_id=record.code,
                detail=changes,
            )
        session.flush()
        round_ = session.get(RoundRecord, record.round_id)
        assert round_ is not None
        del before
        return to_workshop(record, round_)
