"""Names inside one semantic model: dimensions, columns, filters and measure aggregations."""

from __future__ import annotations

from datetime import date, datetime, time

import ibis
import ibis.expr.types as ir

from kpibridge.errors import DefinitionError, FormulaError, UnknownNameError
from kpibridge.metrics.formula import Reference, compile_formula, parse_formula
from kpibridge.metrics.plan import MeasureSpec
from kpibridge.model import Aggregation, Measure, SemanticModel


class ModelScope:
    """Compiles formulas written against one model's table into Ibis values.

    A name is a dimension of the model when one exists with that name, else a column of
    the table; dimension formulas themselves may only use columns (no cycles possible).
    """

    def __init__(self, model: SemanticModel, table: ir.Table) -> None:
        self.model = model
        self.table = table

    def column(self, name: str) -> ir.Value:
        if name not in self.table.columns:
            raise UnknownNameError(
                f"column of table {self.model.table!r}", name, self.table.columns
            )
        return self.table[name]

    def dimension(self, name: str) -> ir.Value:
        dimension = self.model.dimension(name)
        if dimension is None:
            raise UnknownNameError(
                f"dimension of model {self.model.name!r}",
                name,
                [d.name for d in self.model.dimensions],
            )
        return self.expression(dimension.formula, allow_dimensions=False)

    def expression(self, text: str, *, allow_dimensions: bool = True) -> ir.Value:
        """Compile a formula over this model's dimensions and columns."""

        def resolve(ref: Reference) -> ir.Value:
            if ref.offset is not None:
                raise DefinitionError(
                    f"{text!r}: previous(), lag() and year_ago() belong in derived KPI formulas, "
                    "not in filters or dimensions"
                )
            name = ref.name.dotted
            if allow_dimensions and self.model.dimension(name) is not None:
                return self.dimension(name)
            if name in self.table.columns:
                return self.table[name]
            known = list(self.table.columns)
            if allow_dimensions:
                known += [d.name for d in self.model.dimensions]
            raise UnknownNameError(f"column or dimension of model {self.model.name!r}", name, known)

        return compile_formula(parse_formula(text), text, resolve)

    def condition(self, text: str) -> ir.BooleanValue:
        value = self.expression(text)
        if not value.type().is_boolean():
            raise FormulaError(
                f"a filter must be true or false, but this is {value.type()}", text, 0, len(text)
            )
        return value  # type: ignore[return-value]

    def row_condition(self, measure: Measure, extra_filter: str | None) -> ir.BooleanValue | None:
        """The measure's own filter AND the KPI's filter (None when neither exists)."""
        conditions = [self.condition(text) for text in (measure.filter, extra_filter) if text]
        if not conditions:
            return None
        combined = conditions[0]
        for condition in conditions[1:]:
            combined = combined & condition
        return combined

    def argument(self, measure: Measure) -> ir.Value | None:
        return self.expression(measure.expr) if measure.expr is not None else None

    def aggregate(self, spec: MeasureSpec) -> ir.Scalar:
        """The aggregation of one measure, filtered with SQL ``FILTER (WHERE …)``."""
        measure = self.model.measures[spec.measure]
        where = self.row_condition(measure, spec.filter)
        argument = self.argument(measure)
        match measure.agg:
            case Aggregation.COUNT:
                # coalesce: Ibis writes a filtered row count for Spark as SUM(CAST(cond AS
                # BIGINT)), which is NULL, not 0, when the condition is NULL on every row
                return ibis.coalesce(
                    self.table.count(where=where)
                    if argument is None
                    else argument.count(where=where),
                    0,
                )
            case Aggregation.COUNT_DISTINCT:
                assert argument is not None
                return argument.nunique(where=where)
            case Aggregation.SUM:
                return ibis.coalesce(_numeric(argument, spec).sum(where=where), 0)
            case Aggregation.AVG:
                return _numeric(argument, spec).mean(where=where)
            case Aggregation.MIN:
                assert argument is not None
                return argument.min(where=where)
            case Aggregation.MAX:
                assert argument is not None
                return argument.max(where=where)
        raise AssertionError(f"unhandled aggregation {measure.agg}")  # pragma: no cover

    def time_range(
        self, column: str, start: date | None, end: date | None
    ) -> list[ir.BooleanValue]:
        """Conditions keeping rows with ``start <= column < end``."""
        value = self.column(column)
        conditions = []
        if start is not None:
            conditions.append(value >= _literal_like(value, start))
        if end is not None:
            conditions.append(value < _literal_like(value, end))
        return conditions


def _numeric(argument: ir.Value | None, spec: MeasureSpec) -> ir.NumericValue:
    if argument is None or not argument.type().is_numeric():
        kind = "nothing" if argument is None else str(argument.type())
        raise DefinitionError(
            f"measure {spec.model}.{spec.measure} must aggregate a number, but its expr is {kind}"
        )
    return argument  # type: ignore[return-value]


def _literal_like(column: ir.Value, day: date) -> ir.Value:
    """A literal of the column's own type, so the comparison needs no cast of the column."""
    if column.type().is_timestamp():
        return ibis.literal(datetime.combine(day, time()), type=column.type())
    if column.type().is_date():
        return ibis.literal(day)
    raise DefinitionError(f"time column has type {column.type()}, expected a date or timestamp")
