"""``init``, ``validate`` and ``schema``: create and check workspace files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from kpibridge.cli.errors import user_errors
from kpibridge.cli.options import WorkspaceOption
from kpibridge.cli.render import make_console


@user_errors
def init(
    directory: Annotated[Path, typer.Argument(help="Folder to create the workspace in.")],
    force: Annotated[bool, typer.Option(help="Overwrite existing workspace files.")] = False,
) -> None:
    """Scaffold a commented, valid workspace with the standard marketing KPI library."""
    from kpibridge.services.metrics.setup import create_workspace

    console = make_console()
    created = create_workspace(directory, force=force)
    console.print(
        f"Created workspace in [bold]{escape(str(directory))}[/bold]: "
        f"{created.files} files, empty tables {', '.join(created.tables) or 'none'}."
    )
    console.print(
        "Next: load data with `kpibridge load FILE --into TABLE`, then `kpibridge scorecard`."
    )


@user_errors
def validate(workspace: WorkspaceOption = None) -> None:
    """Check files, references, formulas and warehouse tables; list every problem."""
    from kpibridge.services.metrics.workspace import Workspace, validate_workspace

    console = make_console()
    issues = validate_workspace(workspace)
    if issues:
        for issue in issues:
            console.print(f"[red]error[/red] {escape(str(issue))}", soft_wrap=True)
        console.print(f"[red]{len(issues)} problem(s)[/red]")
        raise typer.Exit(1)
    ws = Workspace.open(workspace)
    console.print(
        f"[green]ok[/green] {len(ws.kpis)} KPIs, {len(ws.models)} models, "
        f"{len(ws.stakeholders)} stakeholders: no problems."
    )


def schema(
    file: Annotated[
        str | None, typer.Option(help="Only the schema of this file kind, e.g. 'kpis/*.yaml'.")
    ] = None,
) -> None:
    """Print the JSON Schema of the workspace files (for editor completion)."""
    from kpibridge.services.metrics.schema import workspace_schemas

    schemas = workspace_schemas()
    if file is not None:
        if file not in schemas:
            raise typer.BadParameter(f"choose one of: {', '.join(schemas)}", param_hint="--file")
        typer.echo(json.dumps(schemas[file], indent=2))
        return
    typer.echo(json.dumps(schemas, indent=2))


def register(app: typer.Typer) -> None:
    app.command()(init)
    app.command()(validate)
    app.command()(schema)
