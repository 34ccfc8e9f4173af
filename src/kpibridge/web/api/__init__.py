"""The JSON API, version 1: the same data and the same permissions as the pages.

Authenticate with ``Authorization: Bearer TOKEN`` (``kpibridge token create``) or a session
cookie. Errors have one shape: ``{"error": {"status", "code", "message"}}``.
"""

from __future__ import annotations

from fastapi import APIRouter

from kpibridge.web.api import (
    dissent,
    goals,
    health,
    kpis,
    proposal_compare,
    proposals,
    rounds,
    scorecard,
    tree,
    voice,
    workshop_participation,
    workshops,
)

router = APIRouter()
router.include_router(health.router)
# proposal_compare before proposals: /proposals/compare is not a proposal number
for module in (
    kpis,
    scorecard,
    goals,
    tree,
    rounds,
    dissent,
    voice,
    proposal_compare,
    proposals,
    workshops,
    workshop_participation,
):
    router.include_router(module.router, prefix="/api/v1")
