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
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from kpibridge.errors import FormulaError
from kpibridge.metrics.formula import parse_formula
from kpibridge.model import KPI, SemanticModel

SKIPPED_FOLDERS = {"target", "dbt_packages", "dbt_modules", "logs", ".venv", "node_modules"}
AGGREGATIONS = {
    "sum": "sum",
    "count": "count",
    "count_distinct": "count_distinct",
    "average": "avg",
    "avg": "avg",
    "min": "min",
    "max": "max",
}
_KPI: TypeAdapter[Any] = TypeAdapter(KPI)
_JINJA = re.compile(r"\{\{\s*(Dimension|TimeDimension|Entity|Metric)\s*\(([^)]*)\)\s*\}\}")
_REF = re.compile(r"""^\s*ref\(\s*['"]([^'"]+)['"]\s*\)\s*$""")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_DATE_TRUNC = re.compile(
    r"""^\s*date_trunc\(\s*'\w+'\s*,\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*$""", re.IGNORECASE
)


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
    """Read every ``semantic_models:`` and ``metrics:`` list under ``path``."""
    result = DbtImport()
    semantic_models: list[_Node] = []
    metrics: list[_Node] = []
    for file in _yaml_files(path):
        relative = file.relative_to(path).as_posix()
        try:
            document = YAML(typ="rt", pure=True).load(file.read_text(encoding="utf-8"))
        except (YAMLError, UnicodeDecodeError) as error:
            result.unmapped.append(Unmapped(relative, 0, "file", f"cannot read it: {error}"))
            continue
        if not isinstance(document, CommentedMap):
            continue
        for key, bucket in (("semantic_models", semantic_models), ("metrics", metrics)):
            items = document.get(key)
            if isinstance(items, CommentedSeq):
                bucket += [
                    _Node(relative, item) for item in items if isinstance(item, CommentedMap)
                ]
    measures: dict[str, str] = {}
    for item in semantic_models:
        _semantic_model(item, result, measures)
    for item in semantic_models:  # measures with create_metric: true become simple KPIs
        for measure in item.node.get("measures") or []:
            if measure.get("create_metric") and measure.get("name") in measures:
                name = str(measure["name"])
                _add_kpi(
                    result,
                    _Node(item.file, measure),
                    {
                        "id": name,
                        "name": str(measure.get("label") or name),
                        "type": "simple",
                        "measure": measures[name],
                        **_description(measure),
                    },
                )
    for item in metrics:
        _metric(item, result, measures)
    _drop_dangling(result)
    result.unmapped.sort()
    return result


def _yaml_files(path: Path) -> Iterator[Path]:
    for file in sorted([*path.rglob("*.yml"), *path.rglob("*.yaml")]):
        if not SKIPPED_FOLDERS.intersection(file.relative_to(path).parts[:-1]):
            yield file


def _semantic_model(item: _Node, result: DbtImport, measures: dict[str, str]) -> None:
    node, name = item.node, str(item.node.get("name", ""))
    where = f"semantic model {name}"

    def gap(key: str | None, what: str, reason: str, dropped: bool = True) -> None:
        result.unmapped.append(Unmapped(item.file, item.line(key), what, reason, dropped))

    reference = _REF.match(str(node.get("model", "")))
    if reference is None:
        gap("model", where, f"model {node.get('model')!r} is not ref('name')")
        return
    time_dimensions: dict[str, str] = {}
    dimensions: list[dict[str, Any]] = []
    for dimension in node.get("dimensions") or []:
        dim_name, expr = str(dimension.get("name")), dimension.get("expr")
        column = _column(expr, dim_name)
        if dimension.get("type") == "time":
            if column is None:
                gap(
                    "dimensions",
                    f"{where}: time dimension {dim_name}",
                    f"its expr {expr!r} is not a column (or date_trunc of one)",
                )
            else:
                time_dimensions[dim_name] = column
            continue
        if expr is not None and not _formula_ok(str(expr)):
            gap(
                "dimensions",
                f"{where}: dimension {dim_name}",
                f"its SQL {str(expr).strip()!r} is not a kpibridge formula",
            )
            continue
        entry: dict[str, Any] = {"name": dim_name}
        if expr is not None and str(expr) != dim_name:
            entry["expr"] = str(expr).strip()
        if dimension.get("description"):
            entry["description"] = str(dimension["description"]).strip()
        dimensions.append(entry)
    default_time = (node.get("defaults") or {}).get("agg_time_dimension")
    entities: dict[str, str] = {}
    for entity in node.get("entities") or []:
        entities[str(entity.get("name"))] = str(entity.get("expr") or entity.get("name"))
    foreign = [str(e.get("name")) for e in node.get("entities") or [] if e.get("type") == "foreign"]
    if foreign:
        gap(
            "entities",
            f"{where}: foreign entities {', '.join(foreign)}",
            "kept as keys; kpibridge does not join across models",
            dropped=False,
        )
    model_measures: dict[str, dict[str, Any]] = {}
    for measure in node.get("measures") or []:
        measure_name = str(measure.get("name"))
        what = f"{where}: measure {measure_name}"
        agg = str(measure.get("agg", ""))
        if agg not in AGGREGATIONS:
            gap("measures", what, f"aggregation {agg!r} has no kpibridge equivalent")
            continue
        if measure.get("non_additive_dimension") is not None:
            gap("measures", what, "non_additive_dimension (semi-additive) is not supported")
            continue
        expr = measure.get("expr")
        entry = {"agg": AGGREGATIONS[agg]}
        if agg == "sum" and str(expr).strip() == "1":
            entry = {"agg": "count"}  # MetricFlow's way of counting rows
        elif expr is not None or agg != "count":
            text = str(expr if expr is not None else measure_name).strip()
            if not _formula_ok(text):
                gap("measures", what, f"its SQL {text!r} is not a kpibridge formula")
                continue
            entry["expr"] = text
        time = measure.get("agg_time_dimension")
        if time is not None and str(time) != default_time:
            if str(time) not in time_dimensions:
                gap("measures", what, f"agg_time_dimension {time!r} is not a time dimension")
                continue
            entry["time"] = time_dimensions[str(time)]
        if measure.get("description"):
            entry["description"] = str(measure["description"]).strip()
        model_measures[measure_name] = entry
        measures[measure_name] = f"{name}.{measure_name}"
    if default_time is None or str(default_time) not in time_dimensions:
        gap(
            "defaults",
            where,
            "no usable defaults.agg_time_dimension: kpibridge needs a time column for every model",
        )
        for measure_name in model_measures:
            measures.pop(measure_name, None)
        return
    model = {
        "name": name,
        "table": reference.group(1),
        **_description(node),
        "time": time_dimensions[str(default_time)],
        "entities": entities,
        "dimensions": dimensions,
        "measures": model_measures,
    }
    try:
        SemanticModel.model_validate(model)
    except ValidationError as error:
        gap(None, where, f"not a valid kpibridge model: {error.errors()[0]['msg']}")
        return
    result.models[name] = model
    result.sources[f"model:{name}"] = f"{item.file}:{item.line()}"


def _metric(item: _Node, result: DbtImport, measures: dict[str, str]) -> None:
    node = item.node
    name, kind = str(node.get("name")), str(node.get("type", "")).lower()
    params = node.get("type_params") or {}
    what = f"metric {name}"

    def gap(reason: str, key: str | None = "type_params", dropped: bool = True) -> None:
        result.unmapped.append(Unmapped(item.file, item.line(key), what, reason, dropped))

    ignored = sorted(set(_keys(params)) & {"fill_nulls_with", "join_to_timespine"})
    if ignored or node.get("join_to_timespine") is not None:
        gap(
            f"{', '.join(ignored or ['join_to_timespine'])} ignored: kpibridge leaves periods "
            "without data empty",
            dropped=False,
        )
    kpi: dict[str, Any] = {
        "id": name,
        "name": str(node.get("label") or name),
        **_description(node),
        "type": kind,
    }
    if node.get("filter") is not None:
        text, problem = _filter(str(node["filter"]))
        if problem:
            gap(f"filter: {problem}", "filter")
            return
        kpi["filter"] = text
    if kind == "simple":
        measure, problem = _measure_input(params.get("measure"), measures)
        if problem:
            gap(problem)
            return
        kpi["measure"] = measure
    elif kind == "ratio":
        for side in ("numerator", "denominator"):
            value = params.get(side)
            if isinstance(value, CommentedMap):
                if value.get("filter") is not None:
                    gap(f"a filter on the {side} alone is not supported")
                    return
                value = value.get("name")
            kpi[side] = str(value)
    elif kind == "derived":
        expr = str(params.get("expr", ""))
        for metric_input in params.get("metrics") or []:
            input_name = str(metric_input.get("name"))
            alias = metric_input.get("alias")
            replacement = input_name
            if metric_input.get("filter") is not None:
                gap(f"a filter on input {input_name} is not supported")
                return
            if metric_input.get("offset_to_grain") is not None:
                gap(f"offset_to_grain on input {input_name} is not supported")
                return
            window = metric_input.get("offset_window")
            if window is not None:
                if str(window).strip().lower() not in ("1 year", "1 years"):
                    gap(f"offset_window {window!r} on {input_name}: only '1 year' maps (year_ago)")
                    return
                replacement = f"year_ago({input_name})"
            if alias:
                expr = re.sub(rf"\b{re.escape(str(alias))}\b", replacement, expr)
            elif replacement != input_name:
                expr = re.sub(rf"\b{re.escape(input_name)}\b", replacement, expr)
        if not _formula_ok(expr):
            gap(f"expr {expr!r} is not a kpibridge formula")
            return
        kpi["expr"] = expr
    elif kind == "cumulative":
        settings = {**params, **(params.get("cumulative_type_params") or {})}
        measure, problem = _measure_input(params.get("measure"), measures)
        if problem:
            gap(problem)
            return
        kpi["measure"] = measure
        if settings.get("window"):
            kpi["window"] = str(settings["window"])
        elif settings.get("grain_to_date"):
            kpi["grain_to_date"] = str(settings["grain_to_date"])
        else:
            gap(
                "a cumulative metric over all of time (no window, no grain_to_date) "
                "is not supported"
            )
            return
        if settings.get("period_agg") not in (None, "first"):
            gap(
                f"period_agg {settings['period_agg']!r} ignored (kpibridge reports the "
                "period's value)",
                dropped=False,
            )
    elif kind == "conversion":
        conversion = params.get("conversion_type_params") or {}
        if conversion.get("constant_properties"):
            gap(
                "constant_properties (matching base and conversion on a property) are not supported"
            )
            return
        if not conversion.get("window"):
            gap("a conversion metric without a window is not supported")
            return
        base, problem = _measure_input(conversion.get("base_measure"), measures)
        converted, other = _measure_input(conversion.get("conversion_measure"), measures)
        if problem or other:
            gap(problem or other or "")
            return
        calculation = str(conversion.get("calculation", "conversion_rate"))
        kpi.update(
            {
                "entity": str(conversion.get("entity")),
                "base": base,
                "conversion": converted,
                "window": str(conversion["window"]),
                "calculation": "count" if calculation == "conversions" else "rate",
            }
        )
    else:
        gap(f"metric type {kind!r} is unknown", "type")
        return
    _add_kpi(result, item, kpi)


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
                inputs += re.findall(r"[A-Za-z_][A-Za-z0-9_]*", kpi["expr"])
                inputs = [
                    name
                    for name in inputs
                    if name not in ("year_ago", "previous", "lag", "abs", "round", "coalesce")
                ]
            missing = [
                name
                for name in inputs
                if name
                and kpi["type"] in ("ratio", "derived")
                and name not in result.kpis
                and not _is_measure(result, name)
                and not str(name).replace(".", "").isdigit()
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


def _measure_input(value: Any, measures: dict[str, str]) -> tuple[str, str | None]:
    """(``model.measure``, why it cannot be used) for a metric's measure input."""
    if isinstance(value, CommentedMap):
        if value.get("filter") is not None:
            return "", f"a filter on measure {value.get('name')} alone is not supported"
        value = value.get("name")
    if value is None:
        return "", "no measure given"
    if str(value) not in measures:
        return "", f"measure {value!r} was not imported"
    return measures[str(value)], None


def _filter(text: str) -> tuple[str, str | None]:
    """A MetricFlow filter (Jinja references) as a kpibridge filter, or why not."""
    problems: list[str] = []

    def replace(match: re.Match[str]) -> str:
        kind, arguments = match.group(1), match.group(2)
        names = re.findall(r"""['"]([^'"]+)['"]""", arguments)
        if kind == "Metric" or not names:
            problems.append(f"{kind}({arguments.strip()}) in a filter is not supported")
            return "x"
        return names[0].split("__")[-1]

    converted = " ".join(_JINJA.sub(replace, text).split())
    if problems:
        return "", problems[0]
    if not _formula_ok(converted):
        return "", f"{converted!r} is not a kpibridge filter"
    return converted, None


def _formula_ok(text: str) -> bool:
    try:
        parse_formula(text)
    except FormulaError:
        return False
    return True


def _keys(value: Any) -> Iterator[str]:
    """Every mapping key anywhere inside ``value``."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from _keys(item)


def _column(expr: Any, name: str) -> str | None:
    if expr is None:
        return name
    text = str(expr).strip()
    if _IDENTIFIER.match(text):
        return text
    truncated = _DATE_TRUNC.match(text)
    return truncated.group(1) if truncated else None


def _description(node: CommentedMap) -> dict[str, str]:
    text = str(node.get("description") or "").strip()
    return {"description": " ".join(text.split())} if text else {}
