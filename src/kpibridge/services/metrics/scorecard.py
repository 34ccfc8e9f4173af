"""The scorecard: every KPI's latest complete period against its target.

"Complete" is :mod:`kpibridge.model.completeness`'s rule: the period has ended before the
data's last day, and for a conversion KPI its conversion window has closed too. A conversion
KPI's newer periods are partial: the row judges the latest complete one and says which newer
period is partial and why (``ScorecardRow.partial``)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd

from kpibridge.metrics.engine import KpiRequest, MetricEngine
from kpibridge.metrics.grains import add_periods, parse_period, period_label, period_start
from kpibridge.model import KPI, Direction, Grain, Target
from kpibridge.model.completeness import partial_reason, settled_through
from kpibridge.model.status import Status, status

HISTORY_PERIODS = 13
"""Periods of history per KPI (a year of months plus one, for sparklines and change)."""


@dataclass(frozen=True)
class ScorecardRow:
    kpi: str
    name: str
    goal: str | None
    owner: str | None
    nature: str
    format: str
    unit: str | None
    grain: Grain
    period: date | None
    period_label: str | None
    value: float | None
    previous: float | None
    change: float | None
    target: float | None
    status: Status
    history: tuple[tuple[date, float | None], ...] = field(default=())
    definition_version: int | None = None
    """The definition version in force for ``period`` (None: the KPI is not versioned in
    the app store, or there is none; the workspace YAML defines it)."""
    target_version: int | None = None
    """The target version in force for ``period`` (None: not versioned)."""
    previous_target: float | None = None
    """The target that applied to the previous period (a "newly met" target needs it)."""
    direction: Direction = Direction.HIGHER_IS_BETTER
    """The direction ``status`` was judged in (of the definition in force for ``period``)."""
    history_targets: tuple[tuple[date, Target | None], ...] = field(default=())
    """The target that applies to each period of ``history`` (for target bands)."""
    partial: str | None = None
    """Why a newer period, fully loaded, is not judged yet (a conversion window still open),
    e.g. "2026-10 is partial: its 30 days conversion window closes on 2026-11-30 …"."""

    def as_record(self) -> dict[str, object]:
        """Plain JSON-ready form (dates as ``YYYY-MM-DD``)."""
        return {
            "kpi": self.kpi,
            "name": self.name,
            "goal": self.goal,
            "owner": self.owner,
            "nature": self.nature,
            "grain": self.grain.value,
            "period": self.period.isoformat() if self.period else None,
            "period_label": self.period_label,
            "value": self.value,
            "previous": self.previous,
            "change": self.change,
            "target": self.target,
            "status": self.status.value,
            "format": self.format,
            "unit": self.unit,
            "definition_version": self.definition_version,
            "target_version": self.target_version,
            "partial": self.partial,
        }


@dataclass(frozen=True)
class Scorecard:
    rows: tuple[ScorecardRow, ...]
    warehouse_queries: int

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([row.as_record() for row in self.rows])


def build_scorecard(engine: MetricEngine, kpis: list[KPI], as_of: date | None = None) -> Scorecard:
    """Compute every KPI at its review grain with one warehouse query per merged query."""
    before = engine.query_log.count
    last_days = scorecard_last_days(engine, kpis, as_of)
    windows = scorecard_windows(engine, kpis, as_of, last_days)
    frames = engine.compute_many([w for w in windows.values() if w is not None])
    fiscal = engine.fiscal_year_start
    rows = []
    for kpi in kpis:
        request = windows[kpi.id]
        values = period_values(frames[request]) if request is not None else {}
        rows.append(
            scorecard_row(
                kpi, request.end if request else None, values, fiscal, last_day=last_days[kpi.id]
            )
        )
    return Scorecard(tuple(rows), engine.query_log.count - before)


def scorecard_last_days(
    engine: MetricEngine, kpis: list[KPI], as_of: date | None = None
) -> dict[str, date | None]:
    """Each KPI's last day of data: the earliest of its models' last days (capped at
    ``as_of``); None when a model has no data. One warehouse query for every model."""
    extents = engine.data_extent(
        (model, column) for kpi in kpis for model, column in _time_columns(engine, kpi)
    )
    last_days: dict[str, date | None] = {}
    for kpi in kpis:
        found = [extents.get(pair) for pair in _time_columns(engine, kpi)]
        known = [d for d in found if d is not None]
        last_day = min(known) if known and len(known) == len(found) else None
        if as_of is not None and last_day is not None:
            last_day = min(last_day, as_of)
        last_days[kpi.id] = last_day
    return last_days


def scorecard_windows(
    engine: MetricEngine,
    kpis: list[KPI],
    as_of: date | None = None,
    last_days: dict[str, date | None] | None = None,
) -> dict[str, KpiRequest | None]:
    """Each KPI's scorecard window: its last :data:`HISTORY_PERIODS` periods at its review
    grain, ending with the latest complete one (``end``); None when it has no data.
    ``last_days`` from :func:`scorecard_last_days` (queried when not given)."""
    fiscal = engine.fiscal_year_start
    if last_days is None:
        last_days = scorecard_last_days(engine, kpis, as_of)
    windows: dict[str, KpiRequest | None] = {}
    for kpi in kpis:
        last_day = last_days[kpi.id]
        settled = settled_through(kpi, last_day) if last_day is not None else None
        period = _latest_complete(settled, kpi.review_every, fiscal)
        windows[kpi.id] = (
            KpiRequest(
                kpi.id,
                kpi.review_every,
                start=add_periods(period, -(HISTORY_PERIODS - 1), kpi.review_every),
                end=period,
            )
            if period is not None
            else None
        )
    return windows


def period_values(frame: pd.DataFrame) -> dict[date, float | None]:
    """A computed KPI frame (``period``, ``value``) as period → value (NaN as None)."""
    return {
        pd.Timestamp(p).date(): _number(v)
        for p, v in zip(frame["period"], frame["value"], strict=True)
    }


def _time_columns(engine: MetricEngine, kpi: KPI) -> list[tuple[str, str]]:
    pairs = []
    for model_name in engine.builder.models_of(kpi.id):
        model = engine.models[model_name]
        pairs.append((model_name, model.time))
    return pairs


def _latest_complete(last_day: date | None, grain: Grain, fiscal: int) -> date | None:
    """The last period whose final day is covered by the data."""
    if last_day is None:
        return None
    start = period_start(last_day, grain, fiscal)
    if add_periods(start, 1, grain) - timedelta(days=1) <= last_day:
        return start
    return add_periods(start, -1, grain)


def target_for(kpi: KPI, period: date, fiscal: int) -> Target | None:
    """The target set for exactly this period at the KPI's grain, else a standing target."""
    standing = None
    for target in kpi.targets:
        if target.period is None:
            standing = target
            continue
        grain, start = parse_period(target.period, fiscal)
        if grain is kpi.review_every and start == period:
            return target
    return standing


def scorecard_row(
    kpi: KPI,
    period: date | None,
    values: dict[date, float | None],
    fiscal: int,
    *,
    judge: Callable[[date], tuple[KPI, Target | None]] | None = None,
    versions: tuple[int | None, int | None] = (None, None),
    last_day: date | None = None,
) -> ScorecardRow:
    """The row of ``kpi`` for ``period`` from its values per period. ``judge`` gives the KPI
    and target that ``period`` is judged by (default: ``kpi`` and its own targets);
    ``versions`` are the (definition, target) versions stamped on the row; ``last_day`` is
    the data's last day (to say which newer period is partial)."""
    value = values.get(period) if period else None
    previous = values.get(add_periods(period, -1, kpi.review_every)) if period else None
    change = (value - previous) / abs(previous) if value is not None and previous else None
    judge = judge or (lambda when: (kpi, target_for(kpi, when, fiscal)))
    judged, target = judge(period) if period is not None else (kpi, None)
    before = judge(add_periods(period, -1, kpi.review_every))[1] if period else None
    history = tuple(sorted(values.items()))
    return ScorecardRow(
        kpi=kpi.id,
        name=kpi.name,
        goal=kpi.goal,
        owner=kpi.owner,
        nature=kpi.nature.value,
        format=kpi.format,
        unit=kpi.unit,
        grain=kpi.review_every,
        period=period,
        period_label=period_label(period, kpi.review_every, fiscal) if period else None,
        value=value,
        previous=previous,
        change=change,
        target=target.value if target else None,
        status=status(value, target, judged.direction),
        history=history,
        definition_version=versions[0],
        target_version=versions[1],
        previous_target=before.value if before else None,
        direction=judged.direction,
        history_targets=tuple((when, judge(when)[1]) for when, _ in history),
        partial=_partial_note(kpi, period, last_day, fiscal),
    )


def _partial_note(kpi: KPI, period: date | None, last_day: date | None, fiscal: int) -> str | None:
    """Why the period after ``period`` is not judged although the data covers all its days
    (None when it is not: the usual running period needs no note)."""
    if last_day is None:
        return None
    newest = _latest_complete(last_day, kpi.review_every, fiscal)
    if newest is None or (period is not None and newest <= period):
        return None
    end = add_periods(newest, 1, kpi.review_every) - timedelta(days=1)
    reason = partial_reason(kpi, end, last_day)
    if reason is None:
        return None
    label = period_label(newest, kpi.review_every, fiscal)
    return f"{label} is partial and not judged yet: {reason}."


def _number(value: object) -> float | None:
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number
