"""Status of a KPI value against its target, aware of the KPI's direction."""

from __future__ import annotations

import math
from enum import StrEnum

from kpibridge.model.kpi import Direction, Target


class Status(StrEnum):
    ON_TRACK = "on track"
    AT_RISK = "at risk"
    OFF_TRACK = "off track"
    NO_TARGET = "no target"
    NO_DATA = "no data"


def shortfall(value: float, target: float, direction: Direction) -> float:
    """How far ``value`` falls short of ``target``, relative to the target (≤ 0: met)."""
    scale = abs(target) if target != 0 else 1.0
    gap = target - value if direction is Direction.HIGHER_IS_BETTER else value - target
    return gap / scale


def status(value: float | None, target: Target | None, direction: Direction) -> Status:
    """On track when short by at most ``at_risk``; off track when short by more than
    ``off_track``; at risk in between."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return Status.NO_DATA
    if target is None:
        return Status.NO_TARGET
    short = shortfall(value, target.value, direction)
    if short <= target.at_risk:
        return Status.ON_TRACK
    if short <= target.off_track:
        return Status.AT_RISK
    return Status.OFF_TRACK
