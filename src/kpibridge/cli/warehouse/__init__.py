"""Commands for data in and between warehouses: ``load``, ``demo`` and ``warehouse …``."""

from __future__ import annotations

import typer

from kpibridge.cli.warehouse import copy, load


def register(parent: typer.Typer) -> None:
    load.register(parent)
    copy.register(parent)
