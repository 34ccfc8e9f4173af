"""Drivers of a KPI's change between two periods, by the values of one dimension.

An additive KPI (revenue) splits into each segment's own change. A ratio KPI (conversion
rate, CAC) splits into **mix** (the segments' shares of the denominator moved) and **rate**
(the segments' own ratios moved) by the midpoint rule of
:mod:`kpibridge.evidence.monitor.drivers`; the parts add up to the total change exactly.
Other KPI types (a derived formula, a distinct count, a trailing window) do not decompose
additively over segments, and are refused with the reason rather than split wrongly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from kpibridge.errors import KpibridgeError
from kpibridge.evidence.monitor.drivers import (
    DriverResult,
    SegmentContribution,
    additive_contributions,
    mix_rate_split,
)
from kpibridge.metrics.grains import add_periods, parse_period, period_label
from kpibridge.model import KPI, Grain, RatioKPI, SimpleKPI
from kpibridge.report.formatting import format_difference
from kpibridge.services.metrics.scorecard import build_scorecard
from kpibridge.services.metrics.workspace import Workspace

NO_VALUE = "(none)"
"""Segment label of rows whose dimension is null: they are counted, never dropped."""


@dataclass(frozen=True)
class KpiDrivers:
    """The split of one KPI's change, with the periods and dimension it is about."""

    kpi: str
    name: str
    dimension: str
    grain: Grain
    before_period: str
    after_period: str
    kind: str
    """"additive" or "mix/rate"."""
    result: DriverResult
    denominator: str = "denominator"
    """What a ratio KPI divides by, as people say it ("new customers", "leads")."""

    def rate_text(self, segment: SegmentContribution, when: str) -> str | None:
        """Words for a segment's rate that does not exist or means nothing (``when``: "before"
        or "after"): "no leads", "too few new customers (3)"; None when it has a rate to show
        as a number."""
        value = segment.before if when == "before" else segment.after
        if value != value:  # NaN: no denominator
            return f"no {self.denominator}"
        if segment.thin:  # a rate on a handful is no rate: say how few
            count = segment.denominator_before if when == "before" else segment.denominator_after
            return f"too few {self.denominator} ({count or 0:,.0f})"
        return None

    def segment_note(self, segment: SegmentContribution) -> str | None:
        """Why a thin segment is not split into mix and rate (None for the others)."""
        if not segment.thin:
            return None
        before, after = segment.denominator_before or 0.0, segment.denominator_after or 0.0
        if before == 0 and after == 0:
            return f"{segment.segment}: no {self.denominator} in either period"
        return (
            f"{segment.segment}: too few {self.denominator} for a rate "
            f"({before:,.0f} → {after:,.0f})"
        )

    def thin_sentence(self, kind: str, unit: str | None) -> str | None:
        """The part of the change the thin segments make, told whole (None when none)."""
        notes = [n for s in self.result.segments if (n := self.segment_note(s))]
        if not notes:
            return None
        return (
            f"{format_difference(self.result.unsplit, kind, unit)} comes from segments not "
            f"split into mix and rate — {'; '.join(notes)}. Mix, rate and this part add up "
            "to the change."
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "kpi": self.kpi,
            "name": self.name,
            "dimension": self.dimension,
            "grain": self.grain.value,
            "from": self.before_period,
            "to": self.after_period,
            "kind": self.kind,
            "denominator": self.denominator,
            **self.result.to_dict(),
            "notes": [n for s in self.result.segments if (n := self.segment_note(s))],
        }


def kpi_drivers(ws: Workspace, kpi_id: str, before: str, after: str, by: str) -> KpiDrivers:
    """Split the change of ``kpi_id`` from period ``before`` to ``after`` (labels such as
    ``2026-09``, ``2026-Q3``, ``2026-W40``, ``FY2026``) over the values of dimension ``by``."""
    if kpi_id not in ws.kpis:
        raise KpibridgeError(f"unknown KPI {kpi_id!r}; the workspace has: {', '.join(ws.kpis)}")
    kpi = ws.kpis[kpi_id]
    kind = _kind(ws, kpi)
    fiscal = ws.settings.fiscal_year_start
    grain, start_before = _period(before, "--from", fiscal)
    after_grain, start_after = _period(after, "--to", fiscal)
    if after_grain is not grain:
        raise KpibridgeError(
            f"--from {before} is a {grain.value} and --to {after} a {after_grain.value}: "
            "compare periods of the same length"
        )
    shared = ws.engine.builder.shared_dimensions(kpi_id)
    if by not in shared:
        raise KpibridgeError(
            f"{kpi_id} cannot be split by {by!r}; its dimensions are: {', '.join(shared) or 'none'}"
        )
    old = _segments(ws, kpi, grain, start_before, by, before)
    new = _segments(ws, kpi, grain, start_after, by, after)
    if isinstance(kpi, RatioKPI):
        scale = kpi.scale
        result = mix_rate_split(
            old["numerator"] * scale,
            old["denominator"],
            new["numerator"] * scale,
            new["denominator"],
        )
    else:
        result = additive_contributions(old["value"], new["value"])
    return KpiDrivers(
        kpi=kpi_id,
        name=kpi.name,
        dimension=by,
        grain=grain,
        before_period=period_label(start_before, grain, fiscal),
        after_period=period_label(start_after, grain, fiscal),
        kind=kind,
        result=result,
        denominator=_denominator(ws, kpi),
    )


def _denominator(ws: Workspace, kpi: KPI) -> str:
    """A ratio KPI's denominator in words: the KPI's name, or the measure's (lower case)."""
    if not isinstance(kpi, RatioKPI):
        return "denominator"
    ref = kpi.denominator
    if ref in ws.kpis:
        return ws.kpis[ref].name.lower()
    return ref.rpartition(".")[2].replace("_", " ")


def last_change_drivers(ws: Workspace, kpi_id: str, by: str | None = None) -> KpiDrivers:
    """Drivers of the change the scorecard shows: the KPI's latest complete review period
    against the one before, split by ``by`` (default: ``channel`` when the KPI has it, else
    its first dimension)."""
    if kpi_id not in ws.kpis:
        raise KpibridgeError(f"unknown KPI {kpi_id!r}; the workspace has: {', '.join(ws.kpis)}")
    kpi = ws.kpis[kpi_id]
    _kind(ws, kpi)
    dimensions = ws.engine.builder.shared_dimensions(kpi_id)
    if by is None:
        if not dimensions:
            raise KpibridgeError(f"{kpi_id} has no dimension to split its change by")
        by = "channel" if "channel" in dimensions else dimensions[0]
    (row,) = build_scorecard(ws.engine, [kpi]).rows
    if row.period is None:
        raise KpibridgeError(f"{kpi_id} has no complete period yet")
    fiscal = ws.settings.fiscal_year_start
    previous = add_periods(row.period, -1, kpi.review_every)
    return kpi_drivers(
        ws,
        kpi_id,
        period_label(previous, kpi.review_every, fiscal),
        period_label(row.period, kpi.review_every, fiscal),
        by,
    )


def _kind(ws: Workspace, kpi: KPI) -> str:
    if isinstance(kpi, RatioKPI):
        return "mix/rate"
    if isinstance(kpi, SimpleKPI):
        model, _, measure = kpi.measure.partition(".")
        aggregation = ws.models[model].measures[measure].agg
        if aggregation.additive:
            return "additive"
        reason = f"its measure is a {aggregation.value}, which does not add up over segments"
    else:
        reason = f"it is a {kpi.type} KPI, which does not add up over segments"
    raise KpibridgeError(
        f"{kpi.id} cannot be split into drivers: {reason}. Drivers work for sums and counts "
        "(additive split) and ratios (mix and rate split)."
    )


def _period(label: str, option: str, fiscal: int) -> tuple[Grain, date]:
    try:
        return parse_period(label, fiscal)
    except (KpibridgeError, ValueError) as error:
        raise KpibridgeError(f"{option} {error}") from None


def _segments(
    ws: Workspace, kpi: KPI, grain: Grain, start: date, by: str, label: str
) -> pd.DataFrame:
    frame = ws.compute(kpi.id, grain=grain, by=[by], start=start, end=start)
    frame = frame[pd.to_datetime(frame["period"]).dt.date == start]
    if frame.empty:
        raise KpibridgeError(f"{kpi.id} has no data in {label}")
    segments = frame[by].astype("string").fillna(NO_VALUE)
    columns = ["numerator", "denominator"] if isinstance(kpi, RatioKPI) else ["value"]
    values = frame[columns].astype(float).fillna(0.0)
    return values.groupby(segments.to_numpy()).sum()
