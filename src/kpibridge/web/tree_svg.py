"""The KPI tree drawn as a server-side SVG: no script, no CDN, readable at phone width.

An indented layout (depth → x, row → y) keeps the drawing as narrow as the deepest branch,
so it scales down to 390 px without sideways scrolling. Identity edges are solid elbows
labelled × or ÷; goal edges thin and grey; claimed drivers are extra rows under their
outcome, joined by a *dashed* line in the colour of their verdict. Every KPI box is a link to
its KPI page; each shows the latest value, the status and a sparkline.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from kpibridge.services.tree.claims import EdgeTest
from kpibridge.services.tree.structure import TreeNode

INDENT, ROW, BOX_W, BOX_H = 22, 54, 300, 44
STATUS_COLOURS = {
    "supported": "#1a7f37",
    "moves together": "#9a6700",
    "not supported": "#cf222e",
    "too little data": "#6e7781",
}


@dataclass(frozen=True)
class NodeFigures:
    """What a KPI box shows: its latest value (formatted), status and recent values."""

    value: str
    status: str
    history: tuple[float, ...] = ()


@dataclass(frozen=True)
class _Row:
    depth: int
    parent: int | None
    node: TreeNode | None
    edge: EdgeTest | None


def _rows(root: TreeNode, edges: list[EdgeTest]) -> list[_Row]:
    rows: list[_Row] = []
    into: dict[str, list[EdgeTest]] = {}
    for edge in edges:
        into.setdefault(edge.outcome, []).append(edge)

    def add(node: TreeNode, depth: int, parent: int | None) -> None:
        rows.append(_Row(depth, parent, node, None))
        me = len(rows) - 1
        if node.kind == "kpi" and not node.repeated:
            for edge in into.pop(node.id, []):
                rows.append(_Row(depth + 1, me, None, edge))
        for child in node.children:
            add(child, depth + 1, me)

    if root.id == "library":
        for top in root.children:
            add(top, 0, None)
    else:
        add(root, 0, None)
    return rows


def render_tree(root: TreeNode, edges: list[EdgeTest], figures: dict[str, NodeFigures]) -> str:
    """The SVG markup of the tree (``edges``: the tested claims and suggestions)."""
    rows = _rows(root, edges)
    width = BOX_W + 6
    height = len(rows) * ROW + 4
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="kpi-tree" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="KPI tree">'
    ]
    for index, row in enumerate(rows):
        x, y = 2 + row.depth * INDENT, 2 + index * ROW
        if row.parent is not None:
            parts.append(_connector(rows, index, x, y))
        if row.node is not None:
            parts.append(_node_box(row.node, x, y, figures.get(row.node.id)))
        elif row.edge is not None:
            parts.append(_claim_box(row.edge, x, y))
    parts.append("</svg>")
    return "".join(parts)


def _connector(rows: list[_Row], index: int, x: float, y: float) -> str:
    row = rows[index]
    assert row.parent is not None
    px = 2 + rows[row.parent].depth * INDENT + 8
    py = 2 + row.parent * ROW + BOX_H
    mid = y + BOX_H / 2
    path = f"M{px},{py} V{mid} H{x}"
    if row.edge is not None:
        colour = STATUS_COLOURS.get(row.edge.status, "#6e7781")
        return (
            f'<path class="edge claimed" d="{path}" fill="none" stroke="{colour}" '
            'stroke-width="2" stroke-dasharray="5 4"/>'
        )
    node = row.node
    assert node is not None
    if node.link == "identity":
        sign = "÷" if node.exponent < 0 else "×"
        return (
            f'<path class="edge identity" d="{path}" fill="none" stroke="#0969da" '
            f'stroke-width="2.5"/><text class="edge-sign" x="{px + 2}" y="{mid - 3}" '
            f'font-size="12" fill="#0969da">{sign}</text>'
        )
    return f'<path class="edge goal" d="{path}" fill="none" stroke="#d0d7de" stroke-width="1"/>'


def _sparkline(history: tuple[float, ...], x: float, y: float) -> str:
    if len(history) < 2:
        return ""
    low, high = min(history), max(history)
    span = (high - low) or 1.0
    step = 60 / (len(history) - 1)
    points = " ".join(
        f"{x + i * step:.1f},{y + 16 - 16 * (v - low) / span:.1f}" for i, v in enumerate(history)
    )
    return f'<polyline class="sparkline" points="{points}" fill="none" stroke="#57606a"/>'


def _node_box(node: TreeNode, x: float, y: float, figures: NodeFigures | None) -> str:
    name = escape(node.name)
    if node.kind == "goal":
        return (
            f'<g class="node goal"><text x="{x}" y="{y + 26}" font-size="15" '
            f'font-weight="600" fill="#24292f">{name}</text></g>'
        )
    status = figures.status if figures else ""
    fill = {"on track": "#dafbe1", "at risk": "#fff8c5", "off track": "#ffebe9"}.get(
        status, "#f6f8fa"
    )
    value = escape(figures.value) if figures else ""
    detail = value + (f" · {escape(status)}" if status else "")
    if node.repeated:
        detail += " · shown above"
    spark = _sparkline(figures.history, BOX_W - 66, y + 14) if figures else ""
    room = int((BOX_W - x - 80) / 8.2)  # about 8 px a character at 14 px bold, beside the sparkline
    title = f"<title>{name}</title>"
    if len(node.name) > room:
        name = escape(node.name[: max(room - 1, 4)].rstrip()) + "…"
    return (
        f'<a class="node kpi" href="/kpis/{escape(node.id)}" data-kpi="{escape(node.id)}">{title}'
        f'<rect x="{x}" y="{y}" width="{BOX_W - x + 2}" height="{BOX_H}" rx="6" fill="{fill}" '
        'stroke="#8c959f"/>'
        f'<text x="{x + 8}" y="{y + 18}" font-size="14" font-weight="600" fill="#0969da">{name}'
        f"</text>"
        f'<text x="{x + 8}" y="{y + 36}" font-size="12" fill="#57606a">{detail}</text>'
        f"{spark}</a>"
    )


def _claim_box(edge: EdgeTest, x: float, y: float) -> str:
    colour = STATUS_COLOURS.get(edge.status, "#6e7781")
    head = "suggestion" if edge.suggested else f"by {edge.by or 'someone'}"
    plural = "" if edge.lag == 1 else "s"
    words = {
        "supported": f"supported: leads by {edge.lag} {edge.unit}{plural}",
        "moves together": "moves together, no lead",
        "not supported": "not supported so far",
        "too little data": "too little data",
    }[edge.status]
    if edge.q is not None and edge.status != "too little data":
        words += f" (q = {edge.q:.2g})"
    room = int((BOX_W - x - 12) / 6.6)  # about 6.6 px a character at 12 px
    byline = f" · {head}" if len(words) + len(head) + 3 <= room else ""  # else: in the title
    return (
        f'<a class="node claim {edge.status.replace(" ", "-")}" href="/kpis/{escape(edge.driver)}" '
        f'data-kpi="{escape(edge.driver)}"><title>{escape(edge.text)} ({escape(head)})</title>'
        f'<rect x="{x}" y="{y}" width="{BOX_W - x + 2}" height="{BOX_H}" rx="6" fill="#ffffff" '
        f'stroke="{colour}" stroke-dasharray="5 4"/>'
        f'<text x="{x + 8}" y="{y + 18}" font-size="13" fill="#24292f">'
        f"← {escape(edge.label)}</text>"
        f'<text x="{x + 8}" y="{y + 36}" font-size="12" fill="{colour}">{escape(words)}'
        f'<tspan fill="#57606a">{escape(byline)}</tspan></text></a>'
    )
