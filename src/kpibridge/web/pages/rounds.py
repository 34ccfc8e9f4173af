"""Alignment rounds: the list, the form that opens a round, closing and adopting."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kpibridge.errors import KpibridgeError
from kpibridge.model.rounds import DEFAULT_CRITERIA
from kpibridge.services.accounts.users import Account
from kpibridge.services.rounds.round_checks import parse_round
from kpibridge.services.rounds.stored_rounds import (
    adopt_round,
    close_round,
    create_round,
    get_round,
    list_stored_rounds,
)
from kpibridge.web.deps import Context, Live, Viewer
from kpibridge.web.round_access import Facilitator, may_facilitate, round_errors, round_results

router = APIRouter()


@router.get("/rounds", response_class=HTMLResponse)
def rounds_page(request: Request, account: Viewer, context: Context) -> Response:
    return context.templates.TemplateResponse(
        request,
        "rounds.html",
        {
            "account": account,
            "rounds": list_stored_rounds(context.store),
            "may_facilitate": may_facilitate(account),
            "workspace_name": context.live.workspace.settings.name,
        },
    )


@router.get("/rounds/new", response_class=HTMLResponse)
def new_round_page(request: Request, account: Facilitator, context: Context) -> Response:
    return _new_round_form(request, account, context, {}, None)


@router.post("/rounds", response_class=HTMLResponse)
async def create_round_page(request: Request, account: Facilitator, context: Context) -> Response:
    form = await request.form()
    values: dict[str, Any] = {
        "id": str(form.get("name", "")).strip(),
        "question": str(form.get("question", "")).strip(),
        "candidates": [str(v) for v in form.getlist("candidates")],
        "participants": [str(v) for v in form.getlist("participants")],
        "criteria": [c.strip() for c in str(form.get("criteria", "")).split(",") if c.strip()],
        "select": str(form.get("select", "5")).strip() or "5",
        "quorum": str(form.get("quorum", "")).strip() or None,
        "deadline": str(form.get("deadline", "")).strip() or None,
        "anonymous": form.get("anonymous") == "on",
        "facilitator": account.stakeholder,
    }
    try:
        spec = parse_round(values)
        create_round(context.store, context.live.workspace, spec, actor=account.username)
    except KpibridgeError as error:
        return _new_round_form(request, account, context, values, str(error), status=400)
    return RedirectResponse(f"/rounds/{spec.id}", status_code=303)


@router.post("/rounds/{name}/close")
def close_round_page(name: str, account: Facilitator, context: Context) -> Response:
    with round_errors():
        close_round(context.store, name, actor=account.username)
    return RedirectResponse(f"/rounds/{name}/results", status_code=303)


@router.post("/rounds/{name}/adopt")
async def adopt_round_page(
    request: Request, name: str, account: Facilitator, context: Context, live: Live
) -> Response:
    """Adopt the ticked candidates; with none ticked, the recommended set. A round below its
    quorum needs the confirm box ticked and a reason."""
    form = await request.form()
    selected = [str(v) for v in form.getlist("selected")]
    if not selected:
        stored = get_round(context.store, name)
        selected = list(round_results(live, stored, account).recommendation.selected)
    reason = str(form.get("unanswered_reason", "")).strip() or None
    confirmed = form.get("confirm_below_quorum") == "on"
    quorum_reason = str(form.get("below_quorum_reason", "")).strip() if confirmed else None
    with round_errors():
        adopt_round(
            context.store,
            name,
            selected,
            actor=account.username,
            unanswered_reason=reason,
            below_quorum_reason=quorum_reason,
        )
    return RedirectResponse(f"/rounds/{name}/results", status_code=303)


def _new_round_form(
    request: Request,
    account: Account,
    context: Context,
    values: dict[str, Any],
    error: str | None,
    status: int = 200,
) -> Response:
    ws = context.live.workspace
    return context.templates.TemplateResponse(
        request,
        "round_new.html",
        {
            "account": account,
            "kpis": ws.kpis,
            "stakeholders": ws.stakeholders,
            "values": values,
            "default_criteria": ", ".join(values.get("criteria") or DEFAULT_CRITERIA),
            "error": error,
            "workspace_name": ws.settings.name,
        },
        status_code=status,
    )
