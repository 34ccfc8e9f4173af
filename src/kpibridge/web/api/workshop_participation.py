"""Taking part in a workshop: join (as a guest, or as yourself when signed in), write
statements, react, rank and weigh, and read your own view.

Every call after joining is authorised by the workshop's participant cookie (see
:mod:`kpibridge.web.workshop_access`); unsafe calls repeat the CSRF cookie's value in
``X-CSRF-Token``, as every cookie-authenticated API call does.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field

from kpibridge.services.workshops.rankings import (
    check_comparisons,
    judgment_sentence,
    round_choices,
    submit_ranking,
)
from kpibridge.services.workshops.statements import add_statement, next_statement, react
from kpibridge.web.deps import Context, optional_account
from kpibridge.web.round_access import api_csrf
from kpibridge.web.workshop_views import join, participant_state

router = APIRouter(tags=["workshops"], dependencies=[Depends(api_csrf)])


class Join(BaseModel):
    display_name: str = Field(default="", max_length=200, description="Guests: the name shown.")
    group: str | None = Field(default=None, max_length=200, description='"finance", "customer"…')


class StatementWrite(BaseModel):
    text: str = Field(max_length=10_000)
    key: str = Field(
        min_length=1, max_length=64, description="A random key per statement: a resend is ignored."
    )


class ReactionWrite(BaseModel):
    statement: int
    reaction: Literal["agree", "disagree", "pass"]


class RankingWrite(BaseModel):
    ranking: list[str] = Field(description="Candidate ids, best first.")
    comparisons: list[list[Any]] = Field(
        default_factory=list, description="[a, b, v]: a is v times as important as b (1/9..9)."
    )


class ComparisonsCheck(BaseModel):
    comparisons: list[list[Any]]


@router.post("/workshops/{code}/join")
def join_session(
    code: str, body: Join, request: Request, response: Response, context: Context
) -> dict[str, Any]:
    """Join; sets the participant cookie. Signed in (session or token): as yourself, with
    your stakeholder weight; otherwise as a guest with ``display_name``."""
    account = optional_account(request, context)
    seat = join(context, request, response, code, account, body.display_name, body.group)
    return {"code": seat.code, "participant": seat.participant_id}


@router.get("/workshops/{code}/me")
def my_state(code: str, request: Request, context: Context) -> dict[str, Any]:
    """Your place: the next statement, your statements, your ranking, your own view."""
    return participant_state(context, context.participant_cookies.require(request, code))


@router.get("/workshops/{code}/next")
def my_next(code: str, request: Request, context: Context) -> dict[str, Any]:
    seat = context.participant_cookies.require(request, code)
    upcoming = next_statement(
        context.store,
        seat.code,
        seat.participant_id,
        seat.token,
        context.workshops.divisiveness(seat.code),
    )
    return upcoming.as_record()


@router.post("/workshops/{code}/statements", status_code=201)
def write_statement(
    code: str, body: StatementWrite, request: Request, response: Response, context: Context
) -> dict[str, Any]:
    """Write a statement (pending when the facilitator moderates). Sending the same ``key``
    again returns the stored statement with status 200."""
    seat = context.participant_cookies.require(request, code)
    context.rate_limits.check("statement", f"{seat.code}:{seat.participant_id}")
    statement, new = add_statement(
        context.store,
        seat.code,
        body.text,
        participant_id=seat.participant_id,
        token=seat.token,
        client_key=body.key,
    )
    if not new:
        response.status_code = 200
    context.workshops.poke(seat.code)
    return statement.as_record()


@router.post("/workshops/{code}/reactions")
def write_reaction(
    code: str, body: ReactionWrite, request: Request, context: Context
) -> dict[str, Any]:
    """Agree, disagree or pass on one statement (again: the last answer counts, stored once).
    Returns the next statement to answer."""
    seat = context.participant_cookies.require(request, code)
    context.rate_limits.check("reaction", f"{seat.code}:{seat.participant_id}")
    react(
        context.store,
        seat.code,
        body.statement,
        body.reaction,
        participant_id=seat.participant_id,
        token=seat.token,
    )
    context.workshops.poke(seat.code)
    upcoming = next_statement(
        context.store,
        seat.code,
        seat.participant_id,
        seat.token,
        context.workshops.divisiveness(seat.code),
    )
    return {"stored": True, "next": upcoming.as_record()}


@router.put("/workshops/{code}/ranking")
def write_ranking(
    code: str, body: RankingWrite, request: Request, context: Context
) -> dict[str, Any]:
    """Your ranking of the candidates and your AHP comparisons of the criteria (replacing
    earlier ones); returns the consistency check."""
    seat = context.participant_cookies.require(request, code)
    context.rate_limits.check("ranking", f"{seat.code}:{seat.participant_id}")
    result = submit_ranking(
        context.store,
        seat.code,
        body.ranking,
        body.comparisons,
        participant_id=seat.participant_id,
        token=seat.token,
    )
    context.workshops.poke(seat.code)
    return result


@router.post("/workshops/{code}/ahp")
def check_ahp(code: str, body: ComparisonsCheck, context: Context) -> dict[str, Any]:
    """The consistency of comparisons before they are sent (changes nothing): weights, the
    consistency ratio and, above 0.1, the judgment that fits least, in a sentence."""
    _candidates, criteria = round_choices(context.store, code)
    _parsed, result = check_comparisons(criteria, body.comparisons)
    if result is None:
        return {"ahp": None, "warning": None}
    return {"ahp": result.to_json(), "warning": judgment_sentence(result)}
