"""Workspace validation: a list of rules, each returning every issue it finds.

Static rules need only the files; warehouse rules also read the warehouse's tables. The
checks never stop at the first problem, so one run of `kpibridge validate` lists them all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from ibis.backends import BaseBackend

from kpibridge.errors import Issue, KpibridgeError, closest_names
from kpibridge.metrics.backends import table_columns
from kpibridge.metrics.compile import ModelScope
from kpibridge.metrics.engine import KpiRequest, MetricEngine
from kpibridge.metrics.formula import parse_formula, references
from kpibridge.metrics.grains import parse_period
from kpibridge.metrics.plan import MeasureSpec, PlanBuilder
from kpibridge.model import (
    ConversionKPI,
    CumulativeKPI,
    DerivedKPI,
    Grain,
    RatioKPI,
    SimpleKPI,
)
from kpibridge.workspace.definition import WorkspaceDefinition
from kpibridge.workspace.source import Source

StaticRule = Callable[[WorkspaceDefinition], Iterator[Issue]]
WarehouseRule = Callable[[WorkspaceDefinition, BaseBackend], Iterator[Issue]]


def _hint(name: str, known: Any) -> str:
    close = closest_names(name, known)
    return f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""


def owners_and_goals_exist(ws: WorkspaceDefinition) -> Iterator[Issue]:
    goals = ws.all_goals()
    for kpi in ws.kpis.values():
        source = ws.source("kpis", kpi.id)
        if kpi.goal is not None and kpi.goal not in goals:
            yield source.issue(["goal"], f"unknown goal {kpi.goal!r}.{_hint(kpi.goal, goals)}")
        if kpi.owner is not None and kpi.owner not in ws.stakeholders:
            yield source.issue(
                ["owner"], f"unknown stakeholder {kpi.owner!r}.{_hint(kpi.owner, ws.stakeholders)}"
            )
    for goal in goals.values():
        if goal.owner is not None and goal.owner not in ws.stakeholders:
            yield ws.source("goals", goal.id).issue(
                ["owner"],
                f"goal {goal.id!r}: unknown stakeholder {goal.owner!r}."
                f"{_hint(goal.owner, ws.stakeholders)}",
            )


def formulas_parse(ws: WorkspaceDefinition) -> Iterator[Issue]:
    """Every formula, filter and dimension expression parses."""
    for model in ws.models.values():
        source = ws.source("models", model.name)
        for index, dimension in enumerate(model.dimensions):
            if dimension.expr is not None:
                yield from _parse_issue(source, ["dimensions", index, "expr"], dimension.expr)
        for name, measure in model.measures.items():
            for field in ("expr", "filter"):
                text = getattr(measure, field)
                if text is not None:
                    yield from _parse_issue(source, ["measures", name, field], text)
    for kpi in ws.kpis.values():
        source = ws.source("kpis", kpi.id)
        for field in ("expr", "filter"):
            text = getattr(kpi, field, None)
            if text is not None:
                yield from _parse_issue(source, [field], text)


def _parse_issue(source: Any, path: list[str | int], text: str) -> Iterator[Issue]:
    try:
        parse_formula(text)
    except KpibridgeError as error:
        yield source.issue(path, str(error))


def references_exist(ws: WorkspaceDefinition) -> Iterator[Issue]:
    """Measures (``model.measure``) and KPIs named by KPIs exist; entities exist."""
    for kpi in ws.kpis.values():
        source = ws.source("kpis", kpi.id)
        for field, ref in _kpi_references(kpi):
            if "." in ref:
                model_name, _, measure = ref.partition(".")
                model = ws.models.get(model_name)
                broken = ws.unreadable("models", model_name)
                if model is None and broken is not None:
                    yield source.issue([field], _depends(f"model {model_name}", broken))
                elif model is None:
                    yield source.issue(
                        [field],
                        f"unknown semantic model {model_name!r} in "
                        f"{ref!r}.{_hint(model_name, ws.models)}",
                    )
                elif measure not in model.measures:
                    yield source.issue(
                        [field],
                        f"model {model_name!r} has no measure "
                        f"{measure!r}.{_hint(measure, model.measures)}",
                    )
            elif ref not in ws.kpis and (broken := ws.unreadable("kpis", ref)) is not None:
                yield source.issue([field], _depends(ref, broken))
            elif ref not in ws.kpis:
                known = [*ws.kpis, *(f"{m}.{x}" for m in ws.models.values() for x in m.measures)]
                yield source.issue([field], f"unknown KPI or measure {ref!r}.{_hint(ref, known)}")
        if isinstance(kpi, ConversionKPI):
            for field, ref in (("base", kpi.base), ("conversion", kpi.conversion)):
                model = ws.models.get(ref.partition(".")[0])
                if model is not None and kpi.entity not in model.entities:
                    yield source.issue(
                        ["entity"],
                        f"model {model.name!r} ({field}) has no "
                        f"entity {kpi.entity!r}.{_hint(kpi.entity, model.entities)}",
                    )


def _depends(name: str, broken: Source) -> str:
    """The message for a reference to an item that exists but could not be read."""
    return f"depends on {name}, which has errors ({broken.file}:{broken.line}); fix those first"


def _kpi_references(kpi: Any) -> list[tuple[str, str]]:
    match kpi:
        case SimpleKPI() | CumulativeKPI():
            return [("measure", kpi.measure)]
        case RatioKPI():
            return [("numerator", kpi.numerator), ("denominator", kpi.denominator)]
        case ConversionKPI():
            return [("base", kpi.base), ("conversion", kpi.conversion)]
        case DerivedKPI():
            try:
                return [("expr", ref.name.dotted) for ref in references(parse_formula(kpi.expr))]
            except KpibridgeError:
                return []  # reported by formulas_parse
    return []


def no_cycles(ws: WorkspaceDefinition) -> Iterator[Issue]:
    """KPIs built from other KPIs never depend on themselves."""
    graph = {
        kpi.id: [ref for _, ref in _kpi_references(kpi) if "." not in ref and ref in ws.kpis]
        for kpi in ws.kpis.values()
    }
    reported: set[frozenset[str]] = set()
    for start in graph:
        path: list[str] = []
        cycle = _find_cycle(start, graph, path, set())
        if cycle and frozenset(cycle) not in reported:
            reported.add(frozenset(cycle))
            field = "expr" if isinstance(ws.kpis[start], DerivedKPI) else "numerator"
            yield ws.source("kpis", start).issue(
                [field], f"KPI depends on itself: {' → '.join([*cycle, cycle[0]])}"
            )


def _find_cycle(
    node: str, graph: dict[str, list[str]], path: list[str], done: set[str]
) -> list[str] | None:
    if node in path:
        return path[path.index(node) :]
    if node in done:
        return None
    path.append(node)
    for nxt in graph.get(node, []):
        found = _find_cycle(nxt, graph, path, done)
        if found:
            return found
    path.pop()
    done.add(node)
    return None


def dimensions_shared(ws: WorkspaceDefinition) -> Iterator[Issue]:
    """A KPI's declared ``dimensions`` exist in every model it reads."""
    builder = PlanBuilder(ws.models, ws.kpis)
    for kpi in ws.kpis.values():
        if not kpi.dimensions:
            continue
        try:
            shared = builder.shared_dimensions(kpi.id)
            models = builder.models_of(kpi.id)
        except KpibridgeError:
            continue  # unknown references are reported by references_exist
        for index, name in enumerate(kpi.dimensions):
            if name not in shared:
                lacking = [m for m in models if ws.models[m].dimension(name) is None]
                yield ws.source("kpis", kpi.id).issue(
                    ["dimensions", index],
                    f"dimension {name!r} is not shared by all models this KPI uses "
                    f"(missing in: {', '.join(lacking)}; shared: {', '.join(shared) or 'none'})",
                )


def targets_parse(ws: WorkspaceDefinition) -> Iterator[Issue]:
    for kpi in ws.kpis.values():
        for index, target in enumerate(kpi.targets):
            if target.period is None:
                continue
            try:
                parse_period(target.period, ws.settings.fiscal_year_start)
            except ValueError as error:
                yield ws.source("kpis", kpi.id).issue(["targets", index, "period"], str(error))


def claims_name_kpis(ws: WorkspaceDefinition) -> Iterator[Issue]:
    """Every ``drives:`` claim names another known KPI, and its claimant is a stakeholder."""
    for kpi in ws.kpis.values():
        source = ws.source("kpis", kpi.id)
        for index, claim in enumerate(kpi.drives):
            if claim.kpi == kpi.id:
                yield source.issue(["drives", index], f"{kpi.id} cannot drive itself")
            elif claim.kpi not in ws.kpis:
                yield source.issue(
                    ["drives", index], f"unknown KPI {claim.kpi!r}.{_hint(claim.kpi, ws.kpis)}"
                )
            if claim.by is not None and claim.by not in ws.stakeholders:
                yield source.issue(
                    ["drives", index],
                    f"unknown stakeholder {claim.by!r}.{_hint(claim.by, ws.stakeholders)}",
                )


STATIC_RULES: tuple[StaticRule, ...] = (
    owners_and_goals_exist,
    formulas_parse,
    references_exist,
    no_cycles,
    dimensions_shared,
    targets_parse,
    claims_name_kpis,
)


def tables_and_columns_exist(ws: WorkspaceDefinition, backend: BaseBackend) -> Iterator[Issue]:
    """Every model's table exists and holds the columns the model names."""
    for model in ws.models.values():
        source = ws.source("models", model.name)
        columns = table_columns(backend, model.table)
        if columns is None:
            yield source.issue(
                ["table"],
                f"table {model.table!r} is not in the warehouse."
                f"{_hint(model.table, backend.list_tables())}",
            )
            continue
        named: list[tuple[list[str | int], str]] = [(["time"], model.time)]
        named += [(["entities", entity], column) for entity, column in model.entities.items()]
        named += [
            (["measures", name, "time"], m.time) for name, m in model.measures.items() if m.time
        ]
        named += [(["columns", name], name) for name in (model.columns or {})]
        named += [(["key", index], column) for index, column in enumerate(model.key)]
        for path, column in named:
            if column not in columns:
                yield source.issue(
                    path,
                    f"column {column!r} is not in table {model.table!r}.{_hint(column, columns)}",
                )
        time_columns: list[tuple[list[str | int], str]] = [(["time"], model.time)]
        time_columns += [
            (["measures", n, "time"], m.time) for n, m in model.measures.items() if m.time
        ]
        for path, column in time_columns:
            kind = columns.get(column)
            if kind is not None and not (kind.is_date() or kind.is_timestamp()):
                yield source.issue(
                    path, f"time column {column!r} has type {kind}; it must be a date or timestamp"
                )


def model_formulas_compile(ws: WorkspaceDefinition, backend: BaseBackend) -> Iterator[Issue]:
    """Every dimension and measure of every model compiles against its real table, so a
    misspelt column is found even in a measure no KPI uses yet."""
    for model in ws.models.values():
        if table_columns(backend, model.table) is None:
            continue  # reported by tables_and_columns_exist
        source = ws.source("models", model.name)
        scope = ModelScope(model, backend.table(model.table))
        for index, dimension in enumerate(model.dimensions):
            try:
                scope.dimension(dimension.name)
            except KpibridgeError as error:
                yield source.issue(["dimensions", index], str(error))
        for name in model.measures:
            try:
                scope.aggregate(MeasureSpec(model=model.name, measure=name))
            except KpibridgeError as error:
                yield source.issue(["measures", name], str(error))


def kpis_compile(
    ws: WorkspaceDefinition,
    backend: BaseBackend,
    skip_models: frozenset[str] = frozenset(),
    skip_files: frozenset[str] = frozenset(),
) -> Iterator[Issue]:
    """Every KPI compiles against the real tables: names in formulas resolve, types fit.

    KPIs reading a model in ``skip_models`` (one whose table or columns are missing), and
    KPIs defined in ``skip_files``, have their problems reported already: not compiled.
    """
    engine = MetricEngine(ws.models, ws.kpis, backend, ws.settings.fiscal_year_start)
    for kpi in ws.kpis.values():
        if ws.source("kpis", kpi.id).file in skip_files:
            continue
        try:
            if skip_models & set(engine.builder.models_of(kpi.id)):
                continue
            engine.expression(engine.plan(KpiRequest(kpi.id, grain=Grain.MONTH)))
        except KpibridgeError as error:
            field = next(
                (
                    f
                    for f in ("expr", "filter", "measure", "numerator", "base")
                    if getattr(kpi, f, None)
                ),
                "",
            )
            yield ws.source("kpis", kpi.id).issue([field] if field else [], str(error))


WAREHOUSE_RULES: tuple[WarehouseRule, ...] = (
    tables_and_columns_exist,
    model_formulas_compile,
    kpis_compile,
)


def validate_static(ws: WorkspaceDefinition) -> list[Issue]:
    return sorted(issue for rule in STATIC_RULES for issue in rule(ws))


def validate_warehouse(
    ws: WorkspaceDefinition, backend: BaseBackend, known: Sequence[Issue] = ()
) -> list[Issue]:
    """Warehouse rules; ``known`` issues (from the static rules) keep their KPIs from being
    compiled, so one mistake is reported once."""
    issues = list(tables_and_columns_exist(ws, backend))
    issues += model_formulas_compile(ws, backend)
    # compiling needs the tables: skip the KPIs of models whose problems are already reported,
    # but still compile every other KPI, so that one run lists all problems
    broken_files = {issue.file for issue in issues}
    broken = frozenset(name for name in ws.models if ws.source("models", name).file in broken_files)
    issues += kpis_compile(ws, backend, broken, frozenset(issue.file for issue in known))
    return sorted(issues)
