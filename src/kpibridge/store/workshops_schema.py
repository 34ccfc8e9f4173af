"""Tables of live workshops: a session on a round, its participants (guests or signed-in
users), their statements, reactions and rankings, and the written answers to dissent.

Why these shapes:

* A workshop is found by its short join ``code`` (unique); everything else hangs off its id.
* A participant row holds a random ``token`` that the signed guest cookie carries: the cookie
  says "participant 12 of workshop 3 with token …", and the token must still match, so a
  cookie of one session can never name a participant of another.
* Removing a participant stamps ``removed_at`` and keeps every row they wrote: the results
  leave them out, the audit log and the export keep them.
* ``(statement, participant)`` is unique in ``workshop_reactions``: a double click, a retry
  after a dropped connection or two racing requests store one reaction (the last answer
  wins). ``(workshop, participant, client_key)`` is unique in ``workshop_statements`` for the
  same reason: the form sends a random key once per statement it shows.
* ``dissent_answers`` is keyed by round and dissenter: one standing answer per dissent
  (a changed answer replaces it; the audit log keeps every version).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from kpibridge.store.schema import Base, utc_now

STATEMENT_STATUSES = ("pending", "accepted", "rejected")


class WorkshopRecord(Base):
    """A live session on a round. ``phase`` moves through :data:`WORKSHOP_PHASES`."""

    __tablename__ = "workshops"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    phase: Mapped[str] = mapped_column(String(16), default="brainstorm")
    moderation: Mapped[bool] = mapped_column(Boolean, default=False)
    results_visible: Mapped[bool] = mapped_column(Boolean, default=True)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    timer_ends_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class WorkshopParticipantRecord(Base):
    """A guest (``username`` NULL) or a signed-in user taking part in one workshop."""

    __tablename__ = "workshop_participants"
    __table_args__ = (
        UniqueConstraint("workshop_id", "username", name="uq_workshop_participants_user"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )
    token: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(60))
    group_label: Mapped[str | None] = mapped_column(String(40))
    username: Mapped[str | None] = mapped_column(String(64))
    stakeholder: Mapped[str | None] = mapped_column(String(64))
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    joined_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    removed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    removed_by: Mapped[str | None] = mapped_column(String(64))
    removed_note: Mapped[str | None] = mapped_column(Text)


class WorkshopStatementRecord(Base):
    """A short statement written in the brainstorm ("CAC hides the brand effect of display")."""

    __tablename__ = "workshop_statements"
    __table_args__ = (
        UniqueConstraint(
            "workshop_id", "participant_id", "client_key", name="uq_workshop_statements_key"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("workshop_participants.id", ondelete="CASCADE")
    )
    """NULL for statements the facilitator seeds."""
    client_key: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="accepted")
    reason: Mapped[str | None] = mapped_column(Text)
    moderated_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class WorkshopReactionRecord(Base):
    """One participant's agree / disagree / pass on one statement (the latest answer)."""

    __tablename__ = "workshop_reactions"
    __table_args__ = (
        UniqueConstraint("statement_id", "participant_id", name="uq_workshop_reactions_vote"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )
    statement_id: Mapped[int] = mapped_column(
        ForeignKey("workshop_statements.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("workshop_participants.id", ondelete="CASCADE")
    )
    reaction: Mapped[str] = mapped_column(String(8))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class WorkshopRankingRecord(Base):
    """A participant's ranking of the round's candidates and AHP comparisons of its criteria."""

    __tablename__ = "workshop_rankings"
    __table_args__ = (
        UniqueConstraint("workshop_id", "participant_id", name="uq_workshop_rankings_person"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshops.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("workshop_participants.id", ondelete="CASCADE")
    )
    ranking: Mapped[list[Any]] = mapped_column(JSON)
    comparisons: Mapped[list[Any]] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class DissentAnswerRecord(Base):
    """The written answer to one recorded dissent of a round (issue 14, item 7)."""

    __tablename__ = "dissent_answers"
    __table_args__ = (UniqueConstraint("round_id", "dissenter", name="uq_dissent_answers_who"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    dissenter: Mapped[str] = mapped_column(String(120))
    answer: Mapped[str] = mapped_column(Text)
    answered_by: Mapped[str] = mapped_column(String(64))
    answered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
