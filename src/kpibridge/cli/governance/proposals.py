"""``proposals …``: list, show, compare and decide change proposals, or put them to a round."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from kpibridge.cli.errors import user_errors
from kpibridge.cli.options import (
    ActorOption,
    DatabaseOption,
    FormatOption,
    WorkspaceOption,
    number,
)
from kpibridge.cli.render import OutputFormat, make_console
from kpibridge.model.choices import Decision, ProposalStatus

if TYPE_CHECKING:
    from kpibridge.services.governance.impact import ImpactPreview
    from kpibridge.services.governance.proposal_views import ProposalView

proposals_app = typer.Typer(help="Change proposals: list, show, decide.", no_args_is_help=True)


@proposals_app.command("list")
@user_errors
def list_command(
    status: Annotated[ProposalStatus | None, typer.Option(help="Only this status.")] = None,
    kpi: Annotated[str | None, typer.Option(help="Only this KPI.")] = None,
    output: FormatOption = OutputFormat.TABLE,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """List proposals, newest first."""
    from kpibridge.cli.app_store import workspace_and_store
    from kpibridge.services.governance.proposals import list_proposals

    console = make_console()
    with workspace_and_store(workspace, database) as (_ws, store):
        records = list_proposals(store, status=status, kpi=kpi)
    if output is OutputFormat.JSON:
        typer.echo(json.dumps(records, indent=2, ensure_ascii=False))
        return
    if not records:
        console.print("No proposals.")
        return
    table = Table("#", "KPI", "kind", "status", "author", "rev", "effective", "rationale")
    for record in records:
        table.add_row(
            *(
                escape(str(record[key]))
                for key in (
                    "id",
                    "kpi",
                    "kind",
                    "status",
                    "author",
                    "revision",
                    "effective_from",
                    "rationale",
                )
            )
        )
    console.print(table)


@proposals_app.command("show")
@user_errors
def show_command(
    proposal_id: Annotated[int, typer.Argument(metavar="ID")],
    impact: Annotated[bool, typer.Option(help="Compute the impact preview.")] = True,
    output: FormatOption = OutputFormat.TABLE,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """A proposal: its change in words and YAML, impact preview, approvals and decisions."""
    from kpibridge.cli.app_store import opened_store
    from kpibridge.services.governance.impact import impact_preview
    from kpibridge.services.governance.proposals import show_proposal
    from kpibridge.services.metrics.workspace import Workspace
    from kpibridge.workspace.governance_file import load_governance

    with Workspace.open(workspace) as ws:
        with opened_store(ws, database) as store:
            view = show_proposal(store, proposal_id, ws.definition, load_governance(ws.definition))
        preview = impact_preview(ws, view) if impact else None
    if output is OutputFormat.JSON:
        record = view.to_json()
        record["impact"] = preview.to_json() if preview else None
        typer.echo(json.dumps(record, indent=2, ensure_ascii=False))
        return
    _print_view(view)
    if preview is not None:
        _print_impact(preview)


@proposals_app.command("compare")
@user_errors
def compare_command(
    proposal_ids: Annotated[list[int], typer.Argument(metavar="ID ID...")],
    output: FormatOption = OutputFormat.TABLE,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """Competing proposals for one KPI side by side: changes and impact on each period."""
    from kpibridge.cli.app_store import opened_store
    from kpibridge.services.governance.impact import compare_proposals
    from kpibridge.services.governance.proposals import show_proposal
    from kpibridge.services.metrics.workspace import Workspace
    from kpibridge.workspace.governance_file import load_governance

    console = make_console()
    with Workspace.open(workspace) as ws:
        with opened_store(ws, database) as store:
            governance = load_governance(ws.definition)
            views = [
                show_proposal(store, number, ws.definition, governance) for number in proposal_ids
            ]
        comparison = compare_proposals(ws, views)
    if output is OutputFormat.JSON:
        typer.echo(json.dumps(comparison.to_json(), indent=2, ensure_ascii=False))
        return
    for view in comparison.proposals:
        console.print(
            f"[bold]proposal {view.id}[/bold] by {escape(view.author)}: {escape(view.rationale)}"
        )
        for sentence in view.words:
            console.print(f"  • {escape(sentence)}")
    table = Table(
        "period",
        "now",
        *(f"#{view.id}" for view in comparison.proposals),
        title=f"{comparison.kpi_id}: value (status)",
    )
    for period in comparison.periods:
        first = comparison.row(0, period)
        cells = [_cell(first.before, first.status_before.value) if first else "—"]
        for index in range(len(comparison.proposals)):
            row = comparison.row(index, period)
            cells.append(_cell(row.after, row.status_after.value) if row else "—")
        label = first.label if first else str(period)
        table.add_row(label, *cells)
    console.print(table)


@proposals_app.command("round")
@user_errors
def round_command(
    kpi: Annotated[str, typer.Argument(help="The KPI whose open proposals compete.")],
    actor: ActorOption,
    name: Annotated[
        str | None, typer.Option(help="The round's name (default KPI-proposals-IDS).")
    ] = None,
    participant: Annotated[
        list[str] | None,
        typer.Option(
            "--participant",
            "--participants",
            help="A stakeholder who votes (repeat the option; default: the seat holders of "
            "every proposal, the KPI's owner and the authors).",
        ),
    ] = None,
    deadline: Annotated[str | None, typer.Option(help="Last day for ballots (YYYY-MM-DD).")] = None,
    select: Annotated[int, typer.Option(help="How many proposals the round selects.")] = 1,
    question: Annotated[str | None, typer.Option(help="The round's question.")] = None,
    output: FormatOption = OutputFormat.TABLE,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """Put the open competing proposals for a KPI to an alignment round (facilitators).

    Adopting the round later comments on the winning proposal; its approval still needs
    every seat of its decision rights."""
    from kpibridge.cli.app_store import workspace_and_store
    from kpibridge.services.governance.proposal_rounds import put_to_round
    from kpibridge.services.governance.versions import acting_account
    from kpibridge.workspace.governance_file import load_governance

    console = make_console()
    with workspace_and_store(workspace, database) as (ws, store):
        created = put_to_round(
            store,
            ws,
            kpi,
            account=acting_account(store, actor),
            governance=load_governance(ws.definition),
            name=name,
            participants=participant,
            deadline=deadline,
            select_count=select,
            question=question,
        )
    if output is OutputFormat.JSON:
        typer.echo(json.dumps(created.to_json(), indent=2, ensure_ascii=False))
        return
    stored = created.round
    console.print(
        f"round [bold]{escape(stored.name)}[/bold] opened: {escape(stored.round.question)}"
    )
    table = Table("candidate", "proposal", "label")
    labels = {p.id: p.name for p in stored.round.proposals}
    for link in created.links:
        table.add_row(
            escape(link.candidate), f"#{link.proposal_id}", escape(labels[link.candidate])
        )
    console.print(table)
    console.print(
        f"participants: {escape(', '.join(stored.round.participants))}; select "
        f"{stored.round.select}"
        + (f"; deadline {escape(stored.round.deadline)}" if stored.round.deadline else "")
    )
    console.print(
        f"Ballots on the web at /rounds/{escape(stored.name)}; "
        f"`kpibridge round results {escape(stored.name)}` shows the winner."
    )


def _cell(value: float | None, status: str) -> str:
    return f"{number(value)} ({status})"


def _decision_command(decision: Decision) -> None:
    name = decision.value.replace("_", "-")

    @user_errors
    def command(
        proposal_id: Annotated[int, typer.Argument(metavar="ID")],
        actor: ActorOption,
        comment: Annotated[str, typer.Option("--comment", "-c", help="What you say.")] = "",
        workspace: WorkspaceOption = None,
        database: DatabaseOption = None,
    ) -> None:
        from kpibridge.cli.app_store import workspace_and_store
        from kpibridge.services.governance.proposals import decide
        from kpibridge.services.governance.versions import acting_account
        from kpibridge.workspace.governance_file import load_governance

        console = make_console()
        with workspace_and_store(workspace, database) as (ws, store):
            view = decide(
                store,
                proposal_id,
                acting_account(store, actor),
                decision,
                comment,
                ws.definition,
                load_governance(ws.definition),
            )
        console.print(
            f"proposal {view.id} ({escape(view.kpi_id)}): {decision.value} recorded; "
            f"now {view.status.value.replace('_', ' ')}"
            + (
                f"; still needed: {', '.join(view.missing)}"
                if view.status is ProposalStatus.OPEN and view.missing
                else ""
            )
        )

    command.__doc__ = {
        Decision.APPROVE: "Approve a proposal (fills the seats your stakeholder holds).",
        Decision.REJECT: "Reject a proposal (closes it); --comment says why.",
        Decision.REQUEST_CHANGES: "Send a proposal back to its author; --comment says what.",
        Decision.COMMENT: "Comment on a proposal.",
    }[decision]
    proposals_app.command(name)(command)


for _decision in Decision:
    _decision_command(_decision)


def _print_view(view: ProposalView) -> None:
    console = make_console()
    console.print(
        f"[bold]proposal {view.id}[/bold] · {escape(view.kpi_id)} · "
        f"{view.kind.value.replace('_', ' ')} · {view.status.value.replace('_', ' ')}"
        f" · by {escape(view.author)} · revision {view.revision}"
    )
    console.print(
        f"effective from {view.effective_from} · restatement "
        f"{view.restatement.value.replace('_', ' ')}"
    )
    console.print(f"[bold]why:[/bold] {escape(view.rationale)}")
    console.print("[bold]change:[/bold]")
    for sentence in view.words:
        console.print(f"  • {escape(sentence)}")
    if view.yaml_diff:
        console.print(escape(view.yaml_diff), highlight=False)
    seats = Table("approval needed", "who can give it", "approved by")
    for state in view.seats:
        seats.add_row(
            state.seat.name, ", ".join(state.seat.holders), ", ".join(state.approved_by) or "—"
        )
    console.print(seats)
    if not view.seats_frozen:
        console.print(
            "[yellow]made before decision rights were frozen: these seats follow "
            "governance.yaml until the first decision or comment freezes them[/yellow]"
        )
    for link in view.rounds:
        console.print(
            f"in round {escape(link.round)} ({link.round_status}"
            + (", adopted this proposal" if link.adopted else "")
            + f") as {escape(link.candidate)}, revision {link.revision}"
        )
    for decision in view.decisions:
        console.print(
            f"  {decision.at:%Y-%m-%d %H:%M} {escape(decision.username)} "
            f"{decision.decision.value} (rev {decision.revision})"
            + (f": {escape(decision.comment)}" if decision.comment else "")
        )


def _print_impact(preview: ImpactPreview) -> None:
    console = make_console()
    table = Table(
        "period",
        "now",
        "proposed",
        "difference",
        "reported",
        "status now",
        "status proposed",
        title=f"impact preview ({preview.grain.value})",
    )
    for row in preview.rows:
        flag = "[bold red] ⇄[/bold red]" if row.flipped else ""
        table.add_row(
            row.label,
            number(row.before),
            number(row.after),
            number(row.difference),
            number(row.reported),
            row.status_before.value,
            row.status_after.value + flag,
        )
    console.print(table)
    console.print(f"{len(preview.flips)} status flip(s)")


def register(parent: typer.Typer) -> None:
    parent.add_typer(proposals_app, name="proposals")
