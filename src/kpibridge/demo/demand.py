"""Daily demand: how many people want to buy from Acme Outdoor on each day.

Demand is the calendar's seasonal shape (``calendar.demand_shape``) times the social lift of
planted effect 1 (engagement two weeks earlier), times week-level and day-level noise, scaled
to a mean of 1; the day of planted effect 4 is multiplied by ``ANOMALY_FACTOR``. Traffic from
non-paid channels and the orders that do not come through tracked web sessions are drawn in
proportion to it; paid web traffic follows its clicks instead (``sessions.py``).
"""

from __future__ import annotations

import numpy as np

from kpibridge.demo import calendar, effects
from kpibridge.demo.calendar import FloatArray
from kpibridge.demo.social import EngagementPath

_WEEKLY_NOISE_SD = 0.02
_DAILY_NOISE_SD = 0.05


def simulate_demand(rng: np.random.Generator, engagement: EngagementPath) -> FloatArray:
    """Relative demand of every day (mean 1 apart from the anomaly day)."""
    weekly_noise = rng.normal(0.0, _WEEKLY_NOISE_SD, calendar.N_WEEKS)[calendar.DAY_WEEK]
    daily_noise = rng.normal(0.0, _DAILY_NOISE_SD, calendar.N_DAYS)
    demand = (
        calendar.demand_shape()
        * engagement.demand_lift(calendar.DAY_WEEK)
        * np.exp(weekly_noise + daily_noise)
    )
    demand /= demand.mean()
    return np.where(calendar.DAYS == effects.ANOMALY_DAY, effects.ANOMALY_FACTOR, 1.0) * demand
