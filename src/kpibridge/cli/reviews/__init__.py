"""Commands for the review meeting: ``reviews …`` and ``report`` (the review pack)."""

from __future__ import annotations

import typer

from kpibridge.cli.reviews import report, reviews


def register(parent: typer.Typer) -> None:
    reviews.register(parent)
    report.register(parent)
