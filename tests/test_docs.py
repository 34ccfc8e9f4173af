"""Docs cannot rot: every command, KPI and model field is documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from kpibridge.cli.app import app
from kpibridge.model import SemanticModel, Settings
from kpibridge.model.kpi import KPI_TYPES
from kpibridge.workspace.scaffold import template_path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
KPI_DOC = (ROOT / "docs" / "kpis.md").read_text(encoding="utf-8")
WORKSPACE_DOC = (ROOT / "docs" / "workspace.md").read_text(encoding="utf-8")


def command_names() -> list[str]:
    """Top-level commands, and group commands as ``group command`` (``round results``)."""
    names = [
        command.name or command.callback.__name__  # type: ignore[union-attr]
        for command in app.registered_commands
    ]
    for group in app.registered_groups:
        assert group.typer_instance is not None
        names += [
            f"{group.name} {command.name or command.callback.__name__}"  # type: ignore[union-attr]
            for command in group.typer_instance.registered_commands
        ]
    return sorted(names)


@pytest.mark.parametrize("command", command_names())
def test_every_command_is_in_the_readme(command: str) -> None:
    assert f"`kpibridge {command}" in README


@pytest.mark.parametrize(
    "kpi", sorted(path.stem for path in (template_path() / "kpis").glob("*.yaml"))
)
def test_every_library_kpi_is_documented(kpi: str) -> None:
    assert f"`{kpi}`" in KPI_DOC


@pytest.mark.parametrize(
    "field",
    sorted(
        {*Settings.model_fields, *SemanticModel.model_fields}
        | {name for kind in KPI_TYPES for name in kind.model_fields}
    ),
)
def test_every_workspace_field_is_documented(field: str) -> None:
    assert f"`{field}`" in WORKSPACE_DOC


def test_readme_gives_the_two_commands() -> None:
    assert "bash scripts/demo.sh" in README
    assert "bash scripts/test.sh" in README
    assert "scripts/test.sh" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
