"""Everything the KPI page shows: the definition (words, formula, lineage, owner, goal,
cadence, targets), what it can be cut by, and its values over time with the target band."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import pandas as pd

from kpibridge.errors import UnknownNameError
from kpibridge.model import KPI, Direction, Grain, Target
from kpibridge.services.metrics.explain import Explanation
from kpibridge.services.metrics.scorecard import target_for
from kpibridge.services.metrics.workspace import Workspace


@dataclass(frozen=True)
class KpiDetail:
    kpi: KPI
    explanation: Explanation
    goal_name: str | None
    owner_name: str | None
    dimensions: tuple[str, ...]
    """Dimensions every model of the KPI shares: the ones it can be cut by."""

    def as_record(self) -> dict[str, object]:
        return {
            "definition": self.kpi.model_dump(mode="json", exclude_none=True),
            "explanation": self.explanation.as_record(),
            "goal_name": self.goal_name,
            "owner_name": self.owner_name,
            "dimensions": list(self.dimensions),
            "grains": [grain.value for grain in Grain],
        }


@dataclass(frozen=True)
class KpiSeries:
    kpi: str
    grain: Grain
    by: str | None
    values: pd.DataFrame
    """``period``, the ``by`` dimension when given, ``value`` (and parts for ratios)."""
    band: pd.DataFrame
    """``period``, ``target``, ``on_track_from``, ``off_track_from``: empty unless the grain
    is the KPI's review grain and targets are set (other grains have no comparable target)."""


def kpi_detail(ws: Workspace, kpi_id: str) -> KpiDetail:
    kpi = _kpi(ws, kpi_id)
    goals = {goal.id: goal.name for root in ws.goals for goal in root.walk()}
    owner = ws.stakeholders.get(kpi.owner) if kpi.owner else None
    return KpiDetail(
        kpi=kpi,
        explanation=ws.explain(kpi.id, kpi.review_every),
        goal_name=goals.get(kpi.goal) if kpi.goal else None,
        owner_name=owner.name if owner else None,
        dimensions=tuple(ws.engine.builder.shared_dimensions(kpi.id)),
    )


def kpi_series(
    ws: Workspace,
    kpi_id: str,
    grain: Grain,
    by: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> KpiSeries:
    kpi = _kpi(ws, kpi_id)
    values = ws.compute(kpi.id, grain, by=[by] if by else None, start=start, end=end)
    band = pd.DataFrame(columns=["period", "target", "on_track_from", "off_track_from"])
    if grain is kpi.review_every and kpi.targets:
        band = target_band(kpi, values["period"], ws.settings.fiscal_year_start)
    return KpiSeries(kpi.id, grain, by, values, band)


def target_band(kpi: KPI, periods: pd.Series, fiscal_year_start: int) -> pd.DataFrame:
    """Per period with a target: the target and the values where the KPI stops being on
    track and becomes off track (the thresholds of :func:`kpibridge.model.status.status`)."""
    return targets_band(
        kpi.direction,
        [
            (period, target_for(kpi, period, fiscal_year_start))
            for period in sorted({pd.Timestamp(p).date() for p in periods})
        ],
    )


def targets_band(
    direction: Direction, targets: Iterable[tuple[date, Target | None]]
) -> pd.DataFrame:
    """:func:`target_band` from each period's own target (periods without one left out)."""
    sign = 1.0 if direction is Direction.HIGHER_IS_BETTER else -1.0
    rows = []
    for period, target in targets:
        if target is None:
            continue
        scale = abs(target.value) if target.value != 0 else 1.0
        rows.append(
            {
                "period": pd.Timestamp(period),
                "target": target.value,
                "on_track_from": target.value - sign * target.at_risk * scale,
                "off_track_from": target.value - sign * target.off_track * scale,
            }
        )
    return pd.DataFrame(rows, columns=["period", "target", "on_track_from", "off_track_from"])


def _kpi(ws: Workspace, kpi_id: str) -> KPI:
    kpi = ws.kpis.get(kpi_id)
    if kpi is None:
        raise UnknownNameError("KPI", kpi_id, ws.kpis)
    return kpi
