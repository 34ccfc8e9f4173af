"""Accounts: users (linked to stakeholders, with an access role) and API tokens.

Passwords are hashed with Argon2id (argon2-cffi's defaults, RFC 9106); API tokens are 256
random bits shown once and stored as SHA-256. Each change is written to the audit log in its
own transaction (``actor``: the username acting, None for the local command line).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from kpibridge.errors import AccountError, UnknownNameError
from kpibridge.model.access import AccessRole
from kpibridge.store import ApiToken, Store, User, audit

TOKEN_PREFIX = "kpb_"
MIN_PASSWORD_LENGTH = 8

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not a password anyone has")


@dataclass(frozen=True)
class Account:
    """A user as the interfaces see it (never the password hash)."""

    id: int
    username: str
    stakeholder: str | None
    role: AccessRole

    def as_record(self) -> dict[str, object]:
        return {
            "username": self.username,
            "stakeholder": self.stakeholder,
            "role": self.role.value,
        }


def _account(user: User) -> Account:
    return Account(user.id, user.username, user.stakeholder_id, AccessRole(user.role))


def parse_role(text: str) -> AccessRole:
    try:
        return AccessRole(text)
    except ValueError:
        raise UnknownNameError("role", text, [role.value for role in AccessRole]) from None


def add_user(
    store: Store,
    username: str,
    password: str,
    role: AccessRole,
    stakeholder: str | None,
    stakeholders: Collection[str],
    *,
    actor: str | None = None,
) -> Account:
    """Create a user; ``stakeholder`` must be one of the workspace's ``stakeholders``."""
    if not username or len(username) > 64 or not username.isprintable() or " " in username:
        raise AccountError("a username is 1 to 64 printable characters without spaces")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    if stakeholder is not None and stakeholder not in stakeholders:
        raise UnknownNameError("stakeholder", stakeholder, stakeholders)
    with store.transaction() as session:
        if session.scalar(select(User).where(User.username == username)) is not None:
            raise AccountError(f"user {username!r} exists already")
        user = User(
            username=username,
            stakeholder_id=stakeholder,
            role=role.value,
            password_hash=_hasher.hash(password),
        )
        session.add(user)
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="user.add",
            entity="user",
            entity_id=username,
            detail={"role": role.value, "stakeholder": stakeholder},
        )
        return _account(user)


def list_users(store: Store) -> list[Account]:
    with store.transaction() as session:
        return [_account(user) for user in session.scalars(select(User).order_by(User.username))]


def set_role(store: Store, username: str, role: AccessRole, *, actor: str | None = None) -> Account:
    with store.transaction() as session:
        user = _user(session, username)
        previous, user.role = user.role, role.value
        audit.record(
            session,
            actor=actor,
            action="user.set_role",
            entity="user",
            entity_id=username,
            detail={"from": previous, "to": role.value},
        )
        return _account(user)


def authenticate(store: Store, username: str, password: str) -> Account | None:
    """The account whose password this is, else None (same work either way, so that timing
    does not tell which usernames exist)."""
    with store.transaction() as session:
        user = session.scalar(select(User).where(User.username == username))
        try:
            _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            return None
        if user is None:
            return None
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
        return _account(user)


def account(store: Store, user_id: int) -> Account | None:
    with store.transaction() as session:
        user = session.get(User, user_id)
        return _account(user) if user else None


def create_token(
    store: Store, username: str, name: str, *, actor: str | None = None
) -> tuple[str, Account]:
    """A new API token for ``username``: the plain token (shown once) and its owner."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with store.transaction() as session:
        user = _user(session, username)
        session.add(ApiToken(user_id=user.id, name=name or "token", token_hash=_digest(token)))
        audit.record(
            session,
            actor=actor,
            action="token.create",
            entity="user",
            entity_id=username,
            detail={"token_name": name or "token"},
        )
        return token, _account(user)


def account_for_token(store: Store, token: str) -> Account | None:
    """The owner of a live token, else None; records when the token was last used."""
    with store.transaction() as session:
        row = session.scalar(
            select(ApiToken).where(
                ApiToken.token_hash == _digest(token), ApiToken.revoked_at.is_(None)
            )
        )
        if row is None:
            return None
        row.last_used_at = datetime.now(UTC)
        return _account(row.user)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise UnknownNameError("user", username, session.scalars(select(User.username)))
    return user
