"""CSRF check for every unsafe request to a page (double-submit cookie)."""

from __future__ import annotations

from fastapi import Request

from kpibridge.errors import ForbiddenError
from kpibridge.web.security import CSRF_COOKIE, CSRF_FIELD, CSRF_HEADER, csrf_matches

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def csrf_protect(request: Request) -> None:
    if request.method in SAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        form = await request.form()
        field = form.get(CSRF_FIELD)
        sent = field if isinstance(field, str) else None
    if not csrf_matches(request.cookies.get(CSRF_COOKIE), sent):
        raise ForbiddenError(
            "the form's security token is missing or stale: reload the page and try again"
        )
