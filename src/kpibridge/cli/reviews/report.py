"""``report``: the review pack for a KPI review meeting, as HTML or PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from kpibridge.cli.errors import user_errors
from kpibridge.cli.options import DatabaseOption, WorkspaceOption, parse_date
from kpibridge.cli.render import make_console
from kpibridge.errors import KpibridgeError


@user_errors
def report(
    out: Annotated[
        Path,
        typer.Option("--out", "-o", help="review.html, review.pdf or review.json."),
    ],
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Judge the periods complete on this date (YYYY-MM-DD)."),
    ] = None,
    round_name: Annotated[
        str | None,
        typer.Option("--round", help="The alignment round to report (default: the last)."),
    ] = None,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """Write the review pack: scorecard, off-track KPIs with drivers and forecast, anomalies,
    evidence on contested KPIs, customer voice, wins, open proposals, the last round."""
    from kpibridge.cli.app_store import existing_store
    from kpibridge.services.metrics.workspace import Workspace
    from kpibridge.services.reviews.review_pack import build_review_pack
    from kpibridge.services.reviews.review_render import REVIEW_SUFFIXES, write_review

    console = make_console()
    if out.suffix.lower() not in REVIEW_SUFFIXES:
        raise KpibridgeError(f"--out {out}: write a .html, .pdf or .json file")
    if not out.parent.is_dir():
        raise KpibridgeError(f"--out {out}: the folder {out.parent} does not exist")
    with Workspace.open(workspace) as ws:
        store = existing_store(ws, database)
        try:
            pack = build_review_pack(
                ws, store, as_of=parse_date(as_of, "--as-of"), round_name=round_name
            )
            write_review(ws, pack, out)
        finally:
            if store is not None:
                store.close()
    counts = ", ".join(f"{n} {status}" for status, n in pack.counts().items() if n)
    console.print(f"wrote [bold]{escape(str(out))}[/bold]: {len(pack.rows)} KPIs ({counts})")
    for section, reason in pack.missing.items():
        console.print(f"  [yellow]{section}[/yellow]: {escape(reason)}")


def register(parent: typer.Typer) -> None:
    parent.command()(report)
