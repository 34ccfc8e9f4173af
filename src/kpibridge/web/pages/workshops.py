"""Workshop pages: join, the participant's phone view, the projector screen, and the
facilitator's controls (opened from the round page).

The participant pages work without scripts (plain forms, redirect after post); the script adds
keyboard shortcuts (A / D / P), the live consistency ratio of the AHP sliders, and a reload when
the facilitator changes the phase (by the same server-sent events as the projector). A refused
action (locked, rejected statement, wrong phase, too fast) shows its reason on the page and
changes nothing.
"""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kpibridge.errors import (
    KpibridgeError,
    RateLimitedError,
    WorkshopPermissionError,
    WorkshopStateError,
)
from kpibridge.model.choices import WORKSHOP_PHASES
from kpibridge.services.workshops.people import list_participants, remove_participant
from kpibridge.services.workshops.qr import qr_svg
from kpibridge.services.workshops.rankings import submit_ranking
from kpibridge.services.workshops.sessions import control, get_workshop, open_workshop
from kpibridge.services.workshops.statements import add_statement, moderate, react, statements
from kpibridge.web.deps import Context, RecordId, optional_account
from kpibridge.web.round_access import Facilitator
from kpibridge.web.workshop_views import figures, join, join_link, participant_state

router = APIRouter()


def _status(error: KpibridgeError) -> int:
    if isinstance(error, RateLimitedError):
        return 429
    if isinstance(error, WorkshopStateError):
        return 409
    if isinstance(error, WorkshopPermissionError):
        return 403
    return 400


def _participant_page(
    request: Request, context: Any, code: str, *, error: str | None = None, status: int = 200
) -> Response:
    seat = context.participant_cookies.load(request, code)
    workshop = get_workshop(context.store, code)
    state = None
    if seat is not None:
        try:
            state = participant_state(context, seat)
        except WorkshopPermissionError as refused:  # removed, or a stale cookie
            error = error or str(refused)
    account = optional_account(request, context)
    return context.templates.TemplateResponse(
        request,
        "workshop_participant.html" if state else "workshop_join.html",
        {
            "workshop": workshop,
            "state": state,
            "error": error,
            "account": account,
            "form_key": secrets.token_urlsafe(12),
            "saaty": SAATY_STEPS,
        },
        status_code=status,
    )


SAATY_STEPS = list(range(-8, 9))
"""Slider steps: 0 is "equal", +k is "left k+1 times as important", −k the reverse."""


def slider_value(step: int) -> float:
    """A slider step as a Saaty judgment of the left criterion over the right one."""
    if not -8 <= step <= 8:
        raise KpibridgeError(f"slider step {step} is off the scale (−8 … 8)")
    return float(step + 1) if step >= 0 else 1 / (1 - step)


@router.get("/w/{code}", response_class=HTMLResponse)
def participant_page(code: str, request: Request, context: Context) -> Response:
    return _participant_page(request, context, code)


@router.post("/w/{code}/join", response_class=HTMLResponse)
async def join_page(code: str, request: Request, context: Context) -> Response:
    form = await request.form()
    response = RedirectResponse(f"/w/{get_workshop(context.store, code).code}", status_code=303)
    try:
        join(
            context,
            request,
            response,
            code,
            optional_account(request, context),
            str(form.get("display_name", "")),
            str(form.get("group", "")) or None,
        )
    except KpibridgeError as error:
        return _participant_page(request, context, code, error=str(error), status=_status(error))
    return response


async def _act(request: Request, context: Any, code: str, action: Any) -> Response:
    """Run ``action(seat, form)``; redirect to the page, or show the page with the reason."""
    form = await request.form()
    try:
        seat = context.participant_cookies.require(request, code)
        action(seat, form)
    except KpibridgeError as error:
        return _participant_page(request, context, code, error=str(error), status=_status(error))
    context.workshops.poke(seat.code)
    anchor = str(form.get("anchor", "")) or "now"
    return RedirectResponse(f"/w/{seat.code}#{anchor}", status_code=303)


@router.post("/w/{code}/statements", response_class=HTMLResponse)
async def statement_page(code: str, request: Request, context: Context) -> Response:
    def write(seat: Any, form: Any) -> None:
        context.rate_limits.check("statement", f"{seat.code}:{seat.participant_id}")
        add_statement(
            context.store,
            seat.code,
            str(form.get("text", "")),
            participant_id=seat.participant_id,
            token=seat.token,
            client_key=str(form.get("key", "")),
        )

    return await _act(request, context, code, write)


@router.post("/w/{code}/react", response_class=HTMLResponse)
async def react_page(code: str, request: Request, context: Context) -> Response:
    def answer(seat: Any, form: Any) -> None:
        context.rate_limits.check("reaction", f"{seat.code}:{seat.participant_id}")
        try:
            statement = int(str(form.get("statement", "")))
        except ValueError:
            raise KpibridgeError("the form names no statement: reload the page") from None
        react(
            context.store,
            seat.code,
            statement,
            str(form.get("reaction", "")),
            participant_id=seat.participant_id,
            token=seat.token,
        )

    return await _act(request, context, code, answer)


@router.post("/w/{code}/ranking", response_class=HTMLResponse)
async def ranking_page(code: str, request: Request, context: Context) -> Response:
    def rank(seat: Any, form: Any) -> None:
        context.rate_limits.check("ranking", f"{seat.code}:{seat.participant_id}")
        places: list[tuple[int, str]] = []
        for key, value in form.multi_items():
            if key.startswith("place.") and str(value).strip():
                try:
                    places.append((int(str(value)), key.removeprefix("place.")))
                except ValueError:
                    raise KpibridgeError(f"place {value!r} is not a whole number") from None
        numbers = [p for p, _ in places]
        if len(set(numbers)) != len(numbers):
            raise KpibridgeError("two candidates have the same place: give each its own")
        comparisons = []
        for key, value in form.multi_items():
            if key.startswith("cmp."):
                left, _, right = key.removeprefix("cmp.").partition("|")
                comparisons.append([left, right, slider_value(int(str(value)))])
        submit_ranking(
            context.store,
            seat.code,
            [candidate for _, candidate in sorted(places)],
            comparisons,
            participant_id=seat.participant_id,
            token=seat.token,
        )

    return await _act(request, context, code, rank)


@router.get("/w/{code}/screen", response_class=HTMLResponse)
def screen_page(code: str, request: Request, context: Context) -> Response:
    """The projector: large type, no navigation, updated by server-sent events."""
    workshop = get_workshop(context.store, code)
    return context.templates.TemplateResponse(
        request,
        "workshop_screen.html",
        {
            "workshop": workshop,
            "join_url": join_link(request, workshop),
            "qr": qr_svg(join_link(request, workshop), scale=6),
            "figures": figures(context, workshop.code, full=False),
        },
    )


@router.get("/w/{code}/facilitate", response_class=HTMLResponse)
def facilitate_page(
    code: str, request: Request, account: Facilitator, context: Context
) -> Response:
    workshop = get_workshop(context.store, code)
    return context.templates.TemplateResponse(
        request,
        "workshop_facilitate.html",
        {
            "account": account,
            "workshop": workshop,
            "phases": WORKSHOP_PHASES,
            "join_url": join_link(request, workshop),
            "qr": qr_svg(join_link(request, workshop), scale=5),
            "participants": list_participants(context.store, code),
            "pending": statements(context.store, code, status="pending"),
            "accepted": statements(context.store, code, status="accepted"),
            "figures": figures(context, workshop.code, full=True),
            "form_key": secrets.token_urlsafe(12),
            "workspace_name": context.live.workspace.settings.name,
        },
    )


def _back(code: str) -> RedirectResponse:
    return RedirectResponse(f"/w/{code}/facilitate", status_code=303)


@router.post("/w/{code}/control")
async def control_page(
    code: str, request: Request, account: Facilitator, context: Context
) -> Response:
    form = await request.form()
    changes: dict[str, Any] = {}
    if form.get("phase"):
        changes["phase"] = str(form["phase"])
    if form.get("timer_minutes"):
        try:
            changes["timer_minutes"] = float(str(form["timer_minutes"]))
        except ValueError:
            raise KpibridgeError("the timer needs a number of minutes") from None
    if form.get("clear_timer"):
        changes["clear_timer"] = True
    for field in ("results_visible", "locked", "moderation"):
        if form.get(field) in {"true", "false"}:
            changes[field] = form[field] == "true"
    workshop = control(context.store, code, actor=account.username, **changes)
    context.workshops.poke(workshop.code)
    return _back(workshop.code)


@router.post("/w/{code}/seed")
async def seed_page(
    code: str, request: Request, account: Facilitator, context: Context
) -> Response:
    form = await request.form()
    add_statement(
        context.store,
        code,
        str(form.get("text", "")),
        participant_id=None,
        token=None,
        client_key=str(form.get("key", "")) or secrets.token_urlsafe(12),
        actor=account.username,
    )
    context.workshops.poke(get_workshop(context.store, code).code)
    return _back(get_workshop(context.store, code).code)


@router.post("/w/{code}/moderate/{statement}")
async def moderate_page(
    code: str, statement: RecordId, request: Request, account: Facilitator, context: Context
) -> Response:
    form = await request.form()
    moderate(
        context.store,
        code,
        statement,
        accept=form.get("decision") == "accept",
        reason=str(form.get("reason", "")),
        actor=account.username,
    )
    context.workshops.poke(get_workshop(context.store, code).code)
    return _back(get_workshop(context.store, code).code)


@router.post("/w/{code}/remove/{participant}")
async def remove_page(
    code: str, participant: RecordId, request: Request, account: Facilitator, context: Context
) -> Response:
    form = await request.form()
    remove_participant(
        context.store, code, participant, actor=account.username, note=str(form.get("note", ""))
    )
    context.workshops.poke(get_workshop(context.store, code).code)
    return _back(get_workshop(context.store, code).code)


@router.post("/rounds/{name}/workshops")
async def open_page(
    name: str, request: Request, account: Facilitator, context: Context
) -> Response:
    """Open a workshop on the round (from the round page)."""
    form = await request.form()
    workshop = open_workshop(
        context.store, name, actor=account.username, moderation=form.get("moderation") == "on"
    )
    return _back(workshop.code)
