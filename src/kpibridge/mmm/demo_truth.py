"""Recovery of the demo's planted media response: the model's intervals against the truth.

Used by the recovery test and ``benchmarks/mmm.py``. The demo plants social engagement two
weeks ahead of demand (planted effect 1); it enters the model as a control (log engagement
two weeks earlier, standardised), as an analyst who knew of the lead would add it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpibridge.mmm.inputs import WeeklyData, check_weekly
from kpibridge.mmm.readout import ChannelReadout

SOCIAL_CONTROL = "social_engagement_lag2"


def demo_weekly(
    revenue: pd.Series, spend: pd.DataFrame, engagement: pd.Series, *, social: bool = True
) -> WeeklyData:
    """The demo's weekly series as model input (the first two weeks lose the lagged control)."""
    controls = pd.DataFrame(index=revenue.index)
    if social:
        controls[SOCIAL_CONTROL] = np.log(engagement).shift(2)
    keep = controls.notna().all(axis=1)
    return check_weekly(revenue[keep], spend[keep], controls[keep])


@dataclass(frozen=True)
class Recovery:
    channel: str
    true_roas: float
    mean: float
    low: float
    high: float

    @property
    def inside(self) -> bool:
        return self.low <= self.true_roas <= self.high


def recovery(readouts: list[ChannelReadout], truth: dict[str, float]) -> list[Recovery]:
    """Each channel's planted ROAS beside the model's 90% interval."""
    return [
        Recovery(r.channel, truth[r.channel], r.roas.mean, r.roas.low, r.roas.high)
        for r in readouts
    ]
