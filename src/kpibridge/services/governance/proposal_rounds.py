"""Put competing change proposals for one KPI to an alignment round, and read a round's
proposals and winner.

Finance's CAC against marketing's: every open proposal for the KPI becomes a candidate of a
new stored round (``proposal-12``, labelled with its number, author and the first sentence of
its change), decided by the usual ballots. By default the participants are everyone who
holds a seat on one of the proposals, the KPI's owner and the proposals' authors (their
stakeholders), so that the people who will approve, the person who answers for the KPI and
the people who argue for each version all vote.

Only facilitators and admins open such a round (as any round). The round, its links to the
proposals and the audit records commit in one transaction. Adopting the round comments on
the winning proposal (``proposal_round_links.record_adoption``); it never approves it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kpibridge.align.round_analysis import RoundAnalysis
from kpibridge.errors import GovernanceError, ProposalPermissionError, ProposalStateError
from kpibridge.model.access import AccessRole, allows
from kpibridge.model.governance import GovernanceSettings, ProposalStatus
from kpibridge.services.accounts.users import Account
from kpibridge.services.governance.proposal_views import ProposalView, proposal_view
from kpibridge.services.governance.proposals import freeze_legacy_seats
from kpibridge.services.metrics.workspace import Workspace
from kpibridge.services.rounds.proposal_round_links import (
    RoundLink,
    candidate_id,
    links_of_round,
    open_rounds_of,
)
from kpibridge.services.rounds.round_checks import parse_round
from kpibridge.services.rounds.round_records import StoredRound
from kpibridge.services.rounds.stored_rounds import get_round, insert_new_round
from kpibridge.store import Store, User, audit
from kpibridge.store.governance_schema import Proposal
from kpibridge.store.proposal_rounds_schema import ProposalRoundLink
from kpibridge.store.rounds_schema import RoundRecord

LABEL_LENGTH = 200
"""Room for a candidate's label in the store (``round_candidates.name``)."""


@dataclass(frozen=True)
class ProposalRound:
    """A round of competing proposals: the stored round and which candidate is which."""

    round: StoredRound
    kpi_id: str
    links: tuple[RoundLink, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            **self.round.as_record(),
            "kpi": self.kpi_id,
            "change_proposals": [link.to_json() for link in self.links],
        }


def put_to_round(
    store: Store,
    ws: Workspace,
    kpi_id: str,
    *,
    account: Account,
    governance: GovernanceSettings,
    name: str | None = None,
    participants: Sequence[str] | None = None,
    deadline: str | None = None,
    select_count: int = 1,
    question: str | None = None,
) -> ProposalRound:
    """Open a round whose candidates are the open proposals for ``kpi_id`` (at least two).

    Raises ProposalPermissionError (403) for anyone below the facilitator role,
    ProposalStateError (409) when a proposal is already in an open round, GovernanceError
    for fewer than two open proposals, KpibridgeError naming every problem of the round.
    """
    if not allows(account.role, AccessRole.FACILITATOR):
        raise ProposalPermissionError(
            f"{account.username} is a {account.role.value}: only facilitators and admins put "
            "proposals to an alignment round"
        )
    try:
        with store.transaction() as session:
            proposals = _lock_open_proposals(session, kpi_id)
            if len(proposals) < 2:
                found = f" (#{proposals[0].id})" if proposals else ""
                raise GovernanceError(
                    f"KPI {kpi_id!r} has {len(proposals)} open proposal(s){found}"
                    ": an alignment round needs at least two competing ones "
                    "(`kpibridge proposals list --kpi KPI --status open`)"
                )
            busy = open_rounds_of(session, [p.id for p in proposals])
            if busy:
                raise ProposalStateError(
                    "; ".join(
                        f"proposal {number} is already in the open round {round_name!r}"
                        for number, round_name in sorted(busy.items())
                    )
                    + ": close or adopt that round first"
                )
            views = [proposal_view(session, p, ws.definition, governance) for p in proposals]
            for proposal, view in zip(proposals, views, strict=True):
                freeze_legacy_seats(session, proposal, view, actor=account.username)
            authors = dict(
                session.execute(
                    select(User.username, User.stakeholder_id).where(
                        User.username.in_([p.author for p in proposals])
                    )
                ).all()
            )
            content = _kpi_content(ws, views)
            round_name = name or _default_name(kpi_id, [p.id for p in proposals])
            spec = parse_round(
                {
                    "id": round_name,
                    "question": question or _default_question(kpi_id, content),
                    "facilitator": account.stakeholder,
                    "select": select_count,
                    "participants": list(participants)
                    if participants
                    else default_participants(views, content, authors),
                    "proposals": [
                        _candidate(view, authors.get(view.author), content, ws) for view in views
                    ],
                    "deadline": deadline,
                }
            )
            record = insert_new_round(session, ws, spec, actor=account.username)
            for proposal in proposals:
                session.add(
                    ProposalRoundLink(
                        round_id=record.id,
                        proposal_id=proposal.id,
                        candidate=candidate_id(proposal.id),
                        revision=proposal.revision,
                    )
                )
                session.flush()
                audit.record(
                    session,
                    actor=account.username,
                    action="proposal.round",
                    entity="kpi",
                    entity_id=kpi_id,
                    detail={
                        "proposal": proposal.id,
                        "round": spec.id,
                        "candidate": candidate_id(proposal.id),
                        "revision": proposal.revision,
                    },
                )
    except IntegrityError:
        # another round with this name, or these links, committed in the meantime
        raise ProposalStateError(
            f"another round was opened for {kpi_id!r} at the same time: look at the rounds "
            "and try again"
        ) from None

    return ProposalRound(get_round(store, spec.id), kpi_id, round_proposals(store, spec.id))


def _lock_open_proposals(session: Session, kpi_id: str) -> list[Proposal]:
    """The KPI's open proposals, locked so that two facilitators putting them to a round at
    once queue up, and the second sees the first one's round. PostgreSQL: row locks. SQLite
    ignores FOR UPDATE and takes its write lock at the first write: write first (a no-op)."""
    is_open = (Proposal.kpi_id == kpi_id, Proposal.status == ProposalStatus.OPEN.value)
    if session.get_bind().dialect.name == "sqlite":
        session.execute(update(Proposal).where(*is_open).values(status=Proposal.status))
    return list(
        session.scalars(select(Proposal).where(*is_open).order_by(Proposal.id).with_for_update())
    )


def round_proposals(store: Store, name: str) -> tuple[RoundLink, ...]:
    """The change proposals that are candidates of round ``name`` (none for other rounds)."""
    with store.transaction() as session:
        round_id = session.scalar(select(RoundRecord.id).where(RoundRecord.name == name))
        return links_of_round(session, round_id) if round_id is not None else ()


@dataclass(frozen=True)
class Winner:
    """The proposal a round chose (``adopted``) or leads with (its recommended set)."""

    link: RoundLink
    adopted: bool

    def sentence(self) -> str:
        how = "adopted" if self.adopted else "leading (not adopted yet)"
        return (
            f"Winner, {how}: proposal {self.link.proposal_id} by {self.link.author} "
            f"({self.link.candidate}). Approval still goes through its decision rights."
        )

    def to_json(self) -> dict[str, object]:
        return {**self.link.to_json(), "winner_adopted": self.adopted}


def round_winner(
    stored: StoredRound, analysis: RoundAnalysis, links: Sequence[RoundLink]
) -> Winner | None:
    """The winning proposal: the first adopted candidate once the round is adopted, else
    the first of the recommended set (what adopting without a choice adopts); None for a
    round that holds no proposals or has no ballots yet."""
    by_candidate = {link.candidate: link for link in links}
    if stored.adopted:
        chosen = stored.adopted
    elif analysis.participation.rankers or analysis.participation.scorers:
        chosen = analysis.recommendation.selected
    else:
        chosen = ()
    for candidate in chosen:
        if candidate in by_candidate:
            return Winner(by_candidate[candidate], adopted=bool(stored.adopted))
    return None


def default_participants(
    views: Sequence[ProposalView], content: dict[str, Any], authors: dict[str, str | None]
) -> list[str]:
    """Seat holders of every proposal, then the KPI's owner, then the authors' stakeholders
    (each once, in that order)."""
    people = [holder for view in views for state in view.seats for holder in state.seat.holders]
    owner = content.get("owner")
    if isinstance(owner, str):
        people.append(owner)
    people += [
        stakeholder for view in views if (stakeholder := authors.get(view.author)) is not None
    ]
    return list(dict.fromkeys(people))


def _kpi_content(ws: Workspace, views: Sequence[ProposalView]) -> dict[str, Any]:
    """The KPI as it is now (its base version), else as first proposed (a new KPI)."""
    for view in views:
        if view.before is not None:
            return view.before
    return next((view.after for view in views if view.after is not None), {})


def _candidate(
    view: ProposalView, stakeholder: str | None, content: dict[str, Any], ws: Workspace
) -> dict[str, Any]:
    summary = view.words[0] if view.words else view.rationale
    label = f"#{view.id} by {view.author}: {' '.join(summary.split())}"
    if len(label) > LABEL_LENGTH:
        label = label[: LABEL_LENGTH - 1] + "…"
    goal = content.get("goal")
    goals = {g.id for root in ws.goals for g in root.walk()}
    return {
        "id": candidate_id(view.id),
        "name": label,
        "proposed_by": stakeholder,
        "rationale": view.rationale,
        "goal": goal if goal in goals else None,
        "nature": "qualitative" if content.get("nature") == "qualitative" else "quantitative",
    }


def _default_name(kpi_id: str, numbers: Sequence[int]) -> str:
    name = f"{kpi_id}-proposals-{'-'.join(str(n) for n in numbers)}"
    return name if len(name) <= 64 else f"{kpi_id[:40]}-proposals-{numbers[0]}-to-{numbers[-1]}"


def _default_question(kpi_id: str, content: dict[str, Any]) -> str:
    label = content.get("name") or kpi_id
    return f"Which proposed change to {label} ({kpi_id}) should go forward for approval?"
