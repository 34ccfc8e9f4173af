"""The JSON twin of ``/proposals/compare``: a KPI's competing open proposals side by side.
Registered before ``api.proposals`` so that ``/proposals/compare`` is not read as a proposal
number."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from kpibridge.web.deps import Context, Live, Viewer
from kpibridge.web.proposal_access import may_put_to_round
from kpibridge.web.proposal_comparison import compare_open_proposals

router = APIRouter(tags=["proposals"])


@router.get("/proposals/compare")
def compare(
    kpi: Annotated[str, Query(description="The KPI whose open proposals compete.")],
    account: Viewer,
    context: Context,
    live: Live,
) -> dict[str, Any]:
    """The KPI's open proposals side by side (any role): ``current`` (the definition and
    target versions in force), ``proposals`` (each as ``GET /api/v1/proposals/ID``, with
    ``impact`` or ``impact_error`` and ``against_current``), and ``periods``: per period the
    value, target and status ``now`` (from the preview of proposal ``now_from``) and under
    each proposal, with ``flipped``. Unknown KPI 404; fewer than two open proposals 400."""
    found = compare_open_proposals(context.store, live, kpi.strip())
    record: dict[str, Any] = found.to_json()
    record["you_may_put_to_round"] = not found.in_open_round and may_put_to_round(
        account, len(found.competitors)
    )
    return record
