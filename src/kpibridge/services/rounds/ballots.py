"""Ballots of a stored round: submitting one (checked, stored once with its history), clearing
one explicitly, and the short write transaction both take."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kpibridge.errors import (
    KpibridgeError,
    RoundPermissionError,
    RoundStateError,
    UnknownNameError,
)
from kpibridge.model.rounds import Ballot
from kpibridge.services.rounds.round_checks import (
    ballot_problems_in,
)
from kpibridge.services.rounds.round_records import (
    BallotVersion,
    StoredRound,
    ballot_version,
    round_record,
    to_stored,
)
from kpibridge.services.rounds.stored_rounds import check_open
from kpibridge.store import Store, audit
from kpibridge.store.rounds_schema import (
    BallotRecord,
    RoundCandidateRecord,
    RoundCriterionRecord,
    RoundParticipantRecord,
    RoundRecord,
)


def submit_ballot(
    store: Store, name: str, ballot: Ballot, *, actor: str, participant: str | None
) -> BallotVersion:
    """Store ``ballot`` as the live ballot of ``participant`` (the caller's stakeholder).

    A previous live ballot is kept as history (``replaced_at`` set) in the same transaction.
    Raises RoundPermissionError when ``participant`` is not one of the round's participants,
    RoundStateError when the round is not open or its deadline has passed, KpibridgeError
    naming every problem of the ballot.
    """
    if participant is None:
        raise RoundPermissionError(
            "your account is not linked to a stakeholder, so it cannot vote in a round"
        )
    if ballot.participant != participant:
        ballot = ballot.model_copy(update={"participant": participant})
    # Read and check first, outside the write lock: the round's participants, candidates
    # and criteria only grow or stay, so a ballot valid now stays valid. Only the status can
    # change meanwhile; it is checked again under the lock. Writers thus hold the store's
    # write lock for a few statements, not for the round's whole load and checks.
    candidates, criteria = _ballot_facts(store, name, participant)
    if is_empty_ballot(ballot):
        raise KpibridgeError(
            f"ballot for round {name!r} is empty: it would replace your ranking with "
            "nothing; rank or score at least one candidate, or clear your ballot explicitly"
        )
    problems = ballot_problems_in(candidates, criteria, ballot)
    if problems:
        raise KpibridgeError(f"ballot for round {name!r}: " + "; ".join(problems))
    content = ballot.model_dump(mode="json")
    try:
        with store.transaction() as session:
            round_id = _lock_open_round(session, name)
            now = datetime.now(UTC)
            previous = session.scalar(
                select(BallotRecord.id).where(
                    BallotRecord.round_id == round_id,
                    BallotRecord.participant == participant,
                    BallotRecord.replaced_at.is_(None),
                )
            )
            if previous is not None:  # the old row leaves the live index before the new one
                session.execute(
                    update(BallotRecord)
                    .where(BallotRecord.id == previous)
                    .values(replaced_at=now)
                    .execution_options(synchronize_session=False)
                )
            row = BallotRecord(
                round_id=round_id,
                participant=participant,
                content=content,
                submitted_by=actor,
                submitted_at=now,
            )
            session.add(row)
            session.flush()
            audit.record(
                session,
                actor=actor,
                action="ballot.submit",
                entity="round",
                entity_id=name,
                detail={
                    "participant": participant,
                    "ballot": row.id,
                    "replaces": previous,
                },
            )
            return ballot_version(row)
    except IntegrityError:
        # two submissions of the same participant at the same instant: the other one won
        raise RoundStateError(
            f"another ballot of {participant!r} was being stored at the same time; send again"
        ) from None


def is_empty_ballot(ballot: Ballot) -> bool:
    """Whether ``ballot`` says nothing at all (no ranking, score, weight, comparison,
    reaction or rationale): stored, it would silently wipe the participant's earlier one."""
    return not (
        ballot.ranking
        or ballot.scores
        or ballot.criteria_weights
        or ballot.comparisons
        or ballot.reactions
        or ballot.rationale
    )


def clear_ballot(
    store: Store, name: str, *, actor: str, participant: str | None
) -> BallotVersion | None:
    """Withdraw ``participant``'s live ballot (kept as history, ``replaced_at`` set), the
    explicit way to say nothing; the withdrawn version, or None when there was none. The
    same rules as :func:`submit_ballot`: a participant, the round open."""
    if participant is None:
        raise RoundPermissionError(
            "your account is not linked to a stakeholder, so it cannot vote in a round"
        )
    with store.transaction() as session:
        record, _stored = _voter_round(session, name, participant)
        previous = session.scalar(
            select(BallotRecord).where(
                BallotRecord.round_id == record.id,
                BallotRecord.participant == participant,
                BallotRecord.replaced_at.is_(None),
            )
        )
        if previous is None:
            return None
        previous.replaced_at = datetime.now(UTC)
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="ballot.clear",
            entity="round",
            entity_id=name,
            detail={"participant": participant, "ballot": previous.id},
        )
        return ballot_version(previous)


def _voter_round(session: Session, name: str, participant: str) -> tuple[RoundRecord, StoredRound]:
    """The round ``name``, locked for writing, when it is open and ``participant`` votes in it."""
    record = round_record(session, name, lock=True)
    stored = to_stored(session, record)
    _check_voter(stored, participant)
    return record, stored


def _check_voter(stored: StoredRound, participant: str) -> None:
    check_open(stored)
    if participant not in stored.round.participants:
        raise RoundPermissionError(
            f"{participant!r} is not a participant of round {stored.name!r}; only "
            f"{', '.join(stored.round.participants)} may vote"
        )


def _ballot_facts(
    store: Store, name: str, participant: str
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What a ballot is checked against — the round open, before its deadline, the caller a
    participant — in three small reads instead of loading the whole round; its candidate
    and criterion ids."""
    with store.transaction() as session:
        found = session.execute(
            select(RoundRecord.id, RoundRecord.status, RoundRecord.deadline).where(
                RoundRecord.name == name
            )
        ).first()
        if found is None:
            return _ballot_facts_of(session, name, participant)  # raises UnknownNameError
        if found.status != "open":
            raise RoundStateError(f"round {name!r} is {found.status}: it takes no changes")
        deadline = found.deadline
        if deadline is not None and date.fromisoformat(deadline) < datetime.now(UTC).date():
            raise RoundStateError(f"round {name!r} closed for ballots on its deadline {deadline}")
        voters = [
            row.stakeholder
            for row in session.execute(
                select(RoundParticipantRecord.stakeholder, RoundParticipantRecord.audience)
                .where(RoundParticipantRecord.round_id == found.id)
                .order_by(RoundParticipantRecord.position)
            )
            if not row.audience
        ]
        if participant not in voters:
            raise RoundPermissionError(
                f"{participant!r} is not a participant of round {name!r}; only "
                f"{', '.join(voters)} may vote"
            )
        candidates = session.scalars(
            select(RoundCandidateRecord.candidate)
            .where(RoundCandidateRecord.round_id == found.id)
            .order_by(RoundCandidateRecord.position)
        ).all()
        criteria = session.scalars(
            select(RoundCriterionRecord.criterion)
            .where(RoundCriterionRecord.round_id == found.id)
            .order_by(RoundCriterionRecord.position)
        ).all()
        return tuple(candidates), tuple(criteria)


def _ballot_facts_of(
    session: Session, name: str, participant: str
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The slow path (an unknown round): the full load names the closest round names."""
    stored = to_stored(session, round_record(session, name))
    _check_voter(stored, participant)
    return stored.round.all_candidates(), stored.round.criteria


def _lock_open_round(session: Session, name: str) -> int:
    """Take the round's write lock (PostgreSQL: its row; SQLite: the database's, by writing
    first) and return its id, if it is still open."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(
            update(RoundRecord)
            .where(RoundRecord.name == name)
            .values(name=RoundRecord.name)
            .execution_options(synchronize_session=False)
        )
    found = session.execute(
        select(RoundRecord.id, RoundRecord.status).where(RoundRecord.name == name).with_for_update()
    ).first()
    if found is None:
        raise UnknownNameError("round", name, [])
    if found.status != "open":
        raise RoundStateError(f"round {name!r} is {found.status}: it takes no changes")
    return int(found.id)
