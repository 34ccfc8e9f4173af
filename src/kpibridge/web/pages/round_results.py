"""A round's results: consensus by every method side by side, agreement, contested KPIs,
the opinion groups map, common ground, departments, the recommended set and dissent."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kpibridge.align.round_analysis import RoundAnalysis
from kpibridge.report.round_charts import opinion_map_spec
from kpibridge.services.governance.proposal_rounds import round_proposals, round_winner
from kpibridge.services.rounds.dissent_answers import answer_dissent, list_dissent, may_answer
from kpibridge.services.rounds.round_records import StoredRound
from kpibridge.services.rounds.stored_rounds import get_round
from kpibridge.web.deps import Context, Live, Viewer
from kpibridge.web.round_access import may_facilitate, round_errors, round_results, shows_names

router = APIRouter()


@router.get("/rounds/{name}/results", response_class=HTMLResponse)
def results_page(
    request: Request, name: str, account: Viewer, context: Context, live: Live
) -> Response:
    stored = get_round(context.store, name)
    analysis = round_results(live, stored, account)
    named = shows_names(account, stored)
    result, maps = live.remember(
        ("round-results-view", stored.name, stored.version, named),
        lambda ws: _view(analysis.to_json(), {p: s.role.value for p, s in ws.stakeholders.items()}),
    )
    links = round_proposals(context.store, name)
    methods = list(result["consensus"])
    depth = len(analysis.candidates)
    return context.templates.TemplateResponse(
        request,
        "round_results.html",
        {
            "account": account,
            "stored": stored,
            "result": result,
            "names": analysis.names,
            "methods": methods,
            "depth": depth,
            "maps": maps,
            "named": named,
            "may_facilitate": may_facilitate(account),
            "change_proposals": links,
            "winner": round_winner(stored, analysis, links) if links else None,
            "answers": list_dissent(context.store, name, _answered_set(stored, analysis)),
            "may_answer": lambda item: may_answer(account, live.workspace, item),
            "workspace_name": live.workspace.settings.name,
        },
    )


def _view(
    result: dict[str, Any], roles: dict[str, str]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The analysis as JSON and its groups maps (Altair takes ~40 ms a chart: remembered
    with the analysis)."""
    maps: list[dict[str, Any]] = []
    for groups in result["groups"]:
        if groups["participants"]:
            title = "From rankings" if groups["source"] == "rankings" else "From reactions"
            maps.append(
                {
                    "source": groups["source"],
                    "spec": opinion_map_spec(groups["participants"], roles, title=title),
                }
            )
    return result, maps


def _answered_set(stored: StoredRound, analysis: RoundAnalysis) -> list[str]:
    """The set dissent is measured against: the adopted one, else the recommended one."""
    return list(stored.adopted or analysis.recommendation.selected)


@router.post("/rounds/{name}/dissent")
async def answer_page(
    request: Request, name: str, account: Viewer, context: Context, live: Live
) -> Response:
    """Save the facilitator's or a KPI owner's written answer to one dissent."""
    form = await request.form()
    stored = get_round(context.store, name)
    analysis = round_results(live, stored, account)
    with round_errors():
        answer_dissent(
            context.store,
            live.workspace,
            name,
            str(form.get("dissenter", "")),
            str(form.get("answer", "")),
            _answered_set(stored, analysis),
            account=account,
        )
    return RedirectResponse(f"/rounds/{name}/results#dissent-answers", status_code=303)
