"""``compute``, ``explain`` and ``scorecard``: KPI values and how they are made."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.syntax import Syntax
from rich.table import Table

from kpibridge.cli.errors import user_errors
from kpibridge.cli.options import DatabaseOption, FormatOption, WorkspaceOption, parse_date
from kpibridge.cli.render import (
    STATUS_STYLE,
    OutputFormat,
    format_number,
    make_console,
    print_frame,
)
from kpibridge.model.choices import Grain

if TYPE_CHECKING:
    import pandas as pd

    from kpibridge.model import KPI
    from kpibridge.services.metrics.scorecard import ScorecardRow


GrainOption = Annotated[
    Grain | None,
    typer.Option("--grain", "-g", help="Time grain (default: the KPI's review_every)."),
]
ByOption = Annotated[
    list[str] | None, typer.Option("--by", "-b", help="Dimension to slice by (repeatable).")
]


@user_errors
def compute(
    kpi: Annotated[str, typer.Argument(help="KPI id.")],
    grain: GrainOption = None,
    by: ByOption = None,
    start: Annotated[str | None, typer.Option(help="First day (YYYY-MM-DD).")] = None,
    end: Annotated[str | None, typer.Option(help="Last day (YYYY-MM-DD).")] = None,
    output: FormatOption = OutputFormat.TABLE,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """Compute a KPI per period (and per dimension value); a KPI versioned in the app store
    with each period's definition version in force (column definition_version). Column
    partial: the period's data is not complete yet (it has not ended, or its conversion
    window has not closed)."""
    from kpibridge.cli.app_store import existing_store
    from kpibridge.services.governance.governed_compute import governed_compute
    from kpibridge.services.metrics.completeness import mark_partial
    from kpibridge.services.metrics.workspace import Workspace

    console = make_console()
    with Workspace.open(workspace) as ws:
        request = ws.request(kpi, ws.grain_of(kpi, grain), by, start, end)
        store = existing_store(ws, database)
        try:
            frame = governed_compute(
                ws, store, kpi, request.grain, request.by, request.start, request.end
            )
        finally:
            if store is not None:
                store.close()
        title = ws.kpis[kpi].name if kpi in ws.kpis else kpi
        if kpi in ws.kpis:  # periods whose data is not complete yet say so
            frame = mark_partial(ws.engine, ws.kpis[kpi], request.grain, frame)
        if output is OutputFormat.TABLE and kpi in ws.kpis:
            frame = readable_frame(
                frame, request.grain, ws.kpis[kpi], ws.settings.fiscal_year_start
            )
            title += f" per {request.grain.value}"
        print_frame(console, frame, output, title=title)


def readable_frame(frame: pd.DataFrame, grain: Grain, kpi: KPI, fiscal: int) -> pd.DataFrame:
    """The table as people write it: periods labelled (2026-Q1, 2026-W43, 2026-10) and the
    value in the KPI's format (12.3%, $1,234); JSON and CSV keep the raw numbers and dates."""
    import pandas as pd

    from kpibridge.metrics.grains import period_label
    from kpibridge.report.formatting import format_value

    shown = frame.copy()
    if "period" in shown.columns:
        shown["period"] = [
            period_label(pd.Timestamp(value).date(), grain, fiscal) for value in shown["period"]
        ]
    if "value" in shown.columns:
        shown["value"] = [
            format_value(None if pd.isna(value) else float(value), kpi.format, kpi.unit)
            for value in shown["value"]
        ]
    return shown


@user_errors
def explain(
    kpi: Annotated[str, typer.Argument(help="KPI id.")],
    grain: GrainOption = None,
    by: ByOption = None,
    output: FormatOption = OutputFormat.TABLE,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """Show a KPI's definition in words, its lineage and the SQL the engine will run (the
    definition in force in the app store, when it has versions of the KPI), per the KPI's
    review_every unless --grain says otherwise."""
    from kpibridge.cli.governed import open_governed

    console = make_console()
    with open_governed(workspace, database) as ws:
        explanation = ws.explain(kpi, grain=ws.grain_of(kpi, grain), by=by)
    if output is OutputFormat.JSON:
        console.print_json(json.dumps(explanation.as_record()))
        return
    console.print(f"[bold]{escape(explanation.name)}[/bold] ({explanation.kpi})")
    console.print(escape(explanation.words))
    console.print(f"\n[bold]Formula[/bold]  {escape(explanation.formula)}")
    if explanation.caveats:
        console.print(f"[bold]Caveats[/bold]  {escape(explanation.caveats)}")
    console.print("\n[bold]Lineage[/bold]")
    for item in explanation.lineage:
        console.print(f"  model {item.model} → table {item.table}: {', '.join(item.columns)}")
    console.print("\n[bold]SQL[/bold]")
    if output is OutputFormat.CSV:
        typer.echo(explanation.sql)
    else:
        console.print(Syntax(explanation.sql, "sql", word_wrap=True))


@user_errors
def scorecard(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Judge periods complete up to this day.")
    ] = None,
    output: FormatOption = OutputFormat.TABLE,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """Every KPI: latest complete period, previous period, change, target and status (with
    the KPI versions of the app store in force, when it has any: column Ver)."""
    from kpibridge.cli.app_store import existing_store
    from kpibridge.services.governance.governed_scorecard import governed_scorecard
    from kpibridge.services.metrics.workspace import Workspace

    console = make_console()
    with Workspace.open(workspace) as ws:
        store = existing_store(ws, database)
        try:
            card = governed_scorecard(ws, store, parse_date(as_of, "--as-of"))
        finally:
            if store is not None:
                store.close()
    if output is OutputFormat.TABLE:
        console.print(scorecard_table(card.rows))
        console.print(
            f"[dim]{len(card.rows)} KPIs from {card.warehouse_queries} warehouse queries[/dim]"
        )
    else:
        print_frame(console, card.to_frame(), output)


def scorecard_table(rows: Sequence[ScorecardRow]) -> Table:
    """KPIs grouped by goal, with value, previous period, change, target and status."""
    table = Table(title="Scorecard", title_justify="left")
    table.add_column("KPI", no_wrap=True, overflow="ellipsis", max_width=32)
    table.add_column("Period", no_wrap=True)
    for column in ("Value", "Previous", "Change", "Target"):
        table.add_column(column, justify="right", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    versioned = any(row.definition_version for row in rows)
    if versioned:  # the definition version in force for the period (app store)
        table.add_column("Ver", no_wrap=True, style="dim")
    by_goal: dict[str, list[ScorecardRow]] = {}
    for row in rows:
        by_goal.setdefault(row.goal or "(no goal)", []).append(row)
    for goal, members in by_goal.items():
        table.add_row(f"[bold]{escape(goal)}[/bold]", end_section=False)
        for row in members:
            style = STATUS_STYLE[row.status]
            table.add_row(
                "  " + escape(row.name),
                (row.period_label or "—") + (" *" if row.partial else ""),
                format_number(row.value, row.format),
                format_number(row.previous, row.format),
                f"{row.change:+.1%}" if row.change is not None else "—",
                format_number(row.target, row.format),
                f"[{style}]{row.status.value}[/{style}]",
                *([f"v{row.definition_version}" if row.definition_version else "—"] * versioned),
            )
        table.rows[-1].end_section = True
    notes = [f"* {row.name}: {row.partial}" for row in rows if row.partial]
    if notes:  # why a KPI's period is older than the others'
        table.caption = escape("\n".join(notes))
        table.caption_justify = "left"
    return table


def register(app: typer.Typer) -> None:
    app.command()(compute)
    app.command()(explain)
    app.command()(scorecard)
