"""KPI files as data, and back: each KPI's YAML mapping as plain JSON (what the app store
versions), and writing versions back into ``kpis/*.yaml``.

Writing edits the files in place with ruamel.yaml's round-trip mode: a KPI whose content did
not change is not touched, and in a changed KPI only the changed keys are replaced, so
comments, key order, quoting and flow style of everything else survive. A KPI new to the
folder gets its own ``kpis/ID.yaml`` (its ``targets`` last). Comments inside a replaced value
are lost; comments are never stored in the app store.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from kpibridge.errors import Issue, WorkspaceError
from kpibridge.workspace.definition import WorkspaceDefinition
from kpibridge.workspace.loader import KPIS_DIR
from kpibridge.workspace.yaml_limits import check_limits

TARGETS = "targets"


def plain(node: Any) -> Any:
    """A YAML value as JSON data: mappings, lists, str, int, float, bool, None (dates as
    ``YYYY-MM-DD`` text)."""
    if isinstance(node, Mapping):
        return {str(key): plain(value) for key, value in node.items()}
    if isinstance(node, list | tuple):
        return [plain(value) for value in node]
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, datetime | date):
        return node.isoformat()
    return str(node)


def kpi_contents(definition: WorkspaceDefinition) -> dict[str, dict[str, Any]]:
    """Every KPI's mapping as written in its file, as JSON data (``targets`` included)."""
    return {kpi_id: plain(definition.source("kpis", kpi_id).node) for kpi_id in definition.kpis}


def split_targets(content: Mapping[str, Any]) -> tuple[dict[str, Any], list[Any]]:
    """(the definition without ``targets``, the targets list)."""
    definition = {key: value for key, value in content.items() if key != TARGETS}
    return definition, list(content.get(TARGETS) or [])


def join_targets(definition: Mapping[str, Any], targets: list[Any]) -> dict[str, Any]:
    joined = dict(definition)
    if targets:
        joined[TARGETS] = targets
    return joined


@dataclass
class WriteReport:
    """What writing versions back did to the folder."""

    updated: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    not_in_store: list[str] = field(default_factory=list)
    files_written: list[str] = field(default_factory=list)


def write_kpis(
    root: Path, current: Mapping[str, Mapping[str, Any]], retired: set[str]
) -> WriteReport:
    """Make ``root/kpis`` say ``current`` (KPI id → content): update KPIs in place, add new
    ones as ``kpis/ID.yaml``, remove ``retired`` ones. KPIs in the files that the store does
    not know are left alone and reported."""
    report = WriteReport()
    folder = root / KPIS_DIR
    documents = _read_documents(folder, root)
    seen: set[str] = set()
    for path, (text, document) in documents.items():
        changed = False
        for container, key, node in list(_kpi_nodes(document)):
            kpi_id = str(node.get("id"))
            seen.add(kpi_id)
            if kpi_id in current:
                if _update(node, current[kpi_id]):
                    report.updated.append(kpi_id)
                    changed = True
                else:
                    report.unchanged.append(kpi_id)
            elif kpi_id in retired:
                report.removed.append(kpi_id)
                changed = True
                if container is None:
                    document = None
                else:
                    del container[key]
            else:
                report.not_in_store.append(kpi_id)
        relative = path.relative_to(root).as_posix()
        if document is None:
            path.unlink()
            report.files_written.append(relative)
        elif changed:
            new_text = _dump(document)
            if new_text != text:
                path.write_text(new_text, encoding="utf-8")
                report.files_written.append(relative)
    for kpi_id in sorted(set(current) - seen):
        path = folder / f"{kpi_id}.yaml"
        if path.exists():
            raise WorkspaceError(
                [
                    Issue(
                        path.relative_to(root).as_posix(),
                        0,
                        "",
                        f"exists but does not define KPI {kpi_id!r}: move it away before exporting",
                    )
                ]
            )
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(_dump(_new_mapping(current[kpi_id])), encoding="utf-8")
        report.created.append(kpi_id)
        report.files_written.append(path.relative_to(root).as_posix())
    return report


def _read_documents(folder: Path, root: Path) -> dict[Path, tuple[str, Any]]:
    documents: dict[Path, tuple[str, Any]] = {}
    if not folder.is_dir():
        return documents
    for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
        text = path.read_text(encoding="utf-8")
        check_limits(text)
        documents[path] = (text, _yaml().load(text))
    return documents


def _kpi_nodes(document: Any) -> list[tuple[CommentedSeq | None, int, CommentedMap]]:
    """(the list holding it or None for a one-KPI file, index, the KPI mapping), last first
    so that deleting by index keeps the other indexes valid."""
    if isinstance(document, CommentedMap) and isinstance(document.get(KPIS_DIR), CommentedSeq):
        items = document[KPIS_DIR]
        found = [
            (items, index, node)
            for index, node in enumerate(items)
            if isinstance(node, CommentedMap)
        ]
        return list(reversed(found))
    if isinstance(document, CommentedMap) and "id" in document:
        return [(None, 0, document)]
    return []


def _update(node: CommentedMap, content: Mapping[str, Any]) -> bool:
    """Make ``node`` hold ``content``, touching only keys whose value changed."""
    changed = False
    for key in [key for key in node if key not in content]:
        del node[key]
        changed = True
    for key, value in content.items():
        if key not in node or plain(node[key]) != value:
            node[key] = _new_value(value)
            changed = True
    return changed


def _new_mapping(content: Mapping[str, Any]) -> CommentedMap:
    definition, targets = split_targets(content)
    mapping = CommentedMap((key, _new_value(value)) for key, value in definition.items())
    if targets:
        mapping[TARGETS] = _new_value(targets)
    return mapping


def _new_value(value: Any) -> Any:
    """Plain data for ruamel: each mapping in a list in flow style (``- {value: 50}``)."""
    if isinstance(value, list):
        sequence = CommentedSeq(_new_value(item) for item in value)
        if all(isinstance(item, dict) for item in value):
            for item in sequence:
                item.fa.set_flow_style()
        return sequence
    if isinstance(value, dict):
        return CommentedMap((key, _new_value(item)) for key, item in value.items())
    return value


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _dump(document: Any) -> str:
    buffer = io.StringIO()
    _yaml().dump(document, buffer)
    return buffer.getvalue()
