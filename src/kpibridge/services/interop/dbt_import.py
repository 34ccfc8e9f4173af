"""``kpibridge import dbt PATH``: write a dbt project's semantic models and metrics into the
workspace as ``models/NAME.yaml`` and ``kpis/NAME.yaml``, all or nothing.

The files written must leave the workspace valid (static checks: references, formulas,
cycles); if they do not, they are removed again and every problem is reported.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from kpibridge.errors import Issue, KpibridgeError, WorkspaceError
from kpibridge.workspace.dbt_import import Unmapped, read_dbt_project
from kpibridge.workspace.loader import KPIS_DIR, MODELS_DIR, load_definition
from kpibridge.workspace.validate import validate_static


@dataclass(frozen=True)
class DbtImportReport:
    models: tuple[str, ...]
    kpis: tuple[str, ...]
    unmapped: tuple[Unmapped, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "models": list(self.models),
            "kpis": list(self.kpis),
            "unmapped": [
                {
                    "file": u.file,
                    "line": u.line,
                    "item": u.item,
                    "reason": u.reason,
                    "dropped": u.dropped,
                }
                for u in self.unmapped
            ],
        }


def import_dbt(root: Path, project: Path, *, force: bool = False) -> DbtImportReport:
    """Import ``project`` into the workspace at ``root`` (refusing to overwrite existing
    models or KPIs of the same name unless ``force``)."""
    if not project.is_dir():
        raise KpibridgeError(f"{project} is not a folder: give the dbt project's folder")
    definition, issues = load_definition(root)
    if definition is None:
        raise WorkspaceError(issues)
    read = read_dbt_project(project)
    if not read.models and not read.kpis:
        raise KpibridgeError(
            f"no semantic_models or metrics found in {project} (its *.yml files)"
            + "".join(f"\n  {gap}" for gap in read.unmapped)
        )
    clashes = [
        Issue(
            f"{folder}/{name}.yaml",
            0,
            "",
            f"{kind} {name!r} exists already (use --force to replace it)",
        )
        for folder, kind, names, known in (
            (MODELS_DIR, "model", read.models, definition.models),
            (KPIS_DIR, "KPI", read.kpis, definition.kpis),
        )
        for name in names
        if name in known or (root / folder / f"{name}.yaml").exists()
    ]
    if clashes and not force:
        raise WorkspaceError(clashes)
    written: dict[Path, bytes | None] = {}
    try:
        for folder, items in ((MODELS_DIR, read.models), (KPIS_DIR, read.kpis)):
            for name, content in items.items():
                path = root / folder / f"{name}.yaml"
                written[path] = path.read_bytes() if path.exists() else None
                path.parent.mkdir(parents=True, exist_ok=True)
                origin = read.sources[f"{'model' if folder == MODELS_DIR else 'kpi'}:{name}"]
                path.write_text(_yaml(content, f"{project.name}/{origin}"), encoding="utf-8")
        after, issues = load_definition(root)
        if after is not None:
            issues += validate_static(after)
        new_files = {path.relative_to(root).as_posix() for path in written}
        problems = [issue for issue in issues if issue.file in new_files]
        if problems or after is None:
            raise WorkspaceError(sorted(problems or issues))
    except BaseException:
        for path, previous in written.items():
            if previous is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(previous)
        raise
    return DbtImportReport(tuple(read.models), tuple(read.kpis), tuple(read.unmapped))


def _yaml(content: dict[str, Any], origin: str) -> str:
    yaml = YAML(typ="rt")
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    buffer = io.StringIO()
    buffer.write(f"# imported from dbt: {origin}\n")
    yaml.dump(content, buffer)
    return buffer.getvalue()
