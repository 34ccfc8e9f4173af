"""Alignment rounds kept in the app store: create, list, read, vote, propose, close, adopt.

The app store is the truth for rounds run on the web. Rounds of the workspace's
``rounds/*.yaml`` are imported once (keyed by name) so that they show with their ballots.
A stored round is turned back into a :class:`kpibridge.model.rounds.Round` holding the live
ballots, which the alignment engine analyses exactly as it analyses a YAML round.

Every state change runs in one transaction, together with its audit record.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpibridge.align.quorum import round_standing
from kpibridge.errors import (
    KpibridgeError,
    QuorumError,
    RoundPermissionError,
    RoundStateError,
    UnknownNameError,
)
from kpibridge.model.access import AccessRole, allows
from kpibridge.model.rounds import Ballot, Proposal, Round
from kpibridge.services.accounts.users import Account
from kpibridge.services.metrics.workspace import Workspace
from kpibridge.services.rounds.dissent_answers import adoption_check
from kpibridge.services.rounds.proposal_round_links import record_adoption
from kpibridge.services.rounds.round_checks import (
    goal_ids,
    round_problems,
)
from kpibridge.services.rounds.round_records import (
    BallotVersion,
    StoredRound,
    ballot_version,
    candidate_row,
    insert_round,
    live_ballot_count,
    round_record,
    to_stored,
    with_children,
)
from kpibridge.store import Store, audit
from kpibridge.store.rounds_schema import (
    BallotRecord,
    RoundRecord,
)
from kpibridge.workspace.rounds import load_round, round_names

logger = logging.getLogger(__name__)


# ---------------------------------------------------------------------------- reading


def list_stored_rounds(store: Store) -> list[StoredRound]:
    """Every round, open ones first, then by name."""
    with store.transaction() as session:
        records = session.scalars(with_children(select(RoundRecord))).all()
        rounds = [to_stored(session, record) for record in records]
    order = {"open": 0, "closed": 1, "adopted": 2}
    return sorted(rounds, key=lambda r: (order.get(r.status, 3), r.name))


def get_round(store: Store, name: str) -> StoredRound:
    with store.transaction() as session:
        return to_stored(session, round_record(session, name))


def ballot_history(store: Store, name: str, participant: str) -> list[BallotVersion]:
    """Every ballot ``participant`` sent in round ``name``, newest first."""
    with store.transaction() as session:
        record = round_record(session, name)
        rows = session.scalars(
            select(BallotRecord)
            .where(BallotRecord.round_id == record.id, BallotRecord.participant == participant)
            .order_by(BallotRecord.id.desc())
        ).all()
        return [ballot_version(row) for row in rows]


def live_ballot(store: Store, name: str, participant: str) -> Ballot | None:
    history = ballot_history(store, name, participant)
    return history[0].ballot if history and history[0].replaced_at is None else None


# ---------------------------------------------------------------------------- changing


def create_round(store: Store, ws: Workspace, spec: Round, *, actor: str) -> StoredRound:
    """Store a new open round; raises KpibridgeError naming every problem of ``spec``."""
    with store.transaction() as session:
        return to_stored(session, insert_new_round(session, ws, spec, actor=actor))


def insert_new_round(session: Session, ws: Workspace, spec: Round, *, actor: str) -> RoundRecord:
    """:func:`create_round` inside the caller's transaction (so that what else the caller
    records — links to proposals — commits with the round or not at all)."""
    problems = round_problems(spec, ws)
    if spec.ballots:
        problems.append("a new round starts without ballots")
    if problems:
        raise KpibridgeError(f"round {spec.id!r}: " + "; ".join(problems))
    if session.scalar(select(RoundRecord.id).where(RoundRecord.name == spec.id)) is not None:
        raise KpibridgeError(f"a round named {spec.id!r} exists already: choose another name")
    record = insert_round(session, spec, source="web", created_by=actor)
    audit.record(
        session,
        actor=actor,
        action="round.create",
        entity="round",
        entity_id=spec.id,
        detail={
            "question": spec.question,
            "candidates": list(spec.all_candidates()),
            "participants": list(spec.participants),
            "select": spec.select,
        },
    )
    session.flush()
    return record


def import_workspace_rounds(store: Store, ws: Workspace) -> list[str]:
    """Copy the workspace's YAML rounds that the store does not hold yet (keyed by name).

    A round file with problems is left out with a warning in the log (``kpibridge validate``
    and ``kpibridge round list`` show its problems); the others are still imported. Returns
    the names imported.
    """
    imported = []
    for name in round_names(ws.root):
        with store.transaction() as session:
            if session.scalar(select(RoundRecord.id).where(RoundRecord.name == name)) is not None:
                continue
            round_, issues = load_round(ws.definition, name)
            if round_ is None or issues:
                logger.warning(
                    "round %s not imported into the app store: %s",
                    name,
                    "; ".join(str(i) for i in issues),
                )
                continue
            insert_round(session, round_, source="workspace", created_by=None)
            audit.record(
                session,
                actor=None,
                action="round.import",
                entity="round",
                entity_id=name,
                detail={"file": f"rounds/{name}.yaml", "ballots": len(round_.ballots)},
            )
        imported.append(name)
    return imported


def propose_candidate(
    store: Store,
    ws: Workspace,
    name: str,
    proposal: Proposal,
    *,
    actor: str,
    participant: str | None,
    may_facilitate: bool,
) -> StoredRound:
    """Add a new candidate to an open round. Participants and facilitators may propose."""
    with store.transaction() as session:
        record = round_record(session, name, lock=True)
        stored = to_stored(session, record)
        check_open(stored)
        if not may_facilitate and participant not in stored.round.participants:
            raise RoundPermissionError(f"only participants of round {name!r} propose candidates")
        if proposal.id in stored.round.all_candidates() or proposal.id in ws.kpis:
            raise KpibridgeError(
                f"{proposal.id!r} is already a KPI or a candidate: choose another id, or rank it"
            )
        if proposal.goal is not None and proposal.goal not in goal_ids(ws):
            raise UnknownNameError("goal", proposal.goal, goal_ids(ws))
        proposal = proposal.model_copy(update={"proposed_by": participant or proposal.proposed_by})
        record.candidates.append(candidate_row(proposal, len(record.candidates)))
        audit.record(
            session,
            actor=actor,
            action="round.propose",
            entity="round",
            entity_id=name,
            detail={"candidate": proposal.id, "name": proposal.name},
        )
        session.flush()
        return to_stored(session, record)


def require_facilitator(account: Account, doing: str) -> None:
    """Only facilitators (and admins) open, close and adopt rounds: the web routes check it
    with their dependency, the CLI with this."""
    if not allows(account.role, AccessRole.FACILITATOR):
        raise RoundPermissionError(
            f"{account.username} is a {account.role.value}: only facilitators and admins {doing}"
        )


def close_round(store: Store, name: str, *, actor: str) -> StoredRound:
    """Stop taking ballots. Only an open round closes."""
    with store.transaction() as session:
        record = round_record(session, name, lock=True)
        if record.status != "open":
            raise RoundStateError(f"round {name!r} is {record.status}, not open")
        record.status = "closed"
        record.closed_at = datetime.now(UTC)
        audit.record(
            session,
            actor=actor,
            action="round.close",
            entity="round",
            entity_id=name,
            detail={"ballots": live_ballot_count(session, record.id)},
        )
        session.flush()
        return to_stored(session, record)


def adopt_round(
    store: Store,
    name: str,
    selected: Sequence[str],
    *,
    actor: str,
    unanswered_reason: str | None = None,
    below_quorum_reason: str | None = None,
) -> StoredRound:
    """Adopt ``selected`` (candidate ids, in order) as the round's outcome; closes it too.

    A round without ballots is never adopted; one below its quorum only with
    ``below_quorum_reason`` (see :func:`check_quorum`). Every recorded dissent against
    ``selected`` needs a written answer first, unless ``unanswered_reason`` says why not
    (:mod:`kpibridge.services.rounds.dissent_answers`)."""
    chosen = list(dict.fromkeys(selected))
    with store.transaction() as session:
        record = round_record(session, name, lock=True)
        if record.status == "adopted":
            raise RoundStateError(f"round {name!r} was adopted already")
        confirmed = check_quorum(to_stored(session, record), below_quorum_reason)
        candidates = [c.candidate for c in record.candidates]
        unknown = [c for c in chosen if c not in candidates]
        if unknown:
            raise UnknownNameError("candidate", unknown[0], candidates)
        if not chosen:
            raise KpibridgeError("adopt at least one candidate")
        answers = adoption_check(session, record, chosen, unanswered_reason)
        now = datetime.now(UTC)
        record.status = "adopted"
        record.closed_at = record.closed_at or now
        record.adopted_at = now
        record.adopted_by = actor
        record.adopted = chosen
        audit.record(
            session,
            actor=actor,
            action="round.adopt",
            entity="round",
            entity_id=name,
            detail={
                "adopted": chosen,
                **answers,
                **({"below_quorum": confirmed} if confirmed else {}),
            },
        )
        # a round of competing change proposals: the winner gets a comment, not an approval
        record_adoption(session, record, chosen, actor=actor)
        session.flush()
        return to_stored(session, record)


# ---------------------------------------------------------------------------- checking


def check_quorum(stored: StoredRound, reason: str | None) -> dict[str, object] | None:
    """Whether the round's live ballots allow adopting it: raises QuorumError when no ballot
    counts (nothing was decided), or when the round is below its quorum and the facilitator
    gave no reason to adopt it anyway. Returns what the audit log records of a confirmed
    adoption below quorum (None when the quorum is met)."""
    standing = round_standing(stored.round.ballots, stored.round.quorum)
    if not standing.decides:
        raise QuorumError(
            f"round {stored.name!r} has no ballots that rank the candidates: there is nothing "
            "to adopt; wait for ballots"
        )
    if not standing.below_quorum:
        return None
    why = (reason or "").strip()
    if not why:
        raise QuorumError(
            f"round {stored.name!r} is below its quorum ({standing.counted} of "
            f"{standing.quorum} ballots): to adopt it anyway, confirm with a reason "
            "(CLI: --below-quorum REASON; API: below_quorum_reason)"
        )
    return {"ballots": standing.counted, "quorum": standing.quorum, "reason": why}


# ---------------------------------------------------------------------------- internals


def check_open(stored: StoredRound) -> None:
    if stored.status != "open":
        raise RoundStateError(f"round {stored.name!r} is {stored.status}: it takes no changes")
    if stored.past_deadline:
        raise RoundStateError(
            f"round {stored.name!r} closed for ballots on its deadline {stored.round.deadline}"
        )
