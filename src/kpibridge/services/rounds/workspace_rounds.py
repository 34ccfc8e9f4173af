"""Alignment rounds of a workspace: list, load, check and analyse them."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from kpibridge.align.analyze import analyze
from kpibridge.align.inputs import CandidateInfo, ParticipantInfo, RoundInput
from kpibridge.align.round_analysis import RoundAnalysis
from kpibridge.errors import WorkspaceError
from kpibridge.metrics.plan import PlanBuilder
from kpibridge.model import Nature
from kpibridge.model.rounds import Round
from kpibridge.services.metrics.workspace import Workspace
from kpibridge.workspace.rounds import load_round, round_names


@dataclass(frozen=True)
class RoundListing:
    """One line of ``kpibridge round list``."""

    name: str
    question: str
    candidates: int
    participants: int
    audience: int
    ballots: int
    select: int
    deadline: str | None
    problems: int
    """Problems in the file (0 = it can be analysed)."""


def list_rounds(ws: Workspace) -> list[RoundListing]:
    listings = []
    for name in round_names(ws.root):
        round_, issues = load_round(ws.definition, name)
        if round_ is None:
            listings.append(RoundListing(name, "", 0, 0, 0, 0, 0, None, len(issues)))
            continue
        listings.append(
            RoundListing(
                name=name,
                question=round_.question,
                candidates=len(round_.all_candidates()),
                participants=len(round_.participants),
                audience=len(round_.audience),
                ballots=len(round_.ballots),
                select=round_.select,
                deadline=round_.deadline,
                problems=len(issues),
            )
        )
    return listings


def open_round(ws: Workspace, name: str) -> Round:
    """The round ``name``; raises WorkspaceError listing every problem in its file."""
    round_, issues = load_round(ws.definition, name)
    if issues or round_ is None:
        raise WorkspaceError(issues)
    return round_


def round_input(ws: Workspace, round_: Round) -> RoundInput:
    """The round joined with what the workspace knows: names, goals, roles, weights."""
    candidates = []
    for candidate in round_.candidates:
        kpi = ws.kpis[candidate]
        candidates.append(
            CandidateInfo(kpi.id, kpi.name, kpi.goal, kpi.nature is Nature.QUALITATIVE)
        )
    for proposal in round_.proposals:
        candidates.append(
            CandidateInfo(
                proposal.id,
                proposal.name,
                proposal.goal,
                proposal.nature == "qualitative",
                proposed_by=proposal.proposed_by,
                rationale=proposal.rationale,
            )
        )
    participants = [
        ParticipantInfo(s.id, s.name, s.role.value, s.weight)
        for s in (ws.stakeholders[p] for p in round_.participants)
    ]
    participants += [
        ParticipantInfo(member.id, member.id, member.role.value, None, audience=True)
        for member in round_.audience
    ]
    return RoundInput(
        id=round_.id,
        question=round_.question,
        select=round_.select,
        criteria=round_.criteria,
        candidates=tuple(candidates),
        participants=tuple(participants),
        ballots=round_.ballots,
        near_duplicates=near_duplicates(ws, round_.candidates),
        anonymous=round_.anonymous,
        quorum=round_.quorum,
    )


def near_duplicates(ws: Workspace, candidates: tuple[str, ...]) -> tuple[frozenset[str], ...]:
    """Pairs of candidate KPIs where one is a transformation of the other alone (churn is
    1 − retention), or both read exactly the same measures (two formulas over the same
    numbers). A KPI built from several others (CLV:CAC from CLV and CAC) duplicates none."""
    builder = PlanBuilder(ws.models, ws.kpis)  # definitions only: no warehouse needed
    pairs = []
    for a, b in itertools.combinations(candidates, 2):
        if (
            set(builder.direct_references(a)) == {b}
            or set(builder.direct_references(b)) == {a}
            or set(builder.measures_of(a)) == set(builder.measures_of(b))
        ):
            pairs.append(frozenset((a, b)))
    return tuple(pairs)


def analyze_round(ws: Workspace, name: str) -> RoundAnalysis:
    return analyze(round_input(ws, open_round(ws, name)))
