"""The ``kpibridge`` command."""

from __future__ import annotations

import typer

from kpibridge.cli import (
    audit_commands,
    clv_commands,
    data_commands,
    evidence_commands,
    governance_commands,
    import_commands,
    metric_commands,
    monitor_commands,
    report_commands,
    round_commands,
    voice_commands,
    warehouse_commands,
    web_commands,
    workspace_commands,
)

app = typer.Typer(
    name="kpibridge",
    help="Agree on marketing KPIs, compute them from your own data, and live by them.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
workspace_commands.register(app)
metric_commands.register(app)
data_commands.register(app)
round_commands.register(app)
evidence_commands.register(app)
voice_commands.register(app)
monitor_commands.register(app)
clv_commands.register(app)
web_commands.register(app)
warehouse_commands.register(app)
audit_commands.register(app)
governance_commands.register(app)
import_commands.register(app)
report_commands.register(app)


def main() -> None:
    app()
