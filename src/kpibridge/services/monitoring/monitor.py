"""Watch every KPI of a workspace: status, trend, anomalies, change points and forecast.

The statistics live in :mod:`kpibridge.evidence.monitor` and work on plain series; this
service decides, per KPI, *which* series to watch and *how* its steps add up to a period:

* **Step.** Daily values, except for KPIs built on a trailing or to-date window (directly or
  through a derived formula): those move smoothly by construction, a daily series of them is
  slow to compute and says nothing a weekly one does not, so they are watched weekly. A KPI
  whose daily series has holes (a ratio with no denominator on some days, say) falls back to
  weekly; one with holes even then is reported as not monitored, with the reason.
* **Aggregation** (how steps make the KPI's review period, for the forecast): ``sum`` for
  KPIs of additive measures (revenue, orders — a day without rows is a zero), ``last`` for
  window KPIs (the value at period end), ``mean`` for everything else. For a ratio the mean
  of daily ratios only approximates the period's ratio of sums; the forecast says so.
* **Status** comes from the scorecard (exact: the period's own value and target, with the
  target's thresholds); the forecast uses the target set for the period it forecasts.
* **Partial steps.** Steps whose data is not complete (a week still running on the data's
  last day; for a conversion KPI, every step whose conversion window has not closed — the
  rule of :mod:`kpibridge.model.completeness`) are left out of the series: a rate of MQLs
  from last week that have not had time to convert is not an anomaly, nor a trend.
* **Versions.** On a governed workspace (:func:`governed_workspace`) the status is the
  governed scorecard's (each period by its versions), while the series is computed with the
  KPI's *current* definition for every step: one series, comparable across its whole
  length. KPIs retired in the app store are not watched.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pandas as pd

from kpibridge.errors import EvidenceInputError, KpibridgeError
from kpibridge.evidence.monitor.anomalies import AnomalyResult
from kpibridge.evidence.monitor.changepoints import ChangePointResult
from kpibridge.evidence.monitor.forecast import Aggregation, ForecastResult
from kpibridge.evidence.monitor.forecast_backtest import Coverage, backtest_coverage
from kpibridge.evidence.monitor.monitor import monitor
from kpibridge.evidence.monitor.trend import TrendResult
from kpibridge.metrics.engine import KpiRequest
from kpibridge.metrics.grains import period_start
from kpibridge.model import KPI, CumulativeKPI, DerivedKPI, Grain, RatioKPI, SimpleKPI
from kpibridge.model.completeness import conversion_window, settled_through
from kpibridge.services.metrics.scorecard import ScorecardRow, scorecard_last_days, target_for
from kpibridge.services.metrics.workspace import Workspace
from kpibridge.services.monitoring.evidence import Slice
from kpibridge.services.monitoring.forecast_check import period_values

MINIMUM_STEPS = 28
"""Fewer steps than this and a KPI is not monitored (the statistics need four weeks)."""


@dataclass(frozen=True)
class KpiWatch:
    """What the monitor says about one KPI; ``reason`` is set when it could not be watched."""

    kpi: str
    name: str
    scorecard: ScorecardRow
    step: Grain | None
    aggregation: Aggregation | None
    trend: TrendResult | None = None
    anomalies: AnomalyResult | None = None
    change_points: ChangePointResult | None = None
    forecast: ForecastResult | None = None
    trend_grain: str | None = None
    reason: str | None = None
    notes: tuple[str, ...] = ()
    partial: str | None = None
    """The newest steps left out because their data is not complete, and why."""
    values: pd.Series | None = field(default=None, repr=False, compare=False)
    """The series that was watched (for charts; not part of ``to_dict``)."""

    def to_dict(self) -> dict[str, Any]:
        row = self.scorecard
        return {
            "kpi": self.kpi,
            "name": self.name,
            "status": {
                "period": row.period_label,
                "value": row.value,
                "target": row.target,
                "status": row.status.value,
            },
            "step": self.step.value if self.step else None,
            "aggregation": self.aggregation,
            "trend_grain": self.trend_grain,
            "trend": self.trend.to_dict() if self.trend else None,
            "anomalies": self.anomalies.to_dict() if self.anomalies else None,
            "change_points": self.change_points.to_dict() if self.change_points else None,
            "forecast": self.forecast.to_dict() if self.forecast else None,
            "reason": self.reason,
            "notes": list(self.notes),
            "partial": self.partial,
        }


def watch(
    ws: Workspace,
    kpis: Sequence[str] | None = None,
    *,
    where: Slice | None = None,
    as_of: date | None = None,
    seed: int = 0,
) -> list[KpiWatch]:
    """Monitor ``kpis`` (default: every KPI), in the order given, on one slice (``where``,
    e.g. device = mobile) or the whole. Status stays the scorecard's, which is for the whole.
    ``as_of`` watches the data as it was up to that day (the scorecard, the series, the
    forecast), as a review of a past period needs.

    A KPI the statistics cannot take (a constant series, too short after trimming) is listed
    with the reason instead of failing the others."""
    chosen = _chosen(ws, kpis)
    rows = ws.scorecard(as_of, [kpi.id for kpi in chosen]).rows  # governed: the versions'
    scorecard = {row.kpi: row for row in rows}
    steps = {kpi.id: (Grain.WEEK if _uses_window(ws, kpi.id) else Grain.DAY) for kpi in chosen}
    series, reasons = _series(ws, chosen, steps, where, as_of)
    last_days = scorecard_last_days(ws.engine, chosen, as_of)
    partial_notes: dict[str, str] = {}
    for kpi in chosen:
        if kpi.id in series:
            series[kpi.id], note = _settled(kpi, series[kpi.id], last_days[kpi.id])
            if note:
                partial_notes[kpi.id] = note
    fiscal = ws.settings.fiscal_year_start
    targets = _forecast_targets([k for k in chosen if k.id in series], series, fiscal)
    own = period_values(
        ws, [k for k in chosen if k.id in series and _aggregation(ws, k) == "mean"], where, as_of
    )
    results: dict[str, KpiWatch] = {}
    for kpi in chosen:
        if kpi.id not in series:
            continue
        aggregation = _aggregation(ws, kpi)
        try:
            (report,) = monitor(
                {kpi.id: series[kpi.id]},
                targets={kpi.id: targets[kpi.id]} if where is None and kpi.id in targets else {},
                directions={kpi.id: kpi.direction},
                aggregations={kpi.id: aggregation},
                period=_period_alias(kpi.review_every, fiscal),
                seed=seed,
                period_values={kpi.id: own[kpi.id]} if kpi.id in own else None,
            )
        except EvidenceInputError as error:
            reasons[kpi.id] = str(error).removeprefix(f"KPI {kpi.id!r}: ")
            continue
        window = aggregation == "last"
        results[kpi.id] = KpiWatch(
            kpi=kpi.id,
            name=kpi.name,
            scorecard=scorecard[kpi.id],
            step=_step_of(series[kpi.id]),
            aggregation=aggregation,
            trend=report.trend,
            anomalies=None if window else report.anomalies,
            change_points=None if window else report.change_points,
            forecast=report.forecast,
            trend_grain=report.trend_grain,
            notes=_notes(kpi, aggregation, where),
            partial=partial_notes.get(kpi.id),
            values=series[kpi.id],
        )
    return [
        results.get(kpi.id)
        or KpiWatch(
            kpi=kpi.id,
            name=kpi.name,
            scorecard=scorecard[kpi.id],
            step=None,
            aggregation=None,
            reason=reasons[kpi.id],
        )
        for kpi in chosen
    ]


def forecast_coverage(ws: Workspace, kpi_id: str, *, origins: int = 24, seed: int = 0) -> Coverage:
    """Rolling-origin backtest of the monitor's forecast for one KPI, checked against the
    KPI's own period values (``kpibridge.evidence.monitor.forecast_backtest``;
    ``benchmarks/forecast_coverage.py`` runs it over every KPI)."""
    if kpi_id not in ws.kpis:
        raise KpibridgeError(f"unknown KPI {kpi_id!r}; the workspace has: {', '.join(ws.kpis)}")
    kpi = ws.kpis[kpi_id]
    step = Grain.WEEK if _uses_window(ws, kpi_id) else Grain.DAY
    series, reasons = _series(ws, [kpi], {kpi_id: step}, None)
    if kpi_id not in series:
        raise KpibridgeError(f"{kpi_id} cannot be forecast: {reasons[kpi_id]}")
    aggregation = _aggregation(ws, kpi)
    actual = period_values(ws, [kpi])[kpi_id]
    return backtest_coverage(
        series[kpi_id],
        aggregation,
        _period_alias(kpi.review_every, ws.settings.fiscal_year_start),
        origins=origins,
        actuals=actual,
        period_values=actual if aggregation == "mean" else None,
        seed=seed,
    )


def _settled(kpi: KPI, values: pd.Series, last_day: date | None) -> tuple[pd.Series, str | None]:
    """``values`` without the steps whose data is not complete on ``last_day``, and a note
    saying what was left out (None when nothing was)."""
    if last_day is None or values.empty:
        return values, None
    settled = pd.Timestamp(settled_through(kpi, last_day))
    length = pd.Timedelta(days=1 if _step_of(values) is Grain.DAY else 7)
    ends = pd.DatetimeIndex(values.index) + length - pd.Timedelta(days=1)
    keep = ends <= settled
    dropped = int((~keep).sum())
    if not dropped:
        return values, None
    unit = "day" if _step_of(values) is Grain.DAY else "week"
    window = conversion_window(kpi)
    why = (
        f"its {window.count}-{window.unit.value} conversion window has not closed"
        if window is not None and settled < pd.Timestamp(last_day)
        else f"the data ends on {last_day}"
    )
    note = (
        f"the last {dropped} {unit}{'s' if dropped != 1 else ''} are partial ({why}): "
        "left out of the trend, anomalies and forecast"
    )
    return values[keep], note


def _notes(kpi: KPI, aggregation: Aggregation, where: Slice | None) -> tuple[str, ...]:
    if where is not None:
        return (
            f"watching {where.dimension} = {where.value} only; status and targets are for the "
            "whole KPI, so the forecast has no probability",
        )
    if aggregation == "last":
        return (
            "a window KPI smooths its own changes (every value repeats most of the last "
            "one): anomalies and change points are looked for in the KPIs it is built on",
        )
    if isinstance(kpi, RatioKPI | DerivedKPI):
        return (
            "the forecast takes the period's value as the mean of its steps, an approximation of "
            "the period's own ratio",
        )
    return ()


def _chosen(ws: Workspace, kpis: Sequence[str] | None) -> list[KPI]:
    """The KPIs to watch: the live ones (not retired in the app store) by default."""
    live = ws.live_kpis
    if not kpis:
        return list(live.values())
    unknown = [name for name in kpis if name not in ws.kpis]
    if unknown:
        raise KpibridgeError(
            f"unknown KPI {', '.join(map(repr, unknown))}; the workspace has: {', '.join(live)}"
        )
    off = [name for name in kpis if name not in live]
    if off:
        raise KpibridgeError(
            f"KPI {', '.join(map(repr, off))} is retired (or not in effect yet) in the app "
            f"store: nothing to watch; see `kpibridge versions {off[0]}`"
        )
    return [live[name] for name in kpis]


def _uses_window(ws: Workspace, kpi_id: str, _seen: frozenset[str] = frozenset()) -> bool:
    """Whether the KPI is a trailing/to-date window, or derived from one."""
    kpi = ws.kpis[kpi_id]
    if isinstance(kpi, CumulativeKPI):
        return True
    if not isinstance(kpi, DerivedKPI) or kpi_id in _seen:
        return False
    references = ws.engine.builder.direct_references(kpi_id)
    return any(_uses_window(ws, ref, _seen | {kpi_id}) for ref in references if ref in ws.kpis)


def _additive(ws: Workspace, kpi: KPI) -> bool:
    if not isinstance(kpi, SimpleKPI):
        return False
    model, _, measure = kpi.measure.partition(".")
    return ws.models[model].measures[measure].agg.additive


def _aggregation(ws: Workspace, kpi: KPI) -> Aggregation:
    if _additive(ws, kpi):
        return "sum"
    if _uses_window(ws, kpi.id):
        return "last"
    return "mean"


def _series(
    ws: Workspace,
    kpis: list[KPI],
    steps: dict[str, Grain],
    where: Slice | None,
    as_of: date | None = None,
) -> tuple[dict[str, pd.Series], dict[str, str]]:
    """One gap-free series per KPI (daily, else weekly), and the reason for every KPI left out."""
    series: dict[str, pd.Series] = {}
    reasons: dict[str, str] = {}
    pending = {kpi.id: steps[kpi.id] for kpi in kpis}
    if where is not None:
        for kpi_id in list(pending):
            if where.dimension not in ws.engine.builder.shared_dimensions(kpi_id):
                reasons[kpi_id] = f"it cannot be sliced by {where.dimension}"
                del pending[kpi_id]
    by = (where.dimension,) if where is not None else ()
    while pending:
        requests = {
            kpi_id: KpiRequest(kpi_id, grain, by, end=_last_whole_step(as_of, grain))
            for kpi_id, grain in pending.items()
        }
        frames = ws.engine.compute_many(list(requests.values()))
        retry: dict[str, Grain] = {}
        for kpi_id, request in requests.items():
            frame = frames[request]
            if where is not None:
                found = frame[where.dimension].astype("string")
                if not (found == where.value).any():
                    known = ", ".join(sorted(found.dropna().unique()))
                    reasons[kpi_id] = f"no {where.dimension} = {where.value} (it has: {known})"
                    continue
                frame = frame[found == where.value]
            values, problem = _gap_free(frame, request.grain, _additive(ws, ws.kpis[kpi_id]))
            if problem is None:
                series[kpi_id] = values.rename(kpi_id)
            elif request.grain is Grain.DAY:
                retry[kpi_id] = Grain.WEEK
            else:
                reasons[kpi_id] = problem
        pending = retry
    return series, reasons


def _last_whole_step(as_of: date | None, grain: Grain) -> date | None:
    """The last day whose step (a day, or a Monday-to-Sunday week) ends on or before
    ``as_of``: a week still running on that day is left out, not read half-way."""
    if as_of is None or grain is Grain.DAY:
        return as_of
    sunday = as_of - timedelta(days=(as_of.weekday() + 1) % 7)
    return sunday


def _gap_free(frame: pd.DataFrame, grain: Grain, additive: bool) -> tuple[pd.Series, str | None]:
    values = pd.Series(
        pd.to_numeric(frame["value"], errors="coerce").to_numpy(dtype=float),
        index=pd.DatetimeIndex(pd.to_datetime(frame["period"])),
    ).sort_index()
    known = values.dropna()
    if known.empty:
        return values, "no values"
    full = pd.date_range(
        known.index[0], known.index[-1], freq="D" if grain is Grain.DAY else "W-MON"
    )
    values = values.reindex(full)
    if additive:
        values = values.fillna(0.0)
    holes = int(values.isna().sum())
    if holes:
        return values, f"{holes} {grain.value}s without a value between the first and the last"
    if len(values) < MINIMUM_STEPS:
        return values, f"only {len(values)} {grain.value}s of data (needs {MINIMUM_STEPS})"
    return values, None


def _step_of(values: pd.Series) -> Grain:
    return Grain.DAY if pd.DatetimeIndex(values.index).freqstr == "D" else Grain.WEEK


def _forecast_targets(
    kpis: list[KPI], series: dict[str, pd.Series], fiscal: int
) -> dict[str, float]:
    """Each KPI's target for the period its forecast is about: the one holding the day after
    the last step (the current period, or the next when the data ends with a period)."""
    targets = {}
    for kpi in kpis:
        values = series[kpi.id]
        step = timedelta(days=1 if _step_of(values) is Grain.DAY else 7)
        after: date = (pd.Timestamp(values.index[-1]).date()) + step
        target = target_for(kpi, period_start(after, kpi.review_every, fiscal), fiscal)
        if target is not None:
            targets[kpi.id] = target.value
    return targets


def _period_alias(grain: Grain, fiscal_year_start: int) -> str:
    """The pandas period of a review grain, with fiscal quarters and years."""
    year_end = calendar.month_abbr[(fiscal_year_start - 2) % 12 + 1].upper()
    return {
        Grain.DAY: "D",
        Grain.WEEK: "W-SUN",
        Grain.MONTH: "M",
        Grain.QUARTER: f"Q-{year_end}",
        Grain.YEAR: f"Y-{year_end}",
    }[grain]
