"""What the round pages and the round API share: the roles they need, the caller's place in
a round, cached results, and round errors turned into HTTP answers.

Rules (issue 5): only a round's participants submit ballots (and only with the member role
or above: viewers read); only facilitators (and admins) create, close and adopt rounds;
every signed-in role reads rounds and results. Anonymous results name people only for
facilitators.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.exceptions import HTTPException

from kpibridge.align.round_analysis import RoundAnalysis
from kpibridge.errors import ForbiddenError, RoundPermissionError, RoundStateError
from kpibridge.model.access import AccessRole, allows
from kpibridge.services.accounts.users import Account
from kpibridge.services.governance.live import LiveWorkspace
from kpibridge.services.rounds.round_records import StoredRound
from kpibridge.services.rounds.round_results import stored_round_analysis
from kpibridge.web.deps import require
from kpibridge.web.security import CSRF_COOKIE, CSRF_HEADER, csrf_matches

Member = Annotated[Account, Depends(require(AccessRole.MEMBER))]
Facilitator = Annotated[Account, Depends(require(AccessRole.FACILITATOR))]

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


async def api_csrf(request: Request) -> None:
    """Unsafe API calls signed in by the session cookie (a browser) must repeat the CSRF
    token in ``X-CSRF-Token``; calls with a bearer token are not sent by browsers on their
    own, so they need none."""
    if request.method not in UNSAFE or request.headers.get("authorization"):
        return
    if not csrf_matches(request.cookies.get(CSRF_COOKIE), request.headers.get(CSRF_HEADER)):
        raise ForbiddenError(
            "send the CSRF token in the X-CSRF-Token header, or use a bearer token"
        )


def may_facilitate(account: Account) -> bool:
    return allows(account.role, AccessRole.FACILITATOR)


def may_vote(account: Account, stored: StoredRound) -> bool:
    """Whether ``account`` may send a ballot in ``stored`` now."""
    return (
        stored.is_open
        and not stored.past_deadline
        and allows(account.role, AccessRole.MEMBER)
        and account.stakeholder is not None
        and account.stakeholder in stored.round.participants
    )


def shows_names(account: Account, stored: StoredRound) -> bool:
    return not stored.round.anonymous or may_facilitate(account)


def round_record(account: Account, stored: StoredRound) -> dict[str, Any]:
    """The round as the caller may see it: in an anonymous round only facilitators learn who
    proposed what (every route that returns a round goes through here)."""
    return stored.as_record(named=shows_names(account, stored))


def round_results(live: LiveWorkspace, stored: StoredRound, account: Account) -> RoundAnalysis:
    """The analysis of the round's live ballots, remembered until a ballot, a candidate or
    the status changes (``StoredRound.version``) or the workspace does."""
    anonymous = not shows_names(account, stored)
    return live.remember(
        ("round-results", stored.name, stored.version, anonymous),
        lambda ws: stored_round_analysis(ws, stored, anonymous=anonymous),
    )


@contextmanager
def round_errors() -> Iterator[None]:
    """Not allowed in this round → 403; the round's state does not allow it → 409."""
    try:
        yield
    except RoundPermissionError as error:
        raise ForbiddenError(str(error)) from None
    except RoundStateError as error:
        raise HTTPException(409, str(error)) from None
