"""Plan queries → Ibis table expressions over warehouse tables.

Every query returns one row per period (and dimension values) with a ``period`` date column.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

import ibis
import ibis.expr.types as ir

from kpibridge.metrics.compile.cumulative import compile_cumulative, interval
from kpibridge.metrics.compile.scope import ModelScope
from kpibridge.metrics.grains import truncate_expression
from kpibridge.metrics.plan import (
    AggregateQuery,
    ConversionQuery,
    CumulativeQuery,
    MeasureSpec,
    Query,
    Slice,
)
from kpibridge.model import SemanticModel

TableSource = Callable[[str], ir.Table]
"""Returns the warehouse table of the given name."""


def query_identities(query: Query) -> tuple[object, ...]:
    """What plan values refer to a query by: its key and the keys merged into it for
    aggregates, the query itself otherwise."""
    if isinstance(query, AggregateQuery):
        return (query.key, *query.aliases)
    if isinstance(query, CumulativeQuery):
        # plans refer to queries without aliases: the widest one, merged, is registered as
        # itself too (else a plan whose range was the widest would find no table)
        return (query, replace(query, aliases=()), *query.aliases)
    return (query,)


class QueryCompiler:
    def __init__(self, models: Mapping[str, SemanticModel], tables: TableSource) -> None:
        self.models = models
        self.tables = tables

    def compile(self, query: Query) -> ir.Table:
        match query:
            case AggregateQuery():
                return self.aggregate(query)
            case CumulativeQuery():
                return self.cumulative(query)
            case ConversionQuery():
                return self.conversion(query)
        raise AssertionError(f"unhandled query {type(query).__name__}")  # pragma: no cover

    def scope(self, model_name: str) -> ModelScope:
        model = self.models[model_name]
        return ModelScope(model, self.tables(model.table))

    def aggregate(self, query: AggregateQuery) -> ir.Table:
        key = query.key
        base = self.scope(key.model)
        rows = _filtered(
            base.table, base.time_range(key.time_column, key.slice.start, key.slice.end)
        )
        scope = ModelScope(base.model, rows)
        return rows.group_by(**_group_keys(scope, key.time_column, key.slice)).aggregate(
            **{spec.column: scope.aggregate(spec) for spec in query.measures}
        )

    def cumulative(self, query: CumulativeQuery) -> ir.Table:
        return compile_cumulative(query, self.scope(query.measure.model))

    def conversion(self, query: ConversionQuery) -> ir.Table:
        """Each base event, left-joined to the same entity's conversions within the window."""
        slice_ = query.slice
        base_scope = self.scope(query.base.model)
        base_events = self._events(base_scope, query.base, query.base_time, slice_)
        base_events = ModelScope(base_scope.model, base_events)
        base_rows = base_events.table.select(
            _event=ibis.row_number(),
            _entity=base_events.column(base_scope.model.entities[query.entity]),
            _time=base_events.column(query.base_time).cast("timestamp"),
            **_group_keys(base_events, query.base_time, slice_),
        )
        conversion_scope = self.scope(query.conversion.model)
        conversion_slice = slice_.moved(slice_.start, None)
        conversion_events = ModelScope(
            conversion_scope.model,
            self._events(
                conversion_scope, query.conversion, query.conversion_time, conversion_slice
            ),
        )
        conversion_rows = conversion_events.table.select(
            _conversion_entity=conversion_events.column(
                conversion_scope.model.entities[query.entity]
            ),
            _conversion_time=conversion_events.column(query.conversion_time).cast("timestamp"),
        )
        joined = base_rows.left_join(
            conversion_rows,
            [
                base_rows._entity == conversion_rows._conversion_entity,
                conversion_rows._conversion_time >= base_rows._time,
                conversion_rows._conversion_time <= base_rows._time + interval(query.window),
            ],
        )
        keys = ["period", *slice_.dimensions]
        per_event = joined.group_by("_event", *keys).aggregate(
            _converted=joined._conversion_time.notnull().any()
        )
        return per_event.group_by(*keys).aggregate(
            # ifelse, not cast: PostgreSQL has no boolean → bigint cast
            numerator=per_event._converted.ifelse(1, 0).sum(),
            denominator=per_event.count(),
        )

    def _events(
        self, scope: ModelScope, spec: MeasureSpec, time_column: str, slice_: Slice
    ) -> ir.Table:
        """Rows that count as events of a measure: in range, passing its filters, non-null."""
        measure = scope.model.measures[spec.measure]
        conditions = [
            *scope.time_range(time_column, slice_.start, slice_.end),
            scope.column(time_column).notnull(),
        ]
        where = scope.row_condition(measure, spec.filter)
        if where is not None:
            conditions.append(where)
        argument = scope.argument(measure)
        if argument is not None:
            conditions.append(argument.notnull())
        return _filtered(scope.table, conditions)


def _filtered(table: ir.Table, conditions: list[ir.BooleanValue]) -> ir.Table:
    return table.filter(*conditions) if conditions else table


def _group_keys(scope: ModelScope, time_column: str, slice_: Slice) -> dict[str, ir.Value]:
    keys: dict[str, ir.Value] = {
        "period": truncate_expression(
            scope.column(time_column), slice_.grain, slice_.fiscal_year_start
        )
    }
    for name in slice_.dimensions:
        keys[name] = scope.dimension(name)
    return keys
