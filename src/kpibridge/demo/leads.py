"""B2B leads (team outfitting, corporate gifts) and their funnel.

A lead is created by a form or at a trade show; some become marketing-qualified (MQL) 0–10
days later, some MQLs sales-qualified (SQL) 0–45 days after that — spread wide enough that
a 30-day conversion window visibly misses part of them — and some SQLs are won 3–45 days
later. A won lead points to a real customer: the first one acquired at or after the win (the
business places its first order). Steps that would fall after the end of the data have not
happened yet and are NULL, as in a live CRM.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from kpibridge.demo import calendar
from kpibridge.demo.calendar import IntArray
from kpibridge.demo.catalog import CHANNEL_CODE, CHANNELS
from kpibridge.demo.sampling import draw_codes, seconds_to_micros

LEADS_AT_SCALE_1 = 15_000
_SECONDS_PER_DAY = 86_400.0
#: Lead channels, their share of leads and their MQL rate.
_CHANNELS = {
    "paid_search": (0.22, 0.30),
    "paid_social": (0.18, 0.22),
    "organic_search": (0.20, 0.35),
    "email": (0.15, 0.40),
    "referral": (0.10, 0.50),
    "trade_show": (0.15, 0.55),
}
_SQL_RATE = 0.40
_WON_RATE = 0.28
#: Leads by weekday (B2B: quiet weekends).
_WEEKDAY = np.array([1.2, 1.2, 1.15, 1.1, 1.0, 0.35, 0.3])


@dataclass(frozen=True)
class Leads:
    """The ``leads`` table and the customer indices it won."""

    table: pa.Table
    won_customers: IntArray


def _stage(
    rng: np.random.Generator, previous: IntArray, rate: float | np.ndarray, delay_days: np.ndarray
) -> IntArray:
    """Time of the next funnel stage, or -1 where it did not (yet) happen."""
    reached = (previous >= 0) & (rng.random(len(previous)) < rate)
    at = previous + seconds_to_micros(delay_days * _SECONDS_PER_DAY)
    return np.where(reached & (at <= calendar.END_MICROS), at, -1)


def simulate_leads(rng: np.random.Generator, scale: float, acquired_at: IntArray) -> Leads:
    """Draw leads and their funnel; ``acquired_at`` are customers' first-order times."""
    daily = _WEEKDAY[calendar.weekday()] * np.exp(0.12 * calendar.years_elapsed())
    counts = rng.poisson(LEADS_AT_SCALE_1 * scale * daily / daily.sum())
    created_at = np.sort(calendar.instants(rng, np.repeat(np.arange(calendar.N_DAYS), counts)))
    n = len(created_at)
    shares = np.array([share for share, _ in _CHANNELS.values()])
    mql_rates = np.array([rate for _, rate in _CHANNELS.values()])
    lead_channel = draw_codes(rng, shares, n)
    channel = np.array([CHANNEL_CODE[name] for name in _CHANNELS])[lead_channel]

    mql_at = _stage(rng, created_at, mql_rates[lead_channel], 10.0 * rng.random(n) ** 1.5)
    sql_at = _stage(rng, mql_at, _SQL_RATE, 45.0 * rng.beta(1.6, 2.0, n))
    won_at = _stage(rng, sql_at, _WON_RATE, 3.0 + 42.0 * rng.beta(1.5, 3.0, n))

    won = won_at >= 0
    customer = np.full(n, -1, dtype=np.int64)
    if len(acquired_at):
        first_after = np.searchsorted(acquired_at, won_at[won], side="left")
        customer[won] = np.minimum(first_after, len(acquired_at) - 1)
    table = pa.table(
        {
            "lead_id": pa.array(np.arange(1, n + 1, dtype=np.int64)),
            "created_at": pa.array(created_at.view("datetime64[us]")),
            "channel": pa.array(CHANNELS).take(pa.array(channel)),
            "mql_at": _timestamps(mql_at),
            "sql_at": _timestamps(sql_at),
            "won_at": _timestamps(won_at),
            "customer_id": pa.array(customer + 1, mask=customer < 0),
        }
    )
    return Leads(table=table, won_customers=np.unique(customer[customer >= 0]))


def _timestamps(micros: IntArray) -> pa.Array:
    """Timestamps with NULL where ``micros`` is -1."""
    return pa.array(micros.view("datetime64[us]"), mask=micros < 0)
