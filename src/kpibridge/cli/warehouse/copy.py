"""``warehouse copy``: put a workspace's data into another warehouse (PostgreSQL, Spark …)."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.markup import escape

from kpibridge.cli.errors import user_errors
from kpibridge.cli.options import FormatOption, WorkspaceOption
from kpibridge.cli.render import OutputFormat, make_console

warehouse_app = typer.Typer(
    name="warehouse",
    help="Move a workspace's data between warehouses.",
    no_args_is_help=True,
)


@user_errors
def copy(
    to: Annotated[
        str,
        typer.Option(
            "--to",
            help="Target warehouse URL: postgresql://user:password@host:5432/db, "
            "postgresql:///db?host=/var/run/postgresql (a Unix socket), "
            "pyspark:///folder?master=local[2], duckdb:///file.duckdb. It may hold "
            "$VAR or ${VAR} references (quote it in the shell); --use writes them as given.",
        ),
    ],
    table: Annotated[
        list[str] | None,
        typer.Option("--table", "-t", help="Copy only this table (repeatable)."),
    ] = None,
    use: Annotated[
        bool, typer.Option("--use", help="Point the workspace at the target afterwards.")
    ] = False,
    output: FormatOption = OutputFormat.TABLE,
    workspace: WorkspaceOption = None,
) -> None:
    """Copy every table the workspace's models read into the warehouse at URL (tables of the
    same names there are replaced), and check that each arrives whole."""
    from kpibridge.services.metrics.workspace import Workspace
    from kpibridge.services.warehouse.copy import copy_warehouse

    console = make_console()
    with Workspace.open(workspace) as ws:
        result = copy_warehouse(ws, to, tables=table or None, use=use)
    if output is OutputFormat.JSON:
        console.print_json(json.dumps(result.as_record()))
        return
    console.print(
        f"copied {len(result.rows)} tables from {escape(result.source)} "
        f"to [bold]{escape(result.target)}[/bold]:"
    )
    for name, rows in result.rows.items():
        console.print(f"  {rows:>12,}  {escape(name)}")
    if result.switched:
        console.print(f"the workspace now reads from {escape(result.target)}")
    if result.password_variable:
        console.print(
            f"kpibridge.yaml does not keep the password: it reads "
            f"${{{result.password_variable}}}; set {result.password_variable} to the "
            "password in the environment that runs kpibridge"
        )


def register(app: typer.Typer) -> None:
    warehouse_app.command()(copy)
    app.add_typer(warehouse_app, name="warehouse")
