"""``kpibridge workshop``: live workshops on a round — open one, move it through its phases,
see where it stands, export everything it holds. The same actions as the facilitator's page
and ``/api/v1/workshops/...``; a running server's projector picks the changes up by itself."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from kpibridge.cli.app_store import workspace_and_store
from kpibridge.cli.errors import user_errors
from kpibridge.cli.options import DatabaseOption, WorkspaceOption
from kpibridge.cli.render import make_console
from kpibridge.model.choices import WORKSHOP_PHASES

console = make_console()
app = typer.Typer(
    help="Live workshops: a room joins by code or QR, writes, reacts, ranks and weighs.",
    no_args_is_help=True,
)

ActorOption = Annotated[
    str,
    typer.Option(
        "--as", envvar="KPIBRIDGE_USER", help="The app-store user acting (a facilitator)."
    ),
]
BaseUrlOption = Annotated[
    str,
    typer.Option(
        "--base-url",
        envvar="KPIBRIDGE_BASE_URL",
        help="Where people reach the web app (for the join link and QR code).",
    ),
]


@app.command("open")
@user_errors
def open_command(
    round_name: Annotated[
        str, typer.Argument(metavar="ROUND", help="An open round of the app store.")
    ],
    actor: ActorOption,
    moderation: Annotated[
        bool, typer.Option("--moderation", help="Hold statements until you accept them.")
    ] = False,
    base_url: BaseUrlOption = "http://127.0.0.1:8000",
    qr: Annotated[
        Path | None, typer.Option("--qr", help="Write the join QR code to this SVG file.")
    ] = None,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """Open a workshop on ROUND (facilitators): prints the join code and link."""
    from kpibridge.services.governance.versions import acting_account
    from kpibridge.services.rounds.stored_rounds import require_facilitator
    from kpibridge.services.workshops.qr import join_url, qr_svg
    from kpibridge.services.workshops.sessions import open_workshop

    with workspace_and_store(workspace, database) as (_ws, store):
        require_facilitator(acting_account(store, actor), "open workshops")
        workshop = open_workshop(store, round_name, actor=actor, moderation=moderation)
    link = join_url(base_url, workshop.code)
    if qr is not None:
        qr.write_text(qr_svg(link), encoding="utf-8")
    console.print(f"workshop [bold]{workshop.code}[/bold] open on round {escape(round_name)}.")
    console.print(f"join: {escape(link)}")
    console.print(f"projector: {escape(base_url.rstrip('/'))}/w/{workshop.code}/screen")
    if qr is not None:
        console.print(f"QR code written to {escape(str(qr))}")


@app.command("phase")
@user_errors
def phase_command(
    code: Annotated[str, typer.Argument(help="The workshop's join code.")],
    actor: ActorOption,
    phase: Annotated[
        str | None,
        typer.Argument(help=f"One of {', '.join(WORKSHOP_PHASES)} (omit to change only options)."),
    ] = None,
    timer: Annotated[
        float | None, typer.Option("--timer", help="Start a timer of this many minutes.")
    ] = None,
    results: Annotated[
        bool | None,
        typer.Option("--show-results/--hide-results", help="Show or hide the results."),
    ] = None,
    lock: Annotated[
        bool | None, typer.Option("--lock/--unlock", help="Take no contributions while locked.")
    ] = None,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """Move a workshop to PHASE, and set its timer, results visibility and lock."""
    from kpibridge.services.governance.versions import acting_account
    from kpibridge.services.rounds.stored_rounds import require_facilitator
    from kpibridge.services.workshops.sessions import control

    with workspace_and_store(workspace, database) as (_ws, store):
        require_facilitator(acting_account(store, actor), "run workshops")
        workshop = control(
            store,
            code,
            actor=actor,
            phase=phase,
            timer_minutes=timer,
            results_visible=results,
            locked=lock,
        )
    console.print(
        f"workshop [bold]{workshop.code}[/bold]: phase {workshop.phase}"
        f"{', locked' if workshop.locked else ''}"
        f", results {'shown' if workshop.results_visible else 'hidden'}"
        + (f", {workshop.seconds_left()} s on the timer" if workshop.timer_ends_at else "")
        + "."
    )


@app.command("status")
@user_errors
def status_command(
    code: Annotated[str, typer.Argument(help="The workshop's join code.")],
    as_json: Annotated[bool, typer.Option("--json", help="Every figure as JSON.")] = False,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """Where a workshop stands: the projector's figures."""
    from kpibridge.services.workshops.names import candidate_names
    from kpibridge.services.workshops.results import compute_results

    with workspace_and_store(workspace, database) as (ws, store):
        figures = compute_results(store, code, candidate_names(ws)).public
    if as_json:
        typer.echo(json.dumps(figures, indent=2, ensure_ascii=False))
        return
    w = figures["workshop"]
    console.print(f"[bold]{escape(w['question'])}[/bold]")
    console.print(
        f"workshop {w['code']} on round {escape(w['round'])}: phase {w['phase']}"
        f"{' (locked)' if w['locked'] else ''}; {figures['participants']['active']} participants"
        f" ({figures['participants']['removed']} removed), {figures['statements']['accepted']}"
        f" statements ({figures['statements']['pending']} waiting), {figures['votes']} votes,"
        f" {figures['rankings']} rankings."
    )
    table = Table("", "statement", "agree", "disagree", "pass", title="Most divisive")
    for item in figures["divisive"]:
        table.add_row(
            str(item["id"]),
            escape(item["text"]),
            str(item["agree"]),
            str(item["disagree"]),
            str(item["pass"]),
        )
    if figures["divisive"]:
        console.print(table)
    for item in figures["common_ground"]:
        console.print(f"common ground: {escape(item['text'])}")
    console.print(f"map: {figures['map']['k']} opinion group(s)")
    console.print(escape(figures["consensus"]["sentence"]))
    for note in figures["removed_notes"]:
        console.print(escape(note))


@app.command("export")
@user_errors
def export_command(
    code: Annotated[str, typer.Argument(help="The workshop's join code.")],
    actor: ActorOption,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
    ] = None,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """Everything a workshop holds as JSON (facilitators): participants (removed ones with
    the note), statements, reactions, rankings and the results."""
    from kpibridge.services.governance.versions import acting_account
    from kpibridge.services.rounds.stored_rounds import require_facilitator
    from kpibridge.services.workshops.export import export_workshop
    from kpibridge.services.workshops.names import candidate_names

    with workspace_and_store(workspace, database) as (ws, store):
        require_facilitator(acting_account(store, actor), "export workshops")
        document = export_workshop(store, code, candidate_names(ws))
    text = json.dumps(document, indent=2, ensure_ascii=False)
    if output is None:
        typer.echo(text)
    else:
        output.write_text(text + "\n", encoding="utf-8")
        console.print(f"workshop {document['workshop']['code']} written to {escape(str(output))}")


def register(parent: typer.Typer) -> None:
    parent.add_typer(app, name="workshop")
