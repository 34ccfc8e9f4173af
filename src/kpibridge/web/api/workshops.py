"""Live workshops: the facilitator's controls, the public figures and the live event stream.

Opening and controlling a workshop needs the facilitator role. The figures, the QR code and
the event stream need only the join code (the projector shows them to the room). What a
participant does is in :mod:`kpibridge.web.api.workshop_participation`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel, Field

from kpibridge.services.workshops.export import export_workshop
from kpibridge.services.workshops.names import candidate_names
from kpibridge.services.workshops.people import list_participants, remove_participant
from kpibridge.services.workshops.qr import qr_svg
from kpibridge.services.workshops.sessions import (
    control,
    get_workshop,
    list_workshops,
    open_workshop,
)
from kpibridge.services.workshops.statements import add_statement, moderate, statements
from kpibridge.web.deps import Context, RecordId, Viewer
from kpibridge.web.round_access import Facilitator, api_csrf
from kpibridge.web.workshop_views import figures, join_link

router = APIRouter(tags=["workshops"], dependencies=[Depends(api_csrf)])


class WorkshopOpen(BaseModel):
    round: str = Field(description="An open round of the app store.")
    moderation: bool = Field(default=False, description="Hold statements for approval.")


class WorkshopControl(BaseModel):
    """Only the fields given change."""

    phase: str | None = Field(default=None, description="brainstorm, react, rank, results, closed")
    timer_minutes: float | None = Field(default=None, gt=0, le=180)
    clear_timer: bool = False
    results_visible: bool | None = None
    locked: bool | None = None
    moderation: bool | None = None


class Moderation(BaseModel):
    accept: bool
    reason: str = ""


class Removal(BaseModel):
    note: str = Field(min_length=1, max_length=500, description="Why; shown with the results.")


class SeedStatement(BaseModel):
    text: str
    key: str = Field(min_length=1, max_length=64, description="Any unique string per statement.")


def _record(request: Request, code: str, context: Any) -> dict[str, Any]:
    workshop = get_workshop(context.store, code)
    link = join_link(request, workshop)
    return {
        **workshop.as_record(),
        "join_url": link,
        "qr_svg_url": f"/api/v1/workshops/{workshop.code}/qr.svg",
        "screen_url": f"/w/{workshop.code}/screen",
    }


@router.post("/workshops", status_code=201)
def open_session(
    body: WorkshopOpen, request: Request, account: Facilitator, context: Context
) -> dict[str, Any]:
    """Open a workshop on an open round (facilitators); returns its join code and link."""
    workshop = open_workshop(
        context.store, body.round, actor=account.username, moderation=body.moderation
    )
    return _record(request, workshop.code, context)


@router.get("/workshops")
def sessions(
    _account: Viewer, context: Context, round: Annotated[str | None, Query()] = None
) -> list[dict[str, Any]]:
    """Every workshop (of one round), newest first."""
    return [w.as_record() for w in list_workshops(context.store, round)]


@router.get("/workshops/{code}")
def session_detail(code: str, request: Request, context: Context) -> dict[str, Any]:
    """The workshop's state and links (anyone with the code)."""
    return _record(request, code, context)


@router.get("/workshops/{code}/figures")
def session_figures(code: str, context: Context) -> dict[str, Any]:
    """Every number the projector shows (the analysis is null while results are hidden)."""
    return figures(context, code, full=False)


@router.get("/workshops/{code}/figures/full")
def session_figures_full(code: str, _account: Facilitator, context: Context) -> dict[str, Any]:
    """The figures even while results are hidden (facilitators)."""
    return figures(context, code, full=True)


@router.get("/workshops/{code}/qr.svg", response_class=Response)
def session_qr(code: str, request: Request, context: Context) -> Response:
    """The join link as a QR code (SVG)."""
    workshop = get_workshop(context.store, code)
    return Response(
        qr_svg(join_link(request, workshop)),
        media_type="image/svg+xml",
        headers={"Cache-Control": "public, max-age=3600"},
    )


@router.get("/workshops/{code}/events", response_class=StreamingResponse)
def session_events(code: str, context: Context) -> StreamingResponse:
    """Server-sent events: one ``figures`` event now and one after every change (the same
    JSON as ``/figures``), and a comment line every 15 s to keep proxies from closing it."""
    workshop = get_workshop(context.store, code)
    return StreamingResponse(
        context.workshops.stream(workshop.code),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


@router.post("/workshops/{code}/control")
def session_control(
    code: str, body: WorkshopControl, request: Request, account: Facilitator, context: Context
) -> dict[str, Any]:
    """Phase, timer, results shown or hidden, lock, moderation (facilitators)."""
    workshop = control(
        context.store,
        code,
        actor=account.username,
        phase=body.phase,
        timer_minutes=body.timer_minutes,
        clear_timer=body.clear_timer,
        results_visible=body.results_visible,
        locked=body.locked,
        moderation=body.moderation,
    )
    context.workshops.poke(workshop.code)
    return _record(request, workshop.code, context)


@router.get("/workshops/{code}/participants")
def session_participants(
    code: str, _account: Facilitator, context: Context
) -> list[dict[str, Any]]:
    return [p.as_record() for p in list_participants(context.store, code)]


@router.post("/workshops/{code}/participants/{participant}/remove")
def session_remove(
    code: str, participant: RecordId, body: Removal, account: Facilitator, context: Context
) -> dict[str, Any]:
    """Take a participant out of the results (their contributions stay in the audit log)."""
    removed = remove_participant(
        context.store, code, participant, actor=account.username, note=body.note
    )
    context.workshops.poke(get_workshop(context.store, code).code)
    return removed.as_record()


@router.get("/workshops/{code}/statements")
def session_statements(
    code: str,
    _account: Facilitator,
    context: Context,
    status: Annotated[str | None, Query(pattern="^(pending|accepted|rejected)$")] = None,
) -> list[dict[str, Any]]:
    """Statements with their authors (facilitators: for moderation)."""
    return [s.as_record(with_author=True) for s in statements(context.store, code, status=status)]


@router.post("/workshops/{code}/statements/seed", status_code=201)
def session_seed(
    code: str, body: SeedStatement, account: Facilitator, context: Context
) -> dict[str, Any]:
    """A statement written by the facilitator (accepted at once), to start the conversation."""
    statement, _new = add_statement(
        context.store,
        code,
        body.text,
        participant_id=None,
        token=None,
        client_key=body.key,
        actor=account.username,
    )
    context.workshops.poke(get_workshop(context.store, code).code)
    return statement.as_record()


@router.post("/workshops/{code}/statements/{statement}/moderate")
def session_moderate(
    code: str, statement: RecordId, body: Moderation, account: Facilitator, context: Context
) -> dict[str, Any]:
    """Accept a waiting statement, or reject it with a reason its author sees."""
    result = moderate(
        context.store,
        code,
        statement,
        accept=body.accept,
        reason=body.reason,
        actor=account.username,
    )
    context.workshops.poke(get_workshop(context.store, code).code)
    return result.as_record()


@router.get("/workshops/{code}/export")
def session_export(code: str, _account: Facilitator, context: Context) -> dict[str, Any]:
    """Everything the workshop holds (participants, statements, reactions, rankings, results)."""
    return export_workshop(context.store, code, candidate_names(context.live.workspace))
