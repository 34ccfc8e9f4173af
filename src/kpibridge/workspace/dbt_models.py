"""One dbt / MetricFlow semantic model → one kpibridge semantic model, and the gaps.

Kept apart from the metric mapping (:mod:`kpibridge.workspace.dbt_import`) because it has
its own rules: which SQL a measure or dimension may hold (:mod:`kpibridge.workspace.dbt_sql`),
which aggregations exist on both sides, and which time column a measure aggregates along.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from ruamel.yaml.comments import CommentedMap

from kpibridge.model import SemanticModel
from kpibridge.workspace.dbt_filters import ModelNames
from kpibridge.workspace.dbt_sql import sql_to_formula

AGGREGATIONS = {
    "sum": "sum",
    "count": "count",
    "count_distinct": "count_distinct",
    "average": "avg",
    "avg": "avg",
    "min": "min",
    "max": "max",
}
"""MetricFlow aggregation → kpibridge aggregation; ``sum_boolean`` is mapped separately."""

OWN_ENTITY_TYPES = {"primary", "unique", "natural"}
_REF = re.compile(r"""^\s*(?:\{\{\s*)?ref\(\s*['"]([^'"]+)['"]\s*\)(?:\s*\}\})?\s*$""")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_DATE_TRUNC = re.compile(
    r"""^\s*date_trunc\(\s*'\w+'\s*,\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*$""", re.IGNORECASE
)

Gap = Callable[[CommentedMap, str, str, bool], None]
"""Report (node, item, reason, dropped)."""


@dataclass(frozen=True)
class MappedMeasure:
    """Where a dbt measure went: ``model.measure`` and the time column it aggregates along."""

    reference: str
    model: str
    time_column: str


@dataclass
class MappedModel:
    """A semantic model as kpibridge YAML, with what filters on it may name."""

    content: dict[str, Any]
    names: ModelNames
    measures: dict[str, MappedMeasure] = field(default_factory=dict)


def map_semantic_model(node: CommentedMap, gap: Gap) -> MappedModel | None:
    """The kpibridge model for ``node``, or None (after reporting why) when it cannot be one."""
    name = str(node.get("name", ""))
    where = f"semantic model {name}"
    measures = [m for m in node.get("measures") or [] if isinstance(m, CommentedMap)]
    if not measures:
        gap(
            node,
            where,
            "a model without measures (dimensions only): kpibridge does not join across "
            "models, so its dimensions cannot reach other models' measures",
            True,
        )
        return None
    table = _table(node, where, gap)
    if table is None:
        return None
    time_columns, dimensions, dimension_names = _dimensions(node, where, gap)
    entities, own = _entities(node, where, gap)
    default_time = str((node.get("defaults") or {}).get("agg_time_dimension") or "")
    own_times = [str(m["agg_time_dimension"]) for m in measures if m.get("agg_time_dimension")]
    if not default_time and own_times and len(own_times) == len(measures):
        default_time = own_times[0]  # no default needed when every measure names its own
    if default_time not in time_columns:
        gap(
            node,
            where,
            f"no usable defaults.agg_time_dimension ({default_time or 'none'}): kpibridge "
            "needs a time column for every model",
            True,
        )
        return None
    used_times = {default_time}
    mapped: dict[str, MappedMeasure] = {}
    model_measures: dict[str, dict[str, Any]] = {}
    for measure in measures:
        entry = _measure(measure, f"{where}: measure {measure.get('name')}", time_columns, gap)
        if entry is None:
            continue
        measure_name = str(measure.get("name"))
        time_name = str(measure.get("agg_time_dimension") or default_time)
        used_times.add(time_name)
        if time_name != default_time:
            entry["time"] = time_columns[time_name]
        model_measures[measure_name] = entry
        mapped[measure_name] = MappedMeasure(
            f"{name}.{measure_name}", name, time_columns[time_name]
        )
    for dimension in node.get("dimensions") or []:
        dim_name = str(dimension.get("name"))
        if dim_name in time_columns and dim_name not in used_times:
            gap(
                dimension,
                f"{where}: time dimension {dim_name}",
                "not the aggregation time of any measure: kpibridge slices time by its own "
                "periods, not by other time columns",
                True,
            )
    content = {
        "name": name,
        "table": table,
        **description(node),
        "time": time_columns[default_time],
        "entities": entities,
        "dimensions": dimensions,
        "measures": model_measures,
    }
    try:
        SemanticModel.model_validate(content)
    except ValidationError as error:
        gap(node, where, f"not a valid kpibridge model: {error.errors()[0]['msg']}", True)
        return None
    names = ModelNames(
        name=name,
        own_entities=frozenset(own),
        entity_columns=entities,
        dimensions=frozenset(dimension_names),
        time_columns=time_columns,
    )
    return MappedModel(content, names, mapped)


def _table(node: CommentedMap, where: str, gap: Gap) -> str | None:
    if node.get("model") is not None:
        reference = _REF.match(str(node["model"]))
        if reference is None:
            gap(node, where, f"model {node.get('model')!r} is not ref('name')", True)
            return None
        return reference.group(1)
    relation = node.get("node_relation")
    if isinstance(relation, CommentedMap) and relation.get("alias"):
        schema = relation.get("schema_name")
        if schema:
            gap(
                node,
                f"{where}: node_relation",
                f"schema {schema!r} dropped: the table {relation['alias']} is read from the "
                "workspace's warehouse",
                False,
            )
        return str(relation["alias"])
    gap(node, where, "neither model: ref('…') nor node_relation.alias names its table", True)
    return None


def _dimensions(
    node: CommentedMap, where: str, gap: Gap
) -> tuple[dict[str, str], list[dict[str, Any]], list[str]]:
    time_columns: dict[str, str] = {}
    dimensions: list[dict[str, Any]] = []
    for dimension in node.get("dimensions") or []:
        dim_name, expr = str(dimension.get("name")), dimension.get("expr")
        what = f"{where}: {'time ' if dimension.get('type') == 'time' else ''}dimension {dim_name}"
        if (dimension.get("type_params") or {}).get("validity_params") is not None:
            gap(
                dimension,
                what,
                "validity_params (a slowly changing dimension's validity window): kpibridge "
                "has no time-ranged joins",
                True,
            )
            continue
        if str(dimension.get("type", "")).lower() == "time":
            column = _column(expr, dim_name)
            if column is None:
                gap(
                    dimension,
                    what,
                    f"its expr {expr!r} is not a column (or date_trunc of one)",
                    True,
                )
            else:
                time_columns[dim_name] = column
            continue
        formula = dim_name if expr is None else sql_to_formula(str(expr))
        if formula is None:
            gap(
                dimension,
                what,
                f"its SQL {' '.join(str(expr).split())!r} is not a kpibridge formula",
                True,
            )
            continue
        entry: dict[str, Any] = {"name": dim_name}
        if formula != dim_name:
            entry["expr"] = formula
        if dimension.get("description"):
            entry["description"] = " ".join(str(dimension["description"]).split())
        dimensions.append(entry)
    return time_columns, dimensions, [str(d["name"]) for d in dimensions]


def _entities(node: CommentedMap, where: str, gap: Gap) -> tuple[dict[str, str], set[str]]:
    entities: dict[str, str] = {}
    own: set[str] = {str(node["primary_entity"])} if node.get("primary_entity") else set()
    foreign: list[CommentedMap] = []
    for entity in node.get("entities") or []:
        entity_name = str(entity.get("name"))
        kind = str(entity.get("type", "")).lower()
        if kind in OWN_ENTITY_TYPES:
            own.add(entity_name)
        elif kind == "foreign":
            foreign.append(entity)
        column = _column(entity.get("expr"), entity_name)
        if column is None:
            gap(
                entity,
                f"{where}: entity {entity_name}",
                f"its expr {' '.join(str(entity.get('expr')).split())!r} is not a column",
                True,
            )
            continue
        entities[entity_name] = column
    if foreign:
        gap(
            foreign[0],
            f"{where}: foreign entities {', '.join(str(e.get('name')) for e in foreign)}",
            "kept as keys; kpibridge does not join across models",
            False,
        )
    return entities, own


def _measure(
    measure: CommentedMap, what: str, time_columns: dict[str, str], gap: Gap
) -> dict[str, Any] | None:
    agg = str(measure.get("agg", "")).lower()
    expr = measure.get("expr")
    text = None if expr is None else " ".join(str(expr).split())
    if measure.get("non_additive_dimension") is not None:
        gap(
            measure, what, "non_additive_dimension (a semi-additive measure) is not supported", True
        )
        return None
    time = measure.get("agg_time_dimension")
    if time is not None and str(time) not in time_columns:
        gap(measure, what, f"agg_time_dimension {time!r} is not a usable time dimension", True)
        return None
    entry: dict[str, Any]
    if agg in ("sum", "count") and text == "1":
        entry = {"agg": "count"}  # MetricFlow's way of counting rows
    elif agg == "sum_boolean":
        condition = sql_to_formula(text or str(measure.get("name")))
        if condition is None:
            gap(measure, what, f"its SQL {text!r} is not a kpibridge formula", True)
            return None
        entry = {"agg": "sum", "expr": f"if({condition}, 1, 0)"}
    elif agg in AGGREGATIONS:
        formula = sql_to_formula(text or str(measure.get("name")))
        if formula is None:
            gap(measure, what, f"its SQL {text!r} is not a kpibridge formula", True)
            return None
        entry = {"agg": AGGREGATIONS[agg], "expr": formula}
    else:
        gap(measure, what, f"aggregation {agg!r} has no kpibridge equivalent", True)
        return None
    entry.update(description(measure))
    return entry


def _column(expr: Any, name: str) -> str | None:
    if expr is None:
        return name
    text = str(expr).strip()
    if _IDENTIFIER.match(text):
        return text
    truncated = _DATE_TRUNC.match(text)
    return truncated.group(1) if truncated else None


def description(node: CommentedMap) -> dict[str, str]:
    """``{"description": …}`` with the node's description on one line, or nothing."""
    text = str(node.get("description") or "").strip()
    return {"description": " ".join(text.split())} if text else {}
