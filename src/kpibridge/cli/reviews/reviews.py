"""``reviews …``: which KPIs are due for review by their cadence, and recording a review."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from kpibridge.cli.errors import user_errors
from kpibridge.cli.options import (
    ActorOption,
    DatabaseOption,
    FormatOption,
    WorkspaceOption,
    date_or_today,
)
from kpibridge.cli.render import OutputFormat, make_console
from kpibridge.model.choices import ReviewDecision

reviews_app = typer.Typer(help="KPI reviews: what is due, and recording one.", no_args_is_help=True)


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
    from kpibridge.cli.app_store import workspace_and_store
    from kpibridge.services.reviews.reviews import reviews_due

    console = make_console()
    with workspace_and_store(workspace, database) as (ws, store):
        listing = reviews_due(
            ws.definition, store, as_of=date_or_today(as_of, "--as-of"), include_upcoming=upcoming
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
    from kpibridge.cli.app_store import workspace_and_store
    from kpibridge.services.governance.versions import acting_account
    from kpibridge.services.reviews.reviews import record_review

    console = make_console()
    with workspace_and_store(workspace, database) as (ws, store):
        recorded = record_review(
            ws.definition,
            store,
            acting_account(store, actor),
            kpi,
            decision=decision,
            notes=notes,
            attendees=list(attendee or []),
            reviewed_on=date_or_today(on, "--on"),
            proposal_id=proposal,
        )
    console.print(
        f"review {recorded.id} of {escape(recorded.kpi_id)} recorded "
        f"({recorded.decision.value}); next due {recorded.next_due}"
    )


def register(parent: typer.Typer) -> None:
    parent.add_typer(reviews_app, name="reviews")
