"""``kpibridge round``: alignment rounds — list them, and show a round's result."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from kpibridge.cli.errors import user_errors
from kpibridge.cli.options import DatabaseOption, WorkspaceOption
from kpibridge.cli.render import make_console

if TYPE_CHECKING:
    from kpibridge.services.metrics.workspace import Workspace
    from kpibridge.services.rounds.proposal_round_links import RoundLink
    from kpibridge.services.rounds.round_records import StoredRound

app = typer.Typer(
    help="Alignment rounds: rank, score and weigh KPIs together.", no_args_is_help=True
)


class ResultFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    MARKDOWN = "markdown"


@app.command("list")
@user_errors
def list_command(workspace: WorkspaceOption = None) -> None:
    """List the rounds in the workspace's rounds/ folder."""
    from kpibridge.services.metrics.workspace import Workspace
    from kpibridge.services.rounds.workspace_rounds import list_rounds

    console = make_console()
    with Workspace.open(workspace) as ws:
        listings = list_rounds(ws)
    if not listings:
        console.print("No rounds yet: add one as rounds/NAME.yaml (see docs/alignment.md).")
        return
    table = Table(
        "round",
        "question",
        "candidates",
        "participants",
        "audience",
        "ballots",
        "select",
        "deadline",
        "problems",
    )
    for item in listings:
        table.add_row(
            escape(item.name),
            escape(item.question),
            str(item.candidates),
            str(item.participants),
            str(item.audience),
            str(item.ballots),
            str(item.select),
            escape(item.deadline or ""),
            f"[red]{item.problems}[/red]" if item.problems else "0",
        )
    console.print(table)


@app.command()
@user_errors
def results(
    name: Annotated[str, typer.Argument(help="Round name (the file stem in rounds/).")],
    output: Annotated[
        ResultFormat,
        typer.Option("--format", "-f", help="Output format.", case_sensitive=False),
    ] = ResultFormat.TABLE,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """Analyse a round: consensus, agreement, groups, common ground, recommendation, dissent.

    A round run in the web app is analysed with the ballots in the app store (the live one of
    each participant); otherwise the round file rounds/NAME.yaml."""
    from kpibridge.align.report import to_markdown
    from kpibridge.services.governance.proposal_rounds import round_winner
    from kpibridge.services.metrics.workspace import Workspace
    from kpibridge.services.rounds.round_results import stored_round_analysis
    from kpibridge.services.rounds.workspace_rounds import analyze_round

    console = make_console()
    with Workspace.open(workspace) as ws:
        stored, links = _stored_round(ws, name, database)
        analysis = (
            stored_round_analysis(ws, stored, anonymous=False)
            if stored is not None
            else analyze_round(ws, name)
        )
    if output is ResultFormat.TABLE:
        source = "the app store (web ballots)" if stored is not None else f"rounds/{name}.yaml"
        console.print(f"[dim]Ballots from {escape(source)}.[/dim]")
    winner = round_winner(stored, analysis, links) if stored is not None and links else None
    if output is ResultFormat.JSON:
        record = analysis.to_json()
        if links:  # a round of competing change proposals
            record["change_proposals"] = [link.to_json() for link in links]
            record["winner"] = winner.to_json() if winner else None
        typer.echo(json.dumps(record, indent=2, ensure_ascii=False))
    elif output is ResultFormat.MARKDOWN:
        typer.echo(to_markdown(analysis))
        if winner:
            typer.echo(f"\n{winner.sentence()}")
    else:
        from rich.markdown import Markdown

        console.print(Markdown(to_markdown(analysis)))
        if winner:
            console.print(f"[bold]{escape(winner.sentence())}[/bold]")


ActorOption = Annotated[
    str,
    typer.Option(
        "--as", envvar="KPIBRIDGE_USER", help="The app-store user acting (a facilitator)."
    ),
]


@app.command("close")
@user_errors
def close_command(
    name: Annotated[str, typer.Argument(help="A round in the app store (run on the web).")],
    actor: ActorOption,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """Stop taking ballots in a round of the app store (facilitators)."""
    from kpibridge.cli.app_store import workspace_and_store
    from kpibridge.services.governance.versions import acting_account
    from kpibridge.services.rounds.stored_rounds import close_round, require_facilitator

    console = make_console()
    with workspace_and_store(workspace, database) as (_ws, store):
        require_facilitator(acting_account(store, actor), "close rounds")
        closed = close_round(store, name, actor=actor)
    console.print(
        f"round [bold]{escape(closed.name)}[/bold] closed with {len(closed.round.ballots)} live "
        "ballot(s)."
    )


@app.command("adopt")
@user_errors
def adopt_command(
    name: Annotated[str, typer.Argument(help="A round in the app store (run on the web).")],
    actor: ActorOption,
    select: Annotated[
        list[str] | None,
        typer.Option(
            "--select",
            help="A candidate to adopt (repeat, in order; default: the recommended set).",
        ),
    ] = None,
    reason: Annotated[
        str | None,
        typer.Option(
            "--reason",
            help="Why to adopt although a recorded dissent has no written answer yet.",
            show_default=False,
        ),
    ] = None,
    below_quorum: Annotated[
        str | None,
        typer.Option(
            "--below-quorum",
            metavar="REASON",
            help="Adopt a round below its quorum anyway, for this reason (audited).",
        ),
    ] = None,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """Adopt a round's outcome (facilitators); closes it if still open. A round without
    ballots is never adopted; one below its quorum only with --below-quorum REASON. For a
    round of competing change proposals the winner gets a comment: its approval still
    needs every seat of its decision rights."""
    from kpibridge.cli.app_store import workspace_and_store
    from kpibridge.services.governance.versions import acting_account
    from kpibridge.services.rounds.round_results import stored_round_analysis
    from kpibridge.services.rounds.stored_rounds import adopt_round, get_round, require_facilitator

    console = make_console()
    with workspace_and_store(workspace, database) as (ws, store):
        require_facilitator(acting_account(store, actor), "adopt rounds")
        chosen = list(select or [])
        if not chosen:
            stored = get_round(store, name)
            analysis = stored_round_analysis(ws, stored, anonymous=False)
            chosen = list(analysis.recommendation.selected)
        adopted = adopt_round(
            store,
            name,
            chosen,
            actor=actor,
            unanswered_reason=reason,
            below_quorum_reason=below_quorum,
        )
    console.print(
        f"round [bold]{escape(adopted.name)}[/bold] adopted: {escape(', '.join(chosen))}."
    )


def _stored_round(
    ws: Workspace, name: str, database: str | None
) -> tuple[StoredRound | None, tuple[RoundLink, ...]]:
    """The round in the app store (None when it is only a file) and the change proposals
    it holds as candidates."""
    from kpibridge.cli.app_store import existing_store
    from kpibridge.services.governance.proposal_rounds import round_proposals
    from kpibridge.services.rounds.stored_rounds import get_round, list_stored_rounds

    store = existing_store(ws, database)
    if store is None:
        return None, ()
    try:
        if name not in {item.name for item in list_stored_rounds(store)}:
            return None, ()
        return get_round(store, name), round_proposals(store, name)
    finally:
        store.close()


def register(parent: typer.Typer) -> None:
    parent.add_typer(app, name="round")
