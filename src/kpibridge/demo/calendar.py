"""The demo's fixed calendar and its seasonal shape.

The data always covers 2023-11-01 .. 2026-10-31 (three full years, 1,096 days), whatever
today's date is, so that every run and every test sees the same calendar.

Demand follows a multiplicative shape ``trend × weekday × year × holidays``, built here as a
log multiplier per day:

* weekday: Sunday and Saturday are the busiest days, Friday the quietest;
* year: a summer peak for outdoor gear (late June), a smaller spring hiking bump, the
  holiday run-up from November to the shipping cut-off before Christmas, a January–February
  lull;
* holidays: Black Friday (about 2×), its weekend and Cyber Monday; a dip on Christmas Eve
  and Christmas Day;
* trend: mild growth, about 12% a year.

Weeks start on Monday (as DuckDB's ``date_trunc('week', …)``); week 0 is the partial week
that contains 2023-11-01.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

START = np.datetime64("2023-11-01", "D")
END = np.datetime64("2026-10-31", "D")
DAYS: npt.NDArray[np.datetime64] = np.arange(START, END + 1)
N_DAYS = len(DAYS)
FIRST_MONDAY = np.datetime64("2023-10-30", "D")

MICROS_PER_SECOND = 1_000_000
MICROS_PER_DAY = 86_400 * MICROS_PER_SECOND
START_MICROS = int(START.astype("datetime64[us]").astype(np.int64))
#: The last representable instant of the data (2026-10-31 23:59:59).
END_MICROS = int((END + 1).astype("datetime64[us]").astype(np.int64)) - MICROS_PER_SECOND

GROWTH_PER_YEAR = 0.12
#: Log multipliers Monday .. Sunday.
WEEKDAY_LOG = np.array([0.02, -0.02, -0.03, -0.04, -0.08, 0.04, 0.11])


def week_of(day_index: IntArray) -> IntArray:
    """Monday-based week number (0 = the week of 2023-10-30) of day indices into ``DAYS``."""
    return (day_index + int((START - FIRST_MONDAY).astype(np.int64))) // 7


N_WEEKS = int(week_of(np.array([N_DAYS - 1]))[0]) + 1
DAY_WEEK: IntArray = week_of(np.arange(N_DAYS, dtype=np.int64))


def weekday() -> IntArray:
    """Weekday of every day (Monday = 0); 1970-01-01 was a Thursday."""
    return (DAYS.astype(np.int64) + 3) % 7


def month() -> IntArray:
    """Calendar month (1–12) of every day."""
    return DAYS.astype("datetime64[M]").astype(np.int64) % 12 + 1


def year() -> IntArray:
    """Calendar year of every day."""
    return DAYS.astype("datetime64[Y]").astype(np.int64) + 1970


def day_of_year() -> IntArray:
    """Day of the year (0-based) of every day."""
    return (DAYS - DAYS.astype("datetime64[Y]")).astype(np.int64)


def day_of_month_number() -> IntArray:
    """Day of the month (1–31) of every day."""
    return (DAYS - DAYS.astype("datetime64[M]")).astype(np.int64) + 1


def years_elapsed() -> FloatArray:
    """Years since the start of the data, for the growth trend."""
    return np.arange(N_DAYS, dtype=np.float64) / 365.25


def _bump(doy: IntArray, centre: float, width: float) -> FloatArray:
    return np.exp(-0.5 * ((doy - centre) / width) ** 2)


def black_fridays() -> npt.NDArray[np.datetime64]:
    """Black Friday (the day after the fourth Thursday of November) of each year covered."""
    novembers = np.array(
        [f"{y}-11-01" for y in range(int(year()[0]), int(year()[-1]) + 1)], dtype="datetime64[D]"
    )
    first_thursday = novembers + (3 - (novembers.astype(np.int64) + 3) % 7) % 7
    return np.asarray(first_thursday + 22, dtype="datetime64[D]")


def holiday_log() -> FloatArray:
    """Log multiplier of shopping holidays: Black Friday, its weekend, Cyber Monday, Christmas."""
    log = np.zeros(N_DAYS)
    for offset, value in ((0, np.log(2.0)), (1, np.log(1.5)), (2, np.log(1.4)), (3, np.log(1.8))):
        log[np.isin(DAYS, black_fridays() + offset)] += value
    day_of_month = day_of_month_number()
    december = month() == 12
    log[december & (day_of_month == 25)] -= 0.7
    log[december & (day_of_month == 24)] -= 0.3
    return log


def yearly_log() -> FloatArray:
    """Log multiplier of the yearly cycle (without the one-day holidays)."""
    doy = day_of_year()
    months = month()
    day_of_month = day_of_month_number()
    log = 0.18 * _bump(doy, 172.0, 28.0) + 0.08 * _bump(doy, 120.0, 22.0)
    november = months == 11
    log[november] += 0.12 + 0.30 * (day_of_month[november] - 1) / 30.0
    december = months == 12
    run_up = december & (day_of_month <= 20)
    log[run_up] += 0.42 + 0.05 * day_of_month[run_up] / 20.0
    log[december & (day_of_month > 20)] += 0.20
    log[(months == 1) | (months == 2)] -= 0.10
    return log


def demand_shape() -> FloatArray:
    """Deterministic demand multiplier of every day: trend × weekday × year × holidays."""
    log = GROWTH_PER_YEAR * years_elapsed() + WEEKDAY_LOG[weekday()] + yearly_log() + holiday_log()
    return np.exp(log)


def day_start_micros() -> IntArray:
    """Midnight of every day in microseconds since the epoch."""
    return DAYS.astype("datetime64[us]").astype(np.int64)


# fmt: off
#: Relative traffic by hour of day (0–23): quiet at night, a lunch bump, an evening peak.
HOURLY_WEIGHTS = np.array([
    0.60, 0.35, 0.20, 0.15, 0.15, 0.25, 0.50, 0.90, 1.20, 1.40, 1.50, 1.60,  # 00–11
    1.80, 1.70, 1.50, 1.40, 1.40, 1.50, 1.80, 2.10, 2.30, 2.20, 1.70, 1.10,  # 12–23
])
# fmt: on


def instants(rng: np.random.Generator, day_index: npt.NDArray[np.integer[Any]]) -> IntArray:
    """Draw a time of day (whole seconds, shaped by ``HOURLY_WEIGHTS``) on each given day.

    Returns microseconds since the epoch, one per element of ``day_index``.
    """
    cumulative = np.cumsum(HOURLY_WEIGHTS) / HOURLY_WEIGHTS.sum()
    cumulative[-1] = 1.0
    hour = np.searchsorted(cumulative, rng.random(len(day_index)), side="right")
    second = hour * 3600 + rng.integers(0, 3600, size=len(day_index))
    return day_start_micros()[day_index] + second * MICROS_PER_SECOND
