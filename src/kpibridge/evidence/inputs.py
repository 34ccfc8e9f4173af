"""Checking and aligning KPI series before any statistics run on them.

Lead-lag statistics silently go wrong on bad input: a missing week shifts every lag after it,
a NaN poisons a regression, two series at different grains pair unrelated periods. So every
problem is refused here with a message that says what is wrong and how to fix it.

Series are indexed by period: a ``PeriodIndex``, or a ``DatetimeIndex`` of period starts (the
``period`` column of ``Workspace.compute``, see :func:`series_from_frame`).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from kpibridge.errors import EvidenceInputError

SEASONAL_PERIODS = {"W": 52, "M": 12, "Q": 4, "D": 7}
"""Cycle length by frequency family: a year of weeks, months or quarters; a week of days."""


def series_from_frame(
    frame: pd.DataFrame, value_column: str = "value", period_column: str = "period"
) -> pd.Series:
    """The KPI series of a ``Workspace.compute`` frame: ``value_column`` indexed by period.

    A frame sliced by a dimension has several rows per period; pick one slice first
    (``frame[frame.channel == "email"]``) — the periods must be unique.
    """
    for column in (period_column, value_column):
        if column not in frame.columns:
            raise EvidenceInputError(
                f"the frame has no column {column!r}; its columns are {list(frame.columns)}"
            )
    periods = frame[period_column]
    if periods.duplicated().any():
        raise EvidenceInputError(
            f"{period_column!r} repeats values (the frame is sliced by a dimension?): "
            "keep one row per period before building a series"
        )
    index = (
        pd.PeriodIndex(periods)
        if isinstance(periods.dtype, pd.PeriodDtype)
        else pd.DatetimeIndex(pd.to_datetime(periods))
    )
    series = pd.Series(frame[value_column].to_numpy(dtype=float), index=index, name=value_column)
    return series.sort_index()


def frequency(series: pd.Series, name: str) -> str:
    """The period frequency of a series (``"W-MON"``, ``"M"`` …), or an error saying why not."""
    index = series.index
    if isinstance(index, pd.PeriodIndex):
        return str(index.freqstr)
    if not isinstance(index, pd.DatetimeIndex):
        raise EvidenceInputError(
            f"{name} must be indexed by period (PeriodIndex or DatetimeIndex), "
            f"not {type(index).__name__}"
        )
    if index.freq is not None:
        return str(index.freqstr)
    if len(index) < 3:
        raise EvidenceInputError(f"{name} has {len(index)} points: too few to tell its grain")
    inferred = infer_frequency(index.sort_values())
    if inferred is None:
        raise EvidenceInputError(
            f"{name} has irregular dates (missing periods or mixed grains): "
            "give one value per period, with no gaps"
        )
    return inferred


def seasonal_period(freq: str) -> int | None:
    """The cycle to remove for a frequency (52 for weekly …), None when there is none."""
    if freq[:1].isdigit():  # multiples such as "2W": no standard cycle
        return None
    return SEASONAL_PERIODS.get(freq[:1])


def numeric_by_period(series: pd.Series, name: str) -> pd.Series:
    """The series as floats, or an error: not a Series, not indexed by period (dates or
    periods), one period twice, non-numeric values. Shared by lead-lag and monitoring."""
    if not isinstance(series, pd.Series):
        raise EvidenceInputError(f"{name} must be a pandas Series, not {type(series).__name__}")
    if not isinstance(series.index, pd.DatetimeIndex | pd.PeriodIndex):
        raise EvidenceInputError(
            f"{name} must be indexed by period (PeriodIndex or DatetimeIndex), "
            f"not {type(series.index).__name__}"
        )
    if series.index.has_duplicates:
        duplicated = series.index[series.index.duplicated()][:3]
        raise EvidenceInputError(
            f"{name} has more than one value for {', '.join(map(str, duplicated))}: "
            "keep one value per period"
        )
    try:
        return pd.to_numeric(series, errors="raise").astype(float)
    except (TypeError, ValueError):
        raise EvidenceInputError(f"{name} has non-numeric values") from None


def check_series(series: pd.Series, name: str) -> pd.Series:
    """The series sorted, as floats, after refusing what cannot be analysed."""
    values = numeric_by_period(series, name)
    missing = values.index[values.isna().to_numpy()]
    if len(missing):
        shown = ", ".join(map(str, missing[:3])) + (" …" if len(missing) > 3 else "")
        raise EvidenceInputError(
            f"{name} has {len(missing)} missing value(s) ({shown}): fill or drop them first; "
            "a dropped period must not leave a gap in the middle of the series"
        )
    if len(values) > 1 and values.nunique() == 1:
        raise EvidenceInputError(f"{name} is constant ({values.iloc[0]}): nothing can lead it")
    return values.sort_index()


def align(
    driver: pd.Series, outcome: pd.Series, minimum: int, names: tuple[str, str]
) -> tuple[pd.Series, pd.Series, str]:
    """Both series on their common periods, which must be consecutive and at least ``minimum``.

    Returns the aligned driver, outcome and their frequency.
    """
    driver = check_series(driver, names[0])
    outcome = check_series(outcome, names[1])
    frequencies = (frequency(driver, names[0]), frequency(outcome, names[1]))
    if frequencies[0] != frequencies[1]:
        raise EvidenceInputError(
            f"{names[0]} is at frequency {frequencies[0]} but {names[1]} at {frequencies[1]}: "
            "compute both KPIs at the same grain"
        )
    if type(driver.index) is not type(outcome.index):
        raise EvidenceInputError(
            f"{names[0]} and {names[1]} must both have a PeriodIndex or both a DatetimeIndex"
        )
    if driver.index.equals(outcome.index):  # the usual case: skip label lookups (speed)
        common = driver.index
    else:
        common = driver.index.intersection(outcome.index).sort_values()
    if len(common) < minimum:
        raise EvidenceInputError(
            f"{names[0]} and {names[1]} share {len(common)} periods; at least {minimum} are "
            "needed at this max_lag (use a longer history or a smaller max_lag)"
        )
    _check_consecutive(common, frequencies[0], names)
    if common is driver.index:
        return driver, outcome, frequencies[0]
    return driver.loc[common], outcome.loc[common], frequencies[0]


def _check_consecutive(index: pd.Index, freq: str, names: tuple[str, str]) -> None:
    step_days = {"W": 7, "D": 1}.get(freq[:1])
    if isinstance(index, pd.DatetimeIndex) and step_days and len(index) > 1:
        # fixed-width periods: equal steps mean no gaps (fast); timedelta64 compares across
        # resolutions (pandas 3 indexes in microseconds, asi8 would need the unit)
        steps = np.diff(index.to_numpy())
        if (steps == np.timedelta64(step_days, "D")).all():
            return
    if isinstance(index, pd.PeriodIndex):
        expected: pd.Index = pd.period_range(index[0], index[-1], freq=index.freq)
    else:
        expected = pd.date_range(index[0], index[-1], freq=freq)
    if len(expected) != len(index):
        missing = expected.difference(index)[:3]
        raise EvidenceInputError(
            f"the common periods of {names[0]} and {names[1]} have gaps "
            f"({', '.join(map(str, missing))} …): lags would pair the wrong periods; "
            "give both series every period of their common range"
        )


def infer_frequency(index: pd.Index) -> str | None:
    """``pd.infer_freq`` as a string on pandas 2 and 3 (pandas 3 warns that it will return an
    offset object, and the warning is not ours to show)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        inferred = pd.infer_freq(index)  # type: ignore[arg-type]  # PeriodIndex works too
    return None if inferred is None else str(getattr(inferred, "freqstr", inferred))
