"""``load``: bring a file into a warehouse table, checked, bad rows quarantined."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from kpibridge.cli.errors import user_errors
from kpibridge.cli.options import WorkspaceOption
from kpibridge.cli.render import make_console
from kpibridge.model.choices import LoadMode


@user_errors
def load(
    file: Annotated[Path, typer.Argument(help="CSV, TSV or Parquet file.")],
    into: Annotated[str, typer.Option("--into", help="Warehouse table to load into.")],
    mode: Annotated[
        LoadMode,
        typer.Option(
            "--mode",
            help="append: refuse the file if a row's key is already in the table; "
            "upsert: replace those rows.",
        ),
    ] = LoadMode.APPEND,
    workspace: WorkspaceOption = None,
) -> None:
    """Load a file into a table: good rows in one transaction, bad rows quarantined."""
    from kpibridge.services.metrics.workspace import Workspace
    from kpibridge.services.warehouse.load import load_into

    console = make_console()
    with Workspace.open(workspace) as ws:
        result = load_into(ws, file, into, mode)
    table = escape(result.table)
    replaced = f", replaced {result.replaced}" if mode is LoadMode.UPSERT else ""
    console.print(
        f"loaded [green]{result.loaded}[/green] rows into {table} "
        f"(inserted {result.inserted}{replaced}); "
        f"quarantined [{'red' if result.quarantined else 'green'}]"
        f"{result.quarantined}[/] rows"
    )
    if result.converted:
        console.print(
            f"converted {result.converted} timestamps written with a UTC offset to the "
            f"workspace time zone {escape(result.timezone)}"
        )
    if not result.key:
        console.print(
            f"[yellow]table {table} has no declared key[/yellow]: rows already loaded are not "
            "detected; declare `key:` in its model"
        )
    if result.quarantined:
        console.print(
            f"bad rows, with their line and reasons, are in table "
            f"[bold]{escape(result.quarantine_table)}[/bold]:"
        )
        for reason, count in result.reasons:
            console.print(f"  {count:>8}  {escape(reason)}")


def register(app: typer.Typer) -> None:
    app.command()(load)
