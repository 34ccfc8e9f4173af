"""The side-by-side page of a KPI's competing open proposals (``/proposals/compare?kpi=K``):
the versions in force, then each proposal's author, rationale, effective date, restatement
policy, change in words and YAML, and the seats it still needs; one chart of the KPI now and
under each proposal, and a table per period with every proposal's value and status flips.
Facilitators and admins get the proposal pages' *Put to an alignment round* form.

Registered before ``pages.proposals`` so that ``/proposals/compare`` is not read as a
proposal number."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from kpibridge.report.comparison_chart import PROPOSAL_COLOURS
from kpibridge.services.accounts.users import Account
from kpibridge.web.context import AppContext
from kpibridge.web.deps import Context, Live, Viewer
from kpibridge.web.proposal_access import may_put_to_round
from kpibridge.web.proposal_comparison import compare_open_proposals

router = APIRouter()


@router.get("/proposals/compare", response_class=HTMLResponse)
def compare_page(
    request: Request, account: Viewer, context: Context, live: Live, kpi: str | None = None
) -> Response:
    """Every signed-in role reads; no ``kpi`` is 400, an unknown one 404, a KPI with fewer
    than two open proposals 400 — each with the reason on the error page."""
    if not kpi or not kpi.strip():
        raise HTTPException(400, "say which KPI's proposals to compare: /proposals/compare?kpi=KPI")
    return render_comparison(request, kpi.strip(), account, context, live, error=None)


def render_comparison(
    request: Request,
    kpi: str,
    account: Account,
    context: AppContext,
    live: Live,
    *,
    error: str | None,
    status: int = 200,
) -> Response:
    """The page; also what ``POST /proposals/round`` answers, with ``error``, when the round
    asked for from this page is refused by the rules."""
    found = compare_open_proposals(context.store, live, kpi)
    stakeholders = live.workspace.stakeholders
    return context.templates.TemplateResponse(
        request,
        "proposal_compare.html",
        {
            "account": account,
            "found": found,
            "rows": found.rows(),
            "chart": found.chart(),
            "colours": PROPOSAL_COLOURS,
            "names": {key: person.name for key, person in stakeholders.items()},
            "kpi_live": found.kpi_id in live.workspace.kpis,
            "may_put_to_round": not found.in_open_round
            and may_put_to_round(account, len(found.competitors)),
            "error": error,
            "workspace_name": live.workspace.settings.name,
        },
        status_code=status,
    )
