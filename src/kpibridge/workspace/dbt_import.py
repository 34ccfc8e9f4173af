"""Read dbt / MetricFlow semantic models and metrics into kpibridge models and KPIs, and say
what could not be mapped — never silently dropping anything.

MetricFlow and kpibridge share the metric model (semantic models with entities, dimensions
and measures; simple, ratio, derived, cumulative and conversion metrics), so most of a dbt
project maps one to one. What does not map is reported with its file and line:

* SQL that kpibridge's formula language cannot read (``case when …``; casts) in a measure,
  dimension or filter — the item is left out;
* measure aggregations kpibridge lacks (``median``, ``percentile``, ``sum_boolean``) and
  ``non_additive_dimension`` (semi-additive measures);
* filters on a metric's *inputs* (``numerator: {name, filter}``) and ``Metric(...)`` in
  filters; derived-metric offsets other than one year (``year_ago``); ``offset_to_grain``;
* cumulative metrics without a window or grain-to-date (all of time); conversion metrics
  without a window or with ``constant_properties``.

Mapped as an approximation, and said so: ``fill_nulls_with`` and ``join_to_timespine`` are
ignored (kpibridge leaves empty periods empty); foreign entities are kept as keys but not
joined (kpibridge does not join across models); a ``model: ref('x')`` becomes table ``x``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from kpibridge.metrics.formula import parse_formula, references
from kpibridge.model import KPI, Grain, Window
from kpibridge.workspace.dbt_filters import translate_filter
from kpibridge.workspace.dbt_models import (
    MappedMeasure,
    MappedModel,
    description,
    map_semantic_model,
)
from kpibridge.workspace.dbt_sql import sql_to_formula

SKIPPED_FOLDERS = {"target", "dbt_packages", "dbt_modules", "logs", ".venv", "node_modules"}
_KPI: TypeAdapter[Any] = TypeAdapter(KPI)


@dataclass(frozen=True, order=True)
class Unmapped:
    """Something of the dbt project that was left out or approximated, and why."""

    file: str
    line: int
    item: str
    reason: str
    dropped: bool = True
    """False: imported, but approximately (the reason says how)."""

    def __str__(self) -> str:
        verb = "not imported" if self.dropped else "approximated"
        return f"{self.file}:{self.line}: {self.item}: {verb}: {self.reason}"


@dataclass
class DbtImport:
    """What was read: kpibridge models and KPIs (as YAML-ready dicts) and the gaps."""

    models: dict[str, dict[str, Any]] = field(default_factory=dict)
    kpis: dict[str, dict[str, Any]] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    """Model or KPI name → ``file:line`` it came from."""
    unmapped: list[Unmapped] = field(default_factory=list)


@dataclass(frozen=True)
class _Node:
    file: str
    node: CommentedMap

    def line(self, key: str | None = None) -> int:
        if key is not None and key in self.node:
            return int(self.node.lc.key(key)[0]) + 1
        return int(self.node.lc.line) + 1


def read_dbt_project(path: Path) -> DbtImport:
    """Read every semantic model, metric, saved query and project configuration under
    ``path``: dbt's ``semantic_models:`` / ``metrics:`` lists and MetricFlow's one-per-document
    ``semantic_model:`` / ``metric:`` form (``---``-separated documents)."""
    result = DbtImport()
    found = _Found()
    for file in _yaml_files(path):
        _read_file(file, file.relative_to(path).as_posix(), result, found)
    models: dict[str, MappedModel] = {}
    measures: dict[str, MappedMeasure] = {}
    for item in found.semantic_models:
        mapped = map_semantic_model(item.node, _gap(result, item.file))
        if mapped is None:
            continue
        name = str(item.node.get("name"))
        models[name] = mapped
        measures.update(mapped.measures)
        result.models[name] = mapped.content
        result.sources[f"model:{name}"] = f"{item.file}:{item.line()}"
    for item in found.semantic_models:  # measures with create_metric: true become simple KPIs
        for measure in item.node.get("measures") or []:
            name = str(measure.get("name"))
            if measure.get("create_metric") and name in measures:
                kpi = {"id": name, "name": str(measure.get("label") or name), "type": "simple"}
                kpi.update({"measure": measures[name].reference, **description(measure)})
                _add_kpi(result, _Node(item.file, measure), kpi)
    context = _Context(models, measures, {str(m.node.get("name")): m.node for m in found.metrics})
    for item in found.metrics:
        _metric(item, result, context)
    for item in found.saved_queries:
        result.unmapped.append(
            Unmapped(
                item.file,
                item.line(),
                f"saved query {item.node.get('name')}",
                "saved queries (stored query presets) have no kpibridge equivalent; the "
                "metrics they use are imported as KPIs",
            )
        )
    for item in found.configurations:
        _configuration(item, result)
    _drop_dangling(result)
    result.unmapped = sorted(set(result.unmapped))  # one note per item, however often it arose
    return result


@dataclass
class _Found:
    semantic_models: list[_Node] = field(default_factory=list)
    metrics: list[_Node] = field(default_factory=list)
    saved_queries: list[_Node] = field(default_factory=list)
    configurations: list[_Node] = field(default_factory=list)


@dataclass(frozen=True)
class _Context:
    models: dict[str, MappedModel]
    measures: dict[str, MappedMeasure]
    metrics: dict[str, CommentedMap]
    """Every dbt metric by name, imported or not (to see through ratio inputs)."""


_KEYS = (
    ("semantic_models", "semantic_model", "semantic_models"),
    ("metrics", "metric", "metrics"),
    ("saved_queries", "saved_query", "saved_queries"),
)


def _read_file(file: Path, relative: str, result: DbtImport, found: _Found) -> None:
    try:
        documents = list(YAML(typ="rt", pure=True).load_all(file.read_text(encoding="utf-8")))
    except (YAMLError, UnicodeDecodeError) as error:
        result.unmapped.append(Unmapped(relative, 0, "file", f"cannot read it: {error}"))
        return
    for document in documents:
        if not isinstance(document, CommentedMap):
            continue
        for plural, singular, bucket in _KEYS:
            items = document.get(plural)
            target: list[_Node] = getattr(found, bucket)
            if isinstance(items, CommentedSeq):
                target += [
                    _Node(relative, item) for item in items if isinstance(item, CommentedMap)
                ]
            if isinstance(document.get(singular), CommentedMap):
                target.append(_Node(relative, document[singular]))
        if isinstance(document.get("project_configuration"), CommentedMap):
            found.configurations.append(_Node(relative, document["project_configuration"]))


def _gap(result: DbtImport, file: str) -> Callable[[CommentedMap, str, str, bool], None]:
    def report(node: CommentedMap, item: str, reason: str, dropped: bool) -> None:
        result.unmapped.append(Unmapped(file, int(node.lc.line) + 1, item, reason, dropped))

    return report


def _configuration(item: _Node, result: DbtImport) -> None:
    """Time spines are MetricFlow's calendar tables; kpibridge builds its periods itself."""
    for key in ("time_spine_table_configurations", "time_spines"):
        for spine in item.node.get(key) or []:
            relation = spine.get("node_relation") or {}
            table = spine.get("location") or relation.get("alias") or "?"
            result.unmapped.append(
                Unmapped(
                    item.file,
                    int(spine.lc.line) + 1,
                    f"project configuration: time spine {table}",
                    "not needed: kpibridge builds its own calendar of periods",
                )
            )
    for key in item.node:
        if key not in ("time_spine_table_configurations", "time_spines"):
            result.unmapped.append(
                Unmapped(
                    item.file,
                    item.line(str(key)),
                    f"project configuration: {key}",
                    "no kpibridge equivalent",
                )
            )


def _yaml_files(path: Path) -> Iterator[Path]:
    for file in sorted([*path.rglob("*.yml"), *path.rglob("*.yaml")]):
        if not SKIPPED_FOLDERS.intersection(file.relative_to(path).parts[:-1]):
            yield file


def _metric(item: _Node, result: DbtImport, context: _Context) -> None:
    node = item.node
    name, kind = str(node.get("name")), str(node.get("type", "")).lower()
    params = node.get("type_params") or CommentedMap()
    what = f"metric {name}"

    def gap(reason: str, key: str | None = "type_params", dropped: bool = True) -> None:
        result.unmapped.append(Unmapped(item.file, item.line(key), what, reason, dropped))

    ignored = sorted(set(_keys(params)) & {"fill_nulls_with", "join_to_timespine"})
    if ignored:
        gap(
            f"{', '.join(ignored)} ignored: kpibridge leaves periods without data empty",
            dropped=False,
        )
    if node.get("time_granularity") is not None:
        gap(
            f"time_granularity {node['time_granularity']!r} (the default grain) ignored: "
            "kpibridge takes the grain from each request",
            "time_granularity",
            dropped=False,
        )
    kpi: dict[str, Any] = {
        "id": name,
        "name": str(node.get("label") or name),
        **description(node),
        "type": kind,
    }
    try:
        match kind:
            case "simple" | "cumulative":
                _measure_metric(node, params, kpi, context, gap)
            case "ratio":
                _ratio(node, params, kpi, context, gap)
            case "derived":
                _derived(node, params, kpi)
            case "conversion":
                _conversion(node, params, kpi, context)
            case _:
                raise _UnmappableError(f"metric type {kind!r} is unknown", "type")
    except _UnmappableError as error:
        gap(str(error), error.key)
        return
    _add_kpi(result, item, kpi)


class _UnmappableError(Exception):
    """Why a metric cannot be imported, and which key of it to point at."""

    def __init__(self, reason: str, key: str = "type_params") -> None:
        super().__init__(reason)
        self.key = key


def _measure_metric(
    node: CommentedMap,
    params: CommentedMap,
    kpi: dict[str, Any],
    context: _Context,
    gap: Callable[..., None],
) -> None:
    """Simple and cumulative metrics: one measure, its filter and the metric's, and for a
    cumulative metric its window or grain to date."""
    value = params.get("measure")
    name = value.get("name") if isinstance(value, CommentedMap) else value
    if name is None:
        raise _UnmappableError("no measure given")
    measure = context.measures.get(str(name))
    if measure is None:
        raise _UnmappableError(f"measure {str(name)!r} was not imported")
    kpi["measure"] = measure.reference
    filters = [
        text
        for text in (
            value.get("filter") if isinstance(value, CommentedMap) else None,
            node.get("filter"),
        )
        if text is not None
    ]
    if filters:
        formulas = []
        for text in filters:
            formula, notes = _translate(text, context.models[measure.model], measure.time_column)
            formulas.append(formula)
            for note in notes:
                gap(note, "filter", dropped=False)
        kpi["filter"] = (
            formulas[0] if len(formulas) == 1 else " and ".join(f"({f})" for f in formulas)
        )
    if kpi["type"] == "simple":
        return
    settings = {**params, **(params.get("cumulative_type_params") or {})}
    if settings.get("window"):
        window = str(settings["window"])
        try:
            Window.parse(window)
        except ValueError:
            raise _UnmappableError(
                f"window {window!r} is not a kpibridge window (a whole number of days, weeks, "
                "months, quarters or years)"
            ) from None
        kpi["window"] = window
    elif settings.get("grain_to_date"):
        grain = str(settings["grain_to_date"]).lower()
        if grain not in {g.value for g in Grain}:
            raise _UnmappableError(f"grain_to_date {grain!r}: kpibridge grains are day to year")
        kpi["grain_to_date"] = grain
    else:
        raise _UnmappableError(
            "a cumulative metric over all of time (no window, no grain_to_date) is not supported"
        )
    period_agg = str(settings.get("period_agg") or "first").lower()
    if period_agg != "last":
        gap(
            f"period_agg {period_agg!r}{' (the default)' if 'period_agg' not in settings else ''}"
            ": at a grain coarser than a day kpibridge reports the value at the period's end, "
            "as period_agg 'last' does; the same at day grain",
            dropped=False,
        )


def _ratio(
    node: CommentedMap,
    params: CommentedMap,
    kpi: dict[str, Any],
    context: _Context,
    gap: Callable[..., None],
) -> None:
    sides: dict[str, str] = {}
    for side in ("numerator", "denominator"):
        value = params.get(side)
        if isinstance(value, CommentedMap):
            if value.get("filter") is not None:
                raise _UnmappableError(f"a filter on the {side} alone is not supported")
            value = value.get("name")
        sides[side] = str(value)
    kpi.update(sides)
    if node.get("filter") is None:
        return
    # kpibridge filters a ratio on its measures: see through inputs that are plain simple metrics
    formulas: set[str] = set()
    for side, metric_name in sides.items():
        metric = context.metrics.get(metric_name)
        params_of = (metric.get("type_params") or {}) if metric is not None else {}
        value = params_of.get("measure")
        measure_name = value.get("name") if isinstance(value, CommentedMap) else value
        measure = context.measures.get(str(measure_name))
        if (
            metric is None
            or str(metric.get("type", "")).lower() != "simple"
            or metric.get("filter") is not None
            or (isinstance(value, CommentedMap) and value.get("filter") is not None)
            or measure is None
        ):
            raise _UnmappableError(
                f"a filter on a ratio whose {side} {metric_name!r} is not an unfiltered simple "
                "metric of an imported measure is not supported",
                "filter",
            )
        kpi[side] = measure.reference
        formula, notes = _translate(
            node["filter"], context.models[measure.model], measure.time_column
        )
        formulas.add(formula)
        for note in notes:
            gap(note, "filter", dropped=False)
    if len(formulas) != 1:
        raise _UnmappableError(
            "the filter means different things on the numerator's and the denominator's models",
            "filter",
        )
    kpi["filter"] = formulas.pop()


def _derived(node: CommentedMap, params: CommentedMap, kpi: dict[str, Any]) -> None:
    if node.get("filter") is not None:
        raise _UnmappableError(
            "a filter on a derived metric is not supported (filter its inputs' own definitions)",
            "filter",
        )
    replacements: dict[str, str] = {}
    for metric_input in params.get("metrics") or []:
        input_name = str(metric_input.get("name"))
        if metric_input.get("filter") is not None:
            raise _UnmappableError(f"a filter on input {input_name} is not supported")
        if metric_input.get("offset_to_grain") is not None:
            raise _UnmappableError(
                f"offset_to_grain {metric_input['offset_to_grain']!r} on input {input_name} "
                "is not supported"
            )
        replacement = input_name
        window = metric_input.get("offset_window")
        if window is not None:
            if str(window).strip().lower() not in ("1 year", "1 years"):
                raise _UnmappableError(
                    f"offset_window {str(window)!r} on input {input_name}: only '1 year' maps "
                    "(year_ago)"
                )
            replacement = f"year_ago({input_name})"
        replacements[str(metric_input.get("alias") or input_name)] = replacement
    expr = str(params.get("expr", ""))
    formula = sql_to_formula(
        re.sub(
            r"\b[A-Za-z_][A-Za-z0-9_]*\b",
            lambda match: replacements.get(match.group(0), match.group(0)),
            expr,
        )
    )
    if formula is None:
        raise _UnmappableError(f"expr {' '.join(expr.split())!r} is not a kpibridge formula")
    kpi["expr"] = formula


def _conversion(
    node: CommentedMap, params: CommentedMap, kpi: dict[str, Any], context: _Context
) -> None:
    conversion = params.get("conversion_type_params") or {}
    if node.get("filter") is not None:
        raise _UnmappableError("a filter on a conversion metric is not supported", "filter")
    if conversion.get("constant_properties"):
        raise _UnmappableError(
            "constant_properties (matching base and conversion on a property) are not supported"
        )
    if not conversion.get("window"):
        raise _UnmappableError("a conversion metric without a window is not supported")
    inputs: list[str] = []
    for key in ("base_measure", "conversion_measure"):
        value = conversion.get(key)
        if isinstance(value, CommentedMap):
            if value.get("filter") is not None:
                raise _UnmappableError(f"a filter on {key} {value.get('name')} is not supported")
            value = value.get("name")
        measure = context.measures.get(str(value))
        if measure is None:
            raise _UnmappableError(f"{key} {str(value)!r} was not imported")
        inputs.append(measure.reference)
    calculation = str(conversion.get("calculation", "conversion_rate")).lower()
    kpi.update(
        {
            "entity": str(conversion.get("entity")),
            "base": inputs[0],
            "conversion": inputs[1],
            "window": str(conversion["window"]),
            "calculation": "count" if calculation == "conversions" else "rate",
        }
    )


def _translate(text: Any, model: MappedModel, time_column: str) -> tuple[str, list[str]]:
    filters = [str(part) for part in text] if isinstance(text, list) else str(text)
    try:
        return translate_filter(filters, model.names, time_column)
    except ValueError as error:
        raise _UnmappableError(f"filter: {error}", "filter") from None


def _add_kpi(result: DbtImport, item: _Node, kpi: dict[str, Any]) -> None:
    try:
        _KPI.validate_python(kpi)
    except ValidationError as error:
        detail = error.errors()[0]
        location = ".".join(str(part) for part in detail["loc"][1:])
        result.unmapped.append(
            Unmapped(
                item.file,
                item.line(),
                f"metric {kpi['id']}",
                f"not a valid kpibridge KPI: {location}: {detail['msg']}",
            )
        )
        return
    if kpi["id"] in result.kpis:
        result.unmapped.append(
            Unmapped(
                item.file,
                item.line(),
                f"metric {kpi['id']}",
                "defined twice; the first definition was kept",
            )
        )
        return
    result.kpis[kpi["id"]] = kpi
    result.sources[f"kpi:{kpi['id']}"] = f"{item.file}:{item.line()}"


def _drop_dangling(result: DbtImport) -> None:
    """Leave out KPIs built on metrics that were not imported (and say which)."""
    changed = True
    while changed:
        changed = False
        for kpi_id, kpi in list(result.kpis.items()):
            inputs = [kpi.get("numerator"), kpi.get("denominator")]
            if kpi["type"] == "derived":
                inputs = [ref.name.dotted for ref in references(parse_formula(kpi["expr"]))]
            missing = [
                name
                for name in inputs
                if name
                and kpi["type"] in ("ratio", "derived")
                and name not in result.kpis
                and not _is_measure(result, name)
            ]
            if missing:
                file, line = result.sources[f"kpi:{kpi_id}"].rsplit(":", 1)
                result.unmapped.append(
                    Unmapped(
                        file,
                        int(line),
                        f"metric {kpi_id}",
                        f"uses {', '.join(missing)}, not imported",
                    )
                )
                del result.kpis[kpi_id]
                changed = True


def _is_measure(result: DbtImport, name: str) -> bool:
    model, _, measure = name.partition(".")
    return measure in (result.models.get(model) or {}).get("measures", {})


def _keys(value: Any) -> Iterator[str]:
    """Every mapping key anywhere inside ``value``."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from _keys(item)
