"""Commands to define and compute KPIs: ``init``, ``validate``, ``schema``, ``compute``,
``explain``, ``scorecard`` and the others of :mod:`.compute`."""

from __future__ import annotations

import typer

from kpibridge.cli.metrics import compute, workspace


def register(parent: typer.Typer) -> None:
    workspace.register(parent)
    compute.register(parent)
