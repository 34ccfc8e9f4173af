"""Why did a KPI move? Its change between two periods split exactly down the identity edges.

The split is the logarithmic mean Divisia index (:mod:`kpibridge.evidence.split`): every
factor's part is ``L(T₁, T₀) · e · ln(F₁/F₀)``, and a factor that splits further passes its part
down by the same rule, so the parts of each level add up to the part above and the top parts
to the whole change — exactly. Where a dimension is chosen (``--by device``), each leaf's part
is spread over the dimension's values in proportion to their contributions to the leaf's own
change (:func:`kpibridge.services.monitoring.drivers.kpi_drivers`: additive for totals,
mix/rate for ratios), which again adds up exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from kpibridge.errors import KpibridgeError
from kpibridge.evidence.split import FactorChange, log_mean, log_parts
from kpibridge.metrics.grains import parse_period, period_label
from kpibridge.model import Grain
from kpibridge.services.metrics.workspace import Workspace
from kpibridge.services.monitoring.drivers import kpi_drivers
from kpibridge.services.tree.structure import identities

METHOD = "logarithmic mean Divisia index (LMDI-I): exact, order-free"


@dataclass(frozen=True)
class SegmentPart:
    """One value of the chosen dimension: its part of the top KPI's change."""

    segment: str
    contribution: float
    mix: float | None = None
    rate: float | None = None


@dataclass(frozen=True)
class WhyPart:
    """One KPI in the split: its values, and its part of the top KPI's change."""

    kpi: str
    name: str
    exponent: int
    before: float
    after: float
    contribution: float
    children: tuple[WhyPart, ...] = ()
    segments: tuple[SegmentPart, ...] = ()
    note: str = ""

    def walk(self) -> list[WhyPart]:
        found = [self]
        for child in self.children:
            found += child.walk()
        return found


@dataclass(frozen=True)
class WhyResult:
    kpi: str
    name: str
    before_period: str
    after_period: str
    before: float
    after: float
    method: str
    by: str | None
    top: WhyPart
    notes: list[str] = field(default_factory=list)

    @property
    def change(self) -> float:
        return self.after - self.before


def why(ws: Workspace, kpi_id: str, before: str, after: str, by: str | None = None) -> WhyResult:
    """Split the change of ``kpi_id`` from period ``before`` to ``after`` (``2025-08``,
    ``2025-Q3``, ``2025-W40``) down its identities, and by ``by`` at the leaves."""
    if kpi_id not in ws.live_kpis:
        raise KpibridgeError(f"unknown KPI {kpi_id!r}; the workspace has: {', '.join(ws.kpis)}")
    fiscal = ws.settings.fiscal_year_start
    grain, start_before = _period(before, "--from", fiscal)
    after_grain, start_after = _period(after, "--to", fiscal)
    if after_grain is not grain:
        raise KpibridgeError(
            f"--from {before} is a {grain.value} and --to {after} a {after_grain.value}: "
            "compare periods of the same length"
        )
    split = identities(ws)
    cache: dict[str, tuple[float, float]] = {}

    def values(kpi: str) -> tuple[float, float]:
        if kpi not in cache:
            cache[kpi] = (
                _value(ws, kpi, grain, start_before, before),
                _value(ws, kpi, grain, start_after, after),
            )
        return cache[kpi]

    def part(
        kpi: str, exponent: int, weight: float, amount: float, path: tuple[str, ...]
    ) -> WhyPart:
        old, new = values(kpi)
        identity = split.get(kpi)
        name = ws.live_kpis[kpi].name
        if identity is None or any(f.kpi in path for f in identity.factors):
            segments, note = _segments(ws, kpi, before, after, by, amount, new - old)
            return WhyPart(kpi, name, exponent, old, new, amount, (), segments, note)
        factors = [FactorChange(f.kpi, f.exponent, *values(f.kpi)) for f in identity.factors]
        amounts = log_parts(weight, factors)
        children = tuple(
            part(f.kpi, f.exponent, weight * f.exponent, share, (*path, kpi))
            for f, share in zip(identity.factors, amounts, strict=True)
        )
        return WhyPart(kpi, name, exponent, old, new, amount, children)

    old, new = values(kpi_id)
    if not (old > 0 and new > 0) and kpi_id in split:
        raise KpibridgeError(
            f"{kpi_id} is {old:g} then {new:g}: the split needs positive values in both periods"
        )
    weight = log_mean(new, old) if kpi_id in split else 1.0
    top = part(kpi_id, 1, weight, new - old, ())
    return WhyResult(
        kpi_id,
        ws.live_kpis[kpi_id].name,
        period_label(start_before, grain, fiscal),
        period_label(start_after, grain, fiscal),
        old,
        new,
        METHOD,
        by,
        top,
    )


def _segments(
    ws: Workspace,
    kpi: str,
    before: str,
    after: str,
    by: str | None,
    amount: float,
    own_change: float,
) -> tuple[tuple[SegmentPart, ...], str]:
    """The leaf's part spread over the values of ``by`` (nothing when no dimension is chosen,
    the KPI lacks it, or the leaf itself did not change)."""
    if by is None:
        return (), ""
    if by not in ws.engine.builder.shared_dimensions(kpi):
        return (), f"cannot be split by {by}"
    if own_change == 0:
        return (), "did not change"
    found = kpi_drivers(ws, kpi, before, after, by).result
    scale = amount / own_change
    return (
        tuple(
            SegmentPart(
                s.segment,
                s.contribution * scale,
                None if s.mix is None else s.mix * scale,
                None if s.rate is None else s.rate * scale,
            )
            for s in found.segments
        ),
        "",
    )


def _value(ws: Workspace, kpi: str, grain: Grain, start: date, label: str) -> float:
    frame = ws.compute(kpi, grain=grain, start=start, end=start)
    frame = frame[pd.to_datetime(frame["period"]).dt.date == start]
    if frame.empty or pd.isna(frame["value"].iloc[0]):
        raise KpibridgeError(f"{kpi} has no value in {label}")
    value = float(frame["value"].iloc[0])
    if not math.isfinite(value):
        raise KpibridgeError(f"{kpi} has no finite value in {label}")
    return value


def _period(label: str, option: str, fiscal: int) -> tuple[Grain, date]:
    try:
        return parse_period(label, fiscal)
    except (KpibridgeError, ValueError) as error:
        raise KpibridgeError(
            f"{option} {label!r} is not a period: write 2026-09, 2026-Q3, 2026-W40, 2026 or "
            f"FY2026 ({error})"
        ) from None
