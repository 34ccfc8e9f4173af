"""What the workshop pages and the workshop API share: the participant's whole state in one
dictionary (the page renders it, ``GET /api/v1/workshops/CODE/me`` returns it), joining, and
the calls that change something followed by a poke of the live screen."""

from __future__ import annotations

import itertools
from typing import Any

from fastapi import Request, Response

from kpibridge.services.accounts.users import Account
from kpibridge.services.workshops.names import candidate_names, stakeholder_weight
from kpibridge.services.workshops.people import find_participant, join_guest, join_user
from kpibridge.services.workshops.qr import join_url
from kpibridge.services.workshops.rankings import my_ranking, round_choices
from kpibridge.services.workshops.results import personal_view
from kpibridge.services.workshops.sessions import Workshop, get_workshop
from kpibridge.services.workshops.statements import next_statement, own_statements
from kpibridge.web.context import AppContext
from kpibridge.web.workshop_access import Seat
from kpibridge.web.workshop_hub import screen_view


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def join(
    context: AppContext,
    request: Request,
    response: Response,
    code: str,
    account: Account | None,
    display_name: str,
    group: str | None,
) -> Seat:
    """Join ``code`` (as the signed-in account, else as a guest) and set the cookie."""
    context.rate_limits.check("join", client_address(request))
    if account is not None:
        weight = stakeholder_weight(context.live.workspace, account.stakeholder)
        participant, token = join_user(context.store, code, account, weight, group)
    else:
        participant, token = join_guest(context.store, code, display_name, group)
    workshop = get_workshop(context.store, code)
    seat = Seat(workshop.code, participant.id, token)
    context.participant_cookies.set(response, seat, secure=context.secure_cookies)
    context.workshops.poke(workshop.code)
    return seat


def figures(context: AppContext, code: str, *, full: bool) -> dict[str, Any]:
    """The public figures; ``full`` (the facilitator) also while results are hidden."""
    results = context.workshops.results(get_workshop(context.store, code).code)
    return dict(results.public) if full else screen_view(results.public)


def ahp_pairs(criteria: tuple[str, ...]) -> list[tuple[str, str]]:
    return list(itertools.combinations(criteria, 2))


def participant_state(context: AppContext, seat: Seat) -> dict[str, Any]:
    """Everything the participant's page shows, for the seat the cookie proves."""
    store = context.store
    participant = find_participant(store, seat.code, seat.participant_id, seat.token)
    workshop = get_workshop(store, seat.code)
    results = context.workshops.recent(workshop.code)
    upcoming = next_statement(
        store, seat.code, seat.participant_id, seat.token, results.divisiveness
    )
    candidates, criteria = round_choices(store, seat.code)
    names = candidate_names(context.live.workspace)
    mine = my_ranking(store, seat.code, seat.participant_id)
    return {
        "workshop": workshop.as_record(),
        "participant": participant.as_record(),
        "next": upcoming.as_record(),
        "my_statements": [
            s.as_record() for s in own_statements(store, seat.code, seat.participant_id)
        ],
        "candidates": [{"id": c, "name": names.get(c, c)} for c in candidates],
        "criteria": list(criteria),
        "pairs": [list(p) for p in ahp_pairs(criteria)],
        "my_ranking": mine,
        "steps": slider_steps(mine["comparisons"] if mine else []),
        "own_view": personal_view(results, seat.participant_id, workshop),
    }


def join_link(request: Request, workshop: Workshop) -> str:
    return join_url(str(request.base_url), workshop.code)


def slider_steps(comparisons: list[list[Any]]) -> dict[str, int]:
    """Stored judgments ``[a, b, v]`` as slider steps (0 equal, +k: a is k+1 times b)."""
    steps = {}
    for a, b, value in comparisons:
        v = float(value)
        steps[f"{a}|{b}"] = round(v - 1) if v >= 1 else -(round(1 / v) - 1)
    return steps
