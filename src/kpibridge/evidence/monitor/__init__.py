"""Monitoring: status against target, trend, anomalies, change points, forecast, drivers.

Every function takes plain pandas Series indexed by period (a ``DatetimeIndex``) and returns
a frozen result with ``to_json()``; :func:`monitor` runs them all over many KPIs.
"""

from __future__ import annotations

from kpibridge.evidence.monitor.anomalies import AnomalyResult, detect_anomalies
from kpibridge.evidence.monitor.changepoints import ChangePointResult, detect_change_points
from kpibridge.evidence.monitor.drivers import (
    DriverResult,
    additive_contributions,
    mix_rate_split,
)
from kpibridge.evidence.monitor.esd import generalized_esd
from kpibridge.evidence.monitor.forecast import ForecastResult, forecast_period_end
from kpibridge.evidence.monitor.monitor import KpiMonitor, level_shifts, monitor
from kpibridge.evidence.monitor.status import assess_status
from kpibridge.evidence.monitor.trend import TrendResult, mann_kendall

__all__ = [
    "AnomalyResult",
    "ChangePointResult",
    "DriverResult",
    "ForecastResult",
    "KpiMonitor",
    "TrendResult",
    "additive_contributions",
    "assess_status",
    "detect_anomalies",
    "detect_change_points",
    "forecast_period_end",
    "generalized_esd",
    "level_shifts",
    "mann_kendall",
    "mix_rate_split",
    "monitor",
]
