"""Paid media: the ``ad_spend`` table, one row per day and campaign.

Each campaign's daily spend is ``budget × scale × flight level × noise``. Flights are blocks
of one to six weeks at a random budget level; campaigns that are not ``always_on`` pause
between flights (spend 0). Budgets rise for the holiday season and the summer, except for
display, whose spend is set by its flights alone, so that it shares no seasonality with sales
(planted effect 2: display has no effect on sales, and nothing should suggest otherwise).

Clicks and impressions follow from spend through a cost per click that rises with auction
pressure in November–December and a click-through rate with its own noise. The rows do not
grow with ``scale``; the amounts do.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from kpibridge.demo import calendar
from kpibridge.demo.calendar import FloatArray, IntArray
from kpibridge.demo.catalog import CAMPAIGNS, Campaign


@dataclass(frozen=True)
class PaidMedia:
    """Spend and clicks per day (rows) and campaign (columns, in ``CAMPAIGNS`` order)."""

    spend: FloatArray
    clicks: IntArray
    impressions: IntArray


def _flights(rng: np.random.Generator, campaign: Campaign) -> FloatArray:
    """Budget level of every day: blocks of 7–42 days, paused blocks for flighted campaigns."""
    lengths = rng.integers(7, 43, size=calendar.N_DAYS // 7 + 1)
    starts = np.cumsum(lengths) - lengths
    if campaign.always_on:
        levels = rng.uniform(0.7, 1.3, size=len(lengths))
    else:
        on = rng.random(len(lengths)) < 0.6
        levels = on * rng.uniform(0.9, 2.1, size=len(lengths))
    block = np.searchsorted(starts, np.arange(calendar.N_DAYS), side="right") - 1
    return levels[block]


def _season_budget() -> FloatArray:
    """Budget multiplier for the holiday season and the summer (non-display channels)."""
    months = calendar.month()
    return 1.0 + 0.35 * np.isin(months, (11, 12)) + 0.12 * np.isin(months, (6, 7))


def simulate_paid_media(rng: np.random.Generator, scale: float) -> PaidMedia:
    """Draw daily spend, clicks and impressions of every campaign."""
    n_days, n_campaigns = calendar.N_DAYS, len(CAMPAIGNS)
    budget = np.array([campaign.daily_spend for campaign in CAMPAIGNS])
    seasonal = np.array([campaign.channel != "display" for campaign in CAMPAIGNS])
    levels = np.column_stack([_flights(rng, campaign) for campaign in CAMPAIGNS])
    season = np.where(seasonal, _season_budget()[:, None], 1.0)
    noise = np.exp(rng.normal(0.0, 0.15, (n_days, n_campaigns)))
    spend = np.round(budget * scale * levels * season * noise, 2)
    auction = 1.0 + 0.25 * np.isin(calendar.month(), (11, 12))
    cpc = np.array([campaign.cpc for campaign in CAMPAIGNS]) * auction[:, None]
    cpc = cpc * np.exp(rng.normal(0.0, 0.10, (n_days, n_campaigns)))
    clicks = rng.poisson(spend / cpc)
    ctr = np.array([campaign.ctr for campaign in CAMPAIGNS]) * np.exp(
        rng.normal(0.0, 0.12, (n_days, n_campaigns))
    )
    impressions = np.maximum(rng.poisson(spend / cpc / ctr), clicks)
    return PaidMedia(spend=spend, clicks=clicks, impressions=impressions)


def build_ad_spend(media: PaidMedia) -> pa.Table:
    """The ``ad_spend`` table from simulated paid media."""
    n_campaigns = len(CAMPAIGNS)
    return pa.table(
        {
            "date": pa.array(np.repeat(calendar.DAYS, n_campaigns)),
            "channel": pa.array([c.channel for c in CAMPAIGNS] * calendar.N_DAYS),
            "campaign": pa.array([c.name for c in CAMPAIGNS] * calendar.N_DAYS),
            "spend": pa.array(media.spend.ravel()),
            "impressions": pa.array(media.impressions.ravel().astype(np.int64)),
            "clicks": pa.array(media.clicks.ravel().astype(np.int64)),
        }
    )
