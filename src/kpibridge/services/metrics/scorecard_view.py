"""The scorecard as people read it: KPIs grouped by business goal, filtered by owner, goal
(with the goals below it) and nature."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from kpibridge.model import Goal
from kpibridge.services.metrics.goal_tree import descendants, goal_tree
from kpibridge.services.metrics.scorecard import Scorecard, ScorecardRow

NO_GOAL = "(no goal)"


@dataclass(frozen=True)
class ScorecardFilter:
    owner: str | None = None
    goal: str | None = None
    nature: str | None = None

    def as_record(self) -> dict[str, str | None]:
        return {"owner": self.owner, "goal": self.goal, "nature": self.nature}


@dataclass(frozen=True)
class GoalGroup:
    goal: str | None
    name: str
    depth: int
    rows: tuple[ScorecardRow, ...]


@dataclass(frozen=True)
class ScorecardView:
    groups: tuple[GoalGroup, ...]
    filter: ScorecardFilter
    owners: tuple[str, ...]
    goals: tuple[tuple[str, str], ...] = field(default=())
    """Every goal as (id, name), for the goal picker."""
    natures: tuple[str, ...] = ("quantitative", "qualitative")

    @property
    def count(self) -> int:
        return sum(len(group.rows) for group in self.groups)

    def as_record(self) -> dict[str, object]:
        return {
            "filter": self.filter.as_record(),
            "groups": [
                {
                    "goal": group.goal,
                    "name": group.name,
                    "kpis": [row.as_record() for row in group.rows],
                }
                for group in self.groups
            ],
        }


def scorecard_by_goal(
    scorecard: Scorecard, goals: Iterable[Goal], chosen: ScorecardFilter
) -> ScorecardView:
    """Group the rows in goal-tree order; KPIs without a known goal come last."""
    goals = tuple(goals)
    tree = goal_tree(goals, {})
    wanted = descendants(goals, chosen.goal) if chosen.goal else None
    rows = [
        row
        for row in scorecard.rows
        if (chosen.owner is None or row.owner == chosen.owner)
        and (chosen.nature is None or row.nature == chosen.nature)
        and (wanted is None or row.goal in wanted)
    ]
    groups = []
    placed: set[str] = set()
    for node in tree.nodes:
        mine = tuple(row for row in rows if row.goal == node.id)
        placed.update(row.kpi for row in mine)
        if mine:
            groups.append(GoalGroup(node.id, node.name, node.depth, mine))
    rest = tuple(row for row in rows if row.kpi not in placed)
    if rest:
        groups.append(GoalGroup(None, NO_GOAL, 0, rest))
    return ScorecardView(
        groups=tuple(groups),
        filter=chosen,
        owners=tuple(sorted({row.owner for row in scorecard.rows if row.owner})),
        goals=tuple((node.id, "  " * node.depth + node.name) for node in tree.nodes),
    )
