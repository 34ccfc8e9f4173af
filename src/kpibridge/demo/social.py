"""Social media activity, and the weekly engagement path that leads demand (planted effect 1).

Weekly log engagement is ``trend + gentle yearly cycle + x_w`` where ``x_w`` is an AR(1)
process whose innovations are Gaussian noise plus occasional campaign bursts. Its
standardised value ``z_w`` lifts demand ``SOCIAL_LAG_WEEKS`` later (see ``demand.py``).
The daily ``social`` table spreads each week's engagement over its days and platforms, and
derives impressions, followers and mentions from it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from kpibridge.demo import calendar, effects
from kpibridge.demo.calendar import FloatArray, IntArray
from kpibridge.demo.catalog import PLATFORMS

#: Burn-in weeks so that the AR process starts in its stationary state.
_BURN_IN = 60
#: Mean engagements per day over all platforms at scale 1.
_DAILY_ENGAGEMENTS = 30_000.0
#: Platform shares of engagement at the start and the end of the data (TikTok grows).
_SHARE_START = np.array([0.45, 0.25, 0.22, 0.08])
_SHARE_END = np.array([0.38, 0.38, 0.16, 0.08])
#: Engagements per impression, per platform.
_ENGAGEMENT_RATE = np.array([0.045, 0.060, 0.025, 0.020])
_FOLLOWERS_START = np.array([85_000.0, 40_000.0, 120_000.0, 15_000.0])
_FOLLOWS_PER_ENGAGEMENT = np.array([0.004, 0.006, 0.002, 0.003])
_MENTIONS_PER_ENGAGEMENT = np.array([0.010, 0.012, 0.008, 0.004])
_CATEGORY_MENTIONS_PER_DAY = np.array([900.0, 1_100.0, 600.0, 120.0])
#: Relative engagement Monday .. Sunday.
_WEEKDAY = np.array([0.95, 0.93, 0.95, 0.97, 1.0, 1.08, 1.12])


@dataclass(frozen=True)
class EngagementPath:
    """Standardised log weekly engagement ``z``, indexed from week ``-SOCIAL_LAG_WEEKS``.

    ``z[w + SOCIAL_LAG_WEEKS]`` belongs to week ``w``; the weeks before the data exist only so
    that demand in the first weeks has a lagged engagement to respond to. ``log_sd`` is the
    standard deviation of the unstandardised log path (how much engagement really varies).
    """

    z: FloatArray
    log_sd: float

    def of_week(self, week: IntArray) -> FloatArray:
        """Standardised engagement of the given weeks (``-SOCIAL_LAG_WEEKS`` or later)."""
        return self.z[week + effects.SOCIAL_LAG_WEEKS]

    def demand_lift(self, week: IntArray) -> FloatArray:
        """Demand multiplier of the given weeks: engagement ``SOCIAL_LAG_WEEKS`` earlier."""
        lagged = self.of_week(week - effects.SOCIAL_LAG_WEEKS)
        return np.exp(np.log1p(effects.SOCIAL_LIFT_PER_SD) * lagged)


def simulate_engagement(rng: np.random.Generator) -> EngagementPath:
    """Draw the AR(1)-with-bursts path of log weekly engagement and standardise it."""
    length = _BURN_IN + effects.SOCIAL_LAG_WEEKS + calendar.N_WEEKS
    bursts = rng.random(length) < effects.ENGAGEMENT_BURST_PROBABILITY
    innovations = rng.normal(0.0, effects.ENGAGEMENT_NOISE_SD, length) + bursts * rng.exponential(
        effects.ENGAGEMENT_BURST_MEAN, length
    )
    # An AR(1) recursion is a linear filter: x_t = Σ φ^k ε_{t-k}; computed as a convolution
    # with the (truncated, φ^60 ≈ 1e-18) impulse response instead of a loop.
    response = effects.ENGAGEMENT_PERSISTENCE ** np.arange(_BURN_IN)
    path = np.convolve(innovations, response)[:length][_BURN_IN:]
    z = (path - path.mean()) / path.std()
    return EngagementPath(z=z, log_sd=float(path.std()))


def weekly_engagement_log(path: EngagementPath) -> FloatArray:
    """Log weekly engagement (relative to the mean level) of every week of the data."""
    weeks = np.arange(calendar.N_WEEKS)
    years = weeks * 7 / 365.25
    seasonal = 0.05 * np.sin(2 * np.pi * (years + 0.1))
    return 0.25 * years + seasonal + path.log_sd * path.of_week(weeks)


def build_social(path: EngagementPath, rng: np.random.Generator, scale: float) -> pa.Table:
    """The daily ``social`` table: one row per day and platform."""
    n_days, n_platforms = calendar.N_DAYS, len(PLATFORMS)
    week_log = weekly_engagement_log(path)[calendar.DAY_WEEK]
    daily = (
        _DAILY_ENGAGEMENTS
        * scale
        * np.exp(week_log - week_log.mean())
        * _WEEKDAY[calendar.weekday()]
        * np.exp(rng.normal(0.0, 0.05, n_days))
    )
    progress = (np.arange(n_days) / (n_days - 1))[:, None]
    shares = (1 - progress) * _SHARE_START + progress * _SHARE_END
    shares = shares * np.exp(rng.normal(0.0, 0.05, (n_days, n_platforms)))
    shares /= shares.sum(axis=1, keepdims=True)
    engagements = rng.poisson(daily[:, None] * shares)
    impressions = rng.poisson(
        engagements / _ENGAGEMENT_RATE * np.exp(rng.normal(0.0, 0.08, (n_days, n_platforms)))
    )
    impressions = np.maximum(impressions, engagements)
    followers = np.round(_FOLLOWERS_START * scale).astype(np.int64) + np.cumsum(
        rng.poisson(engagements * _FOLLOWS_PER_ENGAGEMENT), axis=0
    )
    brand_mentions = rng.poisson(engagements * _MENTIONS_PER_ENGAGEMENT)
    market = np.exp(calendar.yearly_log() + 0.06 * calendar.years_elapsed())
    category_mentions = rng.poisson(_CATEGORY_MENTIONS_PER_DAY * scale * market[:, None])
    return pa.table(
        {
            "date": pa.array(np.repeat(calendar.DAYS, n_platforms)),
            "platform": pa.array(PLATFORMS * n_days),
            "impressions": pa.array(impressions.ravel().astype(np.int64)),
            "engagements": pa.array(engagements.ravel().astype(np.int64)),
            "followers": pa.array(followers.ravel().astype(np.int64)),
            "brand_mentions": pa.array(brand_mentions.ravel().astype(np.int64)),
            "category_mentions": pa.array(category_mentions.ravel().astype(np.int64)),
        }
    )
