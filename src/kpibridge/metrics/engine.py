"""The metric engine: plan KPI requests, compile them to Ibis, run them, explain them.

Two ways to run:

* :meth:`MetricEngine.compute` — one KPI, one SQL statement in the warehouse (so that
  :meth:`MetricEngine.sql` shows exactly what runs);
* :meth:`MetricEngine.compute_many` — many KPIs (a scorecard): the queries of all plans are
  merged first (one query per model, time column and slice), each runs once in the warehouse,
  and the small aggregated results are combined into KPI values by an in-process DuckDB.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import ibis
import ibis.expr.types as ir
import pandas as pd
from ibis.backends import BaseBackend

from kpibridge.errors import WarehouseError
from kpibridge.metrics.backends import quiet
from kpibridge.metrics.compile import (
    QueryCompiler,
    ValueCompiler,
    nullable_columns,
    query_identities,
)
from kpibridge.metrics.grains import add_periods, period_start
from kpibridge.metrics.plan import (
    KpiPlan,
    PlanBuilder,
    QueryValue,
    Ratio,
    Slice,
    merge_queries,
)
from kpibridge.model import KPI, Grain, SemanticModel

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class KpiRequest:
    """One KPI at one grain, optionally sliced and limited to a date range (inclusive)."""

    kpi: str
    grain: Grain = Grain.MONTH
    by: tuple[str, ...] = ()
    start: date | None = None
    end: date | None = None


@dataclass
class QueryLog:
    """Counts the warehouse queries and keeps them, to show their SQL on demand (tests and
    benchmarks read it). The SQL is generated only when asked for: compiling every query a
    second time just to log it costs a scorecard a tenth of its time."""

    dialect: str
    expressions: list[ir.Table] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.expressions)

    @property
    def statements(self) -> list[str]:
        return [str(ibis.to_sql(e, dialect=self.dialect)) for e in self.expressions]


class MetricEngine:
    def __init__(
        self,
        models: Mapping[str, SemanticModel],
        kpis: Mapping[str, KPI],
        backend: BaseBackend,
        fiscal_year_start: int = 1,
    ) -> None:
        self.models = models
        self.kpis = kpis
        self.backend = backend
        self.fiscal_year_start = fiscal_year_start
        self.builder = PlanBuilder(models, kpis)
        self.query_log = QueryLog(backend.name)
        self._local: BaseBackend | None = None

    # -- planning ----------------------------------------------------------------------

    def slice_for(self, request: KpiRequest) -> Slice:
        """Align the inclusive date range to whole periods of the grain."""
        start = (
            period_start(request.start, request.grain, self.fiscal_year_start)
            if request.start
            else None
        )
        end = (
            add_periods(
                period_start(request.end, request.grain, self.fiscal_year_start), 1, request.grain
            )
            if request.end
            else None
        )
        return Slice(request.grain, tuple(request.by), start, end, self.fiscal_year_start)

    def plan(self, request: KpiRequest) -> KpiPlan:
        return self.builder.build(request.kpi, self.slice_for(request))

    def expression(self, plan: KpiPlan) -> ir.Table:
        """The whole KPI as one Ibis expression over warehouse tables."""
        compiler = QueryCompiler(self.models, self._table)
        tables = {}
        for query in plan.queries:
            table = compiler.compile(query)
            tables.update(dict.fromkeys(query_identities(query), table))
        return self._finish(plan, ValueCompiler(tables, plan.slice.dimensions).compile(plan.root))

    def sql(self, plan: KpiPlan) -> str:
        return str(ibis.to_sql(self.expression(plan), dialect=self.backend.name))

    # -- running -----------------------------------------------------------------------

    def compute(self, request: KpiRequest) -> pd.DataFrame:
        plan = self.plan(request)
        expression = self.expression(plan)
        frame = self._execute(self.backend, expression)
        return _tidy(frame, plan)

    def compute_many(self, requests: Sequence[KpiRequest]) -> dict[KpiRequest, pd.DataFrame]:
        """Compute many KPIs with one warehouse query per distinct (merged) query."""
        plans = {request: self.plan(request) for request in requests}
        queries = merge_queries(q for plan in plans.values() for q in plan.queries)
        compiler = QueryCompiler(self.models, self._table)
        materialised: dict[object, ir.Table] = {}
        for query in queries:
            arrow = self._execute_arrow(compiler.compile(query))
            materialised.update(dict.fromkeys(query_identities(query), ibis.memtable(arrow)))
        results: dict[KpiRequest, pd.DataFrame] = {}
        groups: dict[tuple[str, ...], list[KpiRequest]] = {}
        for request in requests:
            groups.setdefault(plans[request].slice.dimensions, []).append(request)
        local = self._local_backend()
        for dimensions, members in groups.items():
            parts = []
            for index, request in enumerate(members):
                plan = plans[request]
                table = self._finish(
                    plan, ValueCompiler(materialised, dimensions).compile(plan.root)
                )
                parts.append(
                    table.select(
                        *nullable_columns(table, plan_keys(plan)),
                        # int32 always: a bare literal is int8 up to 127 and int16 past it,
                        # and the union of more than 128 requests would not type-check
                        _request=ibis.literal(index, "int32"),
                        value=table.value.cast("float64"),
                        numerator=_optional(table, "numerator"),
                        denominator=_optional(table, "denominator"),
                    )
                )
            union = ibis.union(*parts) if len(parts) > 1 else parts[0]
            frame = local.execute(union)
            for index, request in enumerate(members):
                part = frame[frame["_request"] == index].drop(columns="_request")
                results[request] = _tidy(part.reset_index(drop=True), plans[request])
        return results

    def data_extent(self, pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], date | None]:
        """Last date with data for each (model, time column), in one warehouse query."""
        pairs = list(dict.fromkeys(pairs))
        if not pairs:
            return {}
        parts = []
        for index, (model_name, column) in enumerate(pairs):
            table = self._table(self.models[model_name].table)
            parts.append(
                table.aggregate(pair=ibis.literal(index), last=table[column].max().cast("date"))
            )
        union = ibis.union(*parts) if len(parts) > 1 else parts[0]
        frame = self._execute(self.backend, union)
        found = dict(zip(frame["pair"].astype(int), frame["last"], strict=True))
        return {
            pair: (None if pd.isna(found.get(index)) else pd.Timestamp(found[index]).date())
            for index, pair in enumerate(pairs)
        }

    # -- helpers -----------------------------------------------------------------------

    def _finish(self, plan: KpiPlan, table: ir.Table) -> ir.Table:
        """Keep the requested periods (offsets and windows read earlier rows) and sort."""
        conditions = []
        if plan.slice.start is not None:
            conditions.append(table.period >= ibis.literal(plan.slice.start))
        if plan.slice.end is not None:
            conditions.append(table.period < ibis.literal(plan.slice.end))
        if conditions:
            table = table.filter(*conditions)
        return table.order_by(*plan_keys(plan))

    def _table(self, name: str) -> ir.Table:
        try:
            return self.backend.table(name)
        except Exception as error:  # each backend raises its own "not found"
            raise WarehouseError(
                f"table {name!r} is not in the warehouse ({type(error).__name__}); "
                "load it with `kpibridge load FILE --into TABLE` or fix the model's `table`"
            ) from None

    def _execute(self, backend: BaseBackend, expression: ir.Table) -> pd.DataFrame:
        self._log(backend, expression)
        return backend.execute(expression)

    def _execute_arrow(self, expression: ir.Table) -> object:
        self._log(self.backend, expression)
        return self.backend.to_pyarrow(expression)

    def _log(self, backend: BaseBackend, expression: ir.Table) -> None:
        if backend is self.backend:
            self.query_log.expressions.append(expression)
            if log.isEnabledFor(logging.DEBUG):
                log.debug("warehouse query:\n%s", ibis.to_sql(expression, dialect=backend.name))

    def _local_backend(self) -> BaseBackend:
        if self._local is None:
            self._local = ibis.duckdb.connect()
            quiet(self._local)
        return self._local


def plan_keys(plan: KpiPlan) -> list[str]:
    return ["period", *plan.slice.dimensions]


def has_parts(plan: KpiPlan) -> bool:
    """Whether the KPI's result carries numerator and denominator columns."""
    return isinstance(plan.root, Ratio) or (
        isinstance(plan.root, QueryValue) and plan.root.calculation == "rate"
    )


def _optional(table: ir.Table, column: str) -> ir.Value:
    if column in table.columns:
        return table[column].cast("float64")
    return ibis.null("float64")


def _tidy(frame: pd.DataFrame, plan: KpiPlan) -> pd.DataFrame:
    """Stable column order and types: period (datetime64), dimensions, value[, parts]."""
    columns = [*plan_keys(plan), "value"]
    if has_parts(plan):
        columns += ["numerator", "denominator"]
    frame = frame.reindex(columns=columns)
    frame["period"] = pd.to_datetime(frame["period"]).astype("datetime64[ns]")
    for column in ("value", "numerator", "denominator"):
        if column in frame:
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    return frame.reset_index(drop=True)
