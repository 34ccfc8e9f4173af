"""The scorecard, grouped by goal, with the same filters as the page."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from kpibridge.services.metrics.scorecard_view import ScorecardFilter, scorecard_by_goal
from kpibridge.web.deps import Live, Viewer

router = APIRouter(tags=["scorecard"])


@router.get("/scorecard")
def scorecard(
    _account: Viewer,
    live: Live,
    owner: str | None = None,
    goal: str | None = None,
    nature: str | None = None,
) -> dict[str, Any]:
    """Every KPI at its latest complete period: value, previous, change, target, status."""
    card = live.scorecard()  # as governed by the app store's KPI versions
    view = scorecard_by_goal(card, live.workspace.goals, ScorecardFilter(owner, goal, nature))
    return view.as_record()
