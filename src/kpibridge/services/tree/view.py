"""The tree as the web app and the API show it: shape, tested claims and each KPI's latest
value and status from the scorecard."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from kpibridge.model import Grain
from kpibridge.services.metrics.scorecard import Scorecard
from kpibridge.services.metrics.workspace import Workspace
from kpibridge.services.tree.claims import EdgeTest, check_claims
from kpibridge.services.tree.structure import TreeNode, kpi_tree


@dataclass(frozen=True)
class NodeValue:
    value: float | None
    text: str
    status: str
    period: str | None
    history: tuple[float, ...]


@dataclass(frozen=True)
class TreeView:
    root: TreeNode
    edges: list[EdgeTest]
    values: dict[str, NodeValue]

    def as_record(self) -> dict[str, Any]:
        return {
            "tree": asdict(self.root),
            "edges": [asdict(e) for e in self.edges],
            "values": {k: asdict(v) for k, v in self.values.items()},
        }


def tree_view(ws: Workspace, scorecard: Scorecard, kpi: str | None = None) -> TreeView:
    """Shape, claims (into the nodes shown) tested at weekly grain, and latest values."""
    root = kpi_tree(ws, kpi)
    shown = {node.id for node in root.walk() if node.kind == "kpi"}
    edges = check_claims(ws, outcomes=None if kpi is None else shown, grain=Grain.WEEK)
    values = {}
    for row in scorecard.rows:
        if row.kpi not in shown:
            continue
        history = tuple(v for _, v in row.history if v is not None and math.isfinite(v))
        values[row.kpi] = NodeValue(
            row.value,
            _text(row.value, row.format, row.unit),
            row.status.value,
            row.period_label,
            history,
        )
    return TreeView(root, edges, values)


def _text(value: float | None, fmt: str, unit: str | None) -> str:
    if value is None or not math.isfinite(value):
        return "no value"
    if fmt == "percent":
        return f"{value:.2%}"
    if fmt == "currency":
        return (
            f"{value:,.0f} {unit or ''}".strip()
            if abs(value) >= 100
            else f"{value:,.2f} {unit or ''}".strip()
        )
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
