"""Planted effect 7: what paid media does to revenue, with known carry-over and saturation.

The marketing mix model (``kpibridge mmm``) is demonstrated, and tested, by recovering these
numbers. Per channel, weekly spend (Monday weeks, as ``date_trunc('week', date)``) is carried
over with a normalised geometric adstock, saturated with a logistic curve in units of the
channel's mean weekly spend, and scaled so that the channel's revenue over the three years is
exactly ``roas`` times its spend, for every seed and scale:

    adstock(t)      = Σ_{l<L} decay^l · spend(t−l) / Σ_{l<L} decay^l
    contribution(t) = β · (1 − e^{−λ·u}) / (1 + e^{−λ·u}),   u = adstock(t) / mean weekly spend
    β such that     Σ_t contribution(t) = roas · Σ_t spend(t)

Display has ``roas`` 0 (planted effect 2). A week's contribution becomes orders on the days of
that week (``orders.py``), with the ordinary order values.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from kpibridge.demo import calendar
from kpibridge.demo.calendar import FloatArray
from kpibridge.demo.catalog import CAMPAIGNS, PAID_CHANNELS

#: Weeks over which a week's spend keeps working (the adstock window).
ADSTOCK_WEEKS = 8


@dataclass(frozen=True)
class MediaResponse:
    """The planted response of revenue to one paid channel's spend.

    Attributes:
        channel: the paid channel (a ``channel`` of ``ad_spend``).
        roas: revenue per dollar spent, over the three years of the demo.
        decay: geometric adstock rate per week (share of the effect carried to the next week).
        saturation: logistic steepness λ per mean weekly spend (higher: saturates sooner).
    """

    channel: str
    roas: float
    decay: float
    saturation: float

    @property
    def carryover_weeks(self) -> float:
        """Mean delay of the effect in weeks (0 = all in the week of the spend)."""
        weights = self.decay ** np.arange(ADSTOCK_WEEKS)
        return float((np.arange(ADSTOCK_WEEKS) * weights).sum() / weights.sum())


MEDIA_RESPONSES = (
    MediaResponse("paid_search", roas=0.64, decay=0.2, saturation=1.0),
    MediaResponse("paid_social", roas=0.48, decay=0.4, saturation=0.8),
    MediaResponse("display", roas=0.0, decay=0.0, saturation=1.0),
    MediaResponse("email", roas=1.44, decay=0.1, saturation=0.6),
    MediaResponse("affiliate", roas=0.8, decay=0.3, saturation=0.8),
    MediaResponse("video", roas=0.4, decay=0.6, saturation=1.0),
)
MEDIA_RESPONSE = {response.channel: response for response in MEDIA_RESPONSES}
assert tuple(MEDIA_RESPONSE) == PAID_CHANNELS


def adstock(spend: FloatArray, decay: float) -> FloatArray:
    """Normalised geometric adstock of a weekly series (weeks before the data count as 0)."""
    weights = decay ** np.arange(ADSTOCK_WEEKS)
    return np.convolve(spend, weights / weights.sum())[: len(spend)]


def logistic_saturation(x: FloatArray, lam: float) -> FloatArray:
    """The logistic saturation curve of PyMC-Marketing: 0 at 0, approaching 1."""
    return (1 - np.exp(-lam * x)) / (1 + np.exp(-lam * x))


def weekly_spend(daily_spend: FloatArray) -> FloatArray:
    """Spend per week (rows, Monday weeks) and paid channel (columns, ``PAID_CHANNELS``)."""
    by_channel = np.zeros((calendar.N_DAYS, len(PAID_CHANNELS)))
    for column, campaign in enumerate(CAMPAIGNS):
        by_channel[:, PAID_CHANNELS.index(campaign.channel)] += daily_spend[:, column]
    weekly = np.zeros((calendar.N_WEEKS, len(PAID_CHANNELS)))
    np.add.at(weekly, calendar.DAY_WEEK, by_channel)
    return weekly


def channel_contributions(weekly: FloatArray) -> FloatArray:
    """Planted revenue per week and channel from weekly spend (same shape as ``weekly``)."""
    contributions = np.zeros_like(weekly)
    for column, response in enumerate(MEDIA_RESPONSES):
        spend = weekly[:, column]
        if response.roas == 0 or spend.sum() == 0:
            continue
        shape = logistic_saturation(
            adstock(spend, response.decay) / spend.mean(), response.saturation
        )
        contributions[:, column] = shape * (response.roas * spend.sum() / shape.sum())
    return contributions


def daily_media_revenue(daily_spend: FloatArray) -> FloatArray:
    """Expected media-driven revenue per day (rows) and paid channel (columns).

    Each week's contribution is spread evenly over the days of that week in the data.
    """
    weekly = channel_contributions(weekly_spend(daily_spend))
    days_in_week = np.bincount(calendar.DAY_WEEK, minlength=calendar.N_WEEKS)
    return weekly[calendar.DAY_WEEK] / days_in_week[calendar.DAY_WEEK, None]


def weekly_series(
    tables: dict[str, pa.Table],
) -> tuple[pd.Series, pd.DataFrame, pd.Series]:
    """Weekly revenue, spend per paid channel and social engagements of generated tables.

    Only the full weeks (Monday to Sunday inside the data); indexed by the Monday. What a
    workspace's ``revenue``, ``spend`` by channel and ``social_engagements`` KPIs give by week,
    without building a workspace (for the model's recovery test and benchmark).
    """
    weeks = calendar.FIRST_MONDAY + 7 * np.arange(calendar.N_WEEKS)
    full = (weeks >= calendar.START) & (weeks + 6 <= calendar.END)
    index = pd.DatetimeIndex(weeks[full].astype("datetime64[ns]"))

    def by_week(days: np.ndarray, values: np.ndarray) -> np.ndarray:
        day_index = (days.astype("datetime64[D]") - calendar.START).astype(np.int64)
        totals = np.bincount(
            calendar.DAY_WEEK[day_index], weights=values, minlength=calendar.N_WEEKS
        )
        return totals[full]

    orders = tables["orders"]
    revenue = by_week(
        orders["ordered_at"].to_numpy().astype("datetime64[D]"), orders["revenue"].to_numpy()
    )
    ad_spend = tables["ad_spend"]
    channel = ad_spend["channel"].to_numpy(zero_copy_only=False)
    spend = pd.DataFrame(
        {
            name: by_week(
                ad_spend["date"].to_numpy()[channel == name],
                ad_spend["spend"].to_numpy()[channel == name],
            )
            for name in PAID_CHANNELS
        },
        index=index,
    )
    social = tables["social"]
    engagement = by_week(social["date"].to_numpy(), social["engagements"].to_numpy().astype(float))
    return pd.Series(revenue, index=index), spend, pd.Series(engagement, index=index)
