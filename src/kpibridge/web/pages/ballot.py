"""A round's page: what it asks, who takes part, and for a participant the ballot form —
rank (drag and drop, keyboard, or typed positions), score, weigh, explain, propose."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kpibridge.errors import KpibridgeError
from kpibridge.services.accounts.users import Account
from kpibridge.services.governance.proposal_rounds import round_proposals
from kpibridge.services.rounds.ballots import clear_ballot, submit_ballot
from kpibridge.services.rounds.round_checks import parse_proposal
from kpibridge.services.rounds.round_records import StoredRound
from kpibridge.services.rounds.stored_rounds import ballot_history, get_round, propose_candidate
from kpibridge.services.workshops.sessions import list_workshops
from kpibridge.web.ballot_form import ballot_from_form, form_positions
from kpibridge.web.deps import Context, Viewer
from kpibridge.web.round_access import Member, may_facilitate, may_vote, round_errors

router = APIRouter()


@router.get("/rounds/{name}", response_class=HTMLResponse)
def round_page(
    request: Request, name: str, account: Viewer, context: Context, saved: int | None = None
) -> Response:
    return _page(request, account, context, get_round(context.store, name), saved=bool(saved))


@router.post("/rounds/{name}/ballot", response_class=HTMLResponse)
async def ballot_submit(request: Request, name: str, account: Member, context: Context) -> Response:
    stored = get_round(context.store, name)
    form = {key: str(value) for key, value in (await request.form()).items()}
    candidates = stored.round.all_candidates()
    try:
        if form.get("clear") == "1":  # the explicit way to withdraw; an empty form is refused
            with round_errors():
                clear_ballot(
                    context.store, name, actor=account.username, participant=account.stakeholder
                )
            return RedirectResponse(f"/rounds/{name}?saved=1", status_code=303)
        ballot = ballot_from_form(
            form, account.stakeholder or "", candidates, stored.round.criteria
        )
        with round_errors():
            submit_ballot(
                context.store,
                name,
                ballot,
                actor=account.username,
                participant=account.stakeholder,
            )
    except KpibridgeError as error:
        return _page(request, account, context, stored, error=str(error), status=400)
    return RedirectResponse(f"/rounds/{name}?saved=1", status_code=303)


@router.post("/rounds/{name}/proposals", response_class=HTMLResponse)
async def proposal_submit(
    request: Request, name: str, account: Member, context: Context
) -> Response:
    form = await request.form()
    data = {
        "id": str(form.get("id", "")).strip(),
        "name": str(form.get("name", "")).strip(),
        "rationale": str(form.get("rationale", "")).strip(),
        "goal": str(form.get("goal", "")).strip() or None,
        "nature": "qualitative" if form.get("nature") == "qualitative" else "quantitative",
        "proposed_by": account.stakeholder,
    }
    try:
        with round_errors():
            propose_candidate(
                context.store,
                context.live.workspace,
                name,
                parse_proposal(data),
                actor=account.username,
                participant=account.stakeholder,
                may_facilitate=may_facilitate(account),
            )
    except KpibridgeError as error:
        stored = get_round(context.store, name)
        return _page(request, account, context, stored, error=str(error), status=400)
    return RedirectResponse(f"/rounds/{name}#ballot", status_code=303)


def _page(
    request: Request,
    account: Account,
    context: Context,
    stored: StoredRound,
    *,
    saved: bool = False,
    error: str | None = None,
    status: int = 200,
) -> Response:
    ws = context.live.workspace
    voting = may_vote(account, stored)
    participant = account.stakeholder
    history = (
        ballot_history(context.store, stored.name, participant)
        if participant is not None and participant in stored.round.participants
        else []
    )
    live = history[0].ballot if history and history[0].replaced_at is None else None
    names = {kpi_id: kpi.name for kpi_id, kpi in ws.kpis.items()}
    names.update({p.id: p.name for p in stored.round.proposals})
    candidates = stored.round.all_candidates()
    return context.templates.TemplateResponse(
        request,
        "round.html",
        {
            "account": account,
            "stored": stored,
            "round": stored.round,
            "names": names,
            "kpis": ws.kpis,
            "stakeholders": ws.stakeholders,
            "goals": [goal for root in ws.goals for goal in root.walk()],
            "may_vote": voting,
            "may_facilitate": may_facilitate(account),
            "positions": form_positions(live, candidates),
            "ballot": live,
            "history": history,
            "change_proposals": {
                link.candidate: link for link in round_proposals(context.store, stored.name)
            },
            "saved": saved,
            "error": error,
            "workspace_name": ws.settings.name,
            "workshops": list_workshops(context.store, stored.name),
        },
        status_code=status,
    )
