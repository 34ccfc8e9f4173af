"""``kpibridge voice``: customer voice — score feedback, themes, NPS with intervals, verbatims."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from kpibridge.cli.errors import user_errors
from kpibridge.cli.options import FormatOption, WorkspaceOption, parse_date
from kpibridge.cli.render import OutputFormat, make_console
from kpibridge.model.choices import VOICE_SOURCES

app = typer.Typer(
    help="Customer voice: NPS with intervals, sentiment and themes of feedback.",
    no_args_is_help=True,
)
GRAINS = ("week", "month", "quarter", "year")


def _grain(value: str) -> str:
    if value not in GRAINS:
        raise typer.BadParameter(f"grain must be one of {', '.join(GRAINS)}")
    return value


@app.command()
@user_errors
def score(
    seed: Annotated[int, typer.Option("--seed", help="Seed of the theme model.")] = 0,
    themes: Annotated[
        int | None, typer.Option("--themes", help="Fixed number of themes (default: most stable).")
    ] = None,
    output: FormatOption = OutputFormat.TABLE,
    workspace: WorkspaceOption = None,
) -> None:
    """Score new survey comments and reviews (sentiment once per text), find themes, and
    write the voice tables and the pinned themes' KPIs."""
    from kpibridge.services.metrics.workspace import Workspace
    from kpibridge.services.voice.scoring import score_voice, write_theme_kpis

    console = make_console()
    with Workspace.open(workspace) as ws:
        kpis = write_theme_kpis(ws.root)
        report = score_voice(ws, seed=seed, k=themes)
    if output is OutputFormat.JSON:
        typer.echo(json.dumps({**report.to_json(), "theme_kpis": kpis}))
        return
    console.print(
        f"{report.texts:,} texts: {report.newly_scored:,} newly scored, "
        f"{report.from_cache:,} from the cache; {len(report.themes)} themes."
    )
    if report.texts and not report.themes:
        console.print("Too few texts to find themes (30 are needed): sentiment only.")
    if report.quarantined:
        parts = ", ".join(f"{count} {reason}" for reason, count in report.quarantined.items())
        console.print(f"Quarantined (table voice_quarantine): {parts}.")


@app.command("themes")
@user_errors
def themes_command(
    since: Annotated[
        str | None, typer.Option("--since", help="Only texts from this date (YYYY-MM-DD).")
    ] = None,
    source: Annotated[
        str | None, typer.Option("--source", help=f"Only one source: {', '.join(VOICE_SOURCES)}.")
    ] = None,
    grain: Annotated[str, typer.Option("--grain", "-g", help="Period of shares.")] = "quarter",
    output: FormatOption = OutputFormat.TABLE,
    workspace: WorkspaceOption = None,
) -> None:
    """Themes with their share, sentiment and a verbatim, and the emerging themes."""
    from kpibridge.services.metrics.workspace import Workspace
    from kpibridge.services.voice.reports import themes_report

    console = make_console()
    start = parse_date(since, "--since")
    with Workspace.open(workspace) as ws:
        report = themes_report(ws, since=start, source=source, grain=_grain(grain))
    if output is OutputFormat.JSON:
        typer.echo(json.dumps(report.to_json()))
        return
    table = Table("theme", "label", "texts", "share", "sentiment", "verbatim")
    for theme in report.themes:
        table.add_row(
            escape(theme.id),
            escape(theme.label),
            f"{theme.texts:,}",
            f"{theme.share:.1%}",
            "—" if theme.sentiment is None else f"{theme.sentiment:+.2f}",
            escape(theme.verbatims[0] if theme.verbatims else ""),
        )
    console.print(table)
    if report.texts:
        console.print(f"{report.texts:,} texts; {report.unthemed_share:.0%} have no theme.")
    else:
        console.print("No scored texts (in this selection).")
    for item in report.emerging:
        console.print(
            f"Emerging: {escape(item.theme)} since {item.start} "
            f"({item.share:.0%} of texts vs {item.history_share:.0%} before, "
            f"p = {item.p_value:.2g})"
        )


@app.command()
@user_errors
def nps(
    by: Annotated[
        str | None, typer.Option("--by", help="Segment: a customer attribute, e.g. region.")
    ] = None,
    grain: Annotated[str, typer.Option("--grain", "-g", help="Time grain.")] = "month",
    output: FormatOption = OutputFormat.TABLE,
    workspace: WorkspaceOption = None,
) -> None:
    """NPS and CSAT per period with 95% intervals, sample sizes and significant changes."""
    from kpibridge.services.metrics.workspace import Workspace
    from kpibridge.services.voice.reports import nps_trend

    console = make_console()
    with Workspace.open(workspace) as ws:
        rows = nps_trend(ws, grain=_grain(grain), by=by)
    if output is OutputFormat.JSON:
        typer.echo(json.dumps(rows))
        return
    columns = ["period", *([by] if by else []), "n", "NPS", "95% CI", "change", "CSAT"]
    table = Table(*columns)
    for row in rows:
        net = row["nps"]
        change = row.get("nps_change")
        mark = ""
        if change and change["difference"] is not None:
            mark = f"{change['difference']:+.1f}" + (" *" if change["significant"] else "")
        value = "—" if net["value"] is None else f"{net['value']:.1f}"
        interval = "—" if net["low"] is None else f"{net['low']:.1f} … {net['high']:.1f}"
        satisfaction = row["csat"]["value"]
        table.add_row(
            row["period"],
            *([escape(str(row[by]))] if by else []),
            str(net["n"]),
            value,
            interval,
            mark,
            "—" if satisfaction is None else f"{satisfaction:.0%}",
        )
    console.print(table)
    console.print("* the change from the previous period is significant (z-test, p < 0.05).")


@app.command("verbatims")
@user_errors
def verbatims_command(
    theme: Annotated[str, typer.Argument(help="Theme id (see `kpibridge voice themes`).")],
    limit: Annotated[int, typer.Option("--limit", "-n", help="How many.", min=1)] = 10,
    output: FormatOption = OutputFormat.TABLE,
    workspace: WorkspaceOption = None,
) -> None:
    """A theme's most representative texts."""
    from kpibridge.services.metrics.workspace import Workspace
    from kpibridge.services.voice.reports import verbatims

    console = make_console()
    with Workspace.open(workspace) as ws:
        result = verbatims(ws, theme, limit=limit)
    if output is OutputFormat.JSON:
        typer.echo(json.dumps(result))
        return
    table = Table("date", "source", "sentiment", "text", title=f"Theme {escape(theme)}")
    for item in result["verbatims"]:
        table.add_row(
            item["posted_at"][:10],
            item["source"],
            f"{item['sentiment']:+.2f}",
            escape(item["text"]),
        )
    console.print(table)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="voice")
