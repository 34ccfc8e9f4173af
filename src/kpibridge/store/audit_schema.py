"""The ``audit_log`` table: one row per state change, hash-chained (see ``store/audit.py``).

``seq`` is the primary key and is assigned by the writer (previous ``seq`` + 1), not by the
database: two writers that read the same tail would both claim the same ``seq``, and the key
refuses the second, so the chain can never fork even if the lock in ``audit.record`` were
bypassed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kpibridge.store.schema import Base


class AuditRow(Base):
    """One appended event: who did what to which entity, with its details and chain hashes."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(128))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    mac: Mapped[str | None] = mapped_column(String(64))
    """HMAC-SHA256 of ``hash`` under the audit key, which is kept outside the store: who can
    write to the database but not read the key cannot append or rewrite rows unnoticed.
    None on rows written before the chain was keyed (``kpibridge audit seal`` tags them)."""
