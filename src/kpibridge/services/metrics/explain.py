"""Explain a KPI: its definition in plain words, its lineage, and the SQL that will run."""

from __future__ import annotations

from dataclasses import dataclass

from kpibridge.errors import KpibridgeError
from kpibridge.metrics.engine import KpiRequest, MetricEngine
from kpibridge.metrics.formula import parse_formula, references
from kpibridge.model import (
    KPI,
    Aggregation,
    ConversionKPI,
    CumulativeKPI,
    DerivedKPI,
    RatioKPI,
    SemanticModel,
    SimpleKPI,
)


@dataclass(frozen=True)
class Lineage:
    model: str
    table: str
    columns: tuple[str, ...]


@dataclass(frozen=True)
class Explanation:
    kpi: str
    name: str
    words: str
    formula: str
    lineage: tuple[Lineage, ...]
    sql: str
    caveats: str

    def as_record(self) -> dict[str, object]:
        return {
            "kpi": self.kpi,
            "name": self.name,
            "words": self.words,
            "formula": self.formula,
            "lineage": [
                {"model": item.model, "table": item.table, "columns": list(item.columns)}
                for item in self.lineage
            ],
            "sql": self.sql,
            "caveats": self.caveats,
        }


_AGG_WORDS = {
    Aggregation.SUM: "sum of {expr}",
    Aggregation.COUNT: "number of rows",
    Aggregation.COUNT_DISTINCT: "number of distinct {expr}",
    Aggregation.AVG: "average of {expr}",
    Aggregation.MIN: "smallest {expr}",
    Aggregation.MAX: "largest {expr}",
}


def explain(engine: MetricEngine, request: KpiRequest) -> Explanation:
    kpi = engine.builder.kpi(request.kpi)
    plan = engine.plan(request)
    return Explanation(
        kpi=kpi.id,
        name=kpi.name,
        words=describe(kpi, engine),
        formula=formula_of(kpi),
        lineage=tuple(lineage(kpi.id, engine)),
        sql=engine.sql(plan),
        caveats=kpi.caveats,
    )


def describe(kpi: KPI, engine: MetricEngine) -> str:
    """One paragraph saying what the KPI computes, in words a stakeholder can check."""
    by = f", per {kpi.review_every.value} by default"
    match kpi:
        case SimpleKPI():
            text = f"{_measure_words(kpi.measure, engine)}{_filter(kpi.filter)}"
        case RatioKPI():
            text = (
                f"{_ref_words(kpi.numerator, engine)} divided by "
                f"{_ref_words(kpi.denominator, engine)}{_filter(kpi.filter)}"
                + (f", times {kpi.scale:g}" if kpi.scale != 1 else "")
                + "; empty when the denominator is zero"
            )
        case DerivedKPI():
            names = [ref.name.dotted for ref in references(parse_formula(kpi.expr))]
            parts = "; ".join(f"{n} is {_ref_words(n, engine)}" for n in dict.fromkeys(names))
            text = f"the formula {kpi.expr}, where {parts}"
        case CumulativeKPI():
            span = (
                f"over the trailing {kpi.window}"
                if kpi.window
                else f"from the start of the {kpi.grain_to_date.value if kpi.grain_to_date else ''}"
            )
            text = f"{_measure_words(kpi.measure, engine)} {span} up to the end of each period"
        case ConversionKPI():
            text = (
                f"share of {_measure_words(kpi.base, engine)} followed, for the same "
                f"{kpi.entity}, by {_measure_words(kpi.conversion, engine)} within "
                f"{kpi.window}, counted in the period of the first event"
            )
            if kpi.calculation == "count":
                text = text.replace("share of", "number of", 1)
    return f"{kpi.name}: {text}{by}."


def formula_of(kpi: KPI) -> str:
    match kpi:
        case SimpleKPI() | CumulativeKPI():
            return kpi.measure
        case RatioKPI():
            scale = f"{kpi.scale:g} * " if kpi.scale != 1 else ""
            return f"{scale}{kpi.numerator} / {kpi.denominator}"
        case DerivedKPI():
            return kpi.expr
        case ConversionKPI():
            return f"{kpi.conversion} within {kpi.window} of {kpi.base} (per {kpi.entity})"
    return ""


def lineage(kpi_id: str, engine: MetricEngine) -> list[Lineage]:
    """Models, tables and columns a KPI reads, directly or through other KPIs."""
    columns: dict[str, list[str]] = {}
    for ref in engine.builder.measures_of(kpi_id):
        model_name, _, measure_name = ref.partition(".")
        model = engine.models[model_name]
        measure = model.measures[measure_name]
        used = columns.setdefault(model_name, [])
        used.append(model.measure_time(measure))
        for text in (measure.expr, measure.filter):
            used += _names(text, model)
    kpi = engine.builder.kpi(kpi_id)
    if isinstance(kpi, ConversionKPI):
        for ref in (kpi.base, kpi.conversion):
            model = engine.models[ref.partition(".")[0]]
            columns[model.name].append(model.entities[kpi.entity])
    return [
        Lineage(name, engine.models[name].table, tuple(dict.fromkeys(cols)))
        for name, cols in columns.items()
    ]


def _names(text: str | None, model: SemanticModel) -> list[str]:
    if not text:
        return []
    try:
        names = [ref.name.dotted for ref in references(parse_formula(text))]
    except KpibridgeError:
        return []
    resolved = []
    for name in names:
        dimension = model.dimension(name)
        resolved += _names(dimension.expr, model) if dimension and dimension.expr else [name]
    return resolved


def _measure_words(ref: str, engine: MetricEngine) -> str:
    """``ref`` in words: its description when it has one, and always how it is computed."""
    model_name, _, measure_name = ref.partition(".")
    model = engine.models[model_name]
    measure = model.measures[measure_name]
    how = _AGG_WORDS[measure.agg].format(expr=measure.expr)
    if measure.agg is Aggregation.COUNT and measure.expr:
        how = f"number of rows with {measure.expr} set"
    how += f" in {model.table} by {model.measure_time(measure)}"
    if measure.filter:
        how += f" where {measure.filter}"
    if measure.description:
        text = measure.description.rstrip(".")
        return f"{text[:1].lower()}{text[1:]} ({how})"
    return how


def _ref_words(ref: str, engine: MetricEngine) -> str:
    if "." in ref:
        return _measure_words(ref, engine)
    kpi = engine.builder.kpi(ref)
    return f"the KPI {kpi.id} ({kpi.name})"


def _filter(text: str | None) -> str:
    return f", only where {text}" if text else ""
