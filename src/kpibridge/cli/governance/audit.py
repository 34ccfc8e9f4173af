"""``kpibridge audit verify`` and ``kpibridge audit log``: check and read the audit log."""

from __future__ import annotations

import csv
import json
import sys
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from kpibridge.cli.errors import user_errors
from kpibridge.cli.options import DatabaseOption, FormatOption, WorkspaceOption
from kpibridge.cli.render import OutputFormat, make_console

app = typer.Typer(help="The audit log: every state change, hash-chained.", no_args_is_help=True)


@app.command("verify")
@user_errors
def verify_command(
    anchor: Annotated[
        str | None,
        typer.Option(help="A head hash printed by an earlier verify: it must still be there."),
    ] = None,
    output: FormatOption = OutputFormat.TABLE,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """Check the hash chain; exit code 1 and the first broken row if it was tampered with."""
    from kpibridge.cli.app_store import opened_store
    from kpibridge.services.governance.audit_trail import verify_log
    from kpibridge.services.metrics.workspace import Workspace

    console = make_console()
    with Workspace.open(workspace) as ws, opened_store(ws, database) as store:
        result = verify_log(store, anchor=anchor)
    if output is OutputFormat.JSON:
        typer.echo(json.dumps(result.to_json(), indent=2))
    elif result.ok:
        console.print(f"[green]audit log intact[/green]: {result.rows} rows, head {result.head}")
    else:
        console.print(
            f"[red]audit log broken[/red] at row {result.broken_seq}: "
            f"{escape(result.problem or '')}"
        )
    if not result.ok:
        raise typer.Exit(1)


@app.command("log")
@user_errors
def log_command(
    kpi: Annotated[str | None, typer.Option(help="Only the events about this KPI.")] = None,
    since: Annotated[
        str | None, typer.Option(help="Only events from this date (YYYY-MM-DD) or time on.")
    ] = None,
    output: FormatOption = OutputFormat.TABLE,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """Read the audit log, oldest first."""
    from kpibridge.cli.app_store import opened_store
    from kpibridge.services.governance.audit_trail import parse_since, read_log
    from kpibridge.services.metrics.workspace import Workspace

    console = make_console()
    start = parse_since(since) if since else None
    with Workspace.open(workspace) as ws, opened_store(ws, database) as store:
        entries = read_log(store, kpi=kpi, since=start)
    if output is OutputFormat.JSON:
        typer.echo(json.dumps([entry.to_json() for entry in entries], indent=2, ensure_ascii=False))
        return
    if output is OutputFormat.CSV:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["seq", "at", "actor", "action", "entity", "entity_id", "detail"])
        for entry in entries:
            writer.writerow(
                [
                    entry.seq,
                    entry.at.isoformat(),
                    entry.actor or "",
                    entry.action,
                    entry.entity,
                    entry.entity_id,
                    json.dumps(entry.detail, ensure_ascii=False),
                ]
            )
        return
    table = Table("#", "at (UTC)", "actor", "action", "entity", "detail")
    for entry in entries:
        table.add_row(
            str(entry.seq),
            entry.at.strftime("%Y-%m-%d %H:%M:%S"),
            escape(entry.actor or "—"),
            escape(entry.action),
            escape(f"{entry.entity} {entry.entity_id}"),
            escape(json.dumps(entry.detail, ensure_ascii=False)),
        )
    console.print(table if entries else "No audit events.")


def register(parent: typer.Typer) -> None:
    parent.add_typer(app, name="audit")
