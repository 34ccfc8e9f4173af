"""``diff REV``: what the working tree changes in KPI definitions and targets against git."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from kpibridge.cli.errors import user_errors
from kpibridge.cli.options import FormatOption, WorkspaceOption
from kpibridge.cli.render import OutputFormat, make_console

console = make_console()


@user_errors
def diff(
    revision: Annotated[str, typer.Argument(help="A git revision: main, HEAD~1, a tag, a hash.")],
    output: FormatOption = OutputFormat.TABLE,
    workspace: WorkspaceOption = None,
) -> None:
    """Show which KPIs the working tree adds, removes or changes against git revision REV,
    definitions and targets, each change in words."""
    from kpibridge.services.governance.git_diff import git_diff

    changes = git_diff(workspace or Path.cwd(), revision)
    if output is OutputFormat.JSON:
        records = [
            {
                "kpi": c.kpi,
                "change": c.kind,
                "words": list(c.words),
                "impact": None
                if c.impact is None
                else {
                    "period": c.impact[0].isoformat(),
                    "before": c.impact[1],
                    "after": c.impact[2],
                },
            }
            for c in changes
        ]
        console.print_json(json.dumps(records))
        return
    if not changes:
        console.print(f"no KPI changes against {escape(revision)}")
        return
    for change in changes:
        console.print(f"[bold]{escape(change.kpi)}[/bold] ({change.kind})")
        for sentence in change.words:
            console.print(f"  • {escape(sentence)}")
        if change.impact is not None:
            period, before, after = change.impact
            console.print(f"  impact, {period.isoformat()}: {before:,.6g} → {after:,.6g}")


def register(app: typer.Typer) -> None:
    app.command()(diff)
