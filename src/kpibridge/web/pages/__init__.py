"""HTML pages. Every one requires a role (see ``deps.require``) except the login page;
every unsafe request (POST …) must carry the CSRF token."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from kpibridge.web.pages import (
    accounts,
    auth,
    ballot,
    docs,
    goals,
    kpi_history,
    kpi_insights,
    kpis,
    proposal_compare,
    proposals,
    review,
    round_results,
    rounds,
    scorecard,
    tree,
    voice,
    workshops,
)
from kpibridge.web.pages.csrf import csrf_protect

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)
# rounds before ballot: /rounds/new must match before /rounds/{name}
PAGES = (
    auth,
    scorecard,
    kpis,
    kpi_insights,
    kpi_history,
    goals,
    tree,
    docs,
    rounds,
    ballot,
    round_results,
    accounts,
    voice,
    proposal_compare,  # before proposals: /proposals/compare is not a proposal number
    proposals,
    review,
    workshops,
)
for module in PAGES:
    router.include_router(module.router)
