"""``kpibridge clv refresh``: predictive customer lifetime value into the warehouse."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from kpibridge.cli.errors import user_errors
from kpibridge.cli.options import FormatOption, WorkspaceOption
from kpibridge.cli.render import OutputFormat, make_console

app = typer.Typer(
    help="Predictive customer lifetime value (BG/NBD + Gamma-Gamma).", no_args_is_help=True
)


@app.command()
@user_errors
def refresh(
    value: Annotated[
        str, typer.Option("--value", help="Order value to predict: gross_margin or revenue.")
    ] = "gross_margin",
    horizon_months: Annotated[
        int, typer.Option("--horizon-months", min=1, help="Months ahead to count.")
    ] = 12,
    discount: Annotated[
        float, typer.Option("--discount", help="Discount rate per month (0.01 ≈ 12.7% a year).")
    ] = 0.01,
    output: FormatOption = OutputFormat.TABLE,
    workspace: WorkspaceOption = None,
) -> None:
    """Fit BG/NBD and Gamma-Gamma on all orders and rewrite the customer_value table that the
    predicted_clv and predicted_clv_to_cac KPIs read."""
    from kpibridge.report.formatting import format_value
    from kpibridge.services.metrics.workspace import Workspace
    from kpibridge.services.monitoring.customer_value import (
        CUSTOMER_VALUE_TABLE,
        refresh_customer_value,
    )

    console = make_console()
    with Workspace.open(workspace) as ws:
        done = refresh_customer_value(
            ws, value_column=value, horizon_months=horizon_months, monthly_discount_rate=discount
        )
    if output is OutputFormat.JSON:
        typer.echo(json.dumps(done.to_dict(), indent=2, default=str))
        return
    result = done.result
    p, s = result.purchases, result.spend
    console.print(
        f"Fitted on {p.customers:,} customers' orders up to "
        f"{result.summary.calibration_end.date()}; wrote {done.customers:,} rows to "
        f"{CUSTOMER_VALUE_TABLE}."
    )
    console.print(
        f"BG/NBD r = {p.parameters.r:.3g}, α = {p.parameters.alpha:.3g}, a = {p.parameters.a:.3g},"
        f" b = {p.parameters.b:.3g} (log-likelihood {p.log_likelihood:,.1f}); Gamma-Gamma "
        f"p = {s.parameters.p:.3g}, q = {s.parameters.q:.3g}, γ = {s.parameters.gamma:.3g}."
    )
    if result.channels is not None:
        table = Table(
            "acquisition channel",
            "customers",
            "CLV per customer",
            "P(alive)",
            title=f"{result.horizon_months}-month {escape(result.value_column)} CLV, "
            f"discounted at {result.monthly_discount_rate:.1%} a month",
        )
        for channel, row in result.channels.iterrows():
            table.add_row(
                escape(str(channel)),
                f"{int(row['customers']):,}",
                format_value(float(row["clv_mean"]), "currency"),
                f"{float(row['p_alive_mean']):.0%}",
            )
        console.print(table)
    console.print("Next: kpibridge compute predicted_clv_to_cac --by channel --grain quarter")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="clv")
