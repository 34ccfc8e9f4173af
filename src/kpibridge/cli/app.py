"""The ``kpibridge`` command: one group of commands per capability."""

from __future__ import annotations

import typer

from kpibridge.cli import (
    accounts,
    demo,
    governance,
    interop,
    metrics,
    mmm,
    monitoring,
    reviews,
    rounds,
    tree,
    voice,
    warehouse,
    web,
    workshops,
)
from kpibridge.cli.help import reflow_help

app = typer.Typer(
    name="kpibridge",
    help="Agree on marketing KPIs, compute them from your own data, and live by them.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
for capability in (
    metrics,
    warehouse,
    demo,
    rounds,
    monitoring,
    voice,
    web,
    accounts,
    governance,
    interop,
    reviews,
    mmm,
    workshops,
    tree,
):
    capability.register(app)
reflow_help(app)


def main() -> None:
    app()
