"""OpenAPI schema and its Swagger page, for signed-in users, with the vendored Swagger UI."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse

from kpibridge.web.deps import Viewer

router = APIRouter()


@router.get("/openapi.json")
def openapi(request: Request, _account: Viewer) -> JSONResponse:
    schema: dict[str, Any] = request.app.openapi()
    return JSONResponse(schema)


DOCS_POLICY = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'none'"
)
"""The Swagger page's policy: the app's own files, and the one inline script that starts
Swagger UI, allowed by a nonce fresh on every answer (no 'unsafe-inline' scripts, no eval)."""


@router.get("/docs", response_class=HTMLResponse)
def docs(_account: Viewer) -> HTMLResponse:
    page = get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="kpibridge API",
        swagger_js_url="/static/vendor/swagger-ui-bundle.js",
        swagger_css_url="/static/vendor/swagger-ui.css",
        swagger_favicon_url="/static/vendor/swagger-favicon-32x32.png",
    )
    nonce = secrets.token_urlsafe(16)
    html = bytes(page.body).decode().replace("<script>", f'<script nonce="{nonce}">')
    return HTMLResponse(html, headers={"Content-Security-Policy": DOCS_POLICY.format(nonce=nonce)})
