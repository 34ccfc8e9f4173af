"""What the KPI page's themes and history panels and their API twins share: the themes that
moved with a KPI (remembered per data version) and the KPI's versions, proposals and audit
log from the app store."""

from __future__ import annotations

from dataclasses import dataclass

from kpibridge.errors import KpibridgeError, UnknownNameError
from kpibridge.model import Nature
from kpibridge.services.governance.audit_trail import read_log
from kpibridge.services.governance.live import LiveWorkspace
from kpibridge.services.governance.proposals import list_proposals
from kpibridge.services.governance.versions import VersionEntry, version_history
from kpibridge.services.metrics.workspace import Workspace
from kpibridge.services.voice.reports import ThemeMovement, themes_moving_with
from kpibridge.store import Store
from kpibridge.store.audit import AuditEntry


def moving_themes(live: LiveWorkspace, kpi_id: str) -> tuple[list[ThemeMovement], str | None]:
    """The themes that moved with ``kpi_id`` month over month, or why there are none."""
    kpis = live.workspace.kpis
    if kpi_id not in kpis:
        raise UnknownNameError("KPI", kpi_id, list(kpis))
    if kpis[kpi_id].nature is not Nature.QUANTITATIVE:
        return [], "themes are set beside quantitative KPIs only"

    def compute(ws: Workspace) -> tuple[list[ThemeMovement], str | None]:
        try:
            return themes_moving_with(ws, kpi_id), None
        except KpibridgeError as error:
            return [], str(error)

    return live.remember(("themes-moving", kpi_id), compute)


@dataclass(frozen=True)
class KpiHistory:
    versions: list[VersionEntry]
    """Oldest first; empty when the app store has no version of the KPI yet."""
    audit: list[AuditEntry]
    """Oldest first."""
    proposals: list[dict[str, object]]
    """Newest first."""


def kpi_history(store: Store, kpi_id: str) -> KpiHistory:
    """The KPI's versions, audit entries and proposals. A KPI of the YAML that was never
    applied has no versions: that is a state to show, not an error."""
    try:
        versions = version_history(store, kpi_id)
    except UnknownNameError:
        versions = []
    return KpiHistory(versions, read_log(store, kpi=kpi_id), list_proposals(store, kpi=kpi_id))
