"""A KPI's values as governed: each period computed with the definition version in force for
it, judged against the target version in force, and stamped with both version numbers.

Which definition and target versions a period gets is decided by the rules in
:mod:`kpibridge.services.governance.version_rules`, shared with the governed scorecard
(:mod:`kpibridge.services.governance.governed_scorecard`). Here every version's history is
computed over its own scorecard window, so a period any version has a value for is listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import TypeAdapter

from kpibridge.errors import GovernanceError
from kpibridge.metrics.grains import period_label
from kpibridge.model import KPI
from kpibridge.model.status import Status, status
from kpibridge.services.governance.impact import history_under
from kpibridge.services.governance.version_rules import load_versions
from kpibridge.services.metrics.workspace import Workspace
from kpibridge.store import Store

_KPI: TypeAdapter[Any] = TypeAdapter(KPI)


@dataclass(frozen=True)
class GovernedValue:
    period: date
    label: str
    value: float | None
    definition_version: int
    target_version: int | None
    target: float | None
    status: Status

    def to_json(self) -> dict[str, object]:
        return {
            "period": self.period.isoformat(),
            "label": self.label,
            "value": self.value,
            "definition_version": self.definition_version,
            "target_version": self.target_version,
            "target": self.target,
            "status": self.status.value,
        }


def governed_values(
    ws: Workspace, store: Store, kpi_id: str, *, as_of: date
) -> list[GovernedValue]:
    """The KPI's recent periods (the scorecard window at its review grain), each computed
    and judged with the versions in force for it (rules: :mod:`version_rules`)."""
    versions = load_versions(store, as_of, kpi_id).get(kpi_id)
    latest = versions.in_force if versions is not None else None
    if versions is None or latest is None:
        raise GovernanceError(
            f"KPI {kpi_id!r} has no version in effect on {as_of}: `kpibridge versions {kpi_id}`"
        )
    grain = _KPI.validate_python(latest.content).review_every
    fiscal = ws.settings.fiscal_year_start
    histories = {
        row.version: history_under(ws, kpi_id, _KPI.validate_python(row.content), grain)
        for row in versions.definitions
        if not row.retired
    }
    periods = sorted({period for history in histories.values() for period in history})
    judged_by = versions.judge(fiscal)
    result = []
    for period in periods:
        owner = versions.definition_for(period)
        if owner is None:
            continue  # retired by then
        kpi, target_version, target = judged_by(period)
        value = histories[owner.version].get(period)
        result.append(
            GovernedValue(
                period=period,
                label=period_label(period, grain, fiscal),
                value=value,
                definition_version=owner.version,
                target_version=target_version.version if target_version else None,
                target=target.value if target else None,
                status=status(value, target, kpi.direction),
            )
        )
    return result
