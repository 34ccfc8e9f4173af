"""Answers to a round's dissent: read them (every role), write one (the facilitator or the
owner of a KPI the dissent wanted). Adoption refuses while one is missing, unless
``unanswered_reason`` is given (``POST /rounds/{name}/adopt``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from kpibridge.services.rounds.dissent_answers import answer_dissent, list_dissent
from kpibridge.services.rounds.stored_rounds import get_round
from kpibridge.web.deps import Context, Live, Viewer
from kpibridge.web.round_access import api_csrf, round_errors, round_results, shows_names

router = APIRouter(tags=["rounds"], dependencies=[Depends(api_csrf)])


class DissentAnswer(BaseModel):
    dissenter: str = Field(description="As listed by GET /rounds/{name}/dissent.")
    answer: str = Field(min_length=1, max_length=2000)
    selected: list[str] | None = Field(
        default=None, description="The set the dissent is against; null: the recommended set."
    )


def _selected(
    context: Any, live: Any, account: Any, name: str, given: list[str] | None
) -> list[str]:
    stored = get_round(context.store, name)
    if given:
        return given
    if stored.adopted:
        return list(stored.adopted)
    return list(round_results(live, stored, account).recommendation.selected)


@router.get("/rounds/{name}/dissent")
def dissent_list(
    name: str,
    account: Viewer,
    context: Context,
    live: Live,
    selected: Annotated[list[str] | None, Query()] = None,
) -> list[dict[str, Any]]:
    """Each recorded dissent against the set (adopted, else recommended, else ``selected``)
    with its written answer, if any. Anonymous rounds name nobody but to facilitators."""
    chosen = _selected(context, live, account, name, selected)
    items = [d.as_record() for d in list_dissent(context.store, name, chosen)]
    if not shows_names(account, get_round(context.store, name)):
        for index, item in enumerate(items, start=1):
            item["dissenter"] = item["label"] = f"participant {index}"
    return items


@router.post("/rounds/{name}/dissent")
def dissent_answer(
    name: str, body: DissentAnswer, account: Viewer, context: Context, live: Live
) -> dict[str, Any]:
    """Write (or replace) the answer to one dissent; kept in the audit log."""
    chosen = _selected(context, live, account, name, body.selected)
    with round_errors():
        return answer_dissent(
            context.store,
            live.workspace,
            name,
            body.dissenter,
            body.answer,
            chosen,
            account=account,
        ).as_record()
