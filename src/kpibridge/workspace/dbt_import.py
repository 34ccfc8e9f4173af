"""Read dbt / MetricFlow semantic models and metrics into kpibridge models and KPIs, and say
what could not be mapped — never silently dropping anything.

MetricFlow and kpibridge share the metric model (semantic models with entities, dimensions
and measures; simple, ratio, derived, cumulative and conversion metrics), so most of a dbt
project maps one to one. Both of MetricFlow's file forms are read: dbt's ``semantic_models:``
and ``metrics:`` lists, and the one-object-per-document ``semantic_model:`` / ``metric:`` /
``saved_query:`` / ``project_configuration:`` form of MetricFlow's own test manifests.

The work is split by concept: :mod:`~kpibridge.workspace.dbt_models` maps a semantic model,
:mod:`~kpibridge.workspace.dbt_metrics` a metric, :mod:`~kpibridge.workspace.dbt_filters` a
Jinja filter, :mod:`~kpibridge.workspace.dbt_sql` a SQL expression. This module finds the
files, runs them in order (models, ``create_metric`` measures, metrics) and reports, with
file and line, everything left out (``dropped``) or imported with a note (an approximation
such as ``fill_nulls_with`` ignored, or a change of form such as a filtered input kept as an
added filtered measure). ``docs/governance.md`` lists what maps and what does not.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from kpibridge.errors import UnmappableError, YamlLimitError
from kpibridge.metrics.formula import parse_formula, references
from kpibridge.model import KPI
from kpibridge.workspace.dbt_metrics import MetricContext, map_metric
from kpibridge.workspace.dbt_models import (
    MappedMeasure,
    MappedModel,
    description,
    map_semantic_model,
)
from kpibridge.workspace.yaml_limits import load_yaml

SKIPPED_FOLDERS = {"target", "dbt_packages", "dbt_modules", "logs", ".venv", "node_modules"}
_KPI: TypeAdapter[Any] = TypeAdapter(KPI)


@dataclass(frozen=True, order=True)
class Unmapped:
    """Something of the dbt project that was left out, or imported with a note, and why."""

    file: str
    line: int
    item: str
    reason: str
    dropped: bool = True
    """False: imported, with a note — an approximation or a change of form (the reason says
    which and how)."""

    def __str__(self) -> str:
        verb = "not imported" if self.dropped else "imported with a note"
        return f"{self.file}:{self.line}: {self.item}: {verb}: {self.reason}"


@dataclass
class DbtImport:
    """What was read: kpibridge models and KPIs (as YAML-ready dicts) and the gaps."""

    models: dict[str, dict[str, Any]] = field(default_factory=dict)
    kpis: dict[str, dict[str, Any]] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    """Model or KPI name → ``file:line`` it came from."""
    unmapped: list[Unmapped] = field(default_factory=list)
    added: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    """KPI id → the filtered measures (model, measure) added to models for it."""


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
        if name in models:
            result.unmapped.append(
                Unmapped(
                    item.file,
                    item.line(),
                    f"semantic model {name}",
                    "defined twice; the first definition was kept",
                )
            )
            continue
        for measure_name, measure in mapped.measures.items():
            if measure_name in measures:  # MetricFlow requires unique measure names
                result.unmapped.append(
                    Unmapped(
                        item.file,
                        item.line(),
                        f"semantic model {name}: measure {measure_name}",
                        f"imported, but metrics naming {measure_name} read the first model's "
                        f"({measures[measure_name].reference}): measure names must be unique",
                        dropped=False,
                    )
                )
            else:
                measures[measure_name] = measure
        models[name] = mapped
        result.models[name] = mapped.content
        result.sources[f"model:{name}"] = f"{item.file}:{item.line()}"
    for item in found.semantic_models:  # measures with create_metric: true become simple KPIs
        for measure in item.node.get("measures") or []:
            name = str(measure.get("name"))
            if measure.get("create_metric") and name in measures:
                kpi = {"id": name, "name": str(measure.get("label") or name), "type": "simple"}
                kpi.update({"measure": measures[name].reference, **description(measure)})
                _add_kpi(result, _Node(item.file, measure), kpi)
    metrics = {str(m.node.get("name")): m.node for m in found.metrics}
    context = MetricContext(models, measures, metrics)
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


_KEYS = (
    ("semantic_models", "semantic_model", "semantic_models"),
    ("metrics", "metric", "metrics"),
    ("saved_queries", "saved_query", "saved_queries"),
)


def _read_file(file: Path, relative: str, result: DbtImport, found: _Found) -> None:
    try:
        documents = load_yaml(file.read_text(encoding="utf-8"), all_documents=True)
    except YamlLimitError as error:
        result.unmapped.append(Unmapped(relative, error.line, "file", f"refused: {error.problem}"))
        return
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
            custom = [str(g.get("name")) for g in spine.get("custom_granularities") or []]
            reason = "not needed: kpibridge builds its own calendar of periods"
            if custom:
                reason += (
                    f"; its custom granularities ({', '.join(custom)}) have no kpibridge "
                    "equivalent (fiscal years: the workspace's fiscal_year_start)"
                )
            result.unmapped.append(
                Unmapped(
                    item.file,
                    int(spine.lc.line) + 1,
                    f"project configuration: time spine {table}",
                    reason,
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


def _metric(item: _Node, result: DbtImport, context: MetricContext) -> None:
    what = f"metric {item.node.get('name')}"
    try:
        mapped = map_metric(item.node, context)
    except UnmappableError as error:
        result.unmapped.append(Unmapped(item.file, item.line(error.key), what, str(error)))
        return
    if not _add_kpi(result, item, mapped.kpi):
        return
    for key, note in mapped.notes:
        result.unmapped.append(Unmapped(item.file, item.line(key), what, note, dropped=False))
    for model, measure, entry in mapped.added:
        result.models[model]["measures"][measure] = entry
        result.added.setdefault(mapped.kpi["id"], []).append((model, measure))


def _add_kpi(result: DbtImport, item: _Node, kpi: dict[str, Any]) -> bool:
    """Add ``kpi`` if it is a valid kpibridge KPI of a new name; else report it."""
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
        return False
    if kpi["id"] in result.kpis:
        result.unmapped.append(
            Unmapped(
                item.file,
                item.line(),
                f"metric {kpi['id']}",
                "defined twice; the first definition was kept",
            )
        )
        return False
    result.kpis[kpi["id"]] = kpi
    result.sources[f"kpi:{kpi['id']}"] = f"{item.file}:{item.line()}"
    return True


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
                for model, measure in result.added.pop(kpi_id, []):
                    del result.models[model]["measures"][measure]
                result.unmapped = [
                    gap for gap in result.unmapped if gap.dropped or gap.item != f"metric {kpi_id}"
                ]
                changed = True


def _is_measure(result: DbtImport, name: str) -> bool:
    model, _, measure = name.partition(".")
    return measure in (result.models.get(model) or {}).get("measures", {})
