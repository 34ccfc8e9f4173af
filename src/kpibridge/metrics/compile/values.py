"""Plan values → Ibis tables with ``period``, the dimensions and ``value``.

Ratios also carry ``numerator`` and ``denominator``. Inputs that come from different
queries are joined with a full outer join on period and dimensions (null-safe), and an
additive measure (sum, count) missing on one side counts as zero.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from kpibridge.metrics.compile.cumulative import add_periods, interval_end, running_totals
from kpibridge.metrics.formula import Reference, compile_formula
from kpibridge.metrics.grains import truncate_expression
from kpibridge.metrics.plan import (
    Accumulate,
    Formula,
    MeasureValue,
    QueryValue,
    Ratio,
    Resample,
    Shift,
    Value,
)
from kpibridge.model import Grain


@dataclass(frozen=True)
class _Operand:
    source: object
    table: ir.Table
    column: str
    additive: bool


class ValueCompiler:
    """Compiles value nodes given the (compiled or materialised) table of every query."""

    def __init__(self, tables: Mapping[object, ir.Table], dimensions: Sequence[str]) -> None:
        self.tables = tables
        self.keys = ["period", *dimensions]

    def compile(self, node: Value) -> ir.Table:
        match node:
            case MeasureValue():
                table = self.tables[node.key]
                return table.select(*self.keys, value=table[node.spec.column])
            case QueryValue():
                table = self.tables[node.query]
                if node.calculation == "rate":
                    return table.select(
                        *self.keys,
                        value=table.numerator / _nonzero(table.denominator),
                        numerator=table.numerator,
                        denominator=table.denominator,
                    )
                if node.calculation == "count":
                    return table.select(*self.keys, value=table.numerator)
                return table.select(*self.keys, value=table.value)
            case Ratio():
                joined, (numerator, denominator), _ = self._combine(
                    [node.numerator, node.denominator]
                )
                scaled = numerator * node.scale if node.scale != 1 else numerator
                return joined.select(
                    *self.keys,
                    value=scaled.cast("float64") / _nonzero(denominator),
                    numerator=numerator,
                    denominator=denominator,
                )
            case Formula():
                joined, columns, present = self._combine(
                    [*(value for _, value in node.inputs), *node.anchors]
                )
                by_reference = {
                    _reference_key(reference): column
                    for (reference, _), column in zip(
                        node.inputs, columns[: len(node.inputs)], strict=True
                    )
                }

                def resolve(reference: Reference) -> ir.Value:
                    return by_reference[_reference_key(reference)]

                value = compile_formula(node.tree, node.text, resolve)
                # Earlier periods moved forward reach past the data (the month after the last
                # one, a year of rows after year_ago): keep the periods a current input has.
                current = [
                    present[index]
                    for index, (reference, _) in enumerate(node.inputs)
                    if reference.offset is None
                ] + present[len(node.inputs) :]  # the anchors' rows
                if not current or len(current) == len(present):
                    return joined.select(*self.keys, value=value)
                result = joined.select(*self.keys, value=value, _current=ibis.or_(*current))
                return result.filter(result._current).drop("_current")
            case Shift():
                inner = self.compile(node.inner)
                return inner.mutate(period=_shift_period(inner.period, node))
            case Accumulate():
                inner = self.compile(node.inner)
                dimensions = self.keys[1:]
                contributions = inner.select(
                    *self.keys,
                    _value=inner.value,
                    _rows=ibis.literal(1, type="int64"),
                    _stop=interval_end(
                        inner.period,
                        node.grain,
                        node.fiscal_year_start,
                        node.window_periods,
                        node.grain_to_date,
                    ),
                )
                return running_totals(contributions, dimensions, node.grain, None)
            case Resample():
                # the latest fine period of each coarse one: its last (the coarse period's
                # value) when complete, the latest with data (to date) when not
                inner = self.compile(node.inner)
                coarse = truncate_expression(inner.period, node.grain, node.fiscal_year_start)
                marked = inner.mutate(
                    _coarse=coarse,
                    _latest=inner.period.max().over(ibis.window(group_by=[coarse])),
                )
                latest = marked.filter(marked.period == marked._latest)
                return latest.mutate(period=latest._coarse).drop("_coarse", "_latest")
        raise AssertionError(f"unhandled value {type(node).__name__}")  # pragma: no cover

    def _operand(self, node: Value) -> _Operand:
        if isinstance(node, MeasureValue):
            return _Operand(node.key, self.tables[node.key], node.spec.column, node.additive)
        return _Operand(node, self.compile(node), "value", additive=False)

    def _combine(
        self, nodes: Sequence[Value]
    ) -> tuple[ir.Table, list[ir.Value], list[ir.BooleanValue]]:
        """One table holding every operand, one row per period and dimension values, and for
        each operand whether its source has that row.

        Operands from different sources are stacked (``UNION ALL``) and grouped by the keys:
        a full outer join that treats null dimension values as equal and never trips over
        self-joins of the same warehouse table.
        """
        operands = [self._operand(node) for node in nodes]
        sources: dict[object, list[int]] = {}
        for index, operand in enumerate(operands):
            sources.setdefault(operand.source, []).append(index)
        names = [f"_op{index}" for index in range(len(operands))]
        if len(sources) == 1:
            table = operands[0].table
            joined = table.select(
                *self.keys,
                **{names[i]: operands[i].table[operands[i].column] for i in range(len(operands))},
            )
            everywhere = ibis.literal(True)
            return joined, [joined[name] for name in names], [everywhere] * len(names)
        types = [operand.table[operand.column].type() for operand in operands]
        flags = {source: f"_in{number}" for number, source in enumerate(sources)}
        parts = []
        for source, indices in sources.items():
            table = operands[indices[0]].table
            parts.append(
                table.select(
                    *nullable_columns(table, self.keys),
                    **{
                        names[i]: (
                            table[operands[i].column].cast(types[i])
                            if i in indices
                            else ibis.null(types[i])
                        )
                        for i in range(len(operands))
                    },
                    **{flag: ibis.literal(other is source) for other, flag in flags.items()},
                )
            )
        stacked = ibis.union(*parts, distinct=False)
        joined = stacked.group_by(*self.keys).aggregate(
            **{name: stacked[name].max() for name in [*names, *flags.values()]}
        )
        columns: list[ir.Value] = []
        for name, operand in zip(names, operands, strict=True):
            column = joined[name]
            columns.append(ibis.coalesce(column, 0) if operand.additive else column)
        present = [joined[flags[operand.source]] for operand in operands]
        return joined, columns, present


def nullable_columns(table: ir.Table, names: Sequence[str]) -> list[ir.Value]:
    """``names`` as nullable columns: Ibis refuses to union a NOT NULL column with a
    nullable one, and whether a key is NOT NULL depends on which query produced it."""
    return [table[name].cast(table[name].type().copy(nullable=True)).name(name) for name in names]


def _nonzero(value: ir.NumericValue) -> ir.NumericValue:
    """The denominator with zero turned into null, so x / 0 is null instead of an error."""
    return value.nullif(0)


def _reference_key(reference: Reference) -> tuple[str, object]:
    return (reference.name.dotted, reference.offset)


def _shift_period(period: ir.DateValue, node: Shift) -> ir.DateValue:
    if node.offset.unit == "year":
        moved = add_periods(period, 12 * node.offset.periods, Grain.MONTH)
        return truncate_expression(moved, node.grain, node.fiscal_year_start)
    return add_periods(period, node.offset.periods, node.grain)
