"""Options shared by every command."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from kpibridge.cli.render import OutputFormat
from kpibridge.errors import KpibridgeError
from kpibridge.model.choices import Restatement

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
DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        envvar="KPIBRIDGE_DATABASE_URL",
        help="App store URL (default: the workspace's app_store, SQLite in .kpibridge/).",
        show_default=False,
    ),
]
FormatOption = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)
]


ActorOption = Annotated[
    str,
    typer.Option(
        "--as", envvar="KPIBRIDGE_USER", help="The app-store user acting.", show_default=False
    ),
]
EffectiveOption = Annotated[
    str | None,
    typer.Option("--effective", help="Date the change takes effect (YYYY-MM-DD; default today)."),
]
RestatementOption = Annotated[
    Restatement,
    typer.Option(
        help="Periods before the effective date: restate them, or keep them as reported.",
        case_sensitive=False,
    ),
]


def parse_date(text: str | None, option: str) -> date | None:
    """A date option's value (None when not given), or an error naming the option."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise KpibridgeError(f"{option} {text!r} is not a date: write YYYY-MM-DD") from None


def number(value: float | None) -> str:
    return "—" if value is None else f"{value:,.4g}"


def date_or_today(text: str | None, option: str = "--effective") -> date:
    """The option's date, today when not given."""
    return parse_date(text, option) or date.today()
