"""Impact preview of a proposal: the KPI's history under the definition in force and under
the proposed one, side by side, with the difference per period and every status that flips.

Both sides are computed by the metric engine on the workspace warehouse, each with its own
copy of the KPI set (the proposed definition replaces the current one; KPIs built on it see
the change too), over the scorecard's window: the last complete periods at the KPI's review
grain (the proposed grain if the proposal changes it). ``reported`` is what the scorecard
will show after approval: the proposed values, or — with ``as_reported`` restatement — the
current ones for periods that start before the effective date.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import TypeAdapter

from kpibridge.errors import GovernanceError
from kpibridge.metrics.engine import MetricEngine
from kpibridge.metrics.grains import period_label
from kpibridge.model import KPI, Grain
from kpibridge.model.governance import Restatement
from kpibridge.model.status import Status, status
from kpibridge.services.governance.proposal_views import ProposalView
from kpibridge.services.metrics.scorecard import build_scorecard, target_for
from kpibridge.services.metrics.workspace import Workspace

_KPI: TypeAdapter[Any] = TypeAdapter(KPI)


@dataclass(frozen=True)
class ImpactRow:
    period: date
    label: str
    before: float | None
    after: float | None
    reported: float | None
    target_before: float | None
    target_after: float | None
    status_before: Status
    status_after: Status

    @property
    def difference(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def relative(self) -> float | None:
        difference = self.difference
        return difference / abs(self.before) if difference is not None and self.before else None

    @property
    def flipped(self) -> bool:
        return self.status_before is not self.status_after

    def to_json(self) -> dict[str, object]:
        return {
            "period": self.period.isoformat(),
            "label": self.label,
            "before": self.before,
            "after": self.after,
            "difference": self.difference,
            "relative": self.relative,
            "reported": self.reported,
            "target_before": self.target_before,
            "target_after": self.target_after,
            "status_before": self.status_before.value,
            "status_after": self.status_after.value,
            "flipped": self.flipped,
        }


@dataclass(frozen=True)
class ImpactPreview:
    kpi_id: str
    grain: Grain
    effective_from: date
    restatement: Restatement
    rows: tuple[ImpactRow, ...]

    @property
    def flips(self) -> tuple[ImpactRow, ...]:
        return tuple(row for row in self.rows if row.flipped)

    def to_json(self) -> dict[str, object]:
        return {
            "kpi": self.kpi_id,
            "grain": self.grain.value,
            "effective_from": self.effective_from.isoformat(),
            "restatement": self.restatement.value,
            "rows": [row.to_json() for row in self.rows],
            "flips": len(self.flips),
        }


def impact_preview(ws: Workspace, proposal: ProposalView) -> ImpactPreview:
    """Compute the proposal's KPI before and after, period by period."""
    before = _kpi(proposal.before)
    after = _kpi(proposal.after)
    reference = after or before
    assert reference is not None, "a proposal changes something"
    grain = reference.review_every
    fiscal = ws.settings.fiscal_year_start
    sides = [history_under(ws, proposal.kpi_id, kpi, grain) for kpi in (before, after)]
    periods = sorted(set(sides[0]) | set(sides[1]))
    rows = []
    for period in periods:
        old, new = sides[0].get(period), sides[1].get(period)
        old_target = target_for(before, period, fiscal) if before else None
        new_target = target_for(after, period, fiscal) if after else None
        restated = proposal.restatement is Restatement.RESTATE or period >= proposal.effective_from
        rows.append(
            ImpactRow(
                period=period,
                label=period_label(period, grain, fiscal),
                before=old,
                after=new,
                reported=new if restated else old,
                target_before=old_target.value if old_target else None,
                target_after=new_target.value if new_target else None,
                status_before=status(old, old_target, before.direction)
                if before
                else Status.NO_DATA,
                status_after=status(new, new_target, after.direction) if after else Status.NO_DATA,
            )
        )
    return ImpactPreview(
        proposal.kpi_id, grain, proposal.effective_from, proposal.restatement, tuple(rows)
    )


def _kpi(content: dict[str, Any] | None) -> KPI | None:
    return _KPI.validate_python(content) if content is not None else None


def history_under(ws: Workspace, kpi_id: str, kpi: KPI | None, grain: Grain) -> dict[date, float]:
    """The KPI's values over the scorecard window, with ``kpi`` as its definition."""
    if kpi is None:
        return {}
    kpi = kpi.model_copy(update={"review_every": grain})
    kpis = {**ws.kpis, kpi_id: kpi}
    engine = MetricEngine(ws.models, kpis, ws.backend, ws.settings.fiscal_year_start)
    row = build_scorecard(engine, [kpi]).rows[0]
    return {
        period: value
        for period, value in row.history
        if value is not None and not math.isnan(value)
    }


@dataclass(frozen=True)
class Comparison:
    """Competing proposals for one KPI side by side: each one's impact preview over the same
    periods (``now`` is the definition in force)."""

    kpi_id: str
    proposals: tuple[ProposalView, ...]
    previews: tuple[ImpactPreview, ...]

    @property
    def periods(self) -> list[date]:
        return sorted({row.period for preview in self.previews for row in preview.rows})

    def row(self, index: int, period: date) -> ImpactRow | None:
        return next((row for row in self.previews[index].rows if row.period == period), None)

    def to_json(self) -> dict[str, object]:
        return {
            "kpi": self.kpi_id,
            "proposals": [
                {
                    "id": view.id,
                    "author": view.author,
                    "rationale": view.rationale,
                    "changes": view.words,
                    "impact": preview.to_json(),
                }
                for view, preview in zip(self.proposals, self.previews, strict=True)
            ],
        }


def compare_proposals(ws: Workspace, views: list[ProposalView]) -> Comparison:
    """Impact previews of competing proposals (at least two, all for the same KPI)."""
    kpis = {view.kpi_id for view in views}
    if len(views) < 2 or len(kpis) != 1:
        raise GovernanceError(
            "compare two or more proposals for the same KPI"
            + (f" (these are for {', '.join(sorted(kpis))})" if len(kpis) > 1 else "")
        )
    return Comparison(kpis.pop(), tuple(views), tuple(impact_preview(ws, v) for v in views))
