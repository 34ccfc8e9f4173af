"""Tables of KPI governance: definition and target versions, change proposals, the
decisions people take on them, and KPI reviews. Migration ``0004_governance``.

Definitions and targets are versioned apart (a new target is not a new definition): each
version holds the KPI's YAML content as JSON, as written — the round trip back to YAML is
lossless because nothing is normalised on the way in.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kpibridge.store.schema import Base, utc_now


class DefinitionVersion(Base):
    """One version of a KPI's definition (every field but ``targets``); ``retired`` marks
    the version that takes the KPI off the scorecard (its content is the last definition)."""

    __tablename__ = "kpi_versions"
    __table_args__ = (UniqueConstraint("kpi_id", "version", name="uq_kpi_versions_kpi_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kpi_id: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    author: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    rationale: Mapped[str] = mapped_column(Text, default="")
    effective_from: Mapped[date] = mapped_column(Date)
    restatement: Mapped[str] = mapped_column(String(16))
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"))


class TargetVersion(Base):
    """One version of a KPI's targets (the ``targets`` list as written)."""

    __tablename__ = "target_versions"
    __table_args__ = (UniqueConstraint("kpi_id", "version", name="uq_target_versions_kpi_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kpi_id: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)
    targets: Mapped[list[Any]] = mapped_column(JSON)
    author: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    rationale: Mapped[str] = mapped_column(Text, default="")
    effective_from: Mapped[date] = mapped_column(Date)
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"))


class Proposal(Base):
    """A proposed change to one KPI: ``definition`` and/or ``targets`` as they would be
    (None: unchanged), or a retirement; made against the versions ``base_*`` in force."""

    __tablename__ = "proposals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kpi_id: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(32), index=True)
    author: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    rationale: Mapped[str] = mapped_column(Text)
    definition: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    targets: Mapped[list[Any] | None] = mapped_column(JSON)
    base_version: Mapped[int | None] = mapped_column(Integer)
    base_target_version: Mapped[int | None] = mapped_column(Integer)
    effective_from: Mapped[date] = mapped_column(Date)
    restatement: Mapped[str] = mapped_column(String(16))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    seats: Mapped[list[Any] | None] = mapped_column(JSON)
    """The seats frozen when the proposal was made or last revised (``[{"seat", "holders"}]``,
    migration 0005); NULL for a proposal made before 0005 until someone acts on it."""

    decisions: Mapped[list[ProposalDecision]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan", order_by="ProposalDecision.id"
    )


class ProposalDecision(Base):
    """An approval, rejection, request for changes or comment on one revision of a
    proposal, by a user (acting as their stakeholder)."""

    __tablename__ = "proposal_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), index=True
    )
    revision: Mapped[int] = mapped_column(Integer)
    username: Mapped[str] = mapped_column(String(64))
    stakeholder_id: Mapped[str | None] = mapped_column(String(64))
    decision: Mapped[str] = mapped_column(String(32))
    comment: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)

    proposal: Mapped[Proposal] = relationship(back_populates="decisions")


class KpiReview(Base):
    """A KPI reviewed in a meeting: who was there, what was decided, what was learned."""

    __tablename__ = "kpi_reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kpi_id: Mapped[str] = mapped_column(String(64), index=True)
    reviewed_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(64))
    attendees: Mapped[list[Any]] = mapped_column(JSON)
    decision: Mapped[str] = mapped_column(String(32))
    notes: Mapped[str] = mapped_column(Text, default="")
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
