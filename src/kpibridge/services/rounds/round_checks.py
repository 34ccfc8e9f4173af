"""Checks of a round definition and a ballot against the workspace, and parsing them from JSON,
so that a bad round or ballot is refused with every problem named before anything is stored."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, date, datetime
from typing import Any

from pydantic import ValidationError

from kpibridge.errors import KpibridgeError, closest_names
from kpibridge.model.rounds import Ballot, Proposal, Round
from kpibridge.services.metrics.workspace import Workspace


def round_problems(spec: Round, ws: Workspace) -> list[str]:
    """Every problem of a new round's references (candidates, people, criteria, size)."""
    problems = []
    for candidate in spec.candidates:
        if candidate not in ws.kpis:
            problems.append(_unknown("KPI", candidate, ws.kpis))
    if len(spec.all_candidates()) < 2:
        problems.append("a round needs at least two candidates")
    for person in spec.participants:
        if person not in ws.stakeholders:
            problems.append(_unknown("stakeholder", person, ws.stakeholders))
    if not spec.participants:
        problems.append("a round needs at least one participant")
    if spec.facilitator and spec.facilitator not in ws.stakeholders:
        problems.append(_unknown("stakeholder", spec.facilitator, ws.stakeholders))
    if not spec.criteria:
        problems.append("a round needs at least one criterion")
    if len(set(spec.criteria)) != len(spec.criteria):
        problems.append("a criterion is listed twice")
    if spec.select > len(spec.all_candidates()):
        problems.append(
            f"select is {spec.select} but the round has only {len(spec.all_candidates())} "
            "candidates"
        )
    if spec.quorum is not None and spec.quorum > len(spec.participants) + len(spec.audience):
        problems.append(
            f"quorum is {spec.quorum} but the round has only "
            f"{len(spec.participants) + len(spec.audience)} people who can vote"
        )
    if spec.deadline is not None:
        try:
            if date.fromisoformat(spec.deadline) < datetime.now(UTC).date():
                problems.append(f"deadline {spec.deadline} has passed already")
        except ValueError:
            problems.append(f"deadline {spec.deadline!r} is not a date like 2027-01-31")
    return problems


def ballot_problems(round_: Round, ballot: Ballot) -> list[str]:
    """Every problem of a ballot against its round: unknown or repeated candidates, unknown
    criteria, scores outside 1-5, negative weights."""
    return ballot_problems_in(round_.all_candidates(), round_.criteria, ballot)


def ballot_problems_in(
    candidates: Sequence[str], criteria: Sequence[str], ballot: Ballot
) -> list[str]:
    """:func:`ballot_problems` against the round's candidate and criterion ids alone (what
    a ballot write reads, without loading the whole round)."""
    problems = []
    ranked = ballot.ranked()
    for candidate in dict.fromkeys(ranked):
        if candidate not in candidates:
            problems.append("ranking: " + _unknown("candidate", candidate, candidates))
    repeated = sorted({c for c in ranked if ranked.count(c) > 1})
    if repeated:
        problems.append(f"ranking: ranked more than once: {', '.join(repeated)}")
    for field in ("scores", "reactions", "rationale"):
        for candidate in getattr(ballot, field):
            if candidate not in candidates:
                problems.append(f"{field}: " + _unknown("candidate", candidate, candidates))
    for candidate, marks in ballot.scores.items():
        for criterion, mark in marks.items():
            if criterion not in criteria:
                problems.append(
                    f"scores.{candidate}: " + _unknown("criterion", criterion, criteria)
                )
            elif not 1 <= mark <= 5:
                problems.append(f"scores.{candidate}.{criterion}: {mark} is outside 1-5")
    for criterion, weight in (ballot.criteria_weights or {}).items():
        if criterion not in criteria:
            problems.append("criteria_weights: " + _unknown("criterion", criterion, criteria))
        elif weight < 0:
            problems.append(f"criteria_weights.{criterion}: {weight} is negative")
    if ballot.criteria_weights and sum(ballot.criteria_weights.values()) <= 0:
        problems.append("criteria_weights: at least one weight must be above 0")
    for comparison in ballot.comparisons:
        for criterion in (comparison.a, comparison.b):
            if criterion not in criteria:
                problems.append("comparisons: " + _unknown("criterion", criterion, criteria))
    return problems


def parse_round(data: dict[str, Any]) -> Round:
    """A round from plain data (a form or a JSON body); KpibridgeError lists every problem."""
    try:
        return Round.model_validate(data)
    except ValidationError as error:
        raise KpibridgeError("; ".join(_validation_messages(error))) from None


def parse_ballot(data: dict[str, Any]) -> Ballot:
    try:
        return Ballot.model_validate(data)
    except ValidationError as error:
        raise KpibridgeError("ballot: " + "; ".join(_validation_messages(error))) from None


def parse_proposal(data: dict[str, Any]) -> Proposal:
    try:
        return Proposal.model_validate(data)
    except ValidationError as error:
        raise KpibridgeError("proposal: " + "; ".join(_validation_messages(error))) from None


def _validation_messages(error: ValidationError) -> list[str]:
    return [
        f"{'.'.join(str(p) for p in item['loc']) or 'value'}: {item['msg']}"
        for item in error.errors()
    ]


def _unknown(kind: str, name: str, known: Collection[str]) -> str:
    close = closest_names(name, known)
    hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    return f"unknown {kind} {name!r}.{hint}"


def goal_ids(ws: Workspace) -> list[str]:
    return [goal.id for root in ws.goals for goal in root.walk()]
