"""``demo``: build the Acme Outdoor demo company, show its scorecard and round, serve it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from kpibridge.cli.errors import user_errors
from kpibridge.cli.render import make_console

DEMO_ROUND = "kpis-2027"


@user_errors
def demo(
    directory: Annotated[Path, typer.Option("--dir", help="Folder for the demo workspace.")] = Path(
        "demo"
    ),
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same data.")] = 7,
    scale: Annotated[float, typer.Option(help="Volume multiplier (1 ≈ 100k orders).")] = 1.0,
    serve: Annotated[
        bool,
        typer.Option(help="Serve the web app afterwards, with a sign-in per demo stakeholder."),
    ] = True,
    host: Annotated[str, typer.Option(help="Address to serve on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8000,
    warehouse: Annotated[
        str | None,
        typer.Option(
            help="Build the demo's data in this warehouse (postgresql://…, pyspark:///…) "
            "and point the workspace at it; see `kpibridge warehouse copy`."
        ),
    ] = None,
) -> None:
    """Build the Acme Outdoor demo company (data, KPIs, targets, a round), show its scorecard
    and serve it in the web app."""
    from kpibridge.cli.metrics.compute import scorecard_table
    from kpibridge.cli.web import run_server
    from kpibridge.services.demo.build import build_demo
    from kpibridge.services.demo.demo_accounts import DEMO_PASSWORD, ensure_demo_users
    from kpibridge.services.metrics.workspace import Workspace
    from kpibridge.services.rounds.workspace_rounds import analyze_round
    from kpibridge.services.warehouse.copy import copy_warehouse, redact
    from kpibridge.store import Store, database_url

    console = make_console()
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console
    ) as progress:
        task = progress.add_task("generating the demo company", total=None)

        def report(message: str) -> None:
            progress.update(task, description=message)
            progress.console.print(f"  [dim]{escape(message)}[/dim]")

        built = build_demo(directory, seed=seed, scale=scale, progress=report)
        if warehouse is not None:
            report(f"copying the data to {redact(warehouse)}")
            with Workspace.open(directory) as generated:
                copied = copy_warehouse(generated, warehouse, use=True)
            if copied.password_variable:  # the file reads it; this run has it from the URL
                os.environ[copied.password_variable] = str(
                    copied.config.connection_options()["password"]
                )
                report(
                    f"kpibridge.yaml reads the password from ${copied.password_variable}: "
                    "set it before you open the workspace again"
                )
    console.print(
        f"Demo workspace in [bold]{escape(str(built.root))}[/bold]: "
        f"{sum(built.rows.values()):,} rows in {len(built.rows)} tables."
    )
    with Workspace.open(directory) as ws:
        console.print(scorecard_table(ws.scorecard().rows))
        analysis = analyze_round(ws, DEMO_ROUND)
        console.print(f"\n[bold]Alignment round {DEMO_ROUND}[/bold]")
        for line in analysis.summary:
            console.print(f"  • {escape(line)}")
        console.print(
            f"  Full result: kpibridge round results {DEMO_ROUND} -w {escape(str(directory))}"
        )
        store = Store.open(
            database_url(ws.settings.app_store, ws.root), key_dir=ws.root / ".kpibridge"
        )
        try:
            accounts = ensure_demo_users(store, ws)
        finally:
            store.close()
    if not serve:
        console.print(
            f"Next: [bold]kpibridge serve -w {escape(str(directory))}[/bold], or "
            f"[bold]kpibridge compute cac --by channel -w {escape(str(directory))}[/bold]"
        )
        return
    console.print(f"Demo sign-ins (password [bold]{DEMO_PASSWORD}[/bold]):")
    for account in accounts:
        console.print(f"  {account.username:<16} {account.role.value}")
    console.print(f"Open [bold]http://{host}:{port}/[/bold] — Ctrl-C stops the server.")
    run_server(directory, host, port, None)


def register(app: typer.Typer) -> None:
    app.command()(demo)
