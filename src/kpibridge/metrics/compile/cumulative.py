"""Cumulative KPIs: a measure over a trailing window, or from the start of a grain to date.

Two strategies, chosen per query:

* **Interval sums** (sum, count and count_distinct whose window is a whole number of
  periods of the request's grain): each contribution is active over an interval of periods
  ``[start, stop)`` — a period's sum for the next k periods; a (value, period) pair of a
  distinct count until the same value appears again or the window ends — so the KPI at a
  period is the running total of +1/−1 "deltas" up to it. Data is reduced to one row per
  period (sums) or per distinct value and period (distinct counts) before any join, and the
  only range join left is between the small delta table and the period spine.
* **Range join** (everything else: min, max, avg, or windows that do not align with the
  grain, like 28 days by month): each period of the spine is joined with the raw rows inside
  its window.

Both give the same numbers; tests check them against hand-written SQL.
"""

from __future__ import annotations

from datetime import date

import ibis
import ibis.expr.types as ir

from kpibridge.metrics.compile.scope import ModelScope
from kpibridge.metrics.grains import periods_in, to_date_aligned, truncate_expression
from kpibridge.metrics.plan import CumulativeQuery, Slice
from kpibridge.model import Aggregation, Grain, Measure, Window

_MONTHS = {Grain.MONTH: 1, Grain.QUARTER: 3, Grain.YEAR: 12}
_INTERVAL_AGGREGATIONS = (Aggregation.SUM, Aggregation.COUNT, Aggregation.COUNT_DISTINCT)


def compile_cumulative(query: CumulativeQuery, base: ModelScope) -> ir.Table:
    slice_ = query.slice
    measure = base.model.measures[query.measure.measure]
    time = base.column(query.time_column)
    conditions = base.time_range(query.time_column, None, slice_.end)
    if slice_.start is not None:
        earliest = window_start(ibis.literal(slice_.start), query, slice_)
        conditions.append(time >= earliest.cast(time.type()))
    facts = base.table.filter(*conditions) if conditions else base.table
    scope = ModelScope(base.model, facts)
    if measure.agg in _INTERVAL_AGGREGATIONS and _aligned(query, slice_):
        return _interval_sums(query, scope, measure)
    return _range_join(query, scope, measure)


def _aligned(query: CumulativeQuery, slice_: Slice) -> bool:
    """Whether every window is a union of whole periods of the request's grain."""
    if query.window is not None:
        return periods_in(query.window, slice_.grain) is not None
    assert query.grain_to_date is not None
    return to_date_aligned(query.grain_to_date, slice_.grain)


def _interval_sums(query: CumulativeQuery, scope: ModelScope, measure: Measure) -> ir.Table:
    slice_ = query.slice
    dimensions = list(slice_.dimensions)
    where = scope.row_condition(measure, query.measure.filter)
    argument = scope.argument(measure)
    rows = scope.table.select(
        period=truncate_expression(
            scope.column(query.time_column), slice_.grain, slice_.fiscal_year_start
        ),
        _argument=argument if argument is not None else ibis.literal(1),
        _include=where if where is not None else ibis.literal(True),
        **{name: scope.dimension(name) for name in dimensions},
    )
    include = rows._include
    if argument is not None and measure.agg is not Aggregation.SUM:
        include = include & rows._argument.notnull()
    # every row makes its group present in the window (as in the range join); only
    # included rows add to the value
    per_period = rows.group_by("period", *dimensions).aggregate(
        _value=(
            ibis.coalesce(rows._argument.sum(where=include), 0)
            if measure.agg is Aggregation.SUM
            else rows.count(where=include)
        ),
        _rows=rows.count(),
    )
    contributions = per_period.mutate(_stop=_interval_end(per_period.period, query))
    if measure.agg is Aggregation.COUNT_DISTINCT:
        intervals = _distinct_intervals(rows.filter(include), query, dimensions)
        if where is None and argument is not None and not argument.type().nullable:
            # every row is counted: the distinct values alone say where a group is present
            contributions = intervals.mutate(_rows=intervals._value)
        else:
            contributions = ibis.union(
                contributions.mutate(_value=ibis.literal(0, type="int64")),
                intervals,
                distinct=False,
            )
    return running_totals(contributions, dimensions, slice_.grain, slice_.start)


def running_totals(
    contributions: ir.Table, dimensions: list[str], grain: Grain, start: date | None
) -> ir.Table:
    """The value at every period from running sums of interval deltas.

    ``contributions`` has ``period``, the dimensions, ``_value`` and ``_rows`` (how many
    rows the contribution stands for) and ``_stop`` (first period it no longer counts in).
    """
    starts = contributions.select("period", *dimensions, "_value", "_rows")
    stops = contributions.select(
        *dimensions,
        period=contributions._stop,
        _value=-contributions._value,
        _rows=-contributions._rows,
    ).select("period", *dimensions, "_value", "_rows")
    stacked = ibis.union(starts, stops, distinct=False)
    deltas = stacked.group_by("period", *dimensions).aggregate(
        _value=stacked._value.sum(), _rows=stacked._rows.sum()
    )
    spine = period_spine(contributions.select(_period=contributions.period), grain)
    if start is not None:
        spine = spine.filter(spine.period >= ibis.literal(start))
    joined = spine.join(deltas, [deltas.period <= spine.period]).select(
        spine.period, *(deltas[d] for d in dimensions), deltas._value, deltas._rows
    )
    totals = joined.group_by("period", *dimensions).aggregate(
        value=joined._value.sum(), _rows=joined._rows.sum()
    )
    # a group with no contributing rows inside the window has no value (as in the range join)
    return totals.filter(totals._rows > 0).select("period", *dimensions, "value")


def _distinct_intervals(rows: ir.Table, query: CumulativeQuery, dimensions: list[str]) -> ir.Table:
    """One +1 interval per distinct value and period, ending when the same value appears
    again (its next interval takes over) or when the window ends — so a value is counted
    once at every period whose window contains it."""
    pairs = rows.select("period", "_argument", *dimensions).distinct()
    limit = _interval_end(pairs.period, query)
    partition = [pairs._argument, *(pairs[d] for d in dimensions)]
    if query.grain_to_date is not None:
        partition.append(
            truncate_expression(pairs.period, query.grain_to_date, query.slice.fiscal_year_start)
        )
    following = pairs.period.lead().over(ibis.window(group_by=partition, order_by=pairs.period))
    return pairs.select(
        "period",
        *dimensions,
        _value=ibis.literal(1, type="int64"),
        _rows=ibis.literal(0, type="int64"),
        _stop=ibis.least(limit, ibis.coalesce(following, limit)),
    )


def _interval_end(period: ir.DateValue, query: CumulativeQuery) -> ir.DateValue:
    """First period a contribution from ``period`` no longer counts in."""
    slice_ = query.slice
    periods = periods_in(query.window, slice_.grain) if query.window is not None else None
    return interval_end(
        period,
        slice_.grain,
        slice_.fiscal_year_start,
        periods,
        None if periods is not None else query.grain_to_date,
    )


def interval_end(
    period: ir.DateValue,
    grain: Grain,
    fiscal_year_start: int,
    window_periods: int | None,
    grain_to_date: Grain | None,
) -> ir.DateValue:
    """First period a contribution from ``period`` no longer counts in: ``window_periods``
    later, or the start of the next ``grain_to_date`` period."""
    if window_periods is not None:
        return add_periods(period, window_periods, grain)
    assert grain_to_date is not None
    bucket = truncate_expression(period, grain_to_date, fiscal_year_start)
    return add_periods(bucket, 1, grain_to_date)


def _range_join(query: CumulativeQuery, scope: ModelScope, measure: Measure) -> ir.Table:
    slice_ = query.slice
    where = scope.row_condition(measure, query.measure.filter)
    argument = scope.argument(measure)
    fact_rows = scope.table.select(
        _time=scope.column(query.time_column),
        _period=truncate_expression(
            scope.column(query.time_column), slice_.grain, slice_.fiscal_year_start
        ),
        _include=where if where is not None else ibis.literal(True),
        _argument=argument if argument is not None else ibis.literal(1),
        **{name: scope.dimension(name) for name in slice_.dimensions},
    )
    spine = period_spine(fact_rows, slice_.grain)
    if slice_.start is not None:
        spine = spine.filter(spine.period >= ibis.literal(slice_.start))
    period_end = add_periods(spine.period, 1, slice_.grain).cast("timestamp")
    start = window_start(spine.period, query, slice_).cast("timestamp")
    joined = spine.join(
        fact_rows,
        [
            fact_rows._time.cast("timestamp") >= start,
            fact_rows._time.cast("timestamp") < period_end,
        ],
    )
    value = aggregate_column(joined._argument, measure.agg, joined._include)
    return joined.group_by("period", *slice_.dimensions).aggregate(value=value)


def aggregate_column(argument: ir.Value, agg: Aggregation, where: ir.BooleanValue) -> ir.Scalar:
    match agg:
        case Aggregation.COUNT:
            return argument.count(where=where)
        case Aggregation.COUNT_DISTINCT:
            return argument.nunique(where=where)
        case Aggregation.SUM:
            return ibis.coalesce(argument.sum(where=where), 0)  # type: ignore[attr-defined]
        case Aggregation.AVG:
            return argument.mean(where=where)  # type: ignore[attr-defined]
        case Aggregation.MIN:
            return argument.min(where=where)
        case Aggregation.MAX:
            return argument.max(where=where)
    raise AssertionError(f"unhandled aggregation {agg}")  # pragma: no cover


def interval(window: Window) -> ir.IntervalScalar:
    if window.unit is Grain.DAY:
        return ibis.interval(days=window.count)
    if window.unit is Grain.WEEK:
        return ibis.interval(days=7 * window.count)
    return ibis.interval(months=_MONTHS[window.unit] * window.count)


def add_periods(period: ir.DateValue, count: int, grain: Grain) -> ir.DateValue:
    """Ibis twin of :func:`kpibridge.metrics.grains.add_periods`."""
    # via timestamp: Ibis types date ± interval as a date, but engines return a timestamp
    return (period.cast("timestamp") + interval(Window(count=count, unit=grain))).date()


def period_spine(fact_rows: ir.Table, grain: Grain) -> ir.Table:
    """Every period from the first to the last ``_period`` of the rows, gaps included: a
    trailing window or a to-date total has a value in a period without rows of its own."""
    bounds = fact_rows.aggregate(first=fact_rows._period.min(), last=fact_rows._period.max())
    step = interval(Window(count=1, unit=grain))
    moments = ibis.range(
        bounds["first"].cast("timestamp"), bounds["last"].cast("timestamp") + step, step
    )
    # unnest alone in its select, then the cast: Spark allows a generator only at the top
    spine = bounds.select(_moment=moments.unnest())
    return spine.select(period=spine._moment.date())


def window_start(period: ir.DateValue, query: CumulativeQuery, slice_: Slice) -> ir.DateValue:
    """First day whose rows count towards the period starting at ``period``."""
    if query.window is not None:
        end = add_periods(period, 1, slice_.grain).cast("timestamp")
        return (end - interval(query.window)).date()
    assert query.grain_to_date is not None
    return truncate_expression(period, query.grain_to_date, slice_.fiscal_year_start)
