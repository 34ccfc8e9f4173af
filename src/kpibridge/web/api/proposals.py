"""Change proposals: list, show (with the impact preview), decide, and put a KPI's
competing proposals to an alignment round (facilitators); a KPI's versions and audit log.
Reading needs any role; deciding follows the service's rules (member role and, except for
comments, a seat) — refusals are 403, a decided proposal 409. Unsafe calls made
with the session cookie carry the CSRF token in ``X-CSRF-Token``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from kpibridge.errors import UnknownNameError
from kpibridge.model.governance import Decision, ProposalStatus
from kpibridge.services.governance.proposal_rounds import put_to_round
from kpibridge.services.governance.proposals import decide, list_proposals, show_proposal
from kpibridge.web.deps import Context, Live, RecordId, Viewer
from kpibridge.web.kpi_panels import kpi_history
from kpibridge.web.proposal_access import (
    cached_impact,
    governance,
    may_comment,
    may_decide,
    proposal_errors,
)
from kpibridge.web.round_access import api_csrf

router = APIRouter(tags=["proposals"], dependencies=[Depends(api_csrf)])


class DecisionCreate(BaseModel):
    decision: Decision
    comment: str = Field(default="", description="Needed to comment, reject or request changes.")


class ProposalRoundCreate(BaseModel):
    kpi: str = Field(description="The KPI whose open proposals compete (at least two).")
    name: str | None = Field(default=None, description="Default: KPI-proposals-IDS.")
    participants: list[str] | None = Field(
        default=None,
        description="Default: every seat holder, the KPI's owner and the proposals' authors.",
    )
    deadline: str | None = Field(default=None, description="Last day for ballots, YYYY-MM-DD.")
    select: int = Field(default=1, ge=1, description="How many proposals the round selects.")
    question: str | None = None


@router.get("/proposals")
def proposals(
    _account: Viewer, context: Context, status: ProposalStatus | None = None, kpi: str | None = None
) -> list[dict[str, object]]:
    """Proposals, newest first (``kpibridge proposals list --format json``)."""
    return list_proposals(context.store, status=status, kpi=kpi)


@router.get("/proposals/{proposal_id}")
def proposal(
    proposal_id: RecordId, account: Viewer, context: Context, live: Live, impact: bool = True
) -> dict[str, Any]:
    """A proposal as ``kpibridge proposals show ID --format json``, with ``impact`` (null
    with ``impact_error`` when it cannot be computed) and what the caller may do."""
    with proposal_errors():
        view = show_proposal(
            context.store, proposal_id, live.workspace.definition, governance(live)
        )
    record: dict[str, Any] = view.to_json()
    preview, reason = cached_impact(live, view) if impact else (None, None)
    record["impact"] = preview.to_json() if preview is not None else None
    record["impact_error"] = reason
    record["you_may_decide"] = may_decide(account, view)
    record["you_may_comment"] = may_comment(account, view)
    return record


@router.post("/proposals/{proposal_id}/decisions", status_code=201)
def decision(
    proposal_id: RecordId, body: DecisionCreate, account: Viewer, context: Context, live: Live
) -> dict[str, object]:
    """Approve, reject, request changes or comment; answers the proposal as it is now (on
    the last approval needed it is ``approved`` and its versions are written)."""
    with proposal_errors():
        view = decide(
            context.store,
            proposal_id,
            account,
            body.decision,
            body.comment,
            live.workspace.definition,
            governance(live),
        )
    return view.to_json()


@router.post("/proposals/rounds", status_code=201)
def proposal_round(
    body: ProposalRoundCreate, account: Viewer, context: Context, live: Live
) -> dict[str, Any]:
    """Put the KPI's open proposals to a new alignment round (``kpibridge proposals round``):
    facilitators and admins (others 403); fewer than two open proposals 400; a proposal
    already in an open round 409. Adopting the round later comments on the winner and does
    not approve it."""
    with proposal_errors():
        created = put_to_round(
            context.store,
            live.workspace,
            body.kpi,
            account=account,
            governance=governance(live),
            name=body.name,
            participants=body.participants,
            deadline=body.deadline,
            select_count=body.select,
            question=body.question,
        )
    return created.to_json()


@router.get("/kpis/{kpi_id}/history", tags=["kpis"])
def history(kpi_id: str, _account: Viewer, context: Context, live: Live) -> dict[str, object]:
    """The KPI's definition and target versions (oldest first), its proposals (newest
    first) and its audit log entries (oldest first)."""
    if kpi_id not in live.workspace.kpis:
        raise UnknownNameError("KPI", kpi_id, list(live.workspace.kpis))
    found = kpi_history(context.store, kpi_id)
    return {
        "kpi": kpi_id,
        "versions": [entry.to_json() for entry in found.versions],
        "proposals": found.proposals,
        "audit": [entry.to_json() for entry in found.audit],
    }
