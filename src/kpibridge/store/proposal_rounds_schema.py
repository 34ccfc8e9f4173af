"""Which change proposals were put to which alignment round, as which candidate.
Migration ``0005_proposal_rounds``.

A link row, rather than a column on either side, because one proposal can be put to more
than one round over its life (a round that ended without adoption, then another) and one
round holds several proposals. ``revision`` is the proposal's revision when it was put to the
round: a later revision is not what people voted on.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kpibridge.store.schema import Base, utc_now


class ProposalRoundLink(Base):
    """Proposal ``proposal_id`` (at ``revision``) is candidate ``candidate`` of ``round_id``."""

    __tablename__ = "proposal_rounds"
    __table_args__ = (
        UniqueConstraint("round_id", "proposal_id", name="uq_proposal_rounds_round_proposal"),
        UniqueConstraint("round_id", "candidate", name="uq_proposal_rounds_round_candidate"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), index=True
    )
    candidate: Mapped[str] = mapped_column(String(64))
    revision: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
