"""Answers to dissent (issue 14, item 7): before a round's result is adopted, each recorded
dissent — a person whose own top k the adopted set leaves partly out — gets a written answer
from the facilitator or the owner of a KPI it concerns, shown to everyone in the round and
kept in the audit log. Adopting with an unanswered dissent needs a stated reason.

Who dissents is computed by :func:`kpibridge.align.dissent.dissent` against the set being
adopted, from the round's live ballots and from the rankings given in its live workshops
(participants the facilitator removed are left out). A workshop participant is named
``workshop:CODE:ID`` (their display name is shown beside it).

:func:`adoption_check` is the hook ``stored_rounds.adopt_round`` calls inside its transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpibridge.align.dissent import dissent
from kpibridge.errors import KpibridgeError, RoundPermissionError, RoundStateError
from kpibridge.model.access import AccessRole, allows
from kpibridge.model.rounds import Ballot
from kpibridge.services.accounts.users import Account
from kpibridge.services.metrics.workspace import Workspace
from kpibridge.services.rounds.round_records import round_record
from kpibridge.store import Store, audit
from kpibridge.store.rounds_schema import BallotRecord, RoundRecord
from kpibridge.store.workshops_schema import (
    DissentAnswerRecord,
    WorkshopParticipantRecord,
    WorkshopRankingRecord,
    WorkshopRecord,
)

ANSWER_LIMIT = 2000


@dataclass(frozen=True)
class RecordedDissent:
    dissenter: str
    label: str
    wanted: tuple[str, ...]
    left_out: tuple[str, ...]
    rationale: dict[str, str]
    answer: str | None
    answered_by: str | None
    answered_at: datetime | None

    def as_record(self) -> dict[str, Any]:
        return {
            "dissenter": self.dissenter,
            "label": self.label,
            "wanted": list(self.wanted),
            "left_out": list(self.left_out),
            "rationale": dict(self.rationale),
            "answer": self.answer,
            "answered_by": self.answered_by,
            "answered_at": self.answered_at.isoformat() if self.answered_at else None,
        }


def recorded_dissent(
    session: Session, record: RoundRecord, selected: Sequence[str]
) -> list[RecordedDissent]:
    """Everyone whose top k the set ``selected`` leaves partly out, most dissenting first."""
    ballots = [
        Ballot.model_validate(row.content)
        for row in session.scalars(
            select(BallotRecord).where(
                BallotRecord.round_id == record.id, BallotRecord.replaced_at.is_(None)
            )
        )
    ]
    rankings: dict[str, Sequence[Sequence[str]]] = {
        b.participant: b.ranking for b in ballots if b.ranking
    }
    rationale = {b.participant: b.rationale for b in ballots if b.rationale}
    labels = {b.participant: b.participant for b in ballots}
    rows = session.execute(
        select(WorkshopRankingRecord, WorkshopParticipantRecord, WorkshopRecord.code)
        .join(
            WorkshopParticipantRecord,
            WorkshopParticipantRecord.id == WorkshopRankingRecord.participant_id,
        )
        .join(WorkshopRecord, WorkshopRecord.id == WorkshopRankingRecord.workshop_id)
        .where(WorkshopRecord.round_id == record.id, WorkshopParticipantRecord.removed_at.is_(None))
    ).all()
    for ranking, person, code in rows:
        key = f"workshop:{code}:{person.id}"
        rankings[key] = [(c,) for c in ranking.ranking]
        group = f", {person.group_label}" if person.group_label else ""
        labels[key] = f"{person.display_name} (workshop {code}{group})"
    answers = {
        row.dissenter: row
        for row in session.scalars(
            select(DissentAnswerRecord).where(DissentAnswerRecord.round_id == record.id)
        )
    }
    found = []
    for item in dissent(rankings, rationale, list(selected)):
        if not item.left_out:
            continue
        answer = answers.get(item.participant)
        found.append(
            RecordedDissent(
                dissenter=item.participant,
                label=labels.get(item.participant, item.participant),
                wanted=item.wanted,
                left_out=item.left_out,
                rationale=dict(item.rationale_left_out),
                answer=answer.answer if answer else None,
                answered_by=answer.answered_by if answer else None,
                answered_at=answer.answered_at if answer else None,
            )
        )
    return found


def list_dissent(store: Store, name: str, selected: Sequence[str]) -> list[RecordedDissent]:
    with store.transaction() as session:
        return recorded_dissent(session, round_record(session, name), selected)


def may_answer(account: Account, ws: Workspace, item: RecordedDissent) -> bool:
    """Facilitators, and the owner of a KPI the dissent wanted but the set leaves out."""
    if allows(account.role, AccessRole.FACILITATOR):
        return True
    owners = {ws.kpis[c].owner for c in item.left_out if c in ws.kpis}
    return account.stakeholder is not None and account.stakeholder in owners


def answer_dissent(
    store: Store,
    ws: Workspace,
    name: str,
    dissenter: str,
    answer: str,
    selected: Sequence[str],
    *,
    account: Account,
) -> RecordedDissent:
    """Record (or replace) the written answer to ``dissenter``'s dissent against ``selected``."""
    text = answer.strip()
    if not text:
        raise KpibridgeError("the answer is empty: write why the set leaves their KPIs out")
    if len(text) > ANSWER_LIMIT:
        raise KpibridgeError(f"the answer is {len(text)} characters: keep it to {ANSWER_LIMIT}")
    with store.transaction() as session:
        record = round_record(session, name, lock=True)
        if record.status == "adopted":
            raise RoundStateError(f"round {name!r} was adopted already: its answers are final")
        items = {i.dissenter: i for i in recorded_dissent(session, record, selected)}
        if dissenter not in items:
            known = ", ".join(items) or "nobody"
            raise KpibridgeError(
                f"{dissenter!r} records no dissent against this set (dissenting: {known})"
            )
        if not may_answer(account, ws, items[dissenter]):
            raise RoundPermissionError(
                "only the facilitator or the owner of a KPI left out answers this dissent"
            )
        row = session.scalar(
            select(DissentAnswerRecord).where(
                DissentAnswerRecord.round_id == record.id,
                DissentAnswerRecord.dissenter == dissenter,
            )
        )
        if row is None:
            row = DissentAnswerRecord(round_id=record.id, dissenter=dissenter)
            session.add(row)
        row.answer = text
        row.answered_by = account.username
        audit.record(
            session,
            actor=account.username,
            action="round.dissent_answer",
            entity="round",
            entity_id=name,
            detail={
                "dissenter": dissenter,
                "left_out": list(items[dissenter].left_out),
                "answer": text,
            },
        )
        session.flush()
        now = {i.dissenter: i for i in recorded_dissent(session, record, selected)}
        return now[dissenter]


def adoption_check(
    session: Session, record: RoundRecord, chosen: Sequence[str], reason: str | None
) -> dict[str, Any]:
    """The hook of ``adopt_round``: refuse while a dissent has no answer and no reason is
    given; returns what the adoption's audit record adds."""
    items = recorded_dissent(session, record, chosen)
    unanswered = [i for i in items if not i.answer]
    why = (reason or "").strip()
    if unanswered and not why:
        listed = "; ".join(f"{i.label} (left out: {', '.join(i.left_out)})" for i in unanswered)
        raise RoundStateError(
            f"{len(unanswered)} recorded dissent(s) have no written answer: {listed}. Answer "
            "each on the results page, or give the reason to adopt without an answer"
        )
    return {
        "dissent": [i.dissenter for i in items],
        "unanswered": [i.dissenter for i in unanswered],
        "unanswered_reason": why or None,
    }
