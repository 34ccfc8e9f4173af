"""The KPI's own value per review period, for the forecast.

A "mean" KPI (a ratio such as retention) is forecast from its daily values, but its target is
judged on the period's own value; :func:`period_values` gives that value per period so the
forecast can carry the gap (``kpibridge.evidence.monitor.forecast``), and the backtest
(:func:`kpibridge.services.monitoring.monitor.forecast_coverage`) has the real values to check.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from kpibridge.metrics.engine import KpiRequest
from kpibridge.model import KPI
from kpibridge.services.metrics.workspace import Workspace
from kpibridge.services.monitoring.evidence import Slice


def period_values(
    ws: Workspace, kpis: list[KPI], where: Slice | None = None, as_of: date | None = None
) -> dict[str, pd.Series]:
    """Each KPI's value per ``review_every`` period (by period start), on the slice if any."""
    by = (where.dimension,) if where is not None else ()
    requests = {kpi.id: KpiRequest(kpi.id, kpi.review_every, by, end=as_of) for kpi in kpis}
    frames = ws.engine.compute_many(list(requests.values())) if requests else {}
    found = {}
    for kpi_id, request in requests.items():
        frame = frames[request]
        if where is not None:
            frame = frame[frame[where.dimension].astype("string") == where.value]
        found[kpi_id] = pd.Series(
            pd.to_numeric(frame["value"], errors="coerce").to_numpy(dtype=float),
            index=pd.DatetimeIndex(pd.to_datetime(frame["period"])),
        ).dropna()
    return found
