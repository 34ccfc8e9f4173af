"""The weekly series of a workspace a marketing mix model is fitted on.

The outcome and the controls are KPIs as the workspace (and its governed versions) define
them; spend per channel is the ``spend`` KPI by ``channel``. Partial weeks at either end of the
data (a week the data starts or ends in the middle of) are dropped: their totals are not
comparable with full weeks.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from kpibridge.errors import ModelInputError
from kpibridge.mmm.inputs import WeeklyData, check_weekly
from kpibridge.model import Grain
from kpibridge.services.metrics.workspace import Workspace

SPEND_KPI = "spend"


def _weekly_frame(ws: Workspace, kpi: str, by: list[str] | None = None) -> pd.DataFrame:
    if kpi not in ws.kpis:
        raise ModelInputError(f"no KPI {kpi!r} in the workspace")
    frame = ws.compute(kpi, grain=Grain.WEEK, by=by or [])
    frame["period"] = pd.to_datetime(frame["period"])
    return frame


def weekly_data(
    ws: Workspace,
    outcome: str = "revenue",
    *,
    controls: tuple[str, ...] = (),
    start: date | None = None,
    end: date | None = None,
) -> WeeklyData:
    """Outcome, spend per channel and controls, full weeks only, checked (``check_weekly``)."""
    outcome_frame = _weekly_frame(ws, outcome)
    y = outcome_frame.set_index("period")["value"].astype(float)
    spend_frame = _weekly_frame(ws, SPEND_KPI, ["channel"])
    spend = spend_frame.pivot_table(
        index="period", columns="channel", values="value", aggfunc="sum"
    ).reindex(y.index)
    spend = spend.fillna(0.0)  # a channel without rows in a week spent nothing that week
    spend.columns = [str(c) for c in spend.columns]
    control_frame = pd.DataFrame(index=y.index)
    for control in controls:
        control_frame[control] = (
            _weekly_frame(ws, control).set_index("period")["value"].reindex(y.index)
        )
    keep = _full_weeks(ws, y.index)
    if start is not None:
        keep &= y.index >= pd.Timestamp(start)
    if end is not None:
        keep &= pd.DatetimeIndex(y.index) + pd.Timedelta(days=6) <= pd.Timestamp(end)
    y, spend, control_frame = y[keep], spend[keep], control_frame[keep]
    spend.columns.name = None
    return check_weekly(y, spend, control_frame)


def _full_weeks(ws: Workspace, weeks: pd.Index) -> pd.Series:
    """True for the weeks whose seven days all lie within the outcome data's first and last
    day (the first and last week are usually partial)."""
    days = ws.compute("spend", grain=Grain.DAY)
    first, last = pd.to_datetime(days["period"]).min(), pd.to_datetime(days["period"]).max()
    index = pd.DatetimeIndex(weeks)
    return pd.Series((index >= first) & (index + pd.Timedelta(days=6) <= last), index=weeks)
