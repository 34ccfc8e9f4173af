"""A KPI's values as governed: each period computed with the definition version in force for
it, judged against the target version in force, and stamped with both version numbers.

Which definition a period gets: versions take over, in order, the periods that start on or
after their effective date; a version approved with ``restate`` also takes over every earlier
period, one with ``as_reported`` leaves them to the versions before it. Periods before the
first version's date get the first version. Versions not yet in effect on ``as_of`` are left
out; periods from a retirement's effective date on have no value. Targets follow their own
versions by effective date (targets are never restated).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import TypeAdapter

from kpibridge.errors import GovernanceError
from kpibridge.metrics.grains import period_label
from kpibridge.model import KPI
from kpibridge.model.governance import Restatement
from kpibridge.model.status import Status, status
from kpibridge.services.impact import history_under
from kpibridge.services.scorecard import target_for
from kpibridge.services.versions import definition_history, target_history
from kpibridge.services.workspace import Workspace
from kpibridge.store import Store
from kpibridge.workspace.kpi_yaml import join_targets

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
    and judged with the versions in force for it."""
    with store.transaction() as session:
        definitions = [v for v in definition_history(session, kpi_id) if v.effective_from <= as_of]
        targets = [v for v in target_history(session, kpi_id) if v.effective_from <= as_of]
        rows = [
            (v.version, dict(v.content), v.retired, v.effective_from, Restatement(v.restatement))
            for v in definitions
        ]
        target_rows = [(v.version, list(v.targets), v.effective_from) for v in targets]
    if not rows:
        raise GovernanceError(
            f"KPI {kpi_id!r} has no version in effect on {as_of}: `kpibridge versions {kpi_id}`"
        )
    latest = _KPI.validate_python(rows[-1][1])
    grain, fiscal = latest.review_every, ws.settings.fiscal_year_start
    histories = {
        version: history_under(ws, kpi_id, _KPI.validate_python(content), grain)
        for version, content, retired, _, _ in rows
        if not retired
    }
    periods = sorted({period for history in histories.values() for period in history})
    result = []
    for period in periods:
        owner = _definition_for(period, rows)
        if owner is None:
            continue  # retired by then
        version, content = owner
        target_version, target_list = _targets_for(period, target_rows)
        kpi = _KPI.validate_python(join_targets(content, target_list))
        target = target_for(kpi, period, fiscal)
        value = histories[version].get(period)
        result.append(
            GovernedValue(
                period=period,
                label=period_label(period, grain, fiscal),
                value=value,
                definition_version=version,
                target_version=target_version,
                target=target.value if target else None,
                status=status(value, target, kpi.direction),
            )
        )
    return result


def _definition_for(
    period: date, rows: list[tuple[int, dict[str, Any], bool, date, Restatement]]
) -> tuple[int, dict[str, Any]] | None:
    owner: tuple[int, dict[str, Any]] | None = None
    retired = False
    for index, (version, content, is_retired, effective, restatement) in enumerate(rows):
        covers = (
            period >= effective
            or index == 0
            or (restatement is Restatement.RESTATE and not is_retired)
        )
        if covers:
            retired = is_retired
            if not is_retired:
                owner = (version, content)
    return None if retired else owner


def _targets_for(
    period: date, rows: list[tuple[int, list[Any], date]]
) -> tuple[int | None, list[Any]]:
    chosen: tuple[int | None, list[Any]] = (None, [])
    for index, (version, targets, effective) in enumerate(rows):
        if period >= effective or index == 0:
            chosen = (version, targets)
    return chosen
