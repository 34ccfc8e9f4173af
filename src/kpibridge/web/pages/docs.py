"""OpenAPI schema and its Swagger page, for signed-in users, with the vendored Swagger UI."""

from __future__ import annotations

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


@router.get("/docs", response_class=HTMLResponse)
def docs(_account: Viewer) -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="kpibridge API",
        swagger_js_url="/static/vendor/swagger-ui-bundle.js",
        swagger_css_url="/static/vendor/swagger-ui.css",
        swagger_favicon_url="/static/vendor/swagger-favicon-32x32.png",
    )
