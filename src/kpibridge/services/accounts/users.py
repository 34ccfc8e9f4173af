"""Accounts: users (linked to stakeholders, with an access role) and API tokens.

Passwords are hashed with Argon2id (argon2-cffi's defaults, RFC 9106); API tokens are in
``tokens.py``. Each change is written to the audit log in its
own transaction (``actor``: the username acting, None for the local command line).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from kpibridge.errors import AccountError, UnknownNameError
from kpibridge.model.access import AccessRole
from kpibridge.store import Store, User, audit

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


def account_view(user: User) -> Account:
    """The interface view of a stored user (used by the token module too)."""
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
        return account_view(user)


def list_users(store: Store) -> list[Account]:
    with store.transaction() as session:
        return [
            account_view(user) for user in session.scalars(select(User).order_by(User.username))
        ]


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
        return account_view(user)


def authenticate(store: Store, username: str, password: str) -> Account | None:
    """The account whose password this is, else None (same work either way, so that timing
    does not tell which usernames exist)."""
    with store.transaction() as session:
        user = session.scalar(select(User).where(User.username == username))
        try:
            _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            return None
        if user is None or user.disabled_at is not None:
            return None
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
        return account_view(user)


def account(store: Store, user_id: int) -> Account | None:
    with store.transaction() as session:
        user = session.get(User, user_id)
        return account_view(user) if user and user.disabled_at is None else None


def session_account(store: Store, user_id: int, version: int) -> Account | None:
    """The account a session cookie names, if that session is still valid: the user exists,
    is not disabled, and has not signed out (or been signed out) since the cookie was made."""
    with store.transaction() as session:
        user = session.get(User, user_id)
        if user is None or user.disabled_at is not None or user.session_version != version:
            return None
        return account_view(user)


def session_version(store: Store, user_id: int) -> int:
    """The number a new session cookie of this user carries."""
    with store.transaction() as session:
        user = session.get(User, user_id)
        return user.session_version if user else 0


def end_sessions(store: Store, username: str, *, actor: str | None = None) -> None:
    """Sign ``username`` out everywhere: every session cookie issued so far stops working on
    its next request (API tokens are separate: revoke them with ``token revoke``)."""
    with store.transaction() as session:
        user = _user(session, username)
        user.session_version += 1
        audit.record(
            session,
            actor=actor,
            action="user.end_sessions",
            entity="user",
            entity_id=username,
            detail={},
        )


def set_password(store: Store, username: str, password: str, *, actor: str | None = None) -> None:
    """A new password (an admin's reset or the user's own change); ends every session."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    with store.transaction() as session:
        user = _user(session, username)
        user.password_hash = _hasher.hash(password)
        user.session_version += 1
        audit.record(
            session,
            actor=actor,
            action="user.set_password",
            entity="user",
            entity_id=username,
            detail={},
        )


def set_disabled(store: Store, username: str, disabled: bool, *, actor: str | None = None) -> None:
    """Disable (no sign-in, no token, every session ended) or enable a user again."""
    with store.transaction() as session:
        user = _user(session, username)
        if disabled and actor == username:
            raise AccountError("you cannot disable your own account")
        user.disabled_at = datetime.now(UTC) if disabled else None
        user.session_version += 1
        audit.record(
            session,
            actor=actor,
            action="user.disable" if disabled else "user.enable",
            entity="user",
            entity_id=username,
            detail={},
        )


def delete_user(store: Store, username: str, *, actor: str | None = None) -> None:
    """Delete a user and their tokens (what they did stays in the audit log and on the
    ballots and decisions that name them)."""
    with store.transaction() as session:
        user = _user(session, username)
        if actor == username:
            raise AccountError("you cannot delete your own account")
        tokens = len(user.tokens)
        session.delete(user)
        audit.record(
            session,
            actor=actor,
            action="user.delete",
            entity="user",
            entity_id=username,
            detail={"tokens": tokens},
        )


def disabled_users(store: Store) -> set[str]:
    with store.transaction() as session:
        return set(session.scalars(select(User.username).where(User.disabled_at.is_not(None))))


def user_row(session: Session, username: str) -> User:
    """The user ``username``, or UnknownNameError suggesting the closest names."""
    return _user(session, username)


def _user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise UnknownNameError("user", username, session.scalars(select(User.username)))
    return user
