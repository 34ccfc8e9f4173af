"""What the proposal pages and the proposal API share: who may decide or comment, the
workspace's governance settings, the cached impact preview, and proposal errors turned into
HTTP answers.

The rules are the service's (``services/proposals.py``, docs/governance.md): every
signed-in role reads; members and above comment; approve, reject and request changes need
the member role **and** a seat (the caller's stakeholder holds one of the proposal's seats).
The service decides; the pages only hide the forms a caller could not use.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from starlette.exceptions import HTTPException

from kpibridge.errors import (
    ForbiddenError,
    KpibridgeError,
    ProposalNotFoundError,
    ProposalPermissionError,
    ProposalStateError,
)
from kpibridge.model.access import AccessRole, allows
from kpibridge.model.governance import GovernanceSettings, ProposalStatus
from kpibridge.services.accounts.users import Account
from kpibridge.services.governance.impact import ImpactPreview, impact_preview
from kpibridge.services.governance.live import LiveWorkspace
from kpibridge.services.governance.proposal_views import ProposalView
from kpibridge.services.metrics.workspace import Workspace
from kpibridge.workspace.governance_file import load_governance

LIVE_STATUSES = (ProposalStatus.OPEN, ProposalStatus.CHANGES_REQUESTED)


def governance(live: LiveWorkspace) -> GovernanceSettings:
    """``governance.yaml`` of the workspace, read once per data version."""
    return live.remember(("governance",), lambda ws: load_governance(ws.definition))


def seats_held(account: Account, view: ProposalView) -> list[str]:
    """The proposal's seats the caller's stakeholder holds."""
    return [
        state.seat.name
        for state in view.seats
        if account.stakeholder is not None and account.stakeholder in state.seat.holders
    ]


def may_decide(account: Account, view: ProposalView) -> bool:
    """Whether the approve / reject / request-changes form is of use to the caller now."""
    return (
        view.status is ProposalStatus.OPEN
        and allows(account.role, AccessRole.MEMBER)
        and bool(seats_held(account, view))
    )


def may_comment(account: Account, view: ProposalView) -> bool:
    return view.status in LIVE_STATUSES and allows(account.role, AccessRole.MEMBER)


def may_put_to_round(account: Account, open_proposals: int) -> bool:
    """Whether the "Put to an alignment round" button is of use: facilitators and admins,
    when a KPI has at least two open proposals (``services/proposal_rounds.py`` decides)."""
    return allows(account.role, AccessRole.FACILITATOR) and open_proposals >= 2


def cached_impact(
    live: LiveWorkspace, view: ProposalView
) -> tuple[ImpactPreview | None, str | None]:
    """The impact preview (or why there is none), remembered per proposal revision until
    the workspace changes: a revision is the only thing that changes what is compared."""

    def compute(ws: Workspace) -> tuple[ImpactPreview | None, str | None]:
        try:
            return impact_preview(ws, view), None
        except KpibridgeError as error:
            return None, str(error)

    return live.remember(("impact", view.id, view.revision), compute)


@contextmanager
def proposal_errors() -> Iterator[None]:
    """No permission → 403; the proposal's status does not allow it → 409; no such
    proposal → 404. Other governance errors (a decision without its comment) stay 400."""
    try:
        yield
    except ProposalPermissionError as error:
        raise ForbiddenError(str(error)) from None
    except ProposalStateError as error:
        raise HTTPException(409, str(error)) from None
    except ProposalNotFoundError as error:
        raise HTTPException(404, str(error)) from None
