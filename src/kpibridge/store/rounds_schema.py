"""Tables of alignment rounds run on the web: the round, its candidates, criteria and
participants, the ballots (with their history) and the adopted set.

Why these shapes:

* One row per ballot *submission*. The live ballot of a participant is the one whose
  ``replaced_at`` is NULL; a resubmission stamps the previous row and adds a new one in the
  same transaction. A partial unique index (``replaced_at IS NULL``, on SQLite and
  PostgreSQL) makes "one live ballot per participant" hold even for concurrent requests.
* A ballot's content (ranking, scores, weights, rationale) is stored as the JSON form of
  :class:`kpibridge.model.rounds.Ballot`: the analysis reads it whole, never by parts.
* Rounds imported from the workspace's ``rounds/*.yaml`` are keyed by their name, so that
  importing twice changes nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kpibridge.store.schema import Base, utc_now

ROUND_STATUSES = ("open", "closed", "adopted")


class RoundRecord(Base):
    """An alignment round. ``status`` moves open → closed → adopted (or open → adopted)."""

    __tablename__ = "rounds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    question: Mapped[str] = mapped_column(Text)
    facilitator: Mapped[str | None] = mapped_column(String(64))
    """The facilitating stakeholder, if any."""
    select_count: Mapped[int] = mapped_column(Integer)
    quorum: Mapped[int | None] = mapped_column(Integer)
    """Ballots needed before the result stands (NULL: no quorum)."""
    deadline: Mapped[str | None] = mapped_column(String(32))
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="open")
    source: Mapped[str] = mapped_column(String(16), default="web")
    """``web`` (created in the app) or ``workspace`` (imported from rounds/NAME.yaml)."""
    created_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    adopted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    adopted_by: Mapped[str | None] = mapped_column(String(64))
    adopted: Mapped[list[str] | None] = mapped_column(JSON)
    """The KPI ids adopted, in order."""

    candidates: Mapped[list[RoundCandidateRecord]] = relationship(
        back_populates="round",
        cascade="all, delete-orphan",
        order_by="RoundCandidateRecord.position",
    )
    criteria: Mapped[list[RoundCriterionRecord]] = relationship(
        cascade="all, delete-orphan", order_by="RoundCriterionRecord.position"
    )
    participants: Mapped[list[RoundParticipantRecord]] = relationship(
        cascade="all, delete-orphan", order_by="RoundParticipantRecord.position"
    )


class RoundCandidateRecord(Base):
    """A candidate: a workspace KPI (``proposed_by`` NULL) or a proposal made in the round."""

    __tablename__ = "round_candidates"
    __table_args__ = (UniqueConstraint("round_id", "candidate", name="uq_round_candidates"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    candidate: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str | None] = mapped_column(String(200))
    """Proposals only (KPIs take their name from the workspace)."""
    proposed_by: Mapped[str | None] = mapped_column(String(64))
    rationale: Mapped[str] = mapped_column(Text, default="")
    goal: Mapped[str | None] = mapped_column(String(64))
    nature: Mapped[str] = mapped_column(String(16), default="quantitative")

    round: Mapped[RoundRecord] = relationship(back_populates="candidates")


class RoundCriterionRecord(Base):
    __tablename__ = "round_criteria"
    __table_args__ = (UniqueConstraint("round_id", "criterion", name="uq_round_criteria"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    criterion: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer)


class RoundParticipantRecord(Base):
    """A stakeholder invited to the round (only these submit ballots on the web), or an
    audience member of a round imported from YAML (``audience``: reactions only, with a
    department ``role`` instead of a stakeholder entry)."""

    __tablename__ = "round_participants"
    __table_args__ = (UniqueConstraint("round_id", "stakeholder", name="uq_round_participants"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    stakeholder: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer)
    audience: Mapped[bool] = mapped_column(Boolean, default=False)
    role: Mapped[str | None] = mapped_column(String(32))


class BallotRecord(Base):
    """One submission of a ballot; the live one has ``replaced_at`` NULL."""

    __tablename__ = "ballots"
    __table_args__ = (
        Index(
            "uq_ballots_live",
            "round_id",
            "participant",
            unique=True,
            sqlite_where=text("replaced_at IS NULL"),
            postgresql_where=text("replaced_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    participant: Mapped[str] = mapped_column(String(64))
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    """The JSON form of :class:`kpibridge.model.rounds.Ballot`."""
    submitted_by: Mapped[str | None] = mapped_column(String(64))
    """The username that sent it (NULL for ballots imported from YAML)."""
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    replaced_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
