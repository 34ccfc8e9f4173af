"""JSON Schema of the workspace files, for editor completion and validation."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from kpibridge.model import KPI, Goal, SemanticModel, Settings, Stakeholder


def workspace_schemas() -> dict[str, dict[str, Any]]:
    """One JSON Schema per kind of file, keyed by the file (pattern) it describes."""
    return {
        "kpibridge.yaml": Settings.model_json_schema(),
        "goals.yaml": _list_of("goals", TypeAdapter(list[Goal]).json_schema()),
        "stakeholders.yaml": _list_of("stakeholders", TypeAdapter(list[Stakeholder]).json_schema()),
        "models/*.yaml": SemanticModel.model_json_schema(),
        "kpis/*.yaml": TypeAdapter(KPI).json_schema(),
    }


def _list_of(key: str, items: dict[str, Any]) -> dict[str, Any]:
    definitions = items.pop("$defs", {})
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {key: items},
        "required": [key],
        "additionalProperties": False,
    }
    if definitions:
        schema["$defs"] = definitions
    return schema
