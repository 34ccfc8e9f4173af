"""The links between change proposals and the alignment rounds they were put to, read from
both sides, and what a round's adoption leaves on its winning proposal.

Session-level helpers shared by ``proposals`` (a proposal shows its rounds),
``stored_rounds`` (adopting a round comments on the winner) and ``proposal_rounds`` (putting
proposals to a round): they import neither of those modules, so none imports another in a
circle.

Adoption does **not** approve: the winner gets a comment that names the round, in the same
transaction as the adoption and with its own audit record, and still needs every seat of its
decision rights and someone besides its author (four eyes) — a round measures support, the
seats decide.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpibridge.model.governance import Decision
from kpibridge.store import User, audit
from kpibridge.store.governance_schema import Proposal, ProposalDecision
from kpibridge.store.proposal_rounds_schema import ProposalRoundLink
from kpibridge.store.rounds_schema import RoundRecord

CANDIDATE_PREFIX = "proposal-"
"""A proposal's candidate id in a round: ``proposal-12`` for proposal 12."""


def candidate_id(proposal_id: int) -> str:
    return f"{CANDIDATE_PREFIX}{proposal_id}"


@dataclass(frozen=True)
class RoundLink:
    """Proposal ``proposal_id`` (its ``revision`` then) is ``candidate`` in round ``round``."""

    round: str
    round_status: str
    proposal_id: int
    kpi_id: str
    author: str
    candidate: str
    revision: int
    adopted: bool
    """Whether the round adopted this proposal (False while the round is not adopted)."""

    def to_json(self) -> dict[str, object]:
        return {
            "round": self.round,
            "round_status": self.round_status,
            "proposal": self.proposal_id,
            "kpi": self.kpi_id,
            "author": self.author,
            "candidate": self.candidate,
            "revision": self.revision,
            "adopted": self.adopted,
        }


def links_of_proposal(session: Session, proposal_id: int) -> tuple[RoundLink, ...]:
    """The rounds a proposal was put to, oldest first."""
    return _links(session, ProposalRoundLink.proposal_id == proposal_id)


def links_of_round(session: Session, round_id: int) -> tuple[RoundLink, ...]:
    """The proposals a round holds as candidates, in the round's order."""
    return _links(session, ProposalRoundLink.round_id == round_id)


def open_rounds_of(session: Session, proposal_ids: Sequence[int]) -> dict[int, str]:
    """Proposal id → name of an open round that already holds it."""
    rows = session.execute(
        select(ProposalRoundLink.proposal_id, RoundRecord.name)
        .join(RoundRecord, RoundRecord.id == ProposalRoundLink.round_id)
        .where(ProposalRoundLink.proposal_id.in_(proposal_ids), RoundRecord.status == "open")
    ).all()
    return {int(proposal_id): str(name) for proposal_id, name in rows}


def record_adoption(
    session: Session, record: RoundRecord, chosen: Sequence[str], *, actor: str
) -> list[int]:
    """Comment on each adopted proposal of ``record`` that the round chose it (no approval:
    its status and seats are untouched); returns the proposals commented on."""
    links = {
        link.candidate: link
        for link in session.scalars(
            select(ProposalRoundLink).where(ProposalRoundLink.round_id == record.id)
        )
    }
    stakeholder = session.scalar(select(User.stakeholder_id).where(User.username == actor))
    commented = []
    for place, candidate in enumerate(chosen, start=1):
        link = links.get(candidate)
        if link is None:
            continue
        proposal = session.get(Proposal, link.proposal_id)
        if proposal is None:  # pragma: no cover - the foreign key cascades
            continue
        text = (
            f"Alignment round {record.name!r} adopted this proposal "
            + ("as its winner" if place == 1 else f"(choice {place})")
            + f" (revision {link.revision} was put to the round). The round does not approve "
            "it: the approvals of its decision rights are still needed."
        )
        session.add(
            ProposalDecision(
                proposal_id=proposal.id,
                revision=proposal.revision,
                username=actor,
                stakeholder_id=stakeholder,
                decision=Decision.COMMENT.value,
                comment=text,
            )
        )
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="proposal.round_adopted",
            entity="kpi",
            entity_id=proposal.kpi_id,
            detail={
                "proposal": proposal.id,
                "round": record.name,
                "candidate": candidate,
                "place": place,
                "revision": link.revision,
            },
        )
        commented.append(proposal.id)
    return commented


def _links(session: Session, condition: object) -> tuple[RoundLink, ...]:
    rows = session.execute(
        select(ProposalRoundLink, RoundRecord, Proposal)
        .join(RoundRecord, RoundRecord.id == ProposalRoundLink.round_id)
        .join(Proposal, Proposal.id == ProposalRoundLink.proposal_id)
        .where(condition)  # type: ignore[arg-type]
        .order_by(ProposalRoundLink.id)
    ).all()
    return tuple(
        RoundLink(
            round=record.name,
            round_status=record.status,
            proposal_id=proposal.id,
            kpi_id=proposal.kpi_id,
            author=proposal.author,
            candidate=link.candidate,
            revision=link.revision,
            adopted=record.status == "adopted" and link.candidate in (record.adopted or ()),
        )
        for link, record, proposal in rows
    )
