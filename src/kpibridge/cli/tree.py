"""``kpibridge tree [KPI]``: the KPI tree — identities from the definitions, claimed drivers
tested against the data, suggestions the data makes."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.tree import Tree

from kpibridge.cli.errors import user_errors
from kpibridge.cli.options import FormatOption, WorkspaceOption
from kpibridge.cli.render import OutputFormat, make_console
from kpibridge.model import Grain

if TYPE_CHECKING:
    from kpibridge.services.tree.claims import EdgeTest
    from kpibridge.services.tree.structure import TreeNode
    from kpibridge.services.tree.why import WhyPart


console = make_console()
MARKS = {
    "supported": "[green]supported[/green]",
    "moves together": "[yellow]moves together[/yellow]",
    "not supported": "[red]not supported[/red]",
    "too little data": "[dim]too little data[/dim]",
}


def tree(
    kpi: Annotated[
        str | None, typer.Argument(help="The KPI at the top (default: all goals).")
    ] = None,
    grain: Annotated[
        Grain, typer.Option("--grain", help="Periods the claims are tested on.")
    ] = Grain.WEEK,
    max_lag: Annotated[int, typer.Option("--max-lag", help="Longest lead tested.")] = 8,
    test: Annotated[
        bool, typer.Option("--test/--no-test", help="Test the claimed edges against the data.")
    ] = True,
    suggest: Annotated[
        bool,
        typer.Option("--suggest/--no-suggest", help="Also look for leads nobody claims."),
    ] = False,
    output: FormatOption = OutputFormat.TABLE,
    workspace: WorkspaceOption = None,
) -> None:
    """Print the KPI tree: each KPI split by the identities of its definition (exact), and the
    drivers people claim with what the data says (lead-lag, false discovery controlled across
    all edges)."""
    from kpibridge.services.metrics.workspace import Workspace
    from kpibridge.services.tree.claims import check_claims
    from kpibridge.services.tree.structure import kpi_tree

    with Workspace.open(workspace) as ws:
        root = kpi_tree(ws, kpi)
        edges = (
            check_claims(
                ws,
                outcomes=None if kpi is None else {n.id for n in root.walk()},
                grain=grain,
                max_lag=max_lag,
                suggest=suggest,
            )
            if test
            else []
        )
    if output is OutputFormat.JSON:
        typer.echo(json.dumps({"tree": asdict(root), "edges": [asdict(e) for e in edges]}))
        return
    shown = Tree(_label(root))
    _grow(shown, root, edges)
    console.print(shown)
    if not test:
        return
    shown_outcomes = {node.id for node in root.walk()}
    rest = [e for e in edges if e.outcome not in shown_outcomes]
    if rest:
        console.print("Other claimed edges:")
        for edge in rest:
            console.print(f"  {_edge_line(edge)}")
    console.print(
        "[dim]═ identity (exact, from the definitions)   ← claimed driver (tested: lead-lag, "
        "predictive, not proof of cause)[/dim]"
    )


def _label(node: TreeNode) -> str:
    name = escape(node.name)
    if node.kind == "goal":
        return f"[bold]{name}[/bold]"
    text = f"{name} [dim]({node.id})[/dim]"
    if node.link == "identity":
        text = ("÷ " if node.exponent < 0 else "× ") + text
    if node.identity:
        text += f"  [cyan]═ {escape(node.identity)}[/cyan]"
    if node.repeated:
        text += " [dim](shown above)[/dim]"
    return text


def _edge_line(edge: EdgeTest) -> str:
    claim = "" if edge.suggested else f" [dim](claimed by {edge.by or 'someone'}"
    if not edge.suggested:
        claim += f": {escape(edge.why)})[/dim]" if edge.why else ")[/dim]"
    kind = "suggested" if edge.suggested else MARKS[edge.status]
    return (
        f"← {escape(edge.label)} → {escape(edge.outcome)}: {kind}{claim}\n    {escape(edge.text)}"
    )


def _grow(branch: Tree, node: TreeNode, edges: list[EdgeTest]) -> None:
    for edge in edges:
        if edge.outcome == node.id and node.kind == "kpi" and not node.repeated:
            branch.add(_edge_line(edge))
    for child in node.children:
        _grow(branch.add(_label(child)), child, edges)


def why_command(
    kpi: Annotated[str, typer.Argument(help="The KPI whose change to explain.")],
    before: Annotated[str, typer.Option("--from", help="Earlier period: 2025-08, 2025-Q3 …")],
    after: Annotated[str, typer.Option("--to", help="Later period, of the same length.")],
    by: Annotated[
        str | None, typer.Option("--by", help="Also split each leaf by this dimension.")
    ] = None,
    output: FormatOption = OutputFormat.TABLE,
    workspace: WorkspaceOption = None,
) -> None:
    """Why did KPI move from --from to --to? Its change split exactly down its identities
    (log / LMDI decomposition: the parts add up to the change), then by --by."""
    from kpibridge.services.metrics.workspace import Workspace
    from kpibridge.services.tree.why import why

    with Workspace.open(workspace) as ws:
        found = why(ws, kpi, before, after, by)
    if output is OutputFormat.JSON:
        typer.echo(json.dumps(asdict(found) | {"change": found.change}))
        return
    base = found.before
    relative = f"{found.change / base:+.1%}" if base else "n/a"
    console.print(
        f"[bold]{escape(found.name)}[/bold] {found.before_period} → {found.after_period}: "
        f"{_num(found.before)} → {_num(found.after)} ({_num(found.change, '+')}, {relative})"
    )
    shown = Tree(
        f"[dim]{escape(found.method)}; parts in {escape(found.kpi)}'s units and in "
        "points of its earlier value[/dim]"
    )
    for child in found.top.children or (found.top,):
        _why_branch(shown, child, base)
    console.print(shown)


def _num(value: float, sign: str = "") -> str:
    """Whole numbers with separators from 1,000 up, four significant digits below."""
    return f"{value:{sign},.0f}" if abs(value) >= 1000 else f"{value:{sign}.4g}"


def _points(amount: float, base: float) -> str:
    text = _num(amount, "+")
    return f"{text} ({100 * amount / base:+.1f} pp)" if base else text


def _why_branch(branch: Tree, part: WhyPart, base: float) -> None:
    sign = "÷ " if part.exponent < 0 else "× "
    text = (
        f"{sign}{escape(part.name)}: {_num(part.before)} → {_num(part.after)}   "
        f"[bold]{_points(part.contribution, base)}[/bold]"
    )
    if part.note:
        text += f" [dim]({escape(part.note)})[/dim]"
    node = branch.add(text)
    for child in part.children:
        _why_branch(node, child, base)
    ranked = sorted(part.segments, key=lambda s: -abs(s.contribution))
    for segment in ranked:
        extra = (
            f"  [dim](mix {_num(segment.mix, '+')}, rate {_num(segment.rate, '+')})[/dim]"
            if segment.mix is not None and segment.rate is not None
            else ""
        )
        node.add(f"{escape(segment.segment)}: {_points(segment.contribution, base)}{extra}")


def register(root: typer.Typer) -> None:
    root.command(name="tree")(user_errors(tree))
    root.command(name="why")(user_errors(why_command))
