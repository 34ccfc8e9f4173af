"""Sign in and out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kpibridge.services.accounts.users import authenticate
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
        context.sessions.dump(found.id),
        max_age=context.sessions.max_age,
        httponly=True,
        samesite="lax",
        secure=context.secure(request),
    )
    return response


@router.post("/logout")
def logout() -> Response:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
