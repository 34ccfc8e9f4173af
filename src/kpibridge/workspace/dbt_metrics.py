"""One dbt / MetricFlow metric → one kpibridge KPI, or the reason it cannot be one.

Each metric type has its function; all of them either fill a :class:`MappedMetric` or raise
:class:`UnmappableError`, so a metric is imported whole or not at all. Approximations are
collected as notes and reported only when the metric is imported.

Filters on a metric's *inputs* (``numerator: {name, filter}``, a derived metric's
``metrics: [{name, filter}]``, a conversion metric's ``base_measure: {name, filter}``) have no
place of their own in a kpibridge KPI, but kpibridge measures carry a row filter: when the
input is a simple metric (or a measure), a filtered copy of its measure is added to the model
(``<input>_for_<metric>``) and the KPI uses it — the same numbers, and said so in a note.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml.comments import CommentedMap

from kpibridge.errors import UnmappableError
from kpibridge.model import Grain, Window
from kpibridge.workspace.dbt_filters import translate_filter
from kpibridge.workspace.dbt_models import MappedMeasure, MappedModel, description
from kpibridge.workspace.dbt_sql import sql_to_formula

_KNOWN_KEYS = frozenset(
    {"name", "description", "label", "type", "type_params", "filter", "time_granularity"}
    | {"meta", "config", "tags", "group"}  # dbt metadata, no bearing on the numbers
)
_KNOWN_TYPE_PARAMS = frozenset(
    {"measure", "numerator", "denominator", "expr", "metrics", "window", "grain_to_date"}
    | {"cumulative_type_params", "conversion_type_params"}
    | {"input_measures"}  # derived by MetricFlow from the rest: nothing to map
)
EMPTY_FILTER_NOTE = (
    "a period with rows but none passing the filter is 0 here (an empty sum or count); "
    "MetricFlow gives it no value unless fill_nulls_with: 0"
)
_ADDITIVE = frozenset({"sum", "count", "count_distinct"})
_YEAR = re.compile(r"^\s*(1\s*years?|12\s*months?)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class MetricContext:
    """What metrics are mapped against: the imported models and measures, and every dbt
    metric by name (imported or not), to see through a ratio's or derived metric's inputs."""

    models: dict[str, MappedModel]
    measures: dict[str, MappedMeasure]
    metrics: dict[str, CommentedMap]


@dataclass
class MappedMetric:
    """A KPI as YAML-ready dict, its approximations (key, note) and the filtered measures
    it needs added to models (model, measure name, measure)."""

    kpi: dict[str, Any]
    notes: list[tuple[str, str]] = field(default_factory=list)
    added: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    filters_a_sum: bool = False
    """A filter restricts a sum or count (see :data:`EMPTY_FILTER_NOTE`)."""

    def note(self, reason: str, key: str = "type_params") -> None:
        self.notes.append((key, reason))


def map_metric(node: CommentedMap, context: MetricContext) -> MappedMetric:
    """Map one metric; raises :class:`UnmappableError` saying why it cannot be mapped."""
    name, kind = str(node.get("name")), str(node.get("type", "")).lower()
    params = node.get("type_params") or CommentedMap()
    mapped = MappedMetric(
        {"id": name, "name": str(node.get("label") or name), **description(node), "type": kind}
    )
    for key in sorted(set(map(str, node)) - _KNOWN_KEYS):
        mapped.note(f"{key} ignored: not a MetricFlow metric setting kpibridge knows", key)
    for key in sorted(set(map(str, params)) - _KNOWN_TYPE_PARAMS):
        mapped.note(f"type_params.{key} ignored: not a setting kpibridge knows")
    ignored = sorted(set(_keys(params)) & {"fill_nulls_with", "join_to_timespine"})
    if ignored:
        mapped.note(f"{', '.join(ignored)} ignored: kpibridge leaves periods without data empty")
    if node.get("time_granularity") is not None:
        mapped.note(
            f"time_granularity {node['time_granularity']!r} (the default grain) ignored: "
            "kpibridge takes the grain from each request",
            "time_granularity",
        )
    match kind:
        case "simple" | "cumulative":
            _measure_metric(node, params, mapped, context)
        case "ratio":
            _ratio(node, params, mapped, context)
        case "derived":
            _derived(node, params, mapped, context)
        case "conversion":
            _conversion(node, params, mapped, context)
        case _:
            raise UnmappableError(f"metric type {kind!r} is unknown", "type")
    filled = "fill_nulls_with" in set(_keys(params))
    if mapped.filters_a_sum and kind != "conversion" and not filled:
        mapped.note(
            EMPTY_FILTER_NOTE, "filter" if node.get("filter") is not None else "type_params"
        )
    return mapped


def _measure_metric(
    node: CommentedMap, params: CommentedMap, mapped: MappedMetric, context: MetricContext
) -> None:
    """Simple and cumulative metrics: one measure, its filter and the metric's, and for a
    cumulative metric its window or grain to date."""
    measure, measure_filter = _measure_input(params.get("measure"), context, "measure")
    kpi = mapped.kpi
    kpi["measure"] = measure.reference
    filters = [text for text in (measure_filter, node.get("filter")) if text is not None]
    if filters:
        kpi["filter"] = _conjunction([_filter(text, measure, mapped, context) for text in filters])
    if kpi["type"] == "simple":
        return
    settings = {**params, **(params.get("cumulative_type_params") or {})}
    if settings.get("window"):
        window = str(settings["window"])
        try:
            Window.parse(window)
        except ValueError:
            raise UnmappableError(
                f"window {window!r} is not a kpibridge window (a whole number of days, weeks, "
                "months, quarters or years)"
            ) from None
        kpi["window"] = window
    elif settings.get("grain_to_date"):
        grain = str(settings["grain_to_date"]).lower()
        if grain not in {g.value for g in Grain}:
            raise UnmappableError(f"grain_to_date {grain!r}: kpibridge grains are day to year")
        kpi["grain_to_date"] = grain
    else:
        raise UnmappableError(
            "a cumulative metric over all of time (no window, no grain_to_date) is not supported"
        )
    period_agg = str(settings.get("period_agg") or "first").lower()
    if period_agg != "last":
        mapped.note(
            f"period_agg {period_agg!r}{' (the default)' if 'period_agg' not in settings else ''}"
            ": at a grain coarser than a day kpibridge reports the value at the period's end, "
            "as period_agg 'last' does; the same at day grain"
        )


def _ratio(
    node: CommentedMap, params: CommentedMap, mapped: MappedMetric, context: MetricContext
) -> None:
    kpi = mapped.kpi
    measures: list[MappedMeasure] = []
    for side in ("numerator", "denominator"):
        value = params.get(side)
        side_filter = value.get("filter") if isinstance(value, CommentedMap) else None
        metric_name = str(value.get("name") if isinstance(value, CommentedMap) else value)
        alias = value.get("alias") if isinstance(value, CommentedMap) else None
        if side_filter is None and node.get("filter") is None:
            kpi[side] = metric_name
            continue
        # kpibridge filters a ratio on its measures: see through to the input's measure
        kpi[side], measure = _filtered_input(metric_name, side_filter, alias, mapped, context, side)
        measures.append(measure)
    if node.get("filter") is not None:
        formulas = {_filter(node["filter"], measure, mapped, context) for measure in measures}
        if len(formulas) != 1:
            raise UnmappableError(
                "the filter means different things on the numerator's and denominator's models",
                "filter",
            )
        kpi["filter"] = formulas.pop()


def _derived(
    node: CommentedMap, params: CommentedMap, mapped: MappedMetric, context: MetricContext
) -> None:
    outer = node.get("filter")  # MetricFlow applies it to every input
    replacements: dict[str, str] = {}
    for metric_input in params.get("metrics") or []:
        input_name = str(metric_input.get("name"))
        if metric_input.get("offset_to_grain") is not None:
            raise UnmappableError(
                f"offset_to_grain {metric_input['offset_to_grain']!r} on input {input_name} "
                "is not supported"
            )
        alias = metric_input.get("alias")
        replacement = input_name
        filters = [text for text in (metric_input.get("filter"), outer) if text is not None]
        if filters:
            replacement, _ = _filtered_input(
                input_name, filters, alias, mapped, context, f"input {input_name}"
            )
        window = metric_input.get("offset_window")
        if window is not None:
            if not _YEAR.match(str(window)):
                raise UnmappableError(
                    f"offset_window {str(window)!r} on input {input_name}: only one year "
                    "('1 year', '12 months') maps (year_ago)"
                )
            replacement = f"year_ago({replacement})"
        replacements[str(alias or input_name)] = replacement
    expr = str(params.get("expr", ""))
    formula = sql_to_formula(
        re.sub(
            r"\b[A-Za-z_][A-Za-z0-9_]*\b",
            lambda match: replacements.get(match.group(0), match.group(0)),
            expr,
        )
    )
    if formula is None:
        raise UnmappableError(f"expr {' '.join(expr.split())!r} is not a kpibridge formula")
    mapped.kpi["expr"] = formula


def _conversion(
    node: CommentedMap, params: CommentedMap, mapped: MappedMetric, context: MetricContext
) -> None:
    conversion = params.get("conversion_type_params") or {}
    if conversion.get("constant_properties"):
        raise UnmappableError(
            "constant_properties (matching base and conversion on a property) are not supported"
        )
    if not conversion.get("window"):
        raise UnmappableError("a conversion metric without a window is not supported")
    inputs: list[str] = []
    for key in ("base_measure", "conversion_measure"):
        measure, measure_filter = _measure_input(conversion.get(key), context, key)
        reference = measure.reference
        # MetricFlow applies the metric's own filter to the base only (dataflow_plan_builder.py,
        # _build_input_recipes_for_conversion_metric: "Filters should only be applied to base
        # metrics")
        outer = node.get("filter") if key == "base_measure" else None
        texts = [text for text in (measure_filter, outer) if text is not None]
        if texts:
            formulas = [_filter(text, measure, mapped, context) for text in texts]
            label = measure.reference.partition(".")[2]
            reference = _add_filtered(measure, formulas, label, mapped, context)
        inputs.append(reference)
    calculation = str(conversion.get("calculation", "conversion_rate")).lower()
    # MetricFlow: metricflow/plan_conversion/to_sql_plan/dataflow_to_subquery.py,
    # visit_join_conversion_events_node (first_value over the closest base event)
    mapped.note(
        "kpibridge counts base events followed by a conversion within the window; MetricFlow "
        "counts conversion events, each credited to the closest base event before it — the "
        "same when an entity has at most one base event and one conversion per window"
    )
    mapped.kpi.update(
        {
            "entity": str(conversion.get("entity")),
            "base": inputs[0],
            "conversion": inputs[1],
            "window": str(conversion["window"]),
            "calculation": "count" if calculation == "conversions" else "rate",
        }
    )


def _measure_input(
    value: Any, context: MetricContext, key: str
) -> tuple[MappedMeasure, Any | None]:
    """The imported measure a ``measure:`` input names, and its filter (if any)."""
    name = value.get("name") if isinstance(value, CommentedMap) else value
    if name is None:
        raise UnmappableError(f"no {key} given")
    measure = context.measures.get(str(name))
    if measure is None:
        raise UnmappableError(f"{key} {str(name)!r} was not imported")
    return measure, value.get("filter") if isinstance(value, CommentedMap) else None


def _filtered_input(
    metric_name: str,
    extra_filter: Any | None,
    alias: Any | None,
    mapped: MappedMetric,
    context: MetricContext,
    what: str,
) -> tuple[str, MappedMeasure]:
    """``model.measure`` for input metric ``metric_name`` with ``extra_filter`` on top of its
    own filters — its measure itself when nothing filters it, else a filtered copy — and the
    measure it reads."""
    metric = context.metrics.get(metric_name)
    if metric is None or str(metric.get("type", "")).lower() != "simple":
        raise UnmappableError(
            f"{what} {metric_name!r} is filtered (or filters the ratio), but is not a simple "
            "metric: kpibridge filters measures only"
        )
    params = metric.get("type_params") or {}
    measure, measure_filter = _measure_input(params.get("measure"), context, "measure")
    texts = [text for text in (measure_filter, metric.get("filter"), extra_filter) if text]
    if not texts:
        return measure.reference, measure
    formulas = [_filter(text, measure, mapped, context) for text in texts]
    return _add_filtered(measure, formulas, str(alias or metric_name), mapped, context), measure


def _add_filtered(
    measure: MappedMeasure,
    formulas: list[str],
    label: str,
    mapped: MappedMetric,
    context: MetricContext,
) -> str:
    """Add a copy of ``measure`` restricted by ``formulas`` (for this metric only)."""
    model, _, measure_name = measure.reference.partition(".")
    entry = dict(context.models[model].content["measures"][measure_name])
    combined = _conjunction(formulas)
    name = f"{label}_for_{mapped.kpi['id']}"
    taken = {*context.models[model].content["measures"], *(added for _, added, _ in mapped.added)}
    for number in range(2, len(taken) + 2):  # the same input filtered twice, differently
        if name not in taken:
            break
        name = f"{label}_{number}_for_{mapped.kpi['id']}"
    entry["filter"] = combined
    entry["description"] = f"{measure_name} where {combined} (for dbt metric {mapped.kpi['id']})"
    mapped.added.append((model, name, entry))
    mapped.note(
        f"exact: the filter {combined!r} on input {label} is kept in a measure added to model "
        f"{model}: {name}"
    )
    return f"{model}.{name}"


def _filter(text: Any, measure: MappedMeasure, mapped: MappedMetric, context: MetricContext) -> str:
    filters = [str(part) for part in text] if isinstance(text, list) else str(text)
    try:
        formula, notes = translate_filter(
            filters, context.models[measure.model].names, measure.time_column
        )
    except ValueError as error:
        raise UnmappableError(f"filter: {error}", "filter") from None
    for note in notes:
        mapped.note(note, "filter")
    model, _, measure_name = measure.reference.partition(".")
    if context.models[model].content["measures"][measure_name]["agg"] in _ADDITIVE:
        mapped.filters_a_sum = True
    return formula


def _conjunction(formulas: list[str]) -> str:
    return formulas[0] if len(formulas) == 1 else " and ".join(f"({f})" for f in formulas)


def _keys(value: Any) -> Iterator[str]:
    """Every mapping key anywhere inside ``value``."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from _keys(item)
