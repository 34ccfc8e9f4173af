"""Calendar arithmetic for time grains, with the fiscal year honoured for quarters and years.

A period is named by its first day. Weeks are ISO weeks (Monday first). When the fiscal year
starts in month ``m`` > 1, quarters and years start in month ``m`` (and ``m+3`` …), and fiscal
year ``FY2027`` is the one that *ends* in calendar 2027 (the common convention: a fiscal year
starting 2026-07-01 is FY2027). Labels: ``2026``/``FY2027``, ``2026-Q3``/``FY2027-Q1``,
``2026-10``, ``2026-W42``, ``2026-10-05``.

The same arithmetic exists twice: here for Python dates (ranges, targets, labels) and in
:func:`truncate_expression` for Ibis columns; tests check they agree.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import ibis
import ibis.expr.types as ir

from kpibridge.model import Grain, Window

_MONTHS_PER = {Grain.MONTH: 1, Grain.QUARTER: 3, Grain.YEAR: 12}


def period_start(day: date, grain: Grain, fiscal_year_start: int = 1) -> date:
    """First day of the period of ``grain`` that contains ``day``."""
    if grain is Grain.DAY:
        return day
    if grain is Grain.WEEK:
        return day - timedelta(days=day.weekday())
    if grain is Grain.MONTH:
        return day.replace(day=1)
    offset = fiscal_year_start - 1 if grain in (Grain.QUARTER, Grain.YEAR) else 0
    months_since_origin = (day.year * 12 + day.month - 1) - offset
    size = _MONTHS_PER[grain]
    start_index = months_since_origin - months_since_origin % size + offset
    return date(start_index // 12, start_index % 12 + 1, 1)


def add_periods(start: date, count: int, grain: Grain) -> date:
    """``start`` moved by ``count`` periods of ``grain`` (``start`` must be a period start)."""
    if grain is Grain.DAY:
        return start + timedelta(days=count)
    if grain is Grain.WEEK:
        return start + timedelta(weeks=count)
    return add_months(start, count * _MONTHS_PER[grain])


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last_day = (date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month + 1, min(day.day, last_day))


def period_end(start: date, grain: Grain) -> date:
    """The day after the last day of the period starting at ``start`` (exclusive end)."""
    return add_periods(start, 1, grain)


def year_ago_period(start: date, years: int, grain: Grain, fiscal_year_start: int = 1) -> date:
    """The period of ``grain`` containing the same day ``years`` years later (may be negative)."""
    return period_start(add_months(start, 12 * years), grain, fiscal_year_start)


def period_label(start: date, grain: Grain, fiscal_year_start: int = 1) -> str:
    """Human label of a period: ``2026-Q3``, ``2026-W42``, ``FY2027`` …"""
    if grain is Grain.DAY:
        return start.isoformat()
    if grain is Grain.WEEK:
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    if grain is Grain.MONTH:
        return f"{start.year}-{start.month:02d}"
    fiscal = fiscal_year_start != 1
    year_start = period_start(start, Grain.YEAR, fiscal_year_start)
    year = year_start.year + (1 if fiscal else 0)
    prefix = f"FY{year}" if fiscal else str(year)
    if grain is Grain.YEAR:
        return prefix
    quarter = ((start.year - year_start.year) * 12 + start.month - year_start.month) // 3 + 1
    return f"{prefix}-Q{quarter}"


_LABELS = (
    (re.compile(r"^(FY)?(\d{4})$"), Grain.YEAR),
    (re.compile(r"^(FY)?(\d{4})-Q([1-4])$"), Grain.QUARTER),
    (re.compile(r"^(\d{4})-W(\d{2})$"), Grain.WEEK),
    (re.compile(r"^(\d{4})-(\d{2})$"), Grain.MONTH),
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"), Grain.DAY),
)


def parse_period(label: str, fiscal_year_start: int = 1) -> tuple[Grain, date]:
    """Grain and first day of a period label (the inverse of :func:`period_label`)."""
    text = label.strip().upper()
    for pattern, grain in _LABELS:
        match = pattern.match(text)
        if not match:
            continue
        try:
            return grain, _label_start(grain, match.groups(), fiscal_year_start)
        except ValueError as error:
            raise ValueError(f"{label!r} is not a valid period: {error}") from None
    month = re.fullmatch(r"(\d{4})-(\d)", text)
    hint = f" (did you mean {month[1]}-0{month[2]}?)" if month and month[2] != "0" else ""
    raise ValueError(f"{label!r} is not a period{hint}: write {PERIOD_FORMATS}")


PERIOD_FORMATS = (
    "a year as 2026 (or FY2026), a quarter as 2026-Q3, a month as 2026-09, a week as "
    "2026-W40 or a day as 2026-09-28"
)
"""The period labels :func:`parse_period` reads, in words (one list for every message)."""


def _label_start(grain: Grain, groups: tuple[Any, ...], fiscal_year_start: int) -> date:
    if grain is Grain.DAY:
        return date(int(groups[0]), int(groups[1]), int(groups[2]))
    if grain is Grain.MONTH:
        return date(int(groups[0]), int(groups[1]), 1)
    if grain is Grain.WEEK:
        return date.fromisocalendar(int(groups[0]), int(groups[1]), 1)
    fiscal = fiscal_year_start != 1
    year = int(groups[1]) - (1 if fiscal else 0)
    year_start = date(year, fiscal_year_start, 1)
    if grain is Grain.YEAR:
        return year_start
    return add_months(year_start, 3 * (int(groups[2]) - 1))


def periods_in(window: Window, grain: Grain) -> int | None:
    """How many periods of ``grain`` make up ``window``, or None when it is not whole
    (28 days by month, one month by week)."""
    if window.unit in (Grain.DAY, Grain.WEEK):
        days = window.count * (7 if window.unit is Grain.WEEK else 1)
        if grain is Grain.DAY:
            return days
        return days // 7 if grain is Grain.WEEK and days % 7 == 0 else None
    months = window.count * _MONTHS_PER[window.unit]
    if grain in _MONTHS_PER and months % _MONTHS_PER[grain] == 0:
        return months // _MONTHS_PER[grain]
    return None


def to_date_aligned(to_date: Grain, grain: Grain) -> bool:
    """Whether periods of ``grain`` never straddle the start of a ``to_date`` period."""
    if grain in (Grain.DAY, to_date):
        return True
    return (
        grain in _MONTHS_PER
        and to_date in _MONTHS_PER
        and (_MONTHS_PER[to_date] >= _MONTHS_PER[grain])
    )


_IBIS_UNIT = {
    Grain.DAY: "D",
    Grain.WEEK: "W",
    Grain.MONTH: "M",
    Grain.QUARTER: "Q",
    Grain.YEAR: "Y",
}


def truncate_expression(
    column: ir.TimestampValue | ir.DateValue, grain: Grain, fiscal_year_start: int = 1
) -> ir.DateValue:
    """Ibis expression for the first day of the period containing ``column``.

    Fiscal quarters and years: shift back by the fiscal offset, truncate, shift forward.
    """
    offset = fiscal_year_start - 1 if grain in (Grain.QUARTER, Grain.YEAR) else 0
    if offset == 0:
        return column.truncate(_IBIS_UNIT[grain]).cast("date")
    # via timestamp: Ibis types date ± interval as a date, but engines return a timestamp
    moment = column.cast("timestamp")
    shifted = (moment - ibis.interval(months=offset)).truncate(_IBIS_UNIT[grain])
    return (shifted + ibis.interval(months=offset)).date()
