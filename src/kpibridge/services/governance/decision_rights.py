"""Who must approve a change to a KPI: the seats of its decision rights, and who holds them.

Seats come from ``governance.yaml`` (see ``model/governance.py``): the KPI's own entry, else
its goal's or the nearest ancestor goal's, else the default (owner + goal owner + analytics).
``owner`` and ``goal_owner`` are read from the KPI as it is now (for a new KPI: as proposed),
so the people who hold the KPI today decide on its change.

The seats are computed once, when a proposal is made or revised, and frozen on it
(``services/proposals.py``): a later edit of ``governance.yaml`` or of the stakeholders does
not move the goalposts of a proposal already under review.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kpibridge.errors import GovernanceError
from kpibridge.model.governance import GovernanceSettings
from kpibridge.workspace.definition import WorkspaceDefinition
from kpibridge.workspace.governance_file import ROLE_PREFIX


@dataclass(frozen=True)
class Seat:
    """One approval a proposal needs, and the stakeholders who can give it."""

    name: str
    holders: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        return {"seat": self.name, "holders": list(self.holders)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Seat:
        """The seat as :meth:`to_json` wrote it (frozen on a proposal)."""
        return cls(str(data["seat"]), tuple(str(holder) for holder in data["holders"]))


def seats_for(
    kpi_id: str,
    content: Mapping[str, Any],
    definition: WorkspaceDefinition,
    governance: GovernanceSettings,
) -> tuple[Seat, ...]:
    """The seats for a change to ``kpi_id`` whose current (or proposed) YAML is ``content``;
    raises GovernanceError naming a seat no one can hold (so that no proposal is made that
    could never be approved)."""
    rights = governance.decision_rights
    goal = content.get("goal")
    names = rights.kpis.get(kpi_id) or _goal_seats(goal, definition, rights.goals)
    names = names or rights.default
    goals = definition.all_goals()
    seats = []
    for name in names:
        if name == "owner":
            holders: tuple[str, ...] = (content["owner"],) if content.get("owner") else ()
            why = f"KPI {kpi_id!r} has no owner"
        elif name == "goal_owner":
            owner = goals[goal].owner if goal in goals else None
            holders = (owner,) if owner else ()
            why = f"KPI {kpi_id!r} has no goal, or its goal {goal!r} has no owner"
        elif name.startswith(ROLE_PREFIX):
            role = name.removeprefix(ROLE_PREFIX)
            holders = tuple(
                sorted(s.id for s in definition.stakeholders.values() if s.role.value == role)
            )
            why = f"no stakeholder has the role {role!r}"
        else:
            holders = (name,) if name in definition.stakeholders else ()
            why = f"stakeholder {name!r} does not exist"
        if not holders:
            raise GovernanceError(
                f"the decision right {name!r} for KPI {kpi_id!r} cannot be filled: {why}. "
                "Fix the KPI or set its decision rights in governance.yaml."
            )
        seats.append(Seat(name, holders))
    return tuple(seats)


def _goal_seats(
    goal: object, definition: WorkspaceDefinition, by_goal: Mapping[str, tuple[str, ...]]
) -> tuple[str, ...]:
    """The entry of ``goal`` or of its nearest ancestor that has one."""
    parents = {
        child.id: top.id
        for root in definition.goals
        for top in root.walk()
        for child in top.children
    }
    current = goal if isinstance(goal, str) else None
    while current is not None:
        if current in by_goal:
            return by_goal[current]
        current = parents.get(current)
    return ()
