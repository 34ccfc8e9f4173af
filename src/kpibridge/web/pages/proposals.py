"""Change proposals on the web: the list, one proposal (its change in words and YAML, the
impact preview, the approvals it needs and has, the decisions and comments, the rounds it was
put to), the form that records a decision, and the facilitators' button that puts a KPI's
competing proposals to an alignment round. Who may do what is the services' rule
(``proposal_access``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kpibridge.errors import GovernanceError, KpibridgeError
from kpibridge.model.governance import Decision, ProposalStatus
from kpibridge.report.charts import impact_chart_spec
from kpibridge.services.accounts.users import Account
from kpibridge.services.governance.proposal_rounds import put_to_round
from kpibridge.services.governance.proposals import decide, list_proposals, show_proposal
from kpibridge.web.context import AppContext
from kpibridge.web.deps import Context, Live, RecordId, Viewer
from kpibridge.web.pages.proposal_compare import render_comparison
from kpibridge.web.proposal_access import (
    cached_impact,
    governance,
    may_comment,
    may_decide,
    may_put_to_round,
    proposal_errors,
    seats_held,
)

router = APIRouter()


@router.get("/proposals", response_class=HTMLResponse)
def proposals_page(
    request: Request,
    account: Viewer,
    context: Context,
    status: ProposalStatus | None = None,
    kpi: str | None = None,
) -> Response:
    ws = context.live.workspace
    open_ones = list_proposals(context.store, status=ProposalStatus.OPEN, kpi=kpi) if kpi else []
    return context.templates.TemplateResponse(
        request,
        "proposals.html",
        {
            "account": account,
            "proposals": list_proposals(context.store, status=status, kpi=kpi or None),
            "open_count": len(open_ones),
            "may_put_to_round": may_put_to_round(account, len(open_ones)),
            "status": status,
            "statuses": list(ProposalStatus),
            "kpi": kpi or "",
            "kpis": ws.kpis,
            "workspace_name": ws.settings.name,
        },
    )


@router.get("/proposals/{proposal_id}", response_class=HTMLResponse)
def proposal_page(
    request: Request, proposal_id: RecordId, account: Viewer, context: Context, live: Live
) -> Response:
    return _render(request, proposal_id, account, context, live, error=None)


@router.post("/proposals/{proposal_id}/decisions", response_class=HTMLResponse)
async def decide_page(
    request: Request, proposal_id: RecordId, account: Viewer, context: Context, live: Live
) -> Response:
    """Record the decision of the button pressed (approve, reject, request_changes,
    comment) with the comment; a refusal by the rules is 403, a decided proposal 409."""
    form = await request.form()
    choice = str(form.get("decision", ""))
    if choice not in {decision.value for decision in Decision}:
        raise HTTPException(400, f"decision must be one of {', '.join(Decision)}, not {choice!r}")
    comment = str(form.get("comment", "")).strip()
    try:
        with proposal_errors():
            decide(
                context.store,
                proposal_id,
                account,
                Decision(choice),
                comment,
                live.workspace.definition,
                governance(live),
            )
    except GovernanceError as error:  # not a permission or state error: say it on the page
        return _render(request, proposal_id, account, context, live, error=str(error), status=400)
    return RedirectResponse(f"/proposals/{proposal_id}#decisions", status_code=303)


@router.post("/proposals/round", response_class=HTMLResponse)
async def put_to_round_page(
    request: Request, account: Viewer, context: Context, live: Live
) -> Response:
    """Put the open proposals for the form's ``kpi`` to a new alignment round (facilitators
    and admins; others 403) and go to the round; a refusal by the rules (fewer than two open
    proposals, a name taken, a bad deadline) is said on the proposal page it came from."""
    form = await request.form()
    kpi = str(form.get("kpi", "")).strip()
    origin = str(form.get("proposal", "")).strip()
    select = str(form.get("select", "1")).strip() or "1"
    if not kpi:
        raise HTTPException(400, "say which KPI's proposals: the form needs its kpi")
    if not select.isdigit():
        raise HTTPException(400, f"select must be a whole number, not {select!r}")
    try:
        with proposal_errors():
            created = put_to_round(
                context.store,
                live.workspace,
                kpi,
                account=account,
                governance=governance(live),
                name=str(form.get("name", "")).strip() or None,
                deadline=str(form.get("deadline", "")).strip() or None,
                select_count=int(select),
            )
    except KpibridgeError as error:  # not a permission or state error: say it on the page
        if str(form.get("from", "")) == "compare":
            return render_comparison(
                request, kpi, account, context, live, error=str(error), status=400
            )
        if not origin.isdigit():
            raise
        return _render(request, int(origin), account, context, live, error=str(error), status=400)
    return RedirectResponse(f"/rounds/{created.round.name}", status_code=303)


def _render(
    request: Request,
    proposal_id: int,
    account: Account,
    context: AppContext,
    live: Live,
    *,
    error: str | None,
    status: int = 200,
) -> Response:
    with proposal_errors():
        view = show_proposal(
            context.store, proposal_id, live.workspace.definition, governance(live)
        )
    preview, impact_reason = cached_impact(live, view)
    content = view.after or view.before or {}
    value_format = str(content.get("format", "number"))
    chart = (
        impact_chart_spec(
            [(row.period, row.before, row.after) for row in preview.rows],
            title=str(content.get("name", view.kpi_id)),
            value_format=value_format,
            effective_from=view.effective_from,
        )
        if preview is not None and preview.rows
        else None
    )
    stakeholders = live.workspace.stakeholders
    competing = [
        p
        for p in list_proposals(context.store, status=ProposalStatus.OPEN, kpi=view.kpi_id)
        if p["id"] != view.id
    ]
    in_open_round = any(link.round_status == "open" for link in view.rounds)
    open_count = len(competing) + int(view.status is ProposalStatus.OPEN)
    context_values: dict[str, Any] = {
        "account": account,
        "view": view,
        "preview": preview,
        "impact_reason": impact_reason,
        "chart": chart,
        "value_format": value_format,
        "unit": content.get("unit"),
        "kpi_name": content.get("name", view.kpi_id),
        "kpi_live": view.kpi_id in live.workspace.kpis,
        "names": {key: person.name for key, person in stakeholders.items()},
        "held": seats_held(account, view),
        "may_decide": may_decide(account, view),
        "may_comment": may_comment(account, view),
        "competing": competing,
        "open_count": open_count,
        "may_put_to_round": view.status is ProposalStatus.OPEN
        and not in_open_round
        and may_put_to_round(account, len(competing) + 1),
        "error": error,
        "workspace_name": live.workspace.settings.name,
    }
    return context.templates.TemplateResponse(
        request, "proposal.html", context_values, status_code=status
    )
