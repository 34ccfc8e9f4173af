"""Read a workspace folder into domain models, collecting every problem instead of stopping.

Layout::

    kpibridge.yaml        settings
    goals.yaml            goals: [ {id, name, children: [...]}, ... ]
    stakeholders.yaml     stakeholders: [ {id, name, role, weight}, ... ]
    models/*.yaml         one semantic model per file (or ``models: [...]``)
    kpis/*.yaml           one KPI per file (or ``kpis: [...]``)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from kpibridge.errors import EnvironmentReferenceError, Issue
from kpibridge.model import KPI, Goal, SemanticModel, Settings, Stakeholder
from kpibridge.workspace.definition import WorkspaceDefinition
from kpibridge.workspace.environment import expand
from kpibridge.workspace.source import Source, read_yaml

SETTINGS_FILE = "kpibridge.yaml"
GOALS_FILE = "goals.yaml"
STAKEHOLDERS_FILE = "stakeholders.yaml"
MODELS_DIR = "models"
KPIS_DIR = "kpis"

EXPANDED_SETTINGS = ("warehouse", "app_store")
"""The settings whose ``$VAR``/``${VAR}`` references are replaced from the environment."""

T = TypeVar("T")
_KPI_ADAPTER: TypeAdapter[Any] = TypeAdapter(KPI)


def load_definition(root: Path) -> tuple[WorkspaceDefinition | None, list[Issue]]:
    """Load the workspace at ``root``; returns what could be read and every issue found."""
    root = root.resolve()
    settings_path = root / SETTINGS_FILE
    if not settings_path.is_file():
        return None, [
            Issue(
                str(settings_path),
                0,
                "",
                "not a kpibridge workspace: kpibridge.yaml is missing "
                "(create one with `kpibridge init DIR`)",
            )
        ]
    issues: list[Issue] = []
    sources: dict[tuple[str, str], Source] = {}

    settings_source, found = read_yaml(settings_path, root)
    issues += found
    if settings_source is not None:
        issues += expand_settings_references(settings_source, os.environ)
    settings = (
        parse_source(settings_source, Settings.model_validate, issues) if settings_source else None
    )

    goals = _load_list(root / GOALS_FILE, root, "goals", Goal.model_validate, issues, sources)
    stakeholders = _load_list(
        root / STAKEHOLDERS_FILE, root, "stakeholders", Stakeholder.model_validate, issues, sources
    )
    models = _load_folder(
        root / MODELS_DIR, root, "models", SemanticModel.model_validate, issues, sources
    )
    kpis = _load_folder(
        root / KPIS_DIR, root, "kpis", _KPI_ADAPTER.validate_python, issues, sources
    )
    if settings is None:
        return None, issues
    for goal in goals:
        for child in goal.walk():
            sources.setdefault(("goals", child.id), sources[("goals", goal.id)])
    definition = WorkspaceDefinition(
        root=root,
        settings=settings,
        goals=tuple(goals),
        stakeholders={s.id: s for s in stakeholders},
        models={m.name: m for m in models},
        kpis={k.id: k for k in kpis},
        sources=sources,
    )
    return definition, issues


def expand_settings_references(source: Source, environ: Mapping[str, str]) -> list[Issue]:
    """Replace the references in ``warehouse:`` and ``app_store:`` of the settings YAML (in
    place); each that cannot be expanded is an issue at its line naming the variable."""
    issues: list[Issue] = []
    if not isinstance(source.node, CommentedMap):
        return issues

    def visit(container: Any, key: str | int, path: list[str | int]) -> None:
        value = container[key]
        if isinstance(value, CommentedMap):
            for child in list(value):
                visit(value, child, [*path, child])
        elif isinstance(value, CommentedSeq):
            for index in range(len(value)):
                visit(value, index, [*path, index])
        elif isinstance(value, str) and "$" in value:
            try:
                container[key] = expand(value, environ)
            except EnvironmentReferenceError as error:
                issues.append(source.issue(path, str(error)))

    for name in EXPANDED_SETTINGS:
        if name in source.node:
            visit(source.node, name, [name])
    return issues


def _load_list(
    path: Path,
    root: Path,
    key: str,
    parse: Callable[[Any], T],
    issues: list[Issue],
    sources: dict[tuple[str, str], Source],
) -> list[T]:
    if not path.is_file():
        return []
    source, found = read_yaml(path, root)
    issues += found
    if source is None:
        return []
    node = source.node
    if isinstance(node, CommentedMap) and key in node:
        source = source.child(key)
        node = source.node
    if not isinstance(node, CommentedSeq):
        issues.append(source.issue([], f"expected a list under '{key}:'"))
        return []
    return _parse_items(source, parse, key, issues, sources)


def _load_folder(
    folder: Path,
    root: Path,
    key: str,
    parse: Callable[[Any], T],
    issues: list[Issue],
    sources: dict[tuple[str, str], Source],
) -> list[T]:
    if not folder.is_dir():
        return []
    items: list[T] = []
    for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
        source, found = read_yaml(path, root)
        issues += found
        if source is None:
            continue
        if isinstance(source.node, CommentedMap) and key in source.node:
            list_source = source.child(key)
            if not isinstance(list_source.node, CommentedSeq):
                issues.append(source.issue([key], f"expected a list under '{key}:'"))
                continue
            items += _parse_items(list_source, parse, key, issues, sources)
        else:
            items += _parse_items(
                Source(source.file, [source.node], 1), parse, key, issues, sources, single=source
            )
    return items


def _parse_items(
    source: Source,
    parse: Callable[[Any], T],
    kind: str,
    issues: list[Issue],
    sources: dict[tuple[str, str], Source],
    single: Source | None = None,
) -> list[T]:
    items: list[T] = []
    for index in range(len(source.node)):
        item_source = single if single is not None else source.child(index)
        item = parse_source(item_source, parse, issues)
        if item is None:
            raw_id = _raw_identity(item_source.node)
            if raw_id:  # so that what depends on it is told why, not "did you mean …"
                sources.setdefault(unreadable_key(kind, raw_id), item_source)
            continue
        item_id = _identity(item)
        if (kind, item_id) in sources:
            first = sources[(kind, item_id)]
            issues.append(
                item_source.issue(
                    ["id" if kind != "models" else "name"],
                    f"duplicate {kind[:-1]} {item_id!r} "
                    f"(first defined at {first.file}:{first.line})",
                )
            )
            continue
        sources[(kind, item_id)] = item_source
        items.append(item)
    return items


def unreadable_key(kind: str, name: str) -> tuple[str, str]:
    """Where ``sources`` keeps an item whose YAML names it but has errors."""
    return (f"{kind}:unreadable", name)


def _raw_identity(node: object) -> str | None:
    if not isinstance(node, CommentedMap):
        return None
    value = node.get("id", node.get("name"))
    return value if isinstance(value, str) and value else None


def _identity(item: object) -> str:
    return str(getattr(item, "id", None) or getattr(item, "name", ""))


def parse_source(source: Source, parse: Callable[[Any], T], issues: list[Issue]) -> T | None:
    """Validate one YAML mapping with ``parse``; schema problems become issues at their line."""
    if not isinstance(source.node, CommentedMap):
        issues.append(source.issue([], "expected a mapping of fields"))
        return None
    try:
        return parse(_plain(source.node))
    except ValidationError as error:
        for detail in error.errors():
            path = [part for part in detail["loc"] if not _is_union_tag(part)]
            if detail["type"] in ("union_tag_invalid", "union_tag_not_found"):
                path.append("type")  # the discriminator itself is what is wrong or missing
            issues.append(source.issue(path, _message(detail)))
        return None


def _is_union_tag(part: object) -> bool:
    # pydantic puts the discriminator value ('ratio') or a model name into error locations
    return isinstance(part, str) and (part in _KPI_TAGS or part[:1].isupper())


_KPI_TAGS = {"simple", "ratio", "derived", "cumulative", "conversion"}


def _message(detail: Any) -> str:
    message = str(detail["msg"])
    if detail["type"] == "extra_forbidden":
        return "unknown field (check the spelling; `kpibridge schema` lists the fields)"
    if detail["type"] == "union_tag_invalid":
        return f"unknown KPI type; expected one of {', '.join(sorted(_KPI_TAGS))}"
    if detail["type"] == "union_tag_not_found":
        return f"missing 'type'; expected one of {', '.join(sorted(_KPI_TAGS))}"
    return message.removeprefix("Value error, ")


def _plain(node: Any) -> Any:
    """ruamel's commented containers → plain dicts and lists for pydantic."""
    if isinstance(node, CommentedMap):
        return {str(key): _plain(value) for key, value in node.items()}
    if isinstance(node, CommentedSeq):
        return [_plain(value) for value in node]
    if isinstance(node, BaseModel):
        return node
    return node
