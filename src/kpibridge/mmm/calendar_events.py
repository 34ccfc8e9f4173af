"""The US retail calendar as weekly controls: the peaks a smooth seasonality cannot follow.

Fourier seasonality is smooth; Black Friday moves by a week from year to year and the December
run-up ends abruptly before Christmas. Without these, a channel whose budget rises for the
holidays gets the holidays' sales as its own (Robyn likewise adds holidays by default). Each
column is the share of the week's days (Monday to Sunday) that fall on the event:

* ``black_friday``: Black Friday to Sunday (the day after the fourth Thursday of November);
* ``cyber_monday``: the Monday after it;
* ``december_run_up``: 1 to 20 December;
* ``christmas``: 21 to 31 December.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

EVENTS = ("black_friday", "cyber_monday", "december_run_up", "christmas")


def _black_friday(year: int) -> pd.Timestamp:
    november = pd.Timestamp(year=year, month=11, day=1)
    first_thursday = november + pd.Timedelta(days=(3 - november.day_of_week) % 7)
    return first_thursday + pd.Timedelta(days=22)


def retail_events(weeks: pd.DatetimeIndex) -> pd.DataFrame:
    """The event shares of each Monday week in ``weeks``."""
    days = pd.DatetimeIndex(
        np.repeat(weeks.to_numpy(), 7) + np.tile(np.arange(7), len(weeks)) * np.timedelta64(1, "D")
    )
    fridays = {year: _black_friday(year) for year in set(days.year)}
    friday = pd.DatetimeIndex([fridays[y] for y in days.year])
    offset = (days - friday).days
    flags = {
        "black_friday": (offset >= 0) & (offset <= 2),
        "cyber_monday": offset == 3,
        "december_run_up": (days.month == 12) & (days.day <= 20),
        "christmas": (days.month == 12) & (days.day > 20),
    }
    return pd.DataFrame(
        {
            name: np.asarray(flag, dtype=float).reshape(len(weeks), 7).mean(axis=1)
            for name, flag in flags.items()
        },
        index=weeks,
    )
