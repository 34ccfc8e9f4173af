"""Errors as responses: a redirect to login or an HTML page for people, one JSON shape for
programs — ``{"error": {"status": 404, "code": "not_found", "message": "..."}}`` — never a
stack trace."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from kpibridge.errors import (
    ForbiddenError,
    KpibridgeError,
    NotAuthenticatedError,
    RateLimitedError,
    UnknownNameError,
    WorkshopNotFoundError,
    WorkshopPermissionError,
    WorkshopStateError,
)

logger = logging.getLogger(__name__)

CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "invalid_request",
    429: "too_many_requests",
    500: "internal_error",
}


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def error_response(
    request: Request, status: int, message: str, headers: Mapping[str, str] | None = None
) -> Response:
    if wants_json(request):
        body = {"error": {"status": status, "code": CODES.get(status, "error"), "message": message}}
        return JSONResponse(body, status_code=status, headers=headers)
    context = request.app.state.context
    return context.templates.TemplateResponse(
        request,
        "error.html",
        {"status": status, "message": message, "account": getattr(request.state, "account", None)},
        status_code=status,
        headers=headers,
    )


def install(app: FastAPI) -> None:
    @app.exception_handler(NotAuthenticatedError)
    async def not_authenticated(request: Request, error: NotAuthenticatedError) -> Response:
        if wants_json(request):
            return error_response(
                request,
                401,
                str(error) or "sign in or send a bearer token",
                {"WWW-Authenticate": "Bearer"},
            )
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)

    @app.exception_handler(ForbiddenError)
    async def forbidden(request: Request, error: ForbiddenError) -> Response:
        return error_response(request, 403, str(error))

    @app.exception_handler(UnknownNameError)
    async def unknown(request: Request, error: UnknownNameError) -> Response:
        return error_response(request, 404, str(error))

    @app.exception_handler(WorkshopNotFoundError)
    async def no_workshop(request: Request, error: WorkshopNotFoundError) -> Response:
        return error_response(request, 404, str(error))

    @app.exception_handler(WorkshopStateError)
    async def workshop_state(request: Request, error: WorkshopStateError) -> Response:
        return error_response(request, 409, str(error))

    @app.exception_handler(WorkshopPermissionError)
    async def workshop_permission(request: Request, error: WorkshopPermissionError) -> Response:
        return error_response(request, 403, str(error))

    @app.exception_handler(RateLimitedError)
    async def rate_limited(request: Request, error: RateLimitedError) -> Response:
        wait = str(max(1, round(error.retry_after)))
        return error_response(request, 429, str(error), {"Retry-After": wait})

    @app.exception_handler(KpibridgeError)
    async def user_error(request: Request, error: KpibridgeError) -> Response:
        return error_response(request, 400, str(error))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        return error_response(request, error.status_code, str(error.detail), error.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> Response:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in item['loc'])}: {item['msg']}" for item in error.errors()
        )
        return error_response(request, 422, problems)

    @app.exception_handler(Exception)
    async def crash(request: Request, error: Exception) -> Response:
        logger.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(request, 500, "something went wrong on our side; it is logged")
