"""Evidence and monitoring: statistics on KPI series that settle disputes without fooling
anyone (lead-lag with false-discovery control, trends, anomalies, drivers, forecasts, CLV).

Plain library on pandas Series: usable from a notebook, wired into the CLI by the services.

From a notebook::

    from kpibridge.evidence import lead_lag, screen, bh_adjust
    from kpibridge.evidence.monitor import monitor, detect_anomalies, mix_rate_split
    from kpibridge.evidence.clv import clv_from_orders
"""

from __future__ import annotations

from kpibridge.errors import EvidenceInputError
from kpibridge.evidence.fdr import bh_adjust
from kpibridge.evidence.leadlag import lead_lag, screen
from kpibridge.evidence.result import LeadLagResult, ScreenResult

__all__ = [
    "EvidenceInputError",
    "LeadLagResult",
    "ScreenResult",
    "bh_adjust",
    "lead_lag",
    "screen",
]
