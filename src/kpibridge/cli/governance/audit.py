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
    from kpibridge.cli.app_store import workspace_and_store
    from kpibridge.services.governance.audit_trail import verify_log

    console = make_console()
    with workspace_and_store(workspace, database) as (_ws, store):
        result = verify_log(store, anchor=anchor)
    if output is OutputFormat.JSON:
        typer.echo(json.dumps(result.to_json(), indent=2))
    elif result.ok:
        keyed = "keyed" if result.keyed else "NOT keyed (no audit key for this store)"
        console.print(
            f"[green]audit log intact[/green]: {result.rows} rows, {keyed}, head {result.head}"
        )
    else:
        console.print(
            f"[red]audit log broken[/red]: {len(result.problems)} problem(s) in {result.rows} rows"
        )
        for _seq, problem in result.problems:
            console.print(f"  {escape(problem)}")
    if not result.ok:
        raise typer.Exit(1)


@app.command("head")
@user_errors
def head_command(workspace: WorkspaceOption = None, database: DatabaseOption = None) -> None:
    """Print the chain's last row (seq, time, hash) as JSON, to keep outside the store (a
    ticket, an e-mail, a signed commit); 'verify --anchor HASH' later proves it is still
    there, so no row before it was removed or rewritten."""
    from kpibridge.cli.app_store import workspace_and_store
    from kpibridge.services.governance.audit_trail import log_head

    with workspace_and_store(workspace, database) as (_ws, store):
        last = log_head(store)
    typer.echo(json.dumps(last.to_json() if last else None, indent=2))


@app.command("seal")
@user_errors
def seal_command(workspace: WorkspaceOption = None, database: DatabaseOption = None) -> None:
    """Key-tag the rows written before the chain was keyed (after upgrading), once the chain
    checks out; refused while any row is broken."""
    from kpibridge.cli.app_store import workspace_and_store
    from kpibridge.services.governance.audit_trail import seal_log

    console = make_console()
    with workspace_and_store(workspace, database) as (_ws, store):
        sealed = seal_log(store)
    if sealed:
        console.print(f"sealed {len(sealed)} row(s): {sealed[0]} to {sealed[-1]}")
    else:
        console.print("nothing to seal: every row carries its key tag")


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
    from kpibridge.cli.app_store import workspace_and_store
    from kpibridge.services.governance.audit_trail import parse_since, read_log

    console = make_console()
    start = parse_since(since) if since else None
    with workspace_and_store(workspace, database) as (_ws, store):
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
