"""Options shared by every command."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from kpibridge.cli.render import OutputFormat
from kpibridge.errors import KpibridgeError

WorkspaceOption = Annotated[
    Path | None,
    typer.Option(
        "--workspace",
        "-w",
        envvar="KPIBRIDGE_WORKSPACE",
        help="Workspace folder (default: the current folder).",
        show_default=False,
    ),
]
FormatOption = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)
]


def parse_date(text: str | None, option: str) -> date | None:
    """A date option's value (None when not given), or an error naming the option."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise KpibridgeError(f"{option} {text!r} is not a date: write YYYY-MM-DD") from None
