"""KPI reviews: which are due or overdue by each KPI's cadence (``review_every``), and
recording one — attendees, the decision, and what was learned — with the KPI's history.

A KPI is next due one cadence after its last review (``month``: the same day next month,
clamped to the month's end; ``week``: 7 days on …). A KPI never reviewed is due one cadence
after its first version was recorded in the app store, or now if it has no version.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from sqlalchemy import func, select

from kpibridge.errors import GovernanceError, UnknownNameError
from kpibridge.model import Grain
from kpibridge.model.governance import ReviewDecision
from kpibridge.services.accounts.users import Account
from kpibridge.services.governance.proposals import require_member
from kpibridge.store import Store, audit
from kpibridge.store.governance_schema import DefinitionVersion, KpiReview, Proposal
from kpibridge.workspace.definition import WorkspaceDefinition

DUE_SOON_DAYS = 7
"""A review due within this many days is listed as due."""


class ReviewState(StrEnum):
    OVERDUE = "overdue"
    DUE = "due"
    UPCOMING = "upcoming"


@dataclass(frozen=True)
class ReviewDue:
    kpi_id: str
    name: str
    owner: str | None
    cadence: Grain
    last_review: date | None
    due_on: date
    state: ReviewState
    days_overdue: int

    def to_json(self) -> dict[str, object]:
        return {
            "kpi": self.kpi_id,
            "name": self.name,
            "owner": self.owner,
            "cadence": self.cadence.value,
            "last_review": self.last_review.isoformat() if self.last_review else None,
            "due_on": self.due_on.isoformat(),
            "state": self.state.value,
            "days_overdue": self.days_overdue,
        }


def next_due(last: date, cadence: Grain) -> date:
    """One cadence after ``last``."""
    if cadence is Grain.DAY:
        return last + timedelta(days=1)
    if cadence is Grain.WEEK:
        return last + timedelta(weeks=1)
    months = {Grain.MONTH: 1, Grain.QUARTER: 3, Grain.YEAR: 12}[cadence]
    index = last.year * 12 + last.month - 1 + months
    year, month = divmod(index, 12)
    day = min(last.day, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, day)


def reviews_due(
    definition: WorkspaceDefinition, store: Store, *, as_of: date, include_upcoming: bool = False
) -> list[ReviewDue]:
    """Every KPI of the workspace with its next review, most overdue first."""
    with store.transaction() as session:
        last_reviews = dict(
            session.execute(
                select(KpiReview.kpi_id, func.max(KpiReview.reviewed_on)).group_by(KpiReview.kpi_id)
            ).all()
        )
        first_versions = {
            kpi_id: created.date()
            for kpi_id, created in session.execute(
                select(DefinitionVersion.kpi_id, func.min(DefinitionVersion.created_at)).group_by(
                    DefinitionVersion.kpi_id
                )
            ).all()
        }
    listing = []
    for kpi in definition.kpis.values():
        last = last_reviews.get(kpi.id)
        since = last or first_versions.get(kpi.id)
        due = next_due(since, kpi.review_every) if since else as_of
        if due < as_of:
            state = ReviewState.OVERDUE
        elif due <= as_of + timedelta(days=DUE_SOON_DAYS):
            state = ReviewState.DUE
        else:
            state = ReviewState.UPCOMING
        if state is ReviewState.UPCOMING and not include_upcoming:
            continue
        listing.append(
            ReviewDue(
                kpi.id,
                kpi.name,
                kpi.owner,
                kpi.review_every,
                last,
                due,
                state,
                max(0, (as_of - due).days),
            )
        )
    return sorted(listing, key=lambda item: (item.due_on, item.kpi_id))


@dataclass(frozen=True)
class RecordedReview:
    id: int
    kpi_id: str
    reviewed_on: date
    decision: ReviewDecision
    next_due: date


def record_review(
    definition: WorkspaceDefinition,
    store: Store,
    account: Account,
    kpi_id: str,
    *,
    decision: ReviewDecision,
    notes: str,
    attendees: list[str],
    reviewed_on: date,
    proposal_id: int | None = None,
) -> RecordedReview:
    """Record a review of ``kpi_id`` (attendees are stakeholder ids of the workspace)."""
    require_member(account, "record reviews")
    kpi = definition.kpis.get(kpi_id)
    if kpi is None:
        raise UnknownNameError("KPI", kpi_id, definition.kpis)
    for attendee in attendees:
        if attendee not in definition.stakeholders:
            raise UnknownNameError("stakeholder", attendee, definition.stakeholders)
    if not notes.strip():
        raise GovernanceError("say what was learned: --notes is required")
    if decision in (ReviewDecision.PROPOSE_CHANGE, ReviewDecision.RETIRE) and proposal_id is None:
        raise GovernanceError(
            f"a '{decision.value}' decision links its proposal: open it with "
            "`kpibridge propose` and give --proposal ID"
        )
    with store.transaction() as session:
        if proposal_id is not None:
            proposal = session.get(Proposal, proposal_id)
            if proposal is None or proposal.kpi_id != kpi_id:
                raise GovernanceError(f"proposal {proposal_id} is not a proposal for {kpi_id!r}")
        review = KpiReview(
            kpi_id=kpi_id,
            reviewed_on=reviewed_on,
            recorded_by=account.username,
            attendees=sorted(set(attendees)),
            decision=decision.value,
            notes=notes,
            proposal_id=proposal_id,
        )
        session.add(review)
        session.flush()
        audit.record(
            session,
            actor=account.username,
            action="kpi.review",
            entity="kpi",
            entity_id=kpi_id,
            detail={
                "review": review.id,
                "reviewed_on": reviewed_on.isoformat(),
                "decision": decision.value,
                "attendees": review.attendees,
                "notes": notes,
                "proposal": proposal_id,
            },
        )
        return RecordedReview(
            review.id, kpi_id, reviewed_on, decision, next_due(reviewed_on, kpi.review_every)
        )
