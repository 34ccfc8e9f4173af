"""Create a workspace: the template files plus empty warehouse tables, so it validates."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kpibridge.errors import WorkspaceError
from kpibridge.metrics.backends import connect
from kpibridge.metrics.tables import create_empty_tables
from kpibridge.workspace.loader import load_definition
from kpibridge.workspace.scaffold import scaffold


@dataclass(frozen=True)
class CreatedWorkspace:
    root: Path
    files: int
    tables: tuple[str, ...]


def create_workspace(directory: Path, *, force: bool = False) -> CreatedWorkspace:
    written = scaffold(directory, force=force)
    definition, issues = load_definition(directory)
    if definition is None or issues:
        raise WorkspaceError(issues)
    backend = connect(definition.settings.warehouse, definition.root)
    try:
        tables = create_empty_tables(backend, list(definition.models.values()))
    finally:
        backend.disconnect()
    return CreatedWorkspace(directory, len(written), tuple(tables))
