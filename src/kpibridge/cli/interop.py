"""``kpibridge import dbt PATH``: bring a dbt / MetricFlow project's metrics into a workspace."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from kpibridge.cli.errors import user_errors
from kpibridge.cli.options import FormatOption, WorkspaceOption
from kpibridge.cli.render import OutputFormat, make_console

app = typer.Typer(help="Import definitions from other tools.", no_args_is_help=True)


@app.command("dbt")
@user_errors
def dbt(
    path: Annotated[Path, typer.Argument(help="The dbt project folder.")],
    force: Annotated[bool, typer.Option(help="Replace models/KPIs of the same name.")] = False,
    output: FormatOption = OutputFormat.TABLE,
    workspace: WorkspaceOption = None,
) -> None:
    """Read dbt semantic models and metrics into models/ and kpis/; report what did not map."""
    from kpibridge.services.interop.dbt_import import import_dbt
    from kpibridge.services.metrics.workspace import resolve_root

    console = make_console()
    report = import_dbt(resolve_root(workspace), path, force=force)
    if output is OutputFormat.JSON:
        typer.echo(json.dumps(report.to_json(), indent=2))
        return
    console.print(f"imported {len(report.models)} model(s): {escape(', '.join(report.models))}")
    console.print(f"imported {len(report.kpis)} KPI(s): {escape(', '.join(report.kpis))}")
    if report.unmapped:
        console.print(
            f"[yellow]{len(report.unmapped)} item(s) not imported, or imported with a note:"
            "[/yellow]"
        )
        for gap in report.unmapped:
            console.print(f"  {escape(str(gap))}", soft_wrap=True)


def register(parent: typer.Typer) -> None:
    parent.add_typer(app, name="import")
