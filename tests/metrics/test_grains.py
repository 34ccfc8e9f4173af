"""Calendar arithmetic: the laws of periods, labels that round-trip, and the Ibis twin of
``period_start`` agreeing with the Python one on DuckDB."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import ibis
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpibridge.metrics.grains import (
    add_periods,
    parse_period,
    period_end,
    period_label,
    period_start,
    truncate_expression,
)
from kpibridge.model import Grain

DATES = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))
GRAINS = st.sampled_from(list(Grain))
FISCAL_STARTS = st.integers(min_value=1, max_value=12)


# -- laws ---------------------------------------------------------------------------------


@given(day=DATES, grain=GRAINS, fiscal=FISCAL_STARTS)
def test_period_contains_the_day(day: date, grain: Grain, fiscal: int) -> None:
    start = period_start(day, grain, fiscal)
    assert start <= day < period_end(start, grain)
    assert period_start(start, grain, fiscal) == start  # idempotent
    # the next period starts where this one ends
    end = period_end(start, grain)
    assert period_start(end, grain, fiscal) == end
    assert period_start(end - timedelta(days=1), grain, fiscal) == start


@given(day=DATES, grain=GRAINS, fiscal=FISCAL_STARTS)
def test_period_start_shape(day: date, grain: Grain, fiscal: int) -> None:
    start = period_start(day, grain, fiscal)
    if grain is Grain.DAY:
        assert start == day
    elif grain is Grain.WEEK:
        assert start.weekday() == 0  # ISO weeks start on Monday
        assert start.isocalendar()[:2] == day.isocalendar()[:2]
    else:
        assert start.day == 1
        if grain is Grain.MONTH:
            assert (start.year, start.month) == (day.year, day.month)
        elif grain is Grain.QUARTER:
            assert (start.month - fiscal) % 3 == 0
        else:
            assert start.month == fiscal


@given(day=DATES, grain=GRAINS, fiscal=FISCAL_STARTS, count=st.integers(-30, 30))
def test_add_periods_lands_on_period_starts(
    day: date, grain: Grain, fiscal: int, count: int
) -> None:
    start = period_start(day, grain, fiscal)
    moved = add_periods(start, count, grain)
    assert period_start(moved, grain, fiscal) == moved
    assert add_periods(moved, -count, grain) == start


# -- labels -------------------------------------------------------------------------------


@given(day=DATES, grain=GRAINS, fiscal=FISCAL_STARTS)
def test_label_round_trip(day: date, grain: Grain, fiscal: int) -> None:
    start = period_start(day, grain, fiscal)
    label = period_label(start, grain, fiscal)
    assert parse_period(label, fiscal) == (grain, start)
    assert parse_period(label.lower(), fiscal) == (grain, start)  # 'fy2027-q1' reads too


@given(day=DATES, grain=GRAINS, fiscal=FISCAL_STARTS)
def test_labels_of_consecutive_periods_differ(day: date, grain: Grain, fiscal: int) -> None:
    start = period_start(day, grain, fiscal)
    following = period_end(start, grain)
    assert period_label(start, grain, fiscal) != period_label(following, grain, fiscal)


# (period start, grain, fiscal year start, label) — the conventions of the grains module
# docstring: ISO weeks; a fiscal year is named by the calendar year it ends in.
LABELS = [
    (date(2026, 10, 5), Grain.DAY, 1, "2026-10-05"),
    (date(2024, 12, 30), Grain.WEEK, 1, "2025-W01"),  # ISO week 1 of 2025 starts in 2024
    (date(2026, 12, 28), Grain.WEEK, 1, "2026-W53"),  # 2026 has 53 ISO weeks
    (date(2026, 10, 1), Grain.MONTH, 7, "2026-10"),
    (date(2026, 7, 1), Grain.QUARTER, 1, "2026-Q3"),
    (date(2026, 1, 1), Grain.YEAR, 1, "2026"),
    (date(2026, 7, 1), Grain.YEAR, 7, "FY2027"),  # July 2026 - June 2027
    (date(2026, 7, 1), Grain.QUARTER, 7, "FY2027-Q1"),
    (date(2027, 4, 1), Grain.QUARTER, 7, "FY2027-Q4"),
    (date(2026, 1, 1), Grain.QUARTER, 7, "FY2026-Q3"),
    (date(2025, 2, 1), Grain.YEAR, 2, "FY2026"),
    (date(2025, 11, 1), Grain.QUARTER, 2, "FY2026-Q4"),  # Nov 2025 - Jan 2026
]


@pytest.mark.parametrize(("start", "grain", "fiscal", "label"), LABELS)
def test_labels(start: date, grain: Grain, fiscal: int, label: str) -> None:
    assert period_label(start, grain, fiscal) == label
    assert parse_period(label, fiscal) == (grain, start)


@pytest.mark.parametrize(
    ("label", "message"),
    [
        ("2026-13", "is not a valid period"),
        ("2026-02-30", "is not a valid period"),
        ("2025-W53", "is not a valid period"),  # 2025 has 52 ISO weeks
        ("2026-Q5", "is not a period"),
        ("Q3 2026", "is not a period"),
        ("", "is not a period"),
    ],
)
def test_bad_labels(label: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_period(label)


# -- the Ibis twin --------------------------------------------------------------------------


def _sample_days() -> list[date]:
    """Every day of 2023-2026 (leap year, ISO weeks 52 and 53), a few famous edges, and a
    seeded random sample from 1900-2200."""
    dense = [date(2023, 1, 1) + timedelta(days=n) for n in range(4 * 365 + 1)]
    edges = [
        date(1900, 2, 28),
        date(1900, 3, 1),
        date(2000, 2, 29),
        date(1999, 12, 31),
        date(2100, 3, 1),
    ]
    rng = np.random.default_rng(20250101)
    first = date(1900, 1, 1).toordinal()
    last = date(2200, 12, 31).toordinal()
    random = [date.fromordinal(int(n)) for n in rng.integers(first, last, size=500)]
    return sorted(set(dense + edges + random))


def test_truncate_expression_agrees_with_period_start() -> None:
    days = _sample_days()
    frame = pd.DataFrame(
        {
            "day": days,
            # the last moment of the day: the time part must never push into the next period
            "moment": [datetime.combine(d, time(23, 59, 59, 999000)) for d in days],
        }
    )
    table = ibis.memtable(frame, schema={"day": "date", "moment": "timestamp"})
    combos = [(grain, fiscal) for grain in Grain for fiscal in range(1, 13)]
    columns = {}
    for grain, fiscal in combos:
        columns[f"d_{grain.value}_{fiscal}"] = truncate_expression(table.day, grain, fiscal)
        columns[f"t_{grain.value}_{fiscal}"] = truncate_expression(table.moment, grain, fiscal)
    result = ibis.duckdb.connect().execute(table.select("day", **columns).order_by("day"))

    assert [d.date() if hasattr(d, "date") else d for d in result["day"]] == days
    mismatches = []
    for grain, fiscal in combos:
        expected = [period_start(d, grain, fiscal) for d in days]
        for kind in ("d", "t"):
            got = [pd.Timestamp(v).date() for v in result[f"{kind}_{grain.value}_{fiscal}"]]
            mismatches += [
                (kind, grain.value, fiscal, day, g, e)
                for day, g, e in zip(days, got, expected, strict=True)
                if g != e
            ]
    assert not mismatches, mismatches[:10]
