"""The goal tree."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from kpibridge.services.metrics.goal_tree import goal_tree
from kpibridge.web.deps import Live, Viewer

router = APIRouter(tags=["goals"])


@router.get("/goals")
def goals(_account: Viewer, live: Live) -> dict[str, Any]:
    """Goals depth first with their KPIs; goals no KPI measures; KPIs without a goal."""
    ws = live.workspace
    return goal_tree(ws.goals, ws.kpis).as_record()
