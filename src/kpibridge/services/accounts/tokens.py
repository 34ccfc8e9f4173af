"""API tokens: created with an expiry, listed with their last use, revoked.

A token is ``kpb_`` and 256 random bits, shown once; only its SHA-256 is stored (the bits
are random, so a fast hash is enough). A token works while it is not revoked, not expired
and its owner not disabled. Its last use is written at most once a minute, so that a busy
automation does not turn every read into a write.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from kpibridge.errors import AccountError
from kpibridge.services.accounts.users import Account, account_view, user_row
from kpibridge.store import ApiToken, Store, User, audit

TOKEN_PREFIX = "kpb_"
DEFAULT_EXPIRY = timedelta(days=90)
LAST_USED_RESOLUTION = timedelta(minutes=1)
_DURATION = re.compile(r"^(\d{1,5})([hdw])$")
_UNITS = {"h": "hours", "d": "days", "w": "weeks"}


def parse_expiry(text: str) -> timedelta | None:
    """``90d``, ``12h``, ``4w`` or ``never`` (None); anything else is an AccountError."""
    if text.strip().lower() == "never":
        return None
    found = _DURATION.match(text.strip().lower())
    if found is None or int(found.group(1)) == 0:
        raise AccountError(
            f"expiry {text!r}: give a number of hours, days or weeks (12h, 90d, 4w) or 'never'"
        )
    return timedelta(**{_UNITS[found.group(2)]: int(found.group(1))})


@dataclass(frozen=True)
class TokenInfo:
    """A token as ``token list`` and the accounts page show it (never the token itself)."""

    id: int
    username: str
    name: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= datetime.now(UTC):
            return "expired"
        return "active"

    def to_json(self) -> dict[str, object]:
        def iso(moment: datetime | None) -> str | None:
            return moment.isoformat() if moment else None

        return {
            "id": self.id,
            "user": self.username,
            "name": self.name,
            "state": self.state,
            "created_at": iso(self.created_at),
            "expires_at": iso(self.expires_at),
            "last_used_at": iso(self.last_used_at),
            "revoked_at": iso(self.revoked_at),
        }


def create_token(
    store: Store,
    username: str,
    name: str,
    *,
    expires_in: timedelta | None = DEFAULT_EXPIRY,
    actor: str | None = None,
) -> tuple[str, Account]:
    """A new API token for ``username``: the plain token (shown once) and its owner.
    ``expires_in`` None: it never expires (say so on purpose: ``--expires never``)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = datetime.now(UTC) + expires_in if expires_in is not None else None
    with store.transaction() as session:
        user = user_row(session, username)
        session.add(
            ApiToken(
                user_id=user.id,
                name=name or "token",
                token_hash=digest(token),
                expires_at=expires_at,
            )
        )
        audit.record(
            session,
            actor=actor,
            action="token.create",
            entity="user",
            entity_id=username,
            detail={
                "token_name": name or "token",
                "expires_at": expires_at.isoformat() if expires_at else None,
            },
        )
        return token, account_view(user)


def list_tokens(store: Store, username: str | None = None) -> list[TokenInfo]:
    """Every token (of ``username`` only, if given), oldest first."""
    with store.transaction() as session:
        query = select(ApiToken, User.username).join(User).order_by(ApiToken.id)
        if username is not None:
            query = query.where(User.id == user_row(session, username).id)
        return [_info(row, owner) for row, owner in session.execute(query)]


def revoke_token(store: Store, token_id: int, *, actor: str | None = None) -> TokenInfo:
    """Revoke token ``token_id`` at once; revoking a revoked token is an AccountError."""
    with store.transaction() as session:
        row = session.get(ApiToken, token_id)
        if row is None:
            raise AccountError(f"no API token has the id {token_id} (see 'kpibridge token list')")
        if row.revoked_at is not None:
            raise AccountError(f"API token {token_id} was revoked already")
        row.revoked_at = datetime.now(UTC)
        audit.record(
            session,
            actor=actor,
            action="token.revoke",
            entity="user",
            entity_id=row.user.username,
            detail={"token": token_id, "token_name": row.name},
        )
        return _info(row, row.user.username)


def account_for_token(store: Store, token: str) -> Account | None:
    """The owner of a live token (not revoked, not expired, owner not disabled), else None."""
    now = datetime.now(UTC)
    with store.transaction() as session:
        row = session.scalar(
            select(ApiToken).where(
                ApiToken.token_hash == digest(token), ApiToken.revoked_at.is_(None)
            )
        )
        if row is None or row.user.disabled_at is not None:
            return None
        expires = _utc(row.expires_at)
        if expires is not None and expires <= now:
            return None
        last = _utc(row.last_used_at)
        if last is None or now - last >= LAST_USED_RESOLUTION:
            row.last_used_at = now
        return account_view(row.user)


def _info(row: ApiToken, owner: str) -> TokenInfo:
    created = _utc(row.created_at)
    assert created is not None  # a column with a default, never NULL
    return TokenInfo(
        row.id,
        owner,
        row.name,
        created,
        _utc(row.expires_at),
        _utc(row.last_used_at),
        _utc(row.revoked_at),
    )


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _utc(moment: datetime | None) -> datetime | None:
    """SQLite hands times back without their zone; the store writes them in UTC."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
