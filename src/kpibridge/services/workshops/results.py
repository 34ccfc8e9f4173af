"""What a workshop shows: counts, the opinion map, common ground, the most divisive
statements and the consensus ranking with how sure it is — the projector's data and the
JSON API's, one computation for both.

The analysis is the alignment engine's, applied to the workshop's own data:

* the reaction matrix (participants not removed × accepted statements) →
  :func:`kpibridge.align.reactions.cluster_reactions` (Pol.is opinion groups and map),
  :func:`kpibridge.align.repness.representative` (what sets each group apart) and
  :func:`kpibridge.align.common_ground.common_ground` (agree counts as support);
* the rankings (weighted by stakeholder weight; guests weigh 1) →
  :func:`kpibridge.align.kemeny.kemeny`, :func:`kpibridge.align.agreement.kendall_w`.

**How sure the ranking is.** For each neighbouring pair of the consensus order, the share of
the (weighted) people who rank the two differently and put the upper one first. The top k is
*firm* when every pair down to the k-th place is backed by at least 70 %, *leaning* when by at
least 55 %, else *open* (a few changed minds would reorder it). Beside it, Kendall's W.

**Divisiveness** of a statement: with two or more opinion groups, the spread (max − min) of the
groups' smoothed agree rates ``(agree + 1) / (votes + 2)``; with one group, the balance of
agree and disagree ``1 − |a − d| / (a + d)``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.sparse.linalg import ArpackError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kpibridge.align.agreement import kendall_w
from kpibridge.align.common_ground import common_ground
from kpibridge.align.kemeny import kemeny
from kpibridge.align.profile import Profile
from kpibridge.align.reactions import cluster_reactions
from kpibridge.align.repness import representative
from kpibridge.services.workshops.people import participant_counts
from kpibridge.services.workshops.sessions import Workshop, load
from kpibridge.services.workshops.statements import REACTIONS, _live_statements
from kpibridge.store import Store
from kpibridge.store.rounds_schema import RoundRecord
from kpibridge.store.workshops_schema import (
    WorkshopParticipantRecord,
    WorkshopRankingRecord,
    WorkshopReactionRecord,
    WorkshopStatementRecord,
)

FIRM = 0.70
LEANING = 0.55
SHOWN = 5
MAP_MIN_PEOPLE = 3


def version(session: Session, workshop_id: int) -> tuple[Any, ...]:
    """Changes whenever anything the results read changes (for caching and for the live
    screen): one small aggregate query per table."""
    workshop = session.execute(
        select(
            func.max(WorkshopParticipantRecord.id),
            func.count(WorkshopParticipantRecord.removed_at),
        ).where(WorkshopParticipantRecord.workshop_id == workshop_id)
    ).one()
    reactions = session.execute(
        select(func.count(), func.max(WorkshopReactionRecord.at)).where(
            WorkshopReactionRecord.workshop_id == workshop_id
        )
    ).one()
    statements = session.execute(
        select(func.count(), func.max(WorkshopStatementRecord.id)).where(
            WorkshopStatementRecord.workshop_id == workshop_id,
            WorkshopStatementRecord.status != "pending",
        )
    ).one()
    pending = session.scalar(
        select(func.count()).where(
            WorkshopStatementRecord.workshop_id == workshop_id,
            WorkshopStatementRecord.status == "pending",
        )
    )
    rankings = session.execute(
        select(func.count(), func.max(WorkshopRankingRecord.at)).where(
            WorkshopRankingRecord.workshop_id == workshop_id
        )
    ).one()
    return (*workshop, *reactions, *statements, pending, *rankings)


def current_version(store: Store, code: str) -> tuple[Any, ...]:
    with store.transaction() as session:
        record, workshop = load(session, code)
        return (
            workshop.phase,
            workshop.locked,
            workshop.results_visible,
            workshop.timer_ends_at,
            workshop.round_status,
            *version(session, record.id),
        )


@dataclass(frozen=True)
class WorkshopResults:
    """The public figures (``public``: what the projector and ``GET /api/v1/workshops/CODE``
    show) and the per-participant parts the personal view needs (never shown to others)."""

    public: dict[str, Any]
    group_of: dict[int, int] = field(default_factory=dict)
    """participant id → opinion group (absent: no votes)."""
    group_statements: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    rankings: dict[int, list[str]] = field(default_factory=dict)
    divisiveness: dict[int, float] = field(default_factory=dict)


def compute_results(store: Store, code: str, names: Mapping[str, str]) -> WorkshopResults:
    """Every figure of the workshop ``code``; ``names`` are the candidates' display names."""
    with store.transaction() as session:
        record, workshop = load(session, code)
        round_ = session.get(RoundRecord, record.round_id)
        assert round_ is not None
        candidates = [c.candidate for c in round_.candidates]
        labels = {
            c.candidate: names.get(c.candidate, c.name or c.candidate) for c in round_.candidates
        }
        select_count = min(round_.select_count, len(candidates))
        people = session.scalars(
            select(WorkshopParticipantRecord).where(
                WorkshopParticipantRecord.workshop_id == record.id
            )
        ).all()
        live = _live_statements(session, record.id)
        active = {p.id: p for p in people if p.removed_at is None}
        reactions = session.execute(
            select(
                WorkshopReactionRecord.participant_id,
                WorkshopReactionRecord.statement_id,
                WorkshopReactionRecord.reaction,
            ).where(WorkshopReactionRecord.workshop_id == record.id)
        ).all()
        ranking_rows = session.scalars(
            select(WorkshopRankingRecord).where(WorkshopRankingRecord.workshop_id == record.id)
        ).all()
        pending = session.scalar(
            select(func.count()).where(
                WorkshopStatementRecord.workshop_id == record.id,
                WorkshopStatementRecord.status == "pending",
            )
        )
        rejected = session.scalar(
            select(func.count()).where(
                WorkshopStatementRecord.workshop_id == record.id,
                WorkshopStatementRecord.status == "rejected",
            )
        )
        counts = participant_counts(session, record.id)
    statement_ids = [s.id for s in live]
    texts = {s.id: s.text for s in live}
    column = {sid: i for i, sid in enumerate(statement_ids)}
    voters = sorted({pid for pid, sid, _ in reactions if pid in active and sid in column})
    row_of = {pid: i for i, pid in enumerate(voters)}
    matrix = np.full((len(voters), len(statement_ids)), np.nan, dtype=np.float32)
    value = {"agree": 1.0, "disagree": -1.0, "pass": 0.0}
    for pid, sid, reaction in reactions:
        if pid in row_of and sid in column:
            matrix[row_of[pid], column[sid]] = value[reaction]
    votes = int((~np.isnan(matrix)).sum())
    tallies = {
        sid: {r: int((matrix[:, column[sid]] == value[r]).sum()) for r in REACTIONS}
        for sid in statement_ids
    }

    group_of: dict[int, int] = {}
    map_json: dict[str, Any] = {"k": 0, "points": [], "notes": []}
    group_labels = np.full(len(voters), -1, dtype=np.int64)
    group_statements: dict[int, list[dict[str, Any]]] = {}
    groups_json: list[dict[str, Any]] = []
    clusters = None
    if len(voters) >= MAP_MIN_PEOPLE and statement_ids:
        try:
            clusters = cluster_reactions(matrix, seed=0)
        except ArpackError as error:
            # the engine's Lanczos start vector can be orthogonal to every row of a perfectly
            # balanced vote pattern; say so rather than fail the whole screen
            map_json["notes"] = [f"The opinion map could not be computed yet ({error})."]
    if clusters is not None:
        group_labels = clusters.labels
        coords = clusters.coords
        scale = float(np.abs(coords).max()) or 1.0
        map_json = {
            "k": clusters.k,
            "points": [
                {"x": round(float(x) / scale, 4), "y": round(float(y) / scale, 4), "group": int(g)}
                for (x, y), g in zip(coords, group_labels, strict=True)
            ],
            "notes": list(clusters.notes),
            "in_analysis": int(clusters.in_analysis.sum()),
        }
        group_of = {pid: int(group_labels[row_of[pid]]) for pid in voters}
        descriptions = representative(
            matrix,
            group_labels,
            [str(s) for s in statement_ids],
            [str(p) for p in voters],
            kind="reactions",
            candidate_names={str(s): texts[s] for s in statement_ids},
        )
        for description in descriptions:
            defining = [
                {
                    "id": int(d.candidate),
                    "text": texts[int(d.candidate)],
                    "direction": "agrees more" if d.direction == "higher" else "agrees less",
                    "group_agree": round(d.group_value, 3),
                    "others_agree": round(d.rest_value, 3),
                    "q_value": round(d.q_value, 4),
                }
                for d in description.distinguishing
            ]
            group_statements[description.group] = defining
            groups_json.append(
                {"group": description.group, "size": description.size, "defining": defining}
            )

    divisiveness = _divisiveness(matrix, group_labels, statement_ids)
    support = np.where(np.isnan(matrix), np.nan, (matrix == 1).astype(float))
    ground_json: list[dict[str, Any]] = []
    if len(voters) and statement_ids:
        ground = common_ground(
            support,
            np.maximum(group_labels, 0) if map_json["k"] == 0 else group_labels,
            [str(s) for s in statement_ids],
        )
        ground_json = [
            {
                "id": int(s.candidate),
                "text": texts[int(s.candidate)],
                "score": round(s.score, 4),
                "group_support": [round(p, 3) for p in s.group_support],
                "every_group": s.every_group,
            }
            for s in ground.scores[:SHOWN]
            if s.every_group
        ]
    divisive_json = [
        {"id": sid, "text": texts[sid], "divisiveness": round(divisiveness[sid], 3), **tallies[sid]}
        for sid in sorted(statement_ids, key=lambda s: (-divisiveness[s], s))[:SHOWN]
        if sum(tallies[sid].values()) > 0
    ]
    rankings = {
        row.participant_id: list(row.ranking)
        for row in ranking_rows
        if row.participant_id in active
    }
    consensus_json = _consensus(candidates, labels, rankings, active, select_count)
    removed = [p for p in people if p.removed_at is not None]
    public = {
        "workshop": workshop.as_record(),
        "participants": {"active": counts[0], "removed": counts[1]},
        "statements": {
            "accepted": len(statement_ids),
            "pending": pending or 0,
            "rejected": rejected or 0,
        },
        "votes": votes,
        "rankings": len(rankings),
        "map": map_json,
        "groups": groups_json,
        "common_ground": ground_json,
        "divisive": divisive_json,
        "consensus": consensus_json,
        "removed_notes": [
            f"{p.display_name} was removed by the facilitator: {p.removed_note}" for p in removed
        ],
    }
    return WorkshopResults(public, group_of, group_statements, rankings, divisiveness)


def _divisiveness(
    matrix: np.ndarray, labels: np.ndarray, statement_ids: list[int]
) -> dict[int, float]:
    agree = (matrix == 1).astype(float)
    disagree = (matrix == -1).astype(float)
    seen = (~np.isnan(matrix)).astype(float)
    groups = int(labels.max()) + 1 if len(labels) else 0
    if groups >= 2:
        rates = np.stack(
            [
                (agree[labels == g].sum(axis=0) + 1) / (seen[labels == g].sum(axis=0) + 2)
                for g in range(groups)
            ]
        )
        spread = rates.max(axis=0) - rates.min(axis=0)
    else:
        a, d = agree.sum(axis=0), disagree.sum(axis=0)
        spread = np.where(a + d > 0, 1 - np.abs(a - d) / np.maximum(a + d, 1), 0.0)
    return {sid: float(spread[i]) for i, sid in enumerate(statement_ids)}


def _consensus(
    candidates: list[str],
    labels: Mapping[str, str],
    rankings: Mapping[int, list[str]],
    active: Mapping[int, WorkshopParticipantRecord],
    select_count: int,
) -> dict[str, Any]:
    if not rankings or not candidates:
        return {"order": [], "rankers": 0, "certainty": None, "sentence": "No rankings yet."}
    voters = sorted(rankings)
    profile = Profile(
        tuple(candidates),
        tuple(tuple((c,) for c in rankings[v]) for v in voters),
        weights=tuple(active[v].weight for v in voters),
        voters=tuple(str(v) for v in voters),
    )
    result = kemeny(profile)
    pairwise = profile.pairwise()
    index = {c: i for i, c in enumerate(candidates)}
    steps: list[dict[str, Any]] = []
    for upper, lower in zip(result.order, result.order[1:], strict=False):
        above = pairwise[index[upper], index[lower]]
        below = pairwise[index[lower], index[upper]]
        share = above / (above + below) if above + below > 0 else 0.5
        steps.append({"upper": upper, "lower": lower, "share": round(float(share), 3)})
    top = steps[:select_count]  # the pairs inside the top k and the one across its edge
    weakest = min((float(s["share"]) for s in top), default=1.0)
    certainty = "firm" if weakest >= FIRM else "leaning" if weakest >= LEANING else "open"
    agreement = kendall_w(profile)
    w = None if math.isnan(agreement.w) else round(agreement.w, 3)
    chosen = ", ".join(labels.get(c, c) for c in result.order[:select_count])
    return {
        "order": [{"id": c, "name": labels.get(c, c)} for c in result.order],
        "top": list(result.order[:select_count]),
        "rankers": len(voters),
        "steps": steps,
        "certainty": certainty,
        "weakest_share": round(float(weakest), 3),
        "kendall_w": w,
        "sentence": (
            f"Top {select_count}: {chosen} — {certainty} (the weakest step of the top is backed by "
            f"{weakest:.0%} of those who rank the pair differently)."
        ),
    }


def personal_view(
    results: WorkshopResults, participant_id: int, workshop: Workshop
) -> dict[str, Any]:
    """The participant's own view: their opinion group and what defines it, the common
    ground, and their ranking beside the consensus. Hidden when results are hidden."""
    if not workshop.results_visible:
        return {"hidden": True, "message": "The facilitator has hidden the results for now."}
    group = results.group_of.get(participant_id)
    mine = results.rankings.get(participant_id)
    consensus = results.public["consensus"]
    order = [item["id"] for item in consensus.get("order", [])]
    comparison = None
    if mine and order:
        place = {c: i + 1 for i, c in enumerate(order)}
        comparison = [
            {"id": c, "yours": i + 1, "consensus": place.get(c)} for i, c in enumerate(mine)
        ]
    groups = results.public["map"].get("k", 0)
    return {
        "hidden": False,
        "group": group,
        "groups": groups,
        "defining": results.group_statements.get(group, []) if group is not None else [],
        "common_ground": results.public["common_ground"],
        "ranking": comparison,
        "consensus": consensus,
    }
