"""Display names of candidates for workshop figures: the workspace's KPI names (proposals
made in a round carry their own)."""

from __future__ import annotations

from kpibridge.services.metrics.workspace import Workspace


def candidate_names(ws: Workspace) -> dict[str, str]:
    return {kpi_id: kpi.name for kpi_id, kpi in ws.kpis.items()}


def stakeholder_weight(ws: Workspace, stakeholder: str | None) -> float:
    """The stakeholder's voting weight in the workspace (1 for guests and unweighted people)."""
    if stakeholder is None or stakeholder not in ws.stakeholders:
        return 1.0
    return float(ws.stakeholders[stakeholder].weight or 1.0)
