"""Alignment rounds, ballots and results.

Reading needs any role; a ballot needs the member role and a place among the round's
participants; creating, closing and adopting need the facilitator role. Unsafe calls made
with the session cookie carry the CSRF token in ``X-CSRF-Token``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from kpibridge.services.rounds.ballots import clear_ballot, submit_ballot
from kpibridge.services.rounds.round_checks import parse_ballot, parse_proposal, parse_round
from kpibridge.services.rounds.stored_rounds import (
    adopt_round,
    ballot_history,
    close_round,
    create_round,
    get_round,
    list_stored_rounds,
    propose_candidate,
)
from kpibridge.web.api.round_schemas import Adoption, BallotSubmit, ProposalCreate, RoundCreate
from kpibridge.web.deps import Context, Live, Viewer
from kpibridge.web.round_access import (
    Facilitator,
    Member,
    api_csrf,
    may_facilitate,
    may_vote,
    round_errors,
    round_record,
    round_results,
    shows_names,
)

router = APIRouter(tags=["rounds"], dependencies=[Depends(api_csrf)])


@router.get("/rounds")
def rounds(account: Viewer, context: Context) -> list[dict[str, Any]]:
    """Every round, open ones first."""
    return [round_record(account, stored) for stored in list_stored_rounds(context.store)]


@router.post("/rounds", status_code=201)
def new_round(body: RoundCreate, account: Facilitator, context: Context) -> dict[str, Any]:
    """Open a new round (facilitators)."""
    spec = parse_round(
        {
            "id": body.name,
            "question": body.question,
            "candidates": body.candidates,
            "participants": body.participants,
            "criteria": body.criteria,
            "select": body.select,
            "quorum": body.quorum,
            "deadline": body.deadline,
            "anonymous": body.anonymous,
            "facilitator": body.facilitator or account.stakeholder,
        }
    )
    stored = create_round(context.store, context.live.workspace, spec, actor=account.username)
    return round_record(account, stored)


@router.get("/rounds/{name}")
def round_detail(name: str, account: Viewer, context: Context) -> dict[str, Any]:
    stored = get_round(context.store, name)
    return {**round_record(account, stored), "you_may_vote": may_vote(account, stored)}


@router.get("/rounds/{name}/ballot")
def my_ballot(name: str, account: Member, context: Context) -> dict[str, Any]:
    """The caller's live ballot (or null) and every earlier one, newest first."""
    stored = get_round(context.store, name)
    history = (
        ballot_history(context.store, name, account.stakeholder) if account.stakeholder else []
    )
    live = history[0] if history and history[0].replaced_at is None else None
    return {
        "round": stored.name,
        "participant": account.stakeholder,
        "may_vote": may_vote(account, stored),
        "live": live.as_record() if live else None,
        "history": [version.as_record() for version in history],
    }


@router.put("/rounds/{name}/ballot")
def put_ballot(name: str, body: BallotSubmit, account: Member, context: Context) -> dict[str, Any]:
    """Store the caller's ballot; it replaces their earlier one (which is kept as history)."""
    ballot = parse_ballot({"participant": account.stakeholder or "", **body.model_dump()})
    with round_errors():
        version = submit_ballot(
            context.store, name, ballot, actor=account.username, participant=account.stakeholder
        )
    return version.as_record()


@router.delete("/rounds/{name}/ballot")
def delete_ballot(name: str, account: Member, context: Context) -> dict[str, Any]:
    """Clear the caller's ballot: the live one is withdrawn (kept as history). An empty
    ballot sent with PUT is refused instead, so that nobody wipes a ranking by accident."""
    with round_errors():
        withdrawn = clear_ballot(
            context.store, name, actor=account.username, participant=account.stakeholder
        )
    return {"round": name, "withdrawn": withdrawn.as_record() if withdrawn else None}


@router.post("/rounds/{name}/proposals", status_code=201)
def propose(name: str, body: ProposalCreate, account: Member, context: Context) -> dict[str, Any]:
    """Propose a new candidate (participants and facilitators, while the round is open)."""
    proposal = parse_proposal({**body.model_dump(), "proposed_by": account.stakeholder})
    with round_errors():
        stored = propose_candidate(
            context.store,
            context.live.workspace,
            name,
            proposal,
            actor=account.username,
            participant=account.stakeholder,
            may_facilitate=may_facilitate(account),
        )
    return round_record(account, stored)


@router.get("/rounds/{name}/results")
def results(name: str, account: Viewer, context: Context, live: Live) -> dict[str, Any]:
    """The analysis of the live ballots (``kpibridge round results --format json``); in an
    anonymous round people are named by department unless the caller facilitates."""
    stored = get_round(context.store, name)
    analysis = round_results(live, stored, account)
    return {
        "status": stored.status,
        "adopted": list(stored.adopted),
        "named": shows_names(account, stored),
        **analysis.to_json(),
    }


@router.post("/rounds/{name}/close")
def close(name: str, account: Facilitator, context: Context) -> dict[str, Any]:
    with round_errors():
        return round_record(account, close_round(context.store, name, actor=account.username))


@router.post("/rounds/{name}/adopt")
def adopt(
    name: str, account: Facilitator, context: Context, live: Live, body: Adoption | None = None
) -> dict[str, Any]:
    """Adopt the given candidates, or the recommended set when none are given."""
    selected = body.selected if body else None
    if selected is None:
        stored = get_round(context.store, name)
        selected = list(round_results(live, stored, account).recommendation.selected)
    reason = body.unanswered_reason if body else None
    with round_errors():
        adopted = adopt_round(
            context.store,
            name,
            selected,
            actor=account.username,
            unanswered_reason=reason,
            below_quorum_reason=body.below_quorum_reason if body else None,
        )
    return round_record(account, adopted)
