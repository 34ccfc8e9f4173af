"""``kpibridge evidence``: does one KPI lead another, at what lag, how strongly?"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from kpibridge.cli.errors import user_errors
from kpibridge.cli.options import DatabaseOption, FormatOption, WorkspaceOption
from kpibridge.cli.render import OutputFormat, make_console
from kpibridge.model.choices import Grain


@user_errors
def evidence(
    driver: Annotated[str | None, typer.Argument(help="The KPI that might lead.")] = None,
    outcome: Annotated[str, typer.Option("--outcome", help="The KPI it might lead.")] = "",
    grain: Annotated[Grain, typer.Option("--grain", "-g", help="Time grain.")] = Grain.WEEK,
    max_lag: Annotated[int, typer.Option("--max-lag", help="Longest lag tested.", min=1)] = 8,
    where: Annotated[
        str | None, typer.Option("--where", help="Narrow the driver: DIMENSION=VALUE.")
    ] = None,
    screen: Annotated[
        bool, typer.Option("--screen", help="Rank every other KPI as a driver of --outcome.")
    ] = False,
    output: FormatOption = OutputFormat.TABLE,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """Lead-lag evidence: prewhitened cross-correlation and Granger tests both ways, with the
    false discovery rate controlled (docs/evidence.md); KPIs as the app store's versions
    define them (a screen leaves retired KPIs out)."""
    from kpibridge.cli.governed import open_governed
    from kpibridge.evidence.result import rank_key, shown_q
    from kpibridge.services.monitoring.evidence import Slice, kpi_evidence, screen_drivers

    console = make_console()
    if not outcome:
        raise typer.BadParameter("give the outcome KPI with --outcome")
    if not screen and driver is None:
        raise typer.BadParameter("give a DRIVER KPI, or --screen to try every KPI")
    with open_governed(workspace, database) as ws:
        if screen:
            result = screen_drivers(ws, outcome, grain=grain, max_lag=max_lag)
            if output is OutputFormat.JSON:
                typer.echo(result.to_json())
                return
            table = Table(
                "driver",
                "direction",
                "lag",
                "r",
                "q",
                "verdict",
                title=f"Drivers of {escape(ws.kpis[outcome].name)}",
                caption="Leads first, then the rest; each part sorted by q.",
            )
            for item, following in zip(result.results, (*result.results[1:], None), strict=True):
                stated = item.direction in ("driver leads", "outcome leads")
                table.add_row(
                    escape(item.driver),
                    str(item.direction),
                    str(item.lead_lag if stated else item.best_lag),
                    f"{item.lead_correlation if stated else item.correlation:.2f}",
                    f"{shown_q(item):.3g}",
                    escape(item.verdict),
                    end_section=following is not None
                    and rank_key(item)[0] != rank_key(following)[0],
                )
            console.print(table)
            console.print(f"{result.tests} tests, Benjamini–Hochberg at q < {result.alpha:g}.")
            if result.left_out:
                console.print(f"Left out ({len(result.left_out)}):")
            for kpi_id, reason in result.left_out:
                console.print(f"  {escape(kpi_id)}: {escape(reason)}")
            return
        assert driver is not None
        single = kpi_evidence(
            ws,
            driver,
            outcome,
            grain=grain,
            max_lag=max_lag,
            where=Slice.parse(where) if where else None,
        )
    if output is OutputFormat.JSON:
        typer.echo(single.to_json())
        return
    console.print(escape(single.verdict))
    console.print(
        f"n = {single.n} {single.unit}s; strongest correlation at lag {single.best_lag}; r = "
        f"{single.correlation:.2f} (95% CI {single.correlation_ci[0]:.2f} to "
        f"{single.correlation_ci[1]:.2f}), q = {single.q_value:.3g}; Granger p "
        f"driver→outcome {single.granger_p_driver_to_outcome:.3g}, outcome→driver "
        f"{single.granger_p_outcome_to_driver:.3g}."
    )


def register(app: typer.Typer) -> None:
    app.command()(evidence)
