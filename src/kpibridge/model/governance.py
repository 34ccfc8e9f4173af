"""Governance types: what a change proposal is, its life cycle, and who must approve it.

Decision rights come from ``governance.yaml`` in the workspace (optional)::

    decision_rights:
      default: [owner, goal_owner, role:analytics]   # the default when the file is absent
      goals:
        revenue-growth: [owner, goal_owner, cfo]
      kpis:
        cac: [owner, cfo, role:analytics]

Each entry is a *seat* that one approval must fill: ``owner`` (the KPI's owner),
``goal_owner`` (the owner of the KPI's goal), ``role:ROLE`` (any stakeholder with that
department role), or a stakeholder id. A KPI's seats: its ``kpis`` entry, else its goal's
(or the nearest ancestor goal's) ``goals`` entry, else ``default``.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from kpibridge.model.choices import Decision as Decision
from kpibridge.model.choices import ProposalStatus as ProposalStatus
from kpibridge.model.choices import Restatement as Restatement
from kpibridge.model.choices import ReviewDecision as ReviewDecision
from kpibridge.model.common import Strict

DEFAULT_SEATS = ("owner", "goal_owner", "role:analytics")
"""Owner, goal owner and an analytics sign-off on measurability."""


class ProposalKind(StrEnum):
    NEW_KPI = "new_kpi"
    CHANGE_DEFINITION = "change_definition"
    NEW_TARGET = "new_target"
    RETIREMENT = "retirement"


class DecisionRights(Strict):
    """The ``decision_rights`` section of ``governance.yaml``."""

    default: tuple[str, ...] = Field(default=DEFAULT_SEATS, min_length=1)
    goals: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    kpis: dict[str, tuple[str, ...]] = Field(default_factory=dict)


class GovernanceSettings(Strict):
    """``governance.yaml``."""

    decision_rights: DecisionRights = Field(default_factory=DecisionRights)
