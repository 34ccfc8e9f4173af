"""The KPI tree's shape: goals, the KPIs that serve them, and the identities below each KPI.

Identities come from :mod:`kpibridge.metrics.identities` (exact, from the definitions). They
are mutual (revenue = orders × AOV, AOV = revenue ÷ orders, orders = revenue ÷ AOV), so the
tree is drawn top-down: a KPI is split by its preferred identity unless that identity names
one of its ancestors — then it is a leaf, and the cycle is never followed. In the whole
library the KPIs of a goal come products first (revenue = AOV × orders before AOV = revenue ÷
orders), and a KPI already drawn — inside another KPI's split or on its own — is shown again as
a reference (``repeated``), not split again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from kpibridge.errors import KpibridgeError, closest_names
from kpibridge.metrics.identities import Identity, decompositions, monomials
from kpibridge.model import Goal, SimpleKPI
from kpibridge.services.metrics.workspace import Workspace

NodeKind = Literal["goal", "kpi"]
Link = Literal["goal", "identity", "root"]


@dataclass(frozen=True)
class TreeNode:
    """One node; ``link`` says how it hangs from its parent (``exponent`` −1: divides)."""

    id: str
    kind: NodeKind
    name: str
    link: Link = "root"
    exponent: int = 1
    identity: str | None = None
    """The identity that splits this KPI into its children, as a formula of names."""
    repeated: bool = False
    children: tuple[TreeNode, ...] = field(default_factory=tuple)

    def walk(self) -> list[TreeNode]:
        found = [self]
        for child in self.children:
            found += child.walk()
        return found


def _backwards(kpi: object, identity: Identity) -> bool:
    """A total split by a division (orders = revenue ÷ AOV): a true identity that reads
    backwards; the whole-library view leaves it to ``kpibridge tree orders``."""
    return isinstance(kpi, SimpleKPI) and any(f.exponent < 0 for f in identity.factors)


def identities(ws: Workspace) -> dict[str, Identity]:
    """Each live KPI's preferred identity (KPIs without one are left out)."""
    live = ws.live_kpis
    found = monomials(live)
    preferred = {}
    for kpi_id in found:
        options = decompositions(kpi_id, found)
        if options:
            preferred[kpi_id] = options[0]
    return preferred


def kpi_tree(ws: Workspace, root: str | None = None) -> TreeNode:
    """The tree below ``root`` (a KPI id), or of the whole library under its goals."""
    split = identities(ws)
    names = {kpi_id: kpi.name for kpi_id, kpi in ws.live_kpis.items()}
    expanded: set[str] = set()

    shown: set[str] = set()

    def kpi_node(kpi_id: str, ancestors: tuple[str, ...], link: Link, exponent: int) -> TreeNode:
        identity = split.get(kpi_id)
        if kpi_id in shown and root is None and link == "goal":
            # the whole library: a KPI already drawn inside another's split is not split again
            return TreeNode(kpi_id, "kpi", names[kpi_id], link, exponent, repeated=True)
        shown.add(kpi_id)
        usable = identity is not None and not any(f.kpi in ancestors for f in identity.factors)
        if root is None and identity is not None and _backwards(ws.live_kpis[kpi_id], identity):
            usable = False
        if identity is None or not usable:
            return TreeNode(kpi_id, "kpi", names[kpi_id], link, exponent)
        if kpi_id in expanded:
            return TreeNode(kpi_id, "kpi", names[kpi_id], link, exponent, repeated=True)
        expanded.add(kpi_id)
        children = tuple(
            kpi_node(f.kpi, (*ancestors, kpi_id), "identity", f.exponent) for f in identity.factors
        )
        return TreeNode(
            kpi_id, "kpi", names[kpi_id], link, exponent, identity.formula(names), False, children
        )

    if root is not None:
        if root not in names:
            hint = closest_names(root, names)
            raise KpibridgeError(
                f"unknown KPI {root!r}" + (f"; did you mean {', '.join(hint)}?" if hint else "")
            )
        return kpi_node(root, (), "root", 1)

    def order(kpi_id: str) -> tuple[int, str]:
        """Products first (revenue = AOV × orders), then other splits, then the rest: the KPI
        split first draws the identity; its factors are not split again."""
        identity = split.get(kpi_id)
        if identity is None:
            return (2, kpi_id)
        return (0 if all(f.exponent > 0 for f in identity.factors) else 1, kpi_id)

    by_goal: dict[str | None, list[str]] = {}
    for kpi_id in sorted(ws.live_kpis, key=order):
        by_goal.setdefault(ws.live_kpis[kpi_id].goal, []).append(kpi_id)

    def goal_node(goal: Goal) -> TreeNode:
        children = [goal_node(child) for child in goal.children]
        children += [kpi_node(k, (), "goal", 1) for k in by_goal.get(goal.id, [])]
        return TreeNode(goal.id, "goal", goal.name, "goal", 1, children=tuple(children))

    tops = [goal_node(goal) for goal in ws.goals]
    tops += [kpi_node(k, (), "goal", 1) for k in by_goal.get(None, [])]
    return TreeNode("library", "goal", "All goals", "root", 1, children=tuple(tops))
