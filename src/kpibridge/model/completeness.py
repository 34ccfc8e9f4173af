"""When a period's value is final: the one rule every view (scorecard, compute, monitor,
review pack, web) applies before it judges a value against a target or calls it an anomaly.

A period is **partial** when its data is not complete yet:

* the data ends before the period does (the current month or quarter, or a load that stops
  mid-month): ``period end > the data's last day``;
* or the KPI is a conversion KPI and the conversion window that follows the period's last
  base event has not closed before the data's last day: ``period end + window > last day``.
  MQLs of October converting within 30 days are only all counted on November 30: read
  earlier, October's rate is low because the conversions have not happened yet, not
  because fewer leads convert.

A partial period is shown, marked as partial, but never gets a status and is never flagged as
an anomaly. A KPI derived from a conversion KPI by a formula is not covered (its formula
hides which periods it reads); see docs/evidence.md.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from kpibridge.model.common import Grain, Window
from kpibridge.model.kpi import KPI, ConversionKPI


def conversion_window(kpi: KPI) -> Window | None:
    """How long after a period ends its value keeps changing (None: it is final at once)."""
    return kpi.window if isinstance(kpi, ConversionKPI) else None


def shift(day: date, window: Window, sign: int) -> date:
    """``day`` plus (``sign`` = 1) or minus (-1) ``window``; calendar units keep the day of
    the month where it exists (January 31 + 1 month = February 28)."""
    if window.unit in (Grain.DAY, Grain.WEEK):
        days = window.count * (7 if window.unit is Grain.WEEK else 1)
        return day + sign * timedelta(days=days)
    months = window.count * {Grain.MONTH: 1, Grain.QUARTER: 3, Grain.YEAR: 12}[window.unit]
    index = day.year * 12 + day.month - 1 + sign * months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def settled_through(kpi: KPI, last_day: date) -> date:
    """The last day whose values are final, with data up to ``last_day``: the data's last day,
    less the conversion window for a conversion KPI."""
    window = conversion_window(kpi)
    return last_day if window is None else shift(last_day, window, -1)


def partial_reason(kpi: KPI, period_end: date, last_day: date | None) -> str | None:
    """Why the period ending ``period_end`` is partial with data up to ``last_day`` (None: it
    is complete, or there is no data to judge by)."""
    if last_day is None:
        return None
    if period_end > last_day:
        return f"the data ends on {last_day}, before the period ends on {period_end}"
    window = conversion_window(kpi)
    closes = shift(period_end, window, 1) if window is not None else None
    if window is not None and closes is not None and closes > last_day:
        return (
            f"its {window.count}-{window.unit.value} conversion window closes on {closes}, "
            f"after the data's last day ({last_day})"
        )
    return None
