"""Commands that watch KPIs and weigh evidence: ``monitor``, ``drivers``, ``evidence`` and
``clv``."""

from __future__ import annotations

import typer

from kpibridge.cli.monitoring import clv, evidence, monitor


def register(parent: typer.Typer) -> None:
    evidence.register(parent)
    monitor.register(parent)
    clv.register(parent)
