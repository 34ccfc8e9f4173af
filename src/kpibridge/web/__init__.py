"""The web app: server-rendered pages (Jinja2 + htmx), a JSON API under ``/api/v1`` with
OpenAPI at ``/docs``, accounts with roles. Every script and style is served by the app.

>>> app = create_app(WebSettings(workspace=Path("demo")))          # doctest: +SKIP
"""

from kpibridge.web.app import create_app
from kpibridge.web.settings import WebSettings

__all__ = ["WebSettings", "create_app"]
