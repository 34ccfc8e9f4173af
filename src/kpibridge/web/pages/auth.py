"""Sign in and out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kpibridge.services.accounts.users import (
    authenticate,
    end_sessions,
    session_account,
    session_version,
)
from kpibridge.web.deps import Context
from kpibridge.web.security import SESSION_COOKIE

router = APIRouter()


def safe_next(target: str | None) -> str:
    """Only a path on this site: never ``//host`` or ``https://host`` (open redirect)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, context: Context, next: str | None = None) -> Response:
    return context.templates.TemplateResponse(
        request, "login.html", {"next": safe_next(next), "error": None, "account": None}
    )


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    context: Context,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1024)],
    next: Annotated[str, Form()] = "/",
) -> Response:
    address: str = request.state.client_address
    wait = context.limiter.check(address, username)
    if wait is not None:
        return context.templates.TemplateResponse(
            request,
            "login.html",
            {
                "next": safe_next(next),
                "error": f"Too many attempts. Try again in {int(wait) + 1} seconds.",
                "account": None,
            },
            status_code=429,
            headers={"Retry-After": str(int(wait) + 1)},
        )
    found = authenticate(context.store, username, password)
    if found is None:
        context.limiter.failed(address, username)
        return context.templates.TemplateResponse(
            request,
            "login.html",
            {"next": safe_next(next), "error": "Wrong username or password.", "account": None},
            status_code=401,
        )
    context.limiter.succeeded(address, username)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        context.sessions.dump(found.id, session_version(context.store, found.id)),
        max_age=context.sessions.max_age,
        httponly=True,
        samesite="lax",
        secure=context.secure(request),
    )
    return response


@router.post("/logout")
def logout(request: Request, context: Context) -> Response:
    """Sign out: the session ends on the server too (every session of this user, since
    sessions are counted per user), so a copy of the cookie no longer works."""
    session = context.sessions.load(request.cookies.get(SESSION_COOKIE))
    found = session_account(context.store, *session) if session is not None else None
    if found is not None:
        end_sessions(context.store, found.username, actor=found.username)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
