"""``kpibridge monitor`` and ``kpibridge drivers``: watch every KPI, explain a change."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from kpibridge.cli.errors import user_errors
from kpibridge.cli.options import DatabaseOption, FormatOption, WorkspaceOption
from kpibridge.cli.render import STATUS_STYLE, OutputFormat, make_console

if TYPE_CHECKING:
    from kpibridge.services.monitoring.drivers import KpiDrivers
    from kpibridge.services.monitoring.monitor import KpiWatch


@user_errors
def monitor(
    kpis: Annotated[
        list[str] | None, typer.Argument(help="KPIs to watch (default: all).", show_default=False)
    ] = None,
    where: Annotated[
        str | None, typer.Option("--where", help="Watch one slice: DIMENSION=VALUE.")
    ] = None,
    output: FormatOption = OutputFormat.TABLE,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """Every KPI's status, trend, anomalies, change points and forecast (docs/evidence.md);
    KPIs as the app store's versions define them, retired ones left out."""
    from kpibridge.cli.governed import open_governed
    from kpibridge.services.monitoring.evidence import Slice
    from kpibridge.services.monitoring.monitor import watch

    console = make_console()
    with open_governed(workspace, database) as ws:
        watched = watch(ws, kpis, where=Slice.parse(where) if where else None)
        formats = {kpi.id: (kpi.format, kpi.unit) for kpi in ws.kpis.values()}
    if output is OutputFormat.JSON:
        typer.echo(json.dumps([item.to_dict() for item in watched], indent=2))
        return
    if output is OutputFormat.CSV:
        raise typer.BadParameter("monitor prints a table or JSON; use --format json")
    table = Table(
        "KPI",
        "period",
        "status",
        "trend",
        "anomalies",
        "shifts",
        "forecast",
        "P(target)",
        title="Monitor",
    )
    for item in watched:
        kind, unit = formats[item.kpi]
        table.add_row(*_monitor_row(item, kind, unit))
    console.print(table)
    skipped = [item for item in watched if item.reason]
    for item in skipped:
        console.print(f"[dim]{escape(item.kpi)} not monitored: {escape(item.reason or '')}[/dim]")
    for item in watched:
        if item.partial:  # why the newest values are not judged
            console.print(f"[dim]{escape(item.kpi)}: {escape(item.partial)}[/dim]")
    console.print(
        "[dim]Trend: Mann–Kendall (weekly values); anomalies: seasonal S-H-ESD; shifts: PELT "
        "on what trend and season leave; forecast: Holt-Winters median for the period the data "
        "is in (or the next), and the share of simulated paths that meet its target. "
        "--format json has every figure.[/dim]"
    )


TREND_ARROWS = {"increasing": "↑", "decreasing": "↓"}


def _monitor_row(item: KpiWatch, kind: str, unit: str | None) -> list[str]:
    from kpibridge.report.formatting import format_value

    row = item.scorecard
    style = STATUS_STYLE[row.status]
    cells = [
        escape(item.kpi),
        escape(row.period_label or ""),
        f"[{style}]{row.status.value}[/{style}]",
    ]
    if item.reason:
        return [*cells, "[dim]not monitored[/dim]", "", "", "", ""]
    trend = item.trend
    trend_text = f"{TREND_ARROWS.get(trend.direction, '→')} p {trend.p_value:.1g}" if trend else "–"
    anomalies = item.anomalies.anomalies if item.anomalies is not None else ()
    latest = max((anomaly.period for anomaly in anomalies), default=None)
    forecast = item.forecast
    probability = forecast.probability if forecast is not None else None
    return [
        *cells,
        trend_text,
        "–"
        if item.anomalies is None
        else f"{len(anomalies)}" + (f", last {latest.date()}" if latest is not None else ""),
        "–" if item.change_points is None else str(len(item.change_points.change_points)),
        format_value(forecast.median, kind, unit) if forecast is not None else "–",
        f"{probability:.0%}" if probability is not None else "–",
    ]


@user_errors
def drivers(
    kpi: Annotated[str, typer.Argument(help="The KPI whose change to explain.")],
    before: Annotated[
        str, typer.Option("--from", help="Earlier period: 2026-09, 2026-Q3, 2026-W40, FY2026.")
    ],
    after: Annotated[str, typer.Option("--to", help="Later period, of the same length.")],
    by: Annotated[str, typer.Option("--by", help="Dimension to split by, e.g. channel.")],
    output: FormatOption = OutputFormat.TABLE,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """Which values of a dimension moved a KPI between two periods (mix and rate for ratios),
    with the KPI's definition in force in the app store."""
    from kpibridge.cli.governed import open_governed
    from kpibridge.services.monitoring.drivers import kpi_drivers

    with open_governed(workspace, database) as ws:
        split = kpi_drivers(ws, kpi, before, after, by)
        kind, unit = ws.kpis[kpi].format, ws.kpis[kpi].unit
    if output is OutputFormat.JSON:
        typer.echo(json.dumps(split.to_dict(), indent=2))
        return
    if output is OutputFormat.CSV:
        raise typer.BadParameter("drivers prints a table or JSON; use --format json")
    _print_drivers(split, kind, unit)


def _print_drivers(split: KpiDrivers, kind: str, unit: str | None) -> None:
    from kpibridge.report.formatting import format_difference, format_value

    console = make_console()
    result = split.result
    ratio = split.kind == "mix/rate"
    title = (
        f"{escape(split.name)}: {format_value(result.before, kind, unit)} in "
        f"{split.before_period} → {format_value(result.after, kind, unit)} in "
        f"{split.after_period} ({format_difference(result.change, kind, unit)}), "
        f"by {escape(split.dimension)}"
    )
    columns = [split.dimension, "before", "after", "contribution", "share"]
    if ratio:
        columns += ["mix", "rate", "weight before", "weight after"]
    table = Table(*columns, title=title)
    for segment in result.segments:
        cells = [
            escape(segment.segment),
            split.rate_text(segment, "before") or format_value(segment.before, kind, unit),
            split.rate_text(segment, "after") or format_value(segment.after, kind, unit),
            format_difference(segment.contribution, kind, unit),
            "–" if segment.share != segment.share else f"{segment.share:.0%}",
        ]
        if ratio:
            cells += [
                "not split" if segment.thin else format_difference(segment.mix, kind, unit),
                "not split" if segment.thin else format_difference(segment.rate, kind, unit),
                f"{segment.weight_before:.1%}",
                f"{segment.weight_after:.1%}",
            ]
        table.add_row(*cells)
    console.print(table)
    if ratio:
        console.print(
            f"Mix effect {format_difference(result.mix, kind, unit)} (the segments' shares "
            f"moved), rate effect {format_difference(result.rate, kind, unit)} (their own ratios "
            "moved); midpoint split."
        )
        thin = split.thin_sentence(kind, unit)
        console.print(escape(thin) if thin else "The parts add up to the change.")


def register(app: typer.Typer) -> None:
    app.command()(monitor)
    app.command()(drivers)
