"""The workspace as read from its files: settings, goals, stakeholders, models, KPIs."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kpibridge.model import KPI, Goal, SemanticModel, Settings, Stakeholder
from kpibridge.workspace.source import Source


@dataclass(frozen=True)
class WorkspaceDefinition:
    """Everything a workspace defines, plus where each item was written (for messages)."""

    root: Path
    settings: Settings
    goals: tuple[Goal, ...] = ()
    stakeholders: dict[str, Stakeholder] = field(default_factory=dict)
    models: dict[str, SemanticModel] = field(default_factory=dict)
    kpis: dict[str, KPI] = field(default_factory=dict)
    sources: dict[tuple[str, str], Source] = field(default_factory=dict)

    def all_goals(self) -> dict[str, Goal]:
        return {goal.id: goal for top in self.goals for goal in top.walk()}

    def unreadable(self, kind: str, name: str) -> Source | None:
        """Where an item named ``name`` was written, if its YAML had errors (so it is not
        among the loaded ones): dependants then point to those errors."""
        return self.sources.get((f"{kind}:unreadable", name))

    def source(self, kind: str, name: str) -> Source:
        """Where ``kind`` (``kpis``, ``models`` …) item ``name`` was defined."""
        return self.sources.get((kind, name), Source(kind, None, 0))
