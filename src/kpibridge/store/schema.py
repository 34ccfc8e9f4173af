"""Tables of the app store, as SQLAlchemy 2 declarative models.

Every change to these classes comes with an Alembic migration in ``migrations/versions``
(``tests/store/test_migrations.py`` checks that the migrated database matches the models).
Planned next, in their own migrations: ``rounds`` and ``ballots`` (one live ballot per
participant and round, earlier ones kept with ``replaced_at``), then proposals and the audit log.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, ForeignKey, Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
"""Constraint names fixed by convention, so that migrations can name what they alter."""


def utc_now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class User(Base):
    """A person who signs in, linked to a stakeholder of the workspace (or none, for an
    administrator who is not a stakeholder)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    stakeholder_id: Mapped[str | None] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Signed into every session cookie; raising it (sign out, a new password, an admin's
    "sign out everywhere") ends every session issued before, at once."""
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """Set: the user can neither sign in nor use a token (kept for the audit trail)."""

    tokens: Mapped[list[ApiToken]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )


class ApiToken(Base):
    """A bearer token for automation; only its SHA-256 is stored (tokens are 256 random bits,
    so a fast hash is enough; the plain token is shown once, at creation)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """None: never (only tokens made before expiry existed, or with ``--expires never``)."""

    user: Mapped[User] = relationship(back_populates="tokens")
