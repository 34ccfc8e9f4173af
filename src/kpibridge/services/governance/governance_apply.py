"""``kpibridge apply`` and ``kpibridge propose``: turn workspace YAML edits into KPI
versions (admins) or change proposals (everyone else with the right to propose)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from kpibridge.errors import GovernanceError
from kpibridge.model.access import AccessRole
from kpibridge.model.governance import ProposalKind, Restatement
from kpibridge.services.accounts.users import Account
from kpibridge.services.governance.proposals import open_or_revise, require_member
from kpibridge.services.governance.versions import (
    Change,
    changes,
    latest_definitions,
    latest_targets,
    record_change,
)
from kpibridge.store import Store
from kpibridge.workspace.definition import WorkspaceDefinition
from kpibridge.workspace.governance_file import load_governance

DEFAULT_ADMIN_MESSAGE = "applied from the workspace YAML"
SINCE_ALWAYS = date(1900, 1, 1)
"""Effective date of the library's first versions: before any data a KPI could cover."""


@dataclass(frozen=True)
class Applied:
    kpi_id: str
    kind: ProposalKind
    outcome: str
    """``definition v2, targets v1`` for versions; ``proposal 7`` / ``proposal 7 revised``."""

    def to_json(self) -> dict[str, object]:
        return {"kpi": self.kpi_id, "kind": self.kind.value, "outcome": self.outcome}


@dataclass(frozen=True)
class ApplyResult:
    direct: bool
    applied: tuple[Applied, ...] = field(default=())

    def to_json(self) -> dict[str, object]:
        return {"direct": self.direct, "changes": [item.to_json() for item in self.applied]}


def apply_workspace(
    definition: WorkspaceDefinition,
    store: Store,
    account: Account,
    *,
    message: str | None,
    effective_from: date | None,
    restatement: Restatement,
    only: str | None = None,
    retire: bool = False,
    force_proposal: bool = False,
) -> ApplyResult:
    """Every change of the YAML against the store, in one transaction: versions when
    ``account`` is an admin (unless ``force_proposal``), else proposals. ``only``: just this
    KPI; ``retire``: propose its retirement (it may still be in the YAML).

    ``effective_from`` None: today — except a KPI's first version written directly (the
    library's first ``apply``), which is in force :data:`SINCE_ALWAYS`: it describes the
    definitions the team has used all along, so a scorecard judged on an earlier day keeps it.
    """
    require_member(account, "apply or propose changes")
    governance = load_governance(definition)
    direct = account.role is AccessRole.ADMIN and not force_proposal
    with store.transaction() as session:
        found = changes(definition, session)
        if only is not None:
            found = [change for change in found if change.kpi_id == only]
            if retire:
                found = [_retirement(session, only)]
            elif not found:
                raise GovernanceError(
                    f"KPI {only!r}: the workspace YAML says the same as its latest version; "
                    "edit kpis/*.yaml first (or use --retire)"
                )
        applied = []
        for change in found:
            if direct:
                first = change.kind is ProposalKind.NEW_KPI and change.base_version is None
                written = record_change(
                    session,
                    change,
                    author=account.username,
                    rationale=message or DEFAULT_ADMIN_MESSAGE,
                    effective_from=effective_from or (SINCE_ALWAYS if first else date.today()),
                    restatement=restatement,
                )
                applied.append(Applied(change.kpi_id, change.kind, ", ".join(written)))
            else:
                proposal, new = open_or_revise(
                    session,
                    change,
                    account=account,
                    rationale=message or "",
                    effective_from=effective_from or date.today(),
                    restatement=restatement,
                    definition=definition,
                    governance=governance,
                )
                outcome = f"proposal {proposal.id}" + (
                    "" if new else f" revised (revision {proposal.revision})"
                )
                applied.append(Applied(change.kpi_id, change.kind, outcome))
    return ApplyResult(direct, tuple(applied))


def _retirement(session: Session, kpi_id: str) -> Change:
    current = latest_definitions(session).get(kpi_id)
    if current is None or current.retired:
        raise GovernanceError(f"KPI {kpi_id!r} has no live version in the app store to retire")
    targets = latest_targets(session).get(kpi_id)
    return Change(
        kpi_id,
        ProposalKind.RETIREMENT,
        None,
        None,
        current.version,
        targets.version if targets else None,
    )
