"""The app factory: open the workspace and the store (running migrations), wire routes."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from kpibridge.services.governance.live import LiveWorkspace
from kpibridge.services.rounds.stored_rounds import import_workspace_rounds
from kpibridge.services.workshops.names import candidate_names
from kpibridge.store import Store, database_url
from kpibridge.web import errors
from kpibridge.web.api import router as api_router
from kpibridge.web.background import Builds
from kpibridge.web.context import AppContext
from kpibridge.web.pages import router as pages_router
from kpibridge.web.proxies import parse_networks, request_origin
from kpibridge.web.security import CSRF_COOKIE, LoginLimiter, Sessions, new_csrf_token
from kpibridge.web.settings import WebSettings
from kpibridge.web.templating import make_templates
from kpibridge.web.workshop_access import ParticipantCookies, RateLimiter, workshop_limits
from kpibridge.web.workshop_hub import WorkshopHub

STATIC = Path(__file__).with_name("static")
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'none'"
)
"""Only the app's own files, no eval: charts are rendered with ``ast: true``, so Vega
evaluates their expressions with the CSP-safe interpreter bundled in vega-embed instead of
compiling them with ``Function``; vega-embed sets inline styles. The Swagger page (/docs)
sets its own, stricter-about-scripts policy (a nonce for its one inline script)."""

HSTS = "max-age=31536000"
"""A year of HTTPS only for this host (subdomains are not the app's to decide)."""

logger = logging.getLogger(__name__)


def create_app(settings: WebSettings) -> FastAPI:
    """The ASGI app for one workspace. Opening the store runs its migrations."""
    live = LiveWorkspace(settings.workspace)
    store = Store.open(
        database_url(live.workspace.settings.app_store, settings.workspace, settings.database_url),
        key_dir=settings.workspace / ".kpibridge",
    )
    live.govern_with(store)  # the scorecard applies the KPI versions of the app store
    import_workspace_rounds(store, live.workspace)  # YAML rounds join the store once, by name
    context = AppContext(
        settings=settings,
        live=live,
        store=store,
        sessions=Sessions(settings.resolved_secret(), settings.session_hours * 3600),
        limiter=LoginLimiter(
            settings.login_attempts_per_ip,
            settings.login_failures_per_user,
            settings.login_window_seconds,
        ),
        templates=make_templates(),
        secure_cookies=settings.cookies_secure(),
        workshops=WorkshopHub(store, lambda: candidate_names(live.workspace)),
        participant_cookies=ParticipantCookies(settings.resolved_secret()),
        rate_limits=RateLimiter(workshop_limits(settings)),
        trusted_proxies=parse_networks(settings.proxies()),
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        store.close()
        live.close()

    app = FastAPI(
        title="kpibridge",
        summary="KPIs, their definitions, values and targets, and the goals they serve.",
        version="0.1.0",
        docs_url=None,  # served by pages.docs with the vendored Swagger UI (no CDN)
        redoc_url=None,
        openapi_url=None,  # served by pages.docs behind a sign-in
        lifespan=lifespan,
    )
    app.state.context = context
    app.state.builds = Builds()
    errors.install(app)
    app.middleware("http")(_csrf_cookie_and_headers)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(api_router)
    app.include_router(pages_router)
    return app


async def _csrf_cookie_and_headers(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    context: AppContext = request.app.state.context
    origin = request_origin(request, context.trusted_proxies)
    request.state.https = origin.https
    request.state.client_address = origin.address
    token = request.cookies.get(CSRF_COOKIE)
    fresh = not token
    request.state.csrf = token or new_csrf_token()
    request.state.account = None
    response = await call_next(request)
    if fresh and not request.url.path.startswith(("/static/", "/api/")):
        response.set_cookie(
            CSRF_COOKIE,
            request.state.csrf,
            httponly=True,
            samesite="strict",
            secure=context.secure(request),
        )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if origin.https:  # a browser heeds HSTS only over HTTPS; over HTTP it would be a lie
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    return response
