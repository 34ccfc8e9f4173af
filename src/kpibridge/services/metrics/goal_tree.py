"""The goal tree with the KPIs that measure each goal, and the goals nothing measures."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from kpibridge.model import KPI, Goal


@dataclass(frozen=True)
class GoalNode:
    id: str
    name: str
    description: str
    owner: str | None
    depth: int
    parent: str | None
    kpis: tuple[str, ...]
    """KPIs whose ``goal`` is this goal (not its children)."""
    measured: bool
    """Whether a KPI measures this goal or any goal below it."""

    def as_record(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "owner": self.owner,
            "depth": self.depth,
            "parent": self.parent,
            "kpis": list(self.kpis),
            "measured": self.measured,
        }


@dataclass(frozen=True)
class GoalTree:
    nodes: tuple[GoalNode, ...]
    """Depth first, in the order of ``goals.yaml``."""
    unmeasured: tuple[str, ...]
    """Goals with no KPI of their own (their children may have some)."""
    without_goal: tuple[str, ...]
    """KPIs that name no goal, or one that does not exist."""

    def as_record(self) -> dict[str, object]:
        return {
            "goals": [node.as_record() for node in self.nodes],
            "unmeasured": list(self.unmeasured),
            "kpis_without_goal": list(self.without_goal),
        }


def goal_tree(goals: Iterable[Goal], kpis: Mapping[str, KPI]) -> GoalTree:
    by_goal: dict[str, list[str]] = {}
    for kpi in kpis.values():
        if kpi.goal:
            by_goal.setdefault(kpi.goal, []).append(kpi.id)
    nodes = [
        GoalNode(
            id=goal.id,
            name=goal.name,
            description=goal.description,
            owner=goal.owner,
            depth=depth,
            parent=parent,
            kpis=tuple(sorted(by_goal.get(goal.id, ()))),
            measured=any(by_goal.get(g.id) for g in goal.walk()),
        )
        for goal, depth, parent in _walk(goals, 0, None)
    ]
    known = {node.id for node in nodes}
    return GoalTree(
        nodes=tuple(nodes),
        unmeasured=tuple(node.id for node in nodes if not node.kpis),
        without_goal=tuple(sorted(k.id for k in kpis.values() if k.goal not in known)),
    )


def descendants(goals: Iterable[Goal], goal_id: str) -> set[str]:
    """``goal_id`` and every goal below it (empty when unknown)."""
    for goal, _, _ in _walk(goals, 0, None):
        if goal.id == goal_id:
            return {g.id for g in goal.walk()}
    return set()


def _walk(
    goals: Iterable[Goal], depth: int, parent: str | None
) -> Iterator[tuple[Goal, int, str | None]]:
    for goal in goals:
        yield goal, depth, parent
        yield from _walk(goal.children, depth + 1, goal.id)
