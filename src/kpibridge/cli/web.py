"""``serve``: the web app and the JSON API."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from kpibridge.cli.errors import user_errors
from kpibridge.cli.options import DatabaseOption, WorkspaceOption
from kpibridge.cli.render import make_console

KEEP_ALIVE_SECONDS = 30
"""Idle connections are kept this long (uvicorn's 5 s equals httpx's pool expiry: a request
could leave on a connection the server was closing)."""


@user_errors
def serve(
    workspace: WorkspaceOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    database: DatabaseOption = None,
) -> None:
    """Serve the web app and the JSON API (migrating the app store first)."""
    from kpibridge.services.metrics.workspace import resolve_root

    run_server(resolve_root(workspace), host, port, database)


def run_server(root: Path, host: str, port: int, database: str | None) -> None:
    console = make_console()
    import uvicorn

    from kpibridge.web import WebSettings, create_app

    app = create_app(WebSettings(workspace=root, database_url=database))
    console.print(f"kpibridge is serving [bold]{escape(str(root))}[/bold] at http://{host}:{port}/")
    # Proxy headers are read by the app itself, from its own trusted_proxies setting. Idle
    # connections are kept 30 s (uvicorn's 5 s equals common clients' own expiry, so a
    # request could leave on a connection the server was closing at that very moment).
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="info",
        proxy_headers=False,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )


def register(app: typer.Typer) -> None:
    app.command()(serve)
