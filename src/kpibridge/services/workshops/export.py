"""Everything a workshop holds, as one JSON document (``kpibridge workshop export``): the
session, every participant (removed ones too, with the note), every statement with its
status, every reaction and ranking, and the results as they stand."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from kpibridge.services.workshops.people import list_participants
from kpibridge.services.workshops.results import compute_results
from kpibridge.services.workshops.sessions import load
from kpibridge.services.workshops.statements import statements
from kpibridge.store import Store
from kpibridge.store.workshops_schema import WorkshopRankingRecord, WorkshopReactionRecord


def export_workshop(store: Store, code: str, names: Mapping[str, str]) -> dict[str, Any]:
    with store.transaction() as session:
        record, workshop = load(session, code)
        reactions = session.execute(
            select(
                WorkshopReactionRecord.participant_id,
                WorkshopReactionRecord.statement_id,
                WorkshopReactionRecord.reaction,
                WorkshopReactionRecord.at,
            )
            .where(WorkshopReactionRecord.workshop_id == record.id)
            .order_by(WorkshopReactionRecord.id)
        ).all()
        rankings = session.scalars(
            select(WorkshopRankingRecord)
            .where(WorkshopRankingRecord.workshop_id == record.id)
            .order_by(WorkshopRankingRecord.id)
        ).all()
        ranking_rows = [
            {
                "participant": r.participant_id,
                "ranking": list(r.ranking),
                "comparisons": [list(c) for c in r.comparisons],
            }
            for r in rankings
        ]
    return {
        "workshop": workshop.as_record(),
        "participants": [p.as_record() for p in list_participants(store, code)],
        "statements": [{**s.as_record(), "author": s.author} for s in statements(store, code)],
        "reactions": [
            {"participant": p, "statement": s, "reaction": r, "at": at.isoformat()}
            for p, s, r, at in reactions
        ],
        "rankings": ranking_rows,
        "results": compute_results(store, code, names).public,
    }
