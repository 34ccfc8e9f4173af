"""The rank/weigh phase: each participant's ranking of the round's candidates and their AHP
pair comparisons of its criteria, with the consistency check people see before they submit.

The check is :func:`kpibridge.align.ahp.ahp_weights` (Saaty's consistency ratio with Harker's
completion); this module only turns its most inconsistent judgment into the sentence a
participant reads next to the slider.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from kpibridge.align.ahp import CONSISTENCY_THRESHOLD, AhpResult, ahp_weights
from kpibridge.errors import KpibridgeError
from kpibridge.services.workshops.people import participant_row
from kpibridge.services.workshops.sessions import load
from kpibridge.store import Store, audit
from kpibridge.store.rounds_schema import RoundRecord
from kpibridge.store.workshops_schema import WorkshopRankingRecord

SAATY_VALUES = (1, 2, 3, 4, 5, 6, 7, 8, 9)


def round_choices(store: Store, code: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The round's (candidates, criteria) that the workshop ranks and weighs."""
    with store.transaction() as session:
        record, _workshop = load(session, code)
        round_ = session.get(RoundRecord, record.round_id)
        assert round_ is not None
        return (
            tuple(c.candidate for c in round_.candidates),
            tuple(c.criterion for c in round_.criteria),
        )


def judgment_sentence(result: AhpResult, label: dict[str, str] | None = None) -> str | None:
    """ "You rated measurability over timeliness 7, but your other answers imply about 2"
    when the ratio is above 0.1; None when the judgments fit together."""
    worst = result.most_inconsistent
    if worst is None or result.consistency_ratio <= CONSISTENCY_THRESHOLD:
        return None
    names = label or {}
    names = {**{c: c.replace("_", " ") for c in result.criteria}, **names}
    a, b = names.get(worst.a, worst.a), names.get(worst.b, worst.b)
    return (
        f"You rated {a} over {b} {_saaty(worst.given)}, but your other answers imply about "
        f"{_saaty(worst.implied)}. Move that slider first."
    )


def _saaty(value: float) -> str:
    if value >= 1:
        return f"{value:.3g}"
    return f"1/{1 / value:.2g}"


def check_comparisons(
    criteria: Sequence[str], comparisons: Sequence[Sequence[Any]]
) -> tuple[list[tuple[str, str, float]], AhpResult | None]:
    """Parse ``[a, b, v]`` triples (v a Saaty value 1/9..9) and weigh them; None when there
    are none. Raises KpibridgeError naming the judgment that is wrong."""
    parsed: list[tuple[str, str, float]] = []
    for position, item in enumerate(comparisons, start=1):
        if not isinstance(item, list | tuple) or len(item) != 3:
            raise KpibridgeError(f"comparison {position} must be [a, b, value]")
        a, b, raw = item
        try:
            value = float(raw)
        except (TypeError, ValueError):
            raise KpibridgeError(f"comparison {position}: {raw!r} is not a number") from None
        if not math.isfinite(value) or value <= 0:
            raise KpibridgeError(f"comparison {position}: {raw!r} must be from 1/9 to 9")
        parsed.append((str(a), str(b), value))
    if not parsed:
        return parsed, None
    try:
        return parsed, ahp_weights(criteria, parsed)
    except ValueError as error:
        raise KpibridgeError(str(error)) from None


def submit_ranking(
    store: Store,
    code: str,
    ranking: Sequence[str],
    comparisons: Sequence[Sequence[Any]],
    *,
    participant_id: int,
    token: str,
) -> dict[str, Any]:
    """Store the participant's ranking (best first; every candidate at most once) and their
    comparisons (replacing earlier ones). Returns the AHP check of the comparisons."""
    candidates, criteria = round_choices(store, code)
    order = [str(c) for c in ranking]
    unknown = [c for c in order if c not in candidates]
    if unknown:
        raise KpibridgeError(
            f"{unknown[0]!r} is not a candidate of this round ({', '.join(candidates)})"
        )
    if len(set(order)) != len(order):
        raise KpibridgeError("a candidate is ranked twice: rank each once")
    if not order:
        raise KpibridgeError("rank at least one candidate")
    parsed, result = check_comparisons(criteria, comparisons)
    for _ in range(2):
        try:
            with store.transaction() as session:
                record, workshop = load(session, code, lock=True)
                participant_row(session, workshop.id, participant_id, token)
                workshop.check_accepts("rankings")
                row = session.scalar(
                    select(WorkshopRankingRecord).where(
                        WorkshopRankingRecord.workshop_id == workshop.id,
                        WorkshopRankingRecord.participant_id == participant_id,
                    )
                )
                if row is None:
                    row = WorkshopRankingRecord(
                        workshop_id=workshop.id, participant_id=participant_id
                    )
                    session.add(row)
                row.ranking = order
                row.comparisons = [list(p) for p in parsed]
                audit.record(
                    session,
                    actor=f"guest:{participant_id}",
                    action="workshop.ranking",
                    entity="workshop",
                    entity_id=record.code,
                    detail={
                        "participant": participant_id,
                        "ranking": order,
                        "comparisons": len(parsed),
                    },
                )
                session.flush()
            break
        except IntegrityError:  # a double submit raced: the second one updates
            continue
    return {
        "ranking": order,
        "ahp": result.to_json() if result else None,
        "warning": judgment_sentence(result) if result else None,
    }


def my_ranking(store: Store, code: str, participant_id: int) -> dict[str, Any] | None:
    with store.transaction() as session:
        _record, workshop = load(session, code)
        row = session.scalar(
            select(WorkshopRankingRecord).where(
                WorkshopRankingRecord.workshop_id == workshop.id,
                WorkshopRankingRecord.participant_id == participant_id,
            )
        )
        if row is None:
            return None
        return {"ranking": list(row.ranking), "comparisons": [list(c) for c in row.comparisons]}
