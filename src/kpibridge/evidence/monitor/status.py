"""Status of a KPI against its target, direction-aware.

Thresholds (documented here, used everywhere):

* **on track** — the value meets or beats the target (``≥`` when higher is better, ``≤``
  when lower is better);
* **at risk** — it misses, but by at most ``tolerance`` of the target's size (default 5%:
  a revenue target of 100 missed at 96 is at risk, at 94 off track);
* **off track** — it misses by more than that.

The tolerance is relative to ``|target|`` so that it means the same for revenue and for a
conversion rate; a target of exactly zero has no relative size, so any miss is off track.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from kpibridge.evidence.monitor._common import (
    EvidenceInputError,
    JsonResult,
    check_values,
    parse_direction,
)
from kpibridge.model import Direction

StatusLevel = Literal["on track", "at risk", "off track"]
DEFAULT_TOLERANCE = 0.05
"""Largest relative miss still called "at risk"."""


@dataclass(frozen=True)
class Status(JsonResult):
    """One value judged against one target."""

    value: float
    target: float
    direction: Direction
    gap: float
    """``value − target``: positive is good when higher is better, bad when lower is."""
    relative_gap: float
    """``gap / |target|`` (NaN for a zero target)."""
    level: StatusLevel


def assess_status(
    value: float,
    target: float,
    direction: Direction | str = Direction.HIGHER_IS_BETTER,
    tolerance: float = DEFAULT_TOLERANCE,
) -> Status:
    """Judge ``value`` against ``target`` with the thresholds of the module docstring.

    >>> assess_status(96.0, 100.0).level
    'at risk'
    >>> assess_status(0.0205, 0.02, "lower_is_better").level
    'at risk'
    """
    direction = parse_direction(direction)
    if not (np.isfinite(value) and np.isfinite(target)):
        raise EvidenceInputError(f"value {value} and target {target} must be finite numbers")
    if not 0 <= tolerance < 1:
        raise EvidenceInputError(f"tolerance must be in [0, 1), not {tolerance}")
    gap = float(value) - float(target)
    relative = gap / abs(target) if target != 0 else float("nan")
    return Status(
        value=float(value),
        target=float(target),
        direction=direction,
        gap=gap,
        relative_gap=relative,
        level=_level(gap, float(target), direction, tolerance),
    )


def _level(gap: float, target: float, direction: Direction, tolerance: float) -> StatusLevel:
    shortfall = -gap if direction is Direction.HIGHER_IS_BETTER else gap
    if shortfall <= 0:
        return "on track"
    if shortfall <= tolerance * abs(target):
        return "at risk"
    return "off track"


def status_table(
    values: pd.Series,
    target: float | pd.Series,
    direction: Direction | str = Direction.HIGHER_IS_BETTER,
    tolerance: float = DEFAULT_TOLERANCE,
) -> pd.DataFrame:
    """Status per period: columns ``value``, ``target``, ``gap``, ``relative_gap``, ``status``.

    ``values`` holds one value per period at the target's grain (sum daily revenue to months
    first for a monthly target); ``target`` is one number or a Series by period (periods
    without a target are dropped).
    """
    values = check_values(values, "values", minimum=1, allow_constant=True)
    direction = parse_direction(direction)
    targets = (
        target.reindex(values.index).astype(float)
        if isinstance(target, pd.Series)
        else pd.Series(float(target), index=values.index)
    )
    keep = targets.notna().to_numpy()
    rows = [
        assess_status(value, goal, direction, tolerance)
        for value, goal in zip(values[keep], targets[keep], strict=True)
    ]
    return pd.DataFrame(
        {
            "value": [row.value for row in rows],
            "target": [row.target for row in rows],
            "gap": [row.gap for row in rows],
            "relative_gap": [row.relative_gap for row in rows],
            "status": [row.level for row in rows],
        },
        index=values.index[keep],
    )
