"""Turn a KPI definition and a request (grain, dimensions, range) into a plan."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date

from kpibridge.errors import DefinitionError, UnknownNameError
from kpibridge.metrics.formula import Offset, Reference, parse_formula, references
from kpibridge.metrics.grains import (
    add_periods,
    period_start,
    periods_in,
    to_date_aligned,
    year_ago_period,
)
from kpibridge.metrics.plan.nodes import (
    Accumulate,
    AggregateQuery,
    ConversionQuery,
    CumulativeQuery,
    Formula,
    KpiPlan,
    MeasureSpec,
    MeasureValue,
    Query,
    QueryKey,
    QueryValue,
    Ratio,
    Resample,
    Shift,
    Slice,
    Value,
)
from kpibridge.model import (
    KPI,
    Aggregation,
    ConversionKPI,
    CumulativeKPI,
    DerivedKPI,
    Grain,
    RatioKPI,
    SemanticModel,
    SimpleKPI,
)


class PlanBuilder:
    """Builds :class:`KpiPlan` objects from a workspace's models and KPIs."""

    def __init__(self, models: Mapping[str, SemanticModel], kpis: Mapping[str, KPI]) -> None:
        self.models = models
        self.kpis = kpis

    def build(self, kpi_id: str, slice_: Slice) -> KpiPlan:
        queries: list[Query] = []
        root = self._kpi_value(kpi_id, slice_, (), queries)
        return KpiPlan(kpi=kpi_id, slice=slice_, root=root, queries=merge_queries(queries))

    def kpi(self, kpi_id: str) -> KPI:
        try:
            return self.kpis[kpi_id]
        except KeyError:
            raise UnknownNameError("KPI", kpi_id, self.kpis) from None

    def measures_of(self, kpi_id: str, _stack: tuple[str, ...] = ()) -> list[str]:
        """Every ``model.measure`` a KPI reads, directly or through other KPIs."""
        found: list[str] = []
        for ref in self.direct_references(kpi_id):
            if "." in ref:
                found.append(ref)
            elif ref not in _stack:
                found += self.measures_of(ref, (*_stack, kpi_id))
        return list(dict.fromkeys(found))

    def models_of(self, kpi_id: str) -> list[str]:
        """Names of every semantic model a KPI reads, directly or through other KPIs."""
        return list(dict.fromkeys(ref.split(".", 1)[0] for ref in self.measures_of(kpi_id)))

    def shared_dimensions(self, kpi_id: str) -> list[str]:
        """Dimensions every model of the KPI has: the ones it can be sliced by."""
        models = [self._model(name) for name in self.models_of(kpi_id)]
        if not models:
            return []
        names = [d.name for d in models[0].dimensions]
        return [n for n in names if all(m.dimension(n) is not None for m in models[1:])]

    # -- values ------------------------------------------------------------------------

    def _kpi_value(
        self, kpi_id: str, slice_: Slice, stack: tuple[str, ...], queries: list[Query]
    ) -> Value:
        if kpi_id in stack:
            cycle = " → ".join((*stack[stack.index(kpi_id) :], kpi_id))
            raise DefinitionError(f"KPI {kpi_id!r} depends on itself: {cycle}")
        kpi = self.kpi(kpi_id)
        stack = (*stack, kpi_id)
        match kpi:
            case SimpleKPI():
                return self._measure_value(kpi.measure, kpi.filter, slice_, queries)
            case RatioKPI():
                return Ratio(
                    numerator=self._input(kpi.numerator, kpi.filter, slice_, stack, queries),
                    denominator=self._input(kpi.denominator, kpi.filter, slice_, stack, queries),
                    scale=kpi.scale,
                )
            case DerivedKPI():
                tree = parse_formula(kpi.expr)
                found = references(tree)
                inputs = tuple(
                    (ref, self._reference_value(ref, slice_, stack, queries)) for ref in found
                )
                # only shifted inputs: their unshifted selves say which periods there are
                anchors = (
                    tuple(
                        self._input(name, None, slice_, stack, queries)
                        for name in dict.fromkeys(ref.name.dotted for ref in found)
                    )
                    if found and all(ref.offset is not None for ref in found)
                    else ()
                )
                return Formula(text=kpi.expr, tree=tree, inputs=inputs, anchors=anchors)
            case CumulativeKPI():
                fine = _month_based(kpi, slice_.grain)
                grain = fine or slice_.grain
                value = self._cumulative(kpi, replace(slice_, grain=grain), queries)
                if fine is None:
                    return value
                return Resample(value, fine, slice_.grain, slice_.fiscal_year_start)
            case ConversionKPI():
                base, base_model = self._spec(kpi.base, None, slice_)
                conversion, conversion_model = self._spec(kpi.conversion, None, slice_)
                for model in (base_model, conversion_model):
                    if kpi.entity not in model.entities:
                        raise UnknownNameError(
                            f"entity of model {model.name!r}", kpi.entity, model.entities
                        )
                conversion_query = ConversionQuery(
                    base=base,
                    base_time=base_model.measure_time(base_model.measures[base.measure]),
                    conversion=conversion,
                    conversion_time=conversion_model.measure_time(
                        conversion_model.measures[conversion.measure]
                    ),
                    entity=kpi.entity,
                    window=kpi.window,
                    slice=slice_,
                )
                queries.append(conversion_query)
                return QueryValue(conversion_query, calculation=kpi.calculation)
        raise AssertionError(f"unhandled KPI type {type(kpi).__name__}")  # pragma: no cover

    def _cumulative(self, kpi: CumulativeKPI, slice_: Slice, queries: list[Query]) -> Value:
        spec, model = self._spec(kpi.measure, kpi.filter, slice_)
        measure = model.measures[spec.measure]
        periods = periods_in(kpi.window, slice_.grain) if kpi.window else None
        if measure.agg in (Aggregation.SUM, Aggregation.COUNT) and (
            periods is not None
            or (kpi.grain_to_date and to_date_aligned(kpi.grain_to_date, slice_.grain))
        ):
            earliest = slice_.start
            if earliest is not None and periods is not None:
                earliest = add_periods(earliest, -(periods - 1), slice_.grain)
            elif earliest is not None and kpi.grain_to_date is not None:
                earliest = period_start(earliest, kpi.grain_to_date, slice_.fiscal_year_start)
            inner = self._measure_value(
                kpi.measure, kpi.filter, slice_.moved(earliest, slice_.end), queries
            )
            return Accumulate(
                inner,
                slice_.grain,
                slice_.fiscal_year_start,
                periods,
                None if periods is not None else kpi.grain_to_date,
            )
        query = CumulativeQuery(
            measure=spec,
            time_column=model.measure_time(measure),
            slice=slice_,
            window=kpi.window,
            grain_to_date=kpi.grain_to_date,
        )
        queries.append(query)
        return QueryValue(query)

    def _input(
        self,
        ref: str,
        filter_: str | None,
        slice_: Slice,
        stack: tuple[str, ...],
        queries: list[Query],
    ) -> Value:
        if "." in ref:
            return self._measure_value(ref, filter_, slice_, queries)
        if filter_ is not None:
            raise DefinitionError(
                f"a ratio filter applies to measures only, but {ref!r} is a KPI: "
                "put the filter in that KPI's definition"
            )
        return self._kpi_value(ref, slice_, stack, queries)

    def _reference_value(
        self, ref: Reference, slice_: Slice, stack: tuple[str, ...], queries: list[Query]
    ) -> Value:
        name = ref.name.dotted
        if ref.offset is None:
            return self._input(name, None, slice_, stack, queries)
        inner_slice = _shift_back(slice_, ref.offset)
        inner = self._input(name, None, inner_slice, stack, queries)
        return Shift(inner, ref.offset, slice_.grain, slice_.fiscal_year_start)

    def _measure_value(
        self, ref: str, filter_: str | None, slice_: Slice, queries: list[Query]
    ) -> MeasureValue:
        spec, model = self._spec(ref, filter_, slice_)
        measure = model.measures[spec.measure]
        key = QueryKey(model=model.name, time_column=model.measure_time(measure), slice=slice_)
        queries.append(AggregateQuery(key=key, measures=(spec,)))
        return MeasureValue(key=key, spec=spec, additive=measure.agg.additive)

    def _spec(
        self, ref: str, filter_: str | None, slice_: Slice
    ) -> tuple[MeasureSpec, SemanticModel]:
        model_name, _, measure_name = ref.partition(".")
        model = self._model(model_name)
        if measure_name not in model.measures:
            raise UnknownNameError(f"measure of model {model.name!r}", measure_name, model.measures)
        for dimension in slice_.dimensions:
            if model.dimension(dimension) is None:
                raise DefinitionError(
                    f"cannot slice by {dimension!r}: model {model.name!r} has no such dimension "
                    f"(it has: {', '.join(d.name for d in model.dimensions) or 'none'})"
                )
        return MeasureSpec(model=model.name, measure=measure_name, filter=filter_), model

    def _model(self, name: str) -> SemanticModel:
        try:
            return self.models[name]
        except KeyError:
            raise UnknownNameError("semantic model", name, self.models) from None

    def direct_references(self, kpi_id: str) -> list[str]:
        """The measures (``model.measure``) and KPI ids a KPI's definition names."""
        kpi = self.kpi(kpi_id)
        match kpi:
            case SimpleKPI() | CumulativeKPI():
                return [kpi.measure]
            case RatioKPI():
                return [kpi.numerator, kpi.denominator]
            case DerivedKPI():
                return [ref.name.dotted for ref in references(parse_formula(kpi.expr))]
            case ConversionKPI():
                return [kpi.base, kpi.conversion]
        raise AssertionError(f"unhandled KPI type {type(kpi).__name__}")  # pragma: no cover


def merge_queries(queries: Iterable[Query]) -> tuple[Query, ...]:
    """Merge aggregate queries of the same model, time column, grain and dimensions into one
    over the union of their ranges (a ``previous()`` input and the current one read one table
    once); drop duplicate cumulative and conversion queries."""
    merged: dict[object, Query] = {}
    for query in queries:
        identity: object = (
            query.key.grouping
            if isinstance(query, AggregateQuery)
            else query.grouping
            if isinstance(query, CumulativeQuery)
            else query
        )
        existing = merged.get(identity)
        if existing is None:
            merged[identity] = query
        elif isinstance(existing, AggregateQuery | CumulativeQuery):
            # equal identities mean equal types: aggregates merge with aggregates …
            merged[identity] = existing.merged(query)  # type: ignore[arg-type]
    return tuple(merged.values())


def _month_based(kpi: CumulativeKPI, grain: Grain) -> Grain | None:
    """MONTH when a quarter or year value can be read off the month series (its window is
    whole months and ends with the period), else None."""
    if grain not in (Grain.QUARTER, Grain.YEAR):
        return None
    if kpi.window is not None and kpi.window.unit in (Grain.MONTH, Grain.QUARTER, Grain.YEAR):
        return Grain.MONTH
    if kpi.grain_to_date in (Grain.MONTH, Grain.QUARTER, Grain.YEAR):
        return Grain.MONTH
    return None


def _shift_back(slice_: Slice, offset: Offset) -> Slice:
    def move(day: date | None) -> date | None:
        if day is None:
            return None
        if offset.unit == "year":
            return year_ago_period(day, -offset.periods, slice_.grain, slice_.fiscal_year_start)
        return add_periods(day, -offset.periods, slice_.grain)

    return slice_.moved(move(slice_.start), move(slice_.end))
