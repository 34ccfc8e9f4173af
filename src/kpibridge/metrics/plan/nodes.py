"""The plan: frozen nodes that say what to compute, before anything is compiled or run.

Two kinds of node:

* **queries** run in the warehouse and return one row per period (and dimension values):
  :class:`AggregateQuery` (measures of one model, one time column — many measures share one
  query), :class:`CumulativeQuery` (trailing window / grain-to-date) and
  :class:`ConversionQuery` (base event followed by a conversion event within a window);
* **values** combine query results into a KPI: :class:`MeasureValue`, :class:`QueryValue`,
  :class:`Ratio`, :class:`Formula`, :class:`Shift`.

Every node is hashable, so identical queries are found and merged by equality.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date

from kpibridge.metrics.formula import Node, Offset, Reference
from kpibridge.model import Grain, Window


@dataclass(frozen=True)
class Slice:
    """What every query of one request shares: grain, dimensions and row range.

    ``start`` is inclusive, ``end`` exclusive; both are period starts (or None: unbounded).
    """

    grain: Grain
    dimensions: tuple[str, ...] = ()
    start: date | None = None
    end: date | None = None
    fiscal_year_start: int = 1

    def moved(self, start: date | None, end: date | None) -> Slice:
        return replace(self, start=start, end=end)


@dataclass(frozen=True)
class MeasureSpec:
    """One aggregated column: a model's measure, with an optional extra KPI filter."""

    model: str
    measure: str
    filter: str | None = None

    @property
    def column(self) -> str:
        """Output column name, unique per (measure, filter) within a query."""
        if self.filter is None:
            return self.measure
        digest = hashlib.sha1(self.filter.encode()).hexdigest()[:8]
        return f"{self.measure}__{digest}"


@dataclass(frozen=True)
class QueryKey:
    """Queries with equal keys read the same rows and group the same way: they merge.
    Queries whose keys differ only in their range merge too (see ``grouping``)."""

    model: str
    time_column: str
    slice: Slice

    @property
    def grouping(self) -> tuple[object, ...]:
        """The key without its range: what a merged query must share."""
        s = self.slice
        return (self.model, self.time_column, s.grain, s.dimensions, s.fiscal_year_start)


@dataclass(frozen=True)
class AggregateQuery:
    key: QueryKey
    measures: tuple[MeasureSpec, ...]
    aliases: tuple[QueryKey, ...] = ()
    """Keys of queries merged into this one (same rows and grouping, a narrower range)."""

    def merged(self, other: AggregateQuery) -> AggregateQuery:
        """One query computing both: every measure, over the union of the two ranges."""
        extra = tuple(m for m in other.measures if m not in self.measures)
        key = self.key
        if other.key != key:
            mine, theirs = key.slice, other.key.slice
            start = None if None in (mine.start, theirs.start) else min(mine.start, theirs.start)  # type: ignore[type-var]
            end = None if None in (mine.end, theirs.end) else max(mine.end, theirs.end)  # type: ignore[type-var]
            key = replace(key, slice=mine.moved(start, end))
        aliases = tuple(
            dict.fromkeys(
                k for k in (self.key, *self.aliases, other.key, *other.aliases) if k != key
            )
        )
        return AggregateQuery(key=key, measures=self.measures + extra, aliases=aliases)


@dataclass(frozen=True)
class CumulativeQuery:
    measure: MeasureSpec
    time_column: str
    slice: Slice
    window: Window | None = None
    grain_to_date: Grain | None = None
    aliases: tuple[CumulativeQuery, ...] = ()
    """Queries merged into this one (the same but for a narrower range)."""

    @property
    def grouping(self) -> tuple[object, ...]:
        """The query without its range: what a merged query must share."""
        s = self.slice
        return (
            self.measure,
            self.time_column,
            s.grain,
            s.dimensions,
            s.fiscal_year_start,
            self.window,
            self.grain_to_date,
        )

    def merged(self, other: CumulativeQuery) -> CumulativeQuery:
        """One query over the union of both ranges."""
        if other == self:
            return self
        mine, theirs = self.slice, other.slice
        start = (
            None if mine.start is None or theirs.start is None else min(mine.start, theirs.start)
        )
        end = None if mine.end is None or theirs.end is None else max(mine.end, theirs.end)
        plain = replace(self, aliases=())
        widened = replace(plain, slice=mine.moved(start, end))
        aliases = tuple(
            dict.fromkeys(
                q
                for q in (plain, *self.aliases, replace(other, aliases=()), *other.aliases)
                if q != widened
            )
        )
        return replace(widened, aliases=aliases)


@dataclass(frozen=True)
class ConversionQuery:
    base: MeasureSpec
    base_time: str
    conversion: MeasureSpec
    conversion_time: str
    entity: str
    window: Window
    slice: Slice


Query = AggregateQuery | CumulativeQuery | ConversionQuery


@dataclass(frozen=True)
class MeasureValue:
    """A measure column of an :class:`AggregateQuery` (found by its key after merging)."""

    key: QueryKey
    spec: MeasureSpec
    additive: bool


@dataclass(frozen=True)
class QueryValue:
    """The ``value`` (and for conversion rates ``numerator``/``denominator``) of a query."""

    query: CumulativeQuery | ConversionQuery
    calculation: str = "value"


@dataclass(frozen=True)
class Ratio:
    numerator: Value
    denominator: Value
    scale: float = 1.0


@dataclass(frozen=True)
class Formula:
    text: str
    tree: Node
    inputs: tuple[tuple[Reference, Value], ...]
    anchors: tuple[Value, ...] = ()
    """Values whose rows are the formula's rows, not used in it: a formula made only of
    shifted inputs (``lag(sales, 2)``) has the periods its inputs have unshifted."""


@dataclass(frozen=True)
class Shift:
    """``inner`` computed for earlier periods and moved forward by ``offset``."""

    inner: Value
    offset: Offset
    grain: Grain
    fiscal_year_start: int


@dataclass(frozen=True)
class Resample:
    """``inner`` computed at a finer grain, read at the last fine period of each ``grain``
    period: a trailing or to-date total at a quarter's end is the one at its last month's
    end, so quarters reuse the month query instead of scanning the table again."""

    inner: Value
    fine_grain: Grain
    grain: Grain
    fiscal_year_start: int


@dataclass(frozen=True)
class Accumulate:
    """Running totals of an additive measure's per-period aggregate: each period's value
    counts for the next ``window_periods`` periods, or until the end of its
    ``grain_to_date`` period. The aggregate merges with the other measures of its table, so
    a trailing or to-date sum costs no scan of its own."""

    inner: MeasureValue
    grain: Grain
    fiscal_year_start: int
    window_periods: int | None = None
    grain_to_date: Grain | None = None


Value = MeasureValue | QueryValue | Ratio | Formula | Shift | Resample | Accumulate


@dataclass(frozen=True)
class KpiPlan:
    """A KPI's value tree and the queries it needs (already merged)."""

    kpi: str
    slice: Slice
    root: Value
    queries: tuple[Query, ...]
