"""Render results for the terminal (Rich tables) and for machines (JSON, CSV)."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    import pandas as pd

WIDE = 110
"""Width for wide tables when the terminal is narrower (or not a terminal at all)."""


def make_console(*, stderr: bool = False) -> Console:
    """A Rich console for the output as it is *now*: colours and the terminal's width when it
    is a terminal, plain text on a wide page when it is a pipe or a file.

    Each command makes its own when it runs, never at import: a console decides once, when
    made, whether to write colour codes and how wide to be, so one made at import time in a
    terminal kept writing colour codes into output captured later (tests, pipes)."""
    console = Console(stderr=stderr)
    if console.is_terminal:
        return console
    return Console(stderr=stderr, width=max(console.width, WIDE))


class OutputFormat(StrEnum):
    TABLE = "table"
    CSV = "csv"
    JSON = "json"


STATUS_STYLE = {
    "on track": "green",
    "at risk": "yellow",
    "off track": "red",
    "no target": "dim",
    "no data": "dim",
}
"""Style of each ``kpibridge.model.status.Status`` (a string enum: its members look these up)."""


def frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-ready records: dates as YYYY-MM-DD, NaN as null."""
    records = []
    for row in frame.to_dict(orient="records"):
        records.append({str(key): _plain(value) for key, value in row.items()})
    return records


def _plain(value: Any) -> Any:
    import pandas as pd

    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NaT or value is None:
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def print_frame(
    console: Console, frame: pd.DataFrame, output: OutputFormat, title: str = ""
) -> None:
    import pandas as pd

    if output is OutputFormat.JSON:
        console.print_json(json.dumps(frame_records(frame)))
    elif output is OutputFormat.CSV:
        text = frame.assign(
            **{
                c: frame[c].dt.strftime("%Y-%m-%d")
                for c in frame.columns
                if pd.api.types.is_datetime64_any_dtype(frame[c])
            }
        ).to_csv(index=False)
        console.file.write(text)
    else:
        console.print(rich_table(frame_records(frame), list(frame.columns), title=title))


def rich_table(records: Sequence[dict[str, Any]], columns: Sequence[str], title: str = "") -> Table:
    table = Table(title=title or None, show_lines=False)
    for column in columns:
        numeric = column == "value" or any(  # "value" may come formatted, as text
            isinstance(r.get(column), int | float) and not isinstance(r.get(column), bool)
            for r in records
        )
        table.add_column(column, justify="right" if numeric else "left")
    for record in records:
        table.add_row(*(format_number(record.get(column)) for column in columns))
    return table


def format_number(value: Any, kind: str = "number") -> str:
    if value is None:
        return "—"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if kind == "percent":
        return f"{value * 100:.1f}%"
    if kind == "currency":
        return f"${value:,.0f}" if abs(value) >= 1000 else f"${value:,.2f}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:,.4g}" if kind != "ratio" else f"{value:.2f}"
