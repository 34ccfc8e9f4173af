"""Request dependencies: who is asking (session cookie or bearer token) and may they."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Path, Request

from kpibridge.errors import ForbiddenError, NotAuthenticatedError
from kpibridge.model.access import AccessRole, allows
from kpibridge.services.accounts.tokens import account_for_token
from kpibridge.services.accounts.users import Account, session_account
from kpibridge.services.governance.live import LiveWorkspace
from kpibridge.web.context import AppContext
from kpibridge.web.security import SESSION_COOKIE

MAX_RECORD_ID = 2**31 - 1
"""The largest id a stored row can have: the store's ids are 32-bit ``INTEGER`` columns on
PostgreSQL. A larger number in a path can name no row, and the database would refuse to even
compare it (an overflow error, a 500), so the edge answers 422 first."""

RecordId = Annotated[
    int, Path(ge=1, le=MAX_RECORD_ID, description="A stored record's id (1 to 2147483647).")
]
"""The type of every integer id in a route's path."""


def get_context(request: Request) -> AppContext:
    context: AppContext = request.app.state.context
    return context


Context = Annotated[AppContext, Depends(get_context)]


def optional_account(request: Request, context: Context) -> Account | None:
    """The caller's account from a bearer token, else from the session cookie, else None.
    A bearer token that is present but wrong is an error, not an anonymous request."""
    header = request.headers.get("authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise NotAuthenticatedError("the Authorization header must be 'Bearer TOKEN'")
        found = account_for_token(context.store, token.strip())
        if found is None:
            raise NotAuthenticatedError("unknown or revoked API token")
        request.state.account = found
        return found
    session = context.sessions.load(request.cookies.get(SESSION_COOKIE))
    found = session_account(context.store, *session) if session is not None else None
    request.state.account = found
    return found


def require(needed: AccessRole) -> Callable[..., Account]:
    """A dependency that returns the caller's account when its role includes ``needed``."""

    def check(caller: Annotated[Account | None, Depends(optional_account)]) -> Account:
        if caller is None:
            raise NotAuthenticatedError()
        if not allows(caller.role, needed):
            raise ForbiddenError(f"this needs the {needed.value} role; you are {caller.role.value}")
        return caller

    return check


Viewer = Annotated[Account, Depends(require(AccessRole.VIEWER))]
Admin = Annotated[Account, Depends(require(AccessRole.ADMIN))]


def get_live(context: Context) -> LiveWorkspace:
    return context.live


Live = Annotated[LiveWorkspace, Depends(get_live)]
