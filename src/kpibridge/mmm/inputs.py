"""The weekly data a marketing mix model is fitted on, and the checks it must pass first.

Sampling takes minutes; a model fitted on a year with holes or a channel that never moved
says nothing. So every problem is found here, before any sampling, and named with the week
or channel it concerns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpibridge.errors import ModelInputError

#: Fewer weeks than a year cannot separate yearly seasonality from media.
MIN_WEEKS = 52
#: Weeks held out at the end to measure out-of-sample error.
HOLDOUT_WEEKS = 12


@dataclass(frozen=True)
class WeeklyData:
    """Outcome, spend per channel and controls, one row per Monday week (index: the Monday)."""

    outcome: pd.Series
    spend: pd.DataFrame
    controls: pd.DataFrame

    @property
    def channels(self) -> list[str]:
        return [str(c) for c in self.spend.columns]

    @property
    def weeks(self) -> pd.DatetimeIndex:
        return pd.DatetimeIndex(self.outcome.index)

    def frame(self) -> pd.DataFrame:
        """One table: ``date``, the channels, the controls and ``y``."""
        frame = pd.concat([self.spend, self.controls], axis=1)
        frame.insert(0, "date", self.weeks)
        frame["y"] = self.outcome.to_numpy(dtype=float)
        return frame.reset_index(drop=True)


def check_weekly(
    outcome: pd.Series, spend: pd.DataFrame, controls: pd.DataFrame | None = None
) -> WeeklyData:
    """Check the weekly series and align them; raise ``ModelInputError`` naming the problem.

    Checks, in order: weeks are Mondays with none missing between the first and the last; at
    least ``MIN_WEEKS`` of them; no missing outcome, spend or control value; no negative
    spend; no channel whose spend is zero or constant throughout.
    """
    controls = controls if controls is not None else pd.DataFrame(index=outcome.index)
    weeks = pd.DatetimeIndex(outcome.index)
    for name, index in (("spend", spend.index), ("controls", controls.index)):
        if not pd.DatetimeIndex(index).equals(weeks):
            raise ModelInputError(f"the {name} weeks do not match the outcome's weeks")
    if len(weeks) and (weeks.day_of_week != 0).any():
        bad = weeks[weeks.day_of_week != 0][0]
        raise ModelInputError(f"week {bad.date()} does not start on a Monday")
    if len(weeks) > 1:
        expected = pd.date_range(weeks.min(), weeks.max(), freq="7D")
        missing = expected.difference(weeks)
        if len(missing):
            shown = ", ".join(str(d.date()) for d in missing[:5])
            more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
            raise ModelInputError(
                f"{len(missing)} missing week(s) between {weeks.min().date()} and "
                f"{weeks.max().date()}: {shown}{more}; fill them (a week without spend is 0) "
                "or narrow --start/--end"
            )
    if len(weeks) < MIN_WEEKS:
        raise ModelInputError(
            f"only {len(weeks)} weeks of history; a marketing mix model needs at least "
            f"{MIN_WEEKS} (a full year) to tell seasonality from media"
        )
    _no_gaps(outcome.to_frame("outcome"), "the outcome")
    _no_gaps(spend, "spend")
    _no_gaps(controls, "control")
    for channel in spend.columns:
        values = spend[channel].to_numpy(dtype=float)
        if (values < 0).any():
            week = spend.index[int(np.argmax(values < 0))]
            raise ModelInputError(
                f"channel {channel}: negative spend {values.min():,.2f} in the week of "
                f"{pd.Timestamp(week).date()}; correct the source data (refunds belong in "
                "their own column)"
            )
        if not values.any():
            raise ModelInputError(
                f"channel {channel}: no spend in any week; leave it out of the model"
            )
        if np.ptp(values) == 0:
            raise ModelInputError(
                f"channel {channel}: the same spend ({values[0]:,.2f}) every week; a model "
                "cannot learn what a channel does if its spend never changes"
            )
    return WeeklyData(outcome.astype(float), spend.astype(float), controls.astype(float))


def _no_gaps(frame: pd.DataFrame, what: str) -> None:
    for column in frame.columns:
        missing = frame[column].isna()
        if missing.any():
            week = pd.Timestamp(frame.index[int(np.argmax(missing.to_numpy()))]).date()
            raise ModelInputError(f"{what} {column}: no value in the week of {week}")
