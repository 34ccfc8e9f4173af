"""``kpibridge mmm``: fit a marketing mix model, read it, plan a budget with it (issue 16).

PyMC-Marketing and nutpie come with the ``mmm`` extra (``pip install 'kpibridge[mmm]'``) and
are imported only when a command needs them, so the rest of the CLI starts fast.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from kpibridge.cli.errors import user_errors
from kpibridge.cli.governed import open_governed
from kpibridge.cli.options import DatabaseOption, FormatOption, WorkspaceOption, parse_date
from kpibridge.cli.render import OutputFormat, make_console
from kpibridge.errors import KpibridgeError

console = make_console()
app = typer.Typer(
    help="Marketing mix model: what each channel returns, and where the next dollar should go.",
    no_args_is_help=True,
)


def _require_extra() -> None:
    try:
        import nutpie  # noqa: F401
        import pymc_marketing  # noqa: F401
    except ImportError as error:
        raise KpibridgeError(
            f"the marketing mix model needs the mmm extra ({error.name} is missing): "
            "pip install 'kpibridge[mmm]'"
        ) from None


@app.command()
@user_errors
def fit(
    outcome: Annotated[str, typer.Option("--outcome", help="The outcome KPI.")] = "revenue",
    control: Annotated[
        list[str] | None, typer.Option("--control", help="A control KPI (repeatable).")
    ] = None,
    start: Annotated[str | None, typer.Option("--start", help="First week (YYYY-MM-DD).")] = None,
    end: Annotated[str | None, typer.Option("--end", help="Last day (YYYY-MM-DD).")] = None,
    draws: Annotated[int, typer.Option("--draws", min=50, help="Draws per chain.")] = 1000,
    tune: Annotated[int, typer.Option("--tune", min=50, help="Tuning steps per chain.")] = 1000,
    chains: Annotated[int, typer.Option("--chains", min=1, help="Chains.")] = 2,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 0,
    output: FormatOption = OutputFormat.TABLE,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """Fit the weekly outcome against spend per channel (adstock, saturation, trend, yearly
    seasonality); store the model and its diagnostics in .kpibridge/mmm/."""
    from kpibridge.mmm.fit import FitSettings
    from kpibridge.services.allocation.fitting import fit_workspace_model
    from kpibridge.services.allocation.weekly import weekly_data

    settings = FitSettings(draws=draws, tune=tune, chains=chains, seed=seed)
    with open_governed(workspace, database) as ws:
        first, last = parse_date(start, "--start"), parse_date(end, "--end")
        data = weekly_data(ws, outcome, controls=tuple(control or ()), start=first, end=last)
        _require_extra()
        if output is OutputFormat.TABLE:
            console.print(
                f"Fitting {escape(outcome)} on {len(data.weeks)} weeks "
                f"({data.weeks[0].date()} .. {data.weeks[-1].date()}), "
                f"{len(data.channels)} channels: {escape(', '.join(data.channels))}; "
                f"{chains} chains × ({tune} tune + {draws} draws) with nutpie."
            )
        done = fit_workspace_model(
            ws,
            outcome=outcome,
            controls=tuple(control or ()),
            start=first,
            end=last,
            settings=settings,
            progress=output is OutputFormat.TABLE,
        )
    diagnostics = done.diagnostics
    if output is OutputFormat.JSON:
        typer.echo(json.dumps({"path": str(done.path), "diagnostics": diagnostics.to_dict()}))
        return
    console.print(f"Stored {done.path}.")
    console.print(
        f"R-hat max {diagnostics.max_rhat:.3f}, ESS min {diagnostics.min_ess:.0f}, "
        f"{diagnostics.divergences} divergences of {diagnostics.draws} draws, out-of-sample "
        f"error {diagnostics.holdout_mape:.1%} on the last {done.record.holdout_weeks} weeks."
    )
    if diagnostics.passed:
        console.print("Diagnostics pass. Next: kpibridge mmm report")
    else:
        for failure in diagnostics.failures():
            console.print(f"[red]failed:[/red] {escape(failure)}")
        raise typer.Exit(1)


def _interval(value: object, digits: str = ".2f") -> str:
    mean, low, high = (getattr(value, name) for name in ("mean", "low", "high"))
    return f"{mean:{digits}} [{low:{digits}}, {high:{digits}}]"


@app.command()
@user_errors
def report(
    chart: Annotated[
        Path | None,
        typer.Option("--chart", help="Write the response curves as a Vega-Lite spec (JSON)."),
    ] = None,
    output: FormatOption = OutputFormat.TABLE,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """ROAS and marginal ROAS per channel with 90% intervals, carry-over, response curves."""
    from kpibridge.services.allocation.results import model_report

    with open_governed(workspace, database) as ws:
        result = model_report(ws)
    if chart is not None:
        chart.write_text(json.dumps(result.chart_spec()), encoding="utf-8")
    if output is OutputFormat.JSON:
        typer.echo(json.dumps(result.to_dict(), indent=2))
        return
    first, last = result.fitted_weeks
    table = Table(
        "channel",
        "spend",
        "ROAS [90%]",
        "marginal ROAS [90%]",
        "carry-over weeks",
        "current weekly spend",
        title=f"What each channel returns in {escape(result.outcome)} ({first} .. {last})",
    )
    for channel in result.channels:
        table.add_row(
            escape(channel.channel),
            f"{channel.spend:,.0f}",
            _interval(channel.roas),
            _interval(channel.marginal_roas),
            _interval(channel.carryover_weeks, ".1f"),
            f"{channel.current_weekly_spend:,.0f}",
        )
    console.print(table)
    console.print(
        "ROAS: modelled revenue per dollar over the fitted weeks; marginal ROAS: the next "
        "dollar's. An interval that includes 0 means the data cannot tell the channel from "
        "nothing. Response curves: --format json, or a chart with --chart FILE."
    )


def _amount(text: str, option: str) -> float:
    """``1.2M``, ``250k``, ``40000`` or ``40,000`` as a number."""
    cleaned = text.strip().replace(",", "").replace("_", "")
    factor = {"k": 1e3, "m": 1e6}.get(cleaned[-1:].lower(), 1.0)
    number = cleaned[:-1] if factor != 1.0 else cleaned
    try:
        return float(number) * factor
    except ValueError:
        raise KpibridgeError(
            f"{option} {text!r} is not an amount: write e.g. 250000, 250k or 1.2M"
        ) from None


def _per_channel(values: list[str] | None, option: str) -> dict[str, float]:
    result = {}
    for item in values or []:
        channel, sep, amount = item.partition("=")
        if not sep or not channel.strip():
            raise KpibridgeError(f"{option} {item!r}: write CHANNEL=AMOUNT, e.g. display=10k")
        result[channel.strip()] = _amount(amount, option)
    return result


@app.command()
@user_errors
def optimise(
    budget: Annotated[str, typer.Option("--budget", help="Total over the weeks: 250k, 1.2M.")],
    weeks: Annotated[int, typer.Option("--weeks", min=1, help="Planning horizon in weeks.")] = 13,
    minimum: Annotated[
        list[str] | None, typer.Option("--min", help="CHANNEL=AMOUNT, at least (repeatable).")
    ] = None,
    maximum: Annotated[
        list[str] | None, typer.Option("--max", help="CHANNEL=AMOUNT, at most (repeatable).")
    ] = None,
    max_change: Annotated[
        float | None,
        typer.Option(
            "--max-change", min=0.0, help="Largest change per channel vs the last weeks, e.g. 0.2."
        ),
    ] = None,
    output: FormatOption = OutputFormat.TABLE,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """Split a budget over the channels for the weeks after the data, within per-channel
    minima, maxima and a largest change; compared with the current mix at the same budget."""
    from kpibridge.mmm.optimise import Constraints
    from kpibridge.services.allocation.planning import optimise_budget

    constraints = Constraints(
        budget=_amount(budget, "--budget"),
        weeks=weeks,
        minimum=_per_channel(minimum, "--min"),
        maximum=_per_channel(maximum, "--max"),
        max_change=max_change,
    )
    with open_governed(workspace, database) as ws:
        _require_extra()
        plan = optimise_budget(ws, constraints)
    if output is OutputFormat.JSON:
        typer.echo(json.dumps(plan.to_dict(), indent=2))
        return
    table = Table(
        "channel",
        f"last {weeks} weeks",
        "current mix",
        "plan",
        "change",
        "allowed",
        title=f"Budget {constraints.budget:,.0f} over {weeks} weeks",
    )
    for i, channel in enumerate(plan.channels):
        base = plan.current[i]
        change = f"{plan.optimised[i] / base - 1:+.0%}" if base else "new"
        table.add_row(
            escape(channel),
            f"{base:,.0f}",
            f"{plan.comparison[i]:,.0f}",
            f"{plan.optimised[i]:,.0f}",
            change,
            f"{plan.bounds[i, 0]:,.0f} .. {plan.bounds[i, 1]:,.0f}",
        )
    console.print(table)
    o, c, g = plan.optimised_outcome, plan.comparison_outcome, plan.gain
    console.print(
        f"Expected media-driven outcome: plan {o.mean:,.0f} [{o.low:,.0f}, {o.high:,.0f}], "
        f"current mix {c.mean:,.0f} [{c.low:,.0f}, {c.high:,.0f}]; gain {g.mean:+,.0f} "
        f"[{g.low:+,.0f}, {g.high:+,.0f}] (90% intervals)."
    )
    if not plan.used_optimiser:
        console.print("The optimiser found nothing better than the current mix; it is kept.")


def register(parent: typer.Typer) -> None:
    parent.add_typer(app, name="mmm")
