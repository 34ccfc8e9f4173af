"""``apply``, ``export``, ``propose``, ``proposals …`` and ``reviews …``: KPI versions, change
proposals and reviews.

Every command that changes something acts as a named user of the app store (``--as``, or
``$KPIBRIDGE_USER``): their access role and stakeholder decide what they may do.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from kpibridge.cli.app_store import opened_store
from kpibridge.cli.errors import user_errors
from kpibridge.cli.options import FormatOption, WorkspaceOption, parse_date
from kpibridge.cli.render import OutputFormat, make_console
from kpibridge.cli.web_commands import DatabaseOption
from kpibridge.model.governance import Decision, ProposalStatus, Restatement, ReviewDecision
from kpibridge.services.governance_apply import apply_workspace
from kpibridge.services.governed_values import governed_values
from kpibridge.services.impact import ImpactPreview, compare_proposals, impact_preview
from kpibridge.services.proposal_rounds import put_to_round
from kpibridge.services.proposals import ProposalView, decide, list_proposals, show_proposal
from kpibridge.services.reviews import record_review, reviews_due
from kpibridge.services.versions import acting_account, export_workspace, version_history
from kpibridge.services.workspace import Workspace
from kpibridge.workspace.governance_file import load_governance

console = make_console()
proposals_app = typer.Typer(help="Change proposals: list, show, decide.", no_args_is_help=True)
reviews_app = typer.Typer(help="KPI reviews: what is due, and recording one.", no_args_is_help=True)

ActorOption = Annotated[
    str,
    typer.Option(
        "--as", envvar="KPIBRIDGE_USER", help="The app-store user acting.", show_default=False
    ),
]
EffectiveOption = Annotated[
    str | None,
    typer.Option("--effective", help="Date the change takes effect (YYYY-MM-DD; default today)."),
]
RestatementOption = Annotated[
    Restatement,
    typer.Option(
        help="Periods before the effective date: restate them, or keep them as reported.",
        case_sensitive=False,
    ),
]


@user_errors
def apply(
    actor: ActorOption,
    message: Annotated[str | None, typer.Option("--message", "-m", help="Why.")] = None,
    effective: EffectiveOption = None,
    restatement: RestatementOption = Restatement.RESTATE,
    output: FormatOption = OutputFormat.TABLE,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """Turn workspace YAML edits into KPI versions (admins) or change proposals.

    Without --effective a change takes effect today, except the first version of a KPI
    applied by an admin (the library's first apply), which is in force since always."""
    with Workspace.open(workspace) as ws, opened_store(ws, database) as store:
        result = apply_workspace(
            ws.definition,
            store,
            acting_account(store, actor),
            message=message,
            effective_from=parse_date(effective, "--effective"),
            restatement=restatement,
        )
    if output is OutputFormat.JSON:
        typer.echo(json.dumps(result.to_json(), indent=2))
        return
    if not result.applied:
        console.print("Nothing to apply: the YAML says what the app store says.")
        return
    table = Table("KPI", "change", "recorded as")
    for item in result.applied:
        table.add_row(escape(item.kpi_id), item.kind.value.replace("_", " "), item.outcome)
    console.print(table)


@user_errors
def propose(
    kpi: Annotated[str, typer.Argument(help="The KPI whose YAML edit (or retirement) to propose.")],
    actor: ActorOption,
    message: Annotated[str, typer.Option("--message", "-m", help="Why (required).")],
    retire: Annotated[bool, typer.Option(help="Propose to retire the KPI.")] = False,
    effective: EffectiveOption = None,
    restatement: RestatementOption = Restatement.RESTATE,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """Propose one KPI's change as written in its YAML (always a proposal, even for admins)."""
    with Workspace.open(workspace) as ws, opened_store(ws, database) as store:
        result = apply_workspace(
            ws.definition,
            store,
            acting_account(store, actor),
            message=message,
            effective_from=_date(effective),
            restatement=restatement,
            only=kpi,
            retire=retire,
            force_proposal=True,
        )
    for item in result.applied:
        console.print(
            f"{escape(item.kpi_id)}: {item.kind.value.replace('_', ' ')} → {item.outcome}"
        )


@user_errors
def export(workspace: WorkspaceOption = None, database: DatabaseOption = None) -> None:
    """Write the latest KPI versions of the app store back to kpis/*.yaml (comments kept)."""
    with Workspace.open(workspace) as ws, opened_store(ws, database) as store:
        report = export_workspace(ws.definition, store)
    for label, items in (
        ("updated", report.updated),
        ("created", report.created),
        ("removed (retired)", report.removed),
    ):
        if items:
            console.print(f"{label}: {escape(', '.join(items))}")
    if report.not_in_store:
        console.print(
            "[yellow]not in the app store (left as is; run apply):[/yellow] "
            + escape(", ".join(report.not_in_store))
        )
    console.print(
        f"{len(report.files_written)} file(s) written, {len(report.unchanged)} KPI(s) unchanged"
    )


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
    with Workspace.open(workspace) as ws, opened_store(ws, database) as store:
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
    with Workspace.open(workspace) as ws, opened_store(ws, database) as store:
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
    return f"{_number(value)} ({status})"


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
        with Workspace.open(workspace) as ws, opened_store(ws, database) as store:
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


@user_errors
def versions(
    kpi: Annotated[str, typer.Argument(help="The KPI.")],
    values: Annotated[
        bool,
        typer.Option(
            "--values",
            help="Show its recent values, each stamped with the "
            "definition and target versions in force for its period.",
        ),
    ] = False,
    as_of: Annotated[
        str | None, typer.Option(help="Versions in effect on this date (default today).")
    ] = None,
    output: FormatOption = OutputFormat.TABLE,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """A KPI's definition and target versions: who, when, why, effective from when (with
    --values: its recent values, each computed with the versions in force for its period)."""
    with Workspace.open(workspace) as ws, opened_store(ws, database) as store:
        entries = version_history(store, kpi)
        governed = (
            governed_values(ws, store, kpi, as_of=_date(as_of, "--as-of")) if values else None
        )
    if output is OutputFormat.JSON:
        typer.echo(
            json.dumps(
                [entry.to_json() for entry in entries]
                if governed is None
                else [value.to_json() for value in governed],
                indent=2,
                ensure_ascii=False,
            )
        )
        return
    if governed is not None:
        stamped = Table("period", "value", "definition", "targets", "target", "status")
        for value in governed:
            stamped.add_row(
                value.label,
                _number(value.value),
                f"v{value.definition_version}",
                f"v{value.target_version}" if value.target_version else "—",
                _number(value.target),
                value.status.value,
            )
        console.print(stamped)
        return
    table = Table("part", "v", "recorded (UTC)", "by", "effective", "proposal", "why")
    for entry in entries:
        table.add_row(
            entry.part + (" (retired)" if entry.retired else ""),
            str(entry.version),
            f"{entry.created_at:%Y-%m-%d %H:%M}",
            escape(entry.author or "—"),
            str(entry.effective_from),
            str(entry.proposal_id) if entry.proposal_id else "—",
            escape(entry.rationale),
        )
    console.print(table)


@reviews_app.command("list")
@user_errors
def reviews_list(
    as_of: Annotated[str | None, typer.Option(help="Date to judge by (default today).")] = None,
    upcoming: Annotated[bool, typer.Option("--all", help="Also list reviews not yet due.")] = False,
    output: FormatOption = OutputFormat.TABLE,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """KPIs due or overdue for review by their cadence (review_every)."""
    with Workspace.open(workspace) as ws, opened_store(ws, database) as store:
        listing = reviews_due(
            ws.definition, store, as_of=_date(as_of, "--as-of"), include_upcoming=upcoming
        )
    if output is OutputFormat.JSON:
        typer.echo(json.dumps([item.to_json() for item in listing], indent=2))
        return
    if not listing:
        console.print("No reviews due.")
        return
    table = Table("KPI", "owner", "cadence", "last review", "due", "state")
    style = {"overdue": "red", "due": "yellow", "upcoming": "dim"}
    for item in listing:
        state = item.state.value + (f" ({item.days_overdue} d)" if item.days_overdue else "")
        table.add_row(
            escape(item.kpi_id),
            escape(item.owner or "—"),
            item.cadence.value,
            str(item.last_review or "never"),
            str(item.due_on),
            f"[{style[item.state.value]}]{state}[/]",
        )
    console.print(table)


@reviews_app.command("record")
@user_errors
def reviews_record(
    kpi: Annotated[str, typer.Argument(help="The KPI reviewed.")],
    actor: ActorOption,
    decision: Annotated[
        ReviewDecision, typer.Option(help="What the meeting decided.", case_sensitive=False)
    ],
    notes: Annotated[str, typer.Option(help="What we learned (required).")],
    attendee: Annotated[
        list[str] | None, typer.Option(help="A stakeholder id who was there (repeat the option).")
    ] = None,
    proposal: Annotated[
        int | None, typer.Option(help="The proposal a propose_change or retire decision opened.")
    ] = None,
    on: Annotated[str | None, typer.Option(help="Date of the review (default today).")] = None,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """Record a review: attendees, the decision and what was learned."""
    with Workspace.open(workspace) as ws, opened_store(ws, database) as store:
        recorded = record_review(
            ws.definition,
            store,
            acting_account(store, actor),
            kpi,
            decision=decision,
            notes=notes,
            attendees=list(attendee or []),
            reviewed_on=_date(on, "--on"),
            proposal_id=proposal,
        )
    console.print(
        f"review {recorded.id} of {escape(recorded.kpi_id)} recorded "
        f"({recorded.decision.value}); next due {recorded.next_due}"
    )


def _print_view(view: ProposalView) -> None:
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
            _number(row.before),
            _number(row.after),
            _number(row.difference),
            _number(row.reported),
            row.status_before.value,
            row.status_after.value + flag,
        )
    console.print(table)
    console.print(f"{len(preview.flips)} status flip(s)")


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:,.4g}"


def _date(text: str | None, option: str = "--effective") -> date:
    """The option's date, today when not given."""
    return parse_date(text, option) or date.today()


def register(parent: typer.Typer) -> None:
    parent.command()(apply)
    parent.command()(export)
    parent.command()(propose)
    parent.command()(versions)
    parent.add_typer(proposals_app, name="proposals")
    parent.add_typer(reviews_app, name="reviews")
