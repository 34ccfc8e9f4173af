"""The KPI tree: identities, claimed drivers with the data's verdict, latest values."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException

from kpibridge.errors import KpibridgeError
from kpibridge.services.tree.view import tree_view
from kpibridge.web.deps import Live, Viewer

router = APIRouter(tags=["tree"])


@router.get("/tree")
def tree(_account: Viewer, live: Live, kpi: str | None = None) -> dict[str, Any]:
    """The tree below ``kpi`` (or every goal): nodes, identity links (``link``: identity,
    ``exponent`` ±1), tested claims (``edges``: status supported / moves together / not
    supported / too little data, lag, strength, q) and each KPI's latest value and status."""
    card = live.scorecard()
    try:
        view = live.remember(("tree", kpi), lambda ws: tree_view(ws, card, kpi))
    except KpibridgeError as error:
        raise HTTPException(404, str(error)) from None
    return view.as_record()
