"""Commands that change KPIs by the rules: ``apply``, ``propose``, ``export``, ``versions``,
``proposals …`` and ``audit …``."""

from __future__ import annotations

import typer

from kpibridge.cli.governance import audit, git_diff, proposals, versions


def register(parent: typer.Typer) -> None:
    audit.register(parent)
    versions.register(parent)
    proposals.register(parent)
    git_diff.register(parent)
