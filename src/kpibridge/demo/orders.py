"""Orders: where they come from, who places them, and what they are worth.

Only a part of the orders comes from tracked web sessions (the converting rows of
``sessions``, a few minutes after the session starts). The volume of orders is fixed by the
spec (≈100k at scale 1) while tracked sessions are ≈400k converting at 2–5%, so the rest —
app orders, marketplace orders, web orders from visitors who refused tracking, repeat orders
from e-mail — is drawn directly from daily demand, with a channel attribution of its own.
Paid media adds orders of its own (planted effect 7, ``media.py``), attributed to its channel;
every other order of a day follows that day's demand, so spend moves revenue only through them.

Who orders: each order is a customer's first with a probability that falls as the customer
base fills up (the data starts in the middle of the company's life, so in the first months
most buyers are new *to the data*), otherwise a repeat order of a customer acquired before
it. Repeat buyers are chosen in proportion to a gamma-distributed loyalty, so most customers
buy once, a good share buy again, and a few buy many times. Customer ids are numbered in order
of first purchase, which makes ``customers.acquired_at`` = the customer's first order.

Order value is log-normal around $88, with bigger baskets in the holiday season, smaller ones
on the marketplace; gross margin (in dollars) is about 44% of revenue, less on the
marketplace (fees) and around Black Friday (discounts).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from kpibridge.demo import calendar, effects
from kpibridge.demo.calendar import FloatArray, IntArray
from kpibridge.demo.catalog import CHANNEL_CODE, CHANNELS, PAID_CHANNELS
from kpibridge.demo.sampling import choose_from_prefix, draw_codes
from kpibridge.demo.sessions import Sessions

#: Paid channels by column of ``media_orders``' counts.
_PAID_CODES = np.array([CHANNEL_CODE[name] for name in PAID_CHANNELS], dtype=np.int8)

ORDERS_AT_SCALE_1 = 100_000
#: Long-run share of orders that are repeat orders, and how fast it is reached (days).
_REPEAT_SHARE = 0.52
_REPEAT_RAMP_DAYS = 90.0
#: Gamma shape of customer loyalty (small: very unequal), and its cap in multiples of the mean.
_LOYALTY_SHAPE = 0.3
_LOYALTY_CAP = 8.0
#: Channel attribution of orders that do not come from tracked sessions.
_NEW_CHANNELS = {
    "marketplace": 0.30,
    "paid_search": 0.14,
    "paid_social": 0.12,
    "organic_search": 0.12,
    "app": 0.10,
    "direct": 0.06,
    "affiliate": 0.06,
    "referral": 0.04,
    "organic_social": 0.04,
    "email": 0.02,
}
_REPEAT_CHANNELS = {
    "app": 0.30,
    "email": 0.22,
    "direct": 0.18,
    "marketplace": 0.12,
    "organic_search": 0.08,
    "paid_search": 0.05,
    "paid_social": 0.03,
    "affiliate": 0.02,
}
_AVERAGE_ORDER_VALUE = 88.0
_ORDER_VALUE_SD = 0.55
_CHANNEL_VALUE = {"marketplace": 0.85, "app": 1.05, "email": 1.05}
_MARGIN_RATE = 0.44


@dataclass(frozen=True)
class Orders:
    """Orders in time order, with the customer base they imply.

    Attributes:
        ordered_at: microseconds since the epoch.
        customer: customer index (customer id − 1).
        is_first: the order is its customer's first.
        session: index of the converting session in ``Sessions``, or -1.
        loyalty: loyalty weight of every customer (by customer index).
    """

    ordered_at: IntArray
    channel: npt.NDArray[np.int8]
    customer: IntArray
    is_first: npt.NDArray[np.bool_]
    session: IntArray
    revenue: FloatArray
    gross_margin: FloatArray
    loyalty: FloatArray

    @property
    def acquired_at(self) -> IntArray:
        """First order time of every customer, by customer index (ascending)."""
        return self.ordered_at[self.is_first]


def _channel_probabilities(mix: dict[str, float]) -> FloatArray:
    return np.array([mix.get(name, 0.0) for name in CHANNELS])


def media_order_counts(rng: np.random.Generator, media_revenue: FloatArray) -> IntArray:
    """Orders per day and paid channel caused by media (planted effect 7, ``media.py``).

    Their expected revenue is ``media_revenue``: the expected count is the revenue divided by
    the day's expected order value (paid channels have no channel value of their own). On the
    anomaly day (planted effect 4) they too are ``ANOMALY_FACTOR`` times as many, so that the
    whole day is; that one day adds about 0.2% to each channel's return.
    """
    expected_value = _AVERAGE_ORDER_VALUE * _basket(calendar.month())
    anomaly = np.where(calendar.DAYS == effects.ANOMALY_DAY, effects.ANOMALY_FACTOR, 1.0)
    expected = media_revenue * (anomaly / expected_value)[:, None]
    return rng.poisson(expected).astype(np.int64)


def simulate_orders(
    rng: np.random.Generator,
    sessions: Sessions,
    demand: FloatArray,
    scale: float,
    media_counts: IntArray,
) -> Orders:
    """Draw all orders: tracked ones from converting sessions, media-driven ones from
    ``media_counts`` (days × paid channels), the rest from demand.

    Media-driven orders come out of the fixed total, so the order volume stays that of the
    spec; they are attributed to the paid channel that caused them. The other orders of a day
    follow its demand, whichever part of them came through tracked sessions.
    """
    tracked = np.flatnonzero(sessions.converted)
    tracked_at = np.minimum(
        sessions.started_at[tracked] + rng.integers(60, 1800, len(tracked)) * 1_000_000,
        calendar.END_MICROS,
    )
    # Untracked orders fill each day up to its share of demand, so that the orders of paid
    # web sessions (which follow clicks) displace others instead of adding revenue: spend
    # moves revenue only through the planted media orders.
    organic_total = max(0.0, ORDERS_AT_SCALE_1 * scale - media_counts.sum())
    tracked_per_day = np.bincount(sessions.day[tracked], minlength=calendar.N_DAYS)
    counts = rng.poisson(np.maximum(0.0, organic_total * demand / demand.sum() - tracked_per_day))
    untracked_day = np.repeat(np.arange(calendar.N_DAYS), counts)
    untracked_at = calendar.instants(rng, untracked_day)
    media_day = np.repeat(
        np.repeat(np.arange(calendar.N_DAYS), len(PAID_CHANNELS)), media_counts.ravel()
    )
    media_channel = np.repeat(np.tile(_PAID_CODES, calendar.N_DAYS), media_counts.ravel())
    media_at = calendar.instants(rng, media_day)

    ordered_at = np.concatenate([tracked_at, untracked_at, media_at])
    session = np.concatenate(
        [tracked, np.full(len(untracked_at) + len(media_at), -1, dtype=np.int64)]
    )
    forced_channel = np.concatenate(
        [np.full(len(tracked_at) + len(untracked_at), -1, dtype=np.int8), media_channel]
    )
    order = np.argsort(ordered_at, kind="stable")
    ordered_at, session, forced_channel = ordered_at[order], session[order], forced_channel[order]
    n = len(ordered_at)

    elapsed_days = (ordered_at - calendar.START_MICROS) / calendar.MICROS_PER_DAY
    repeat_probability = _REPEAT_SHARE * (1 - np.exp(-elapsed_days / _REPEAT_RAMP_DAYS))
    is_first = rng.random(n) >= repeat_probability
    is_first[:1] = True

    from_session = session >= 0
    channel = np.where(
        is_first,
        draw_codes(rng, _channel_probabilities(_NEW_CHANNELS), n),
        draw_codes(rng, _channel_probabilities(_REPEAT_CHANNELS), n),
    ).astype(np.int8)
    channel[from_session] = sessions.channel[session[from_session]]
    from_media = forced_channel >= 0
    channel[from_media] = forced_channel[from_media]

    customer, loyalty = _assign_customers(rng, is_first)
    revenue, gross_margin = _order_values(rng, ordered_at, channel)
    return Orders(ordered_at, channel, customer, is_first, session, revenue, gross_margin, loyalty)


def _assign_customers(
    rng: np.random.Generator, is_first: npt.NDArray[np.bool_]
) -> tuple[IntArray, FloatArray]:
    """Customer index of every order, and every customer's loyalty weight."""
    acquired_so_far = np.cumsum(is_first, dtype=np.int64)
    n_customers = int(acquired_so_far[-1]) if len(is_first) else 0
    loyalty = np.minimum(rng.gamma(_LOYALTY_SHAPE, 1.0 / _LOYALTY_SHAPE, n_customers), _LOYALTY_CAP)
    customer = acquired_so_far - 1
    repeat = np.flatnonzero(~is_first)
    customer[repeat] = choose_from_prefix(rng, np.cumsum(loyalty), acquired_so_far[repeat])
    return customer.astype(np.int64), loyalty


def _basket(months: IntArray) -> FloatArray:
    """Basket size multiplier by month: bigger in the holiday season and the summer."""
    return 1.0 + 0.12 * np.isin(months, (11, 12)) + 0.05 * np.isin(months, (6, 7))


def _order_values(
    rng: np.random.Generator, ordered_at: IntArray, channel: npt.NDArray[np.int8]
) -> tuple[FloatArray, FloatArray]:
    """Revenue and gross margin (both in dollars, rounded to cents) of every order."""
    n = len(ordered_at)
    day = (ordered_at - calendar.START_MICROS) // calendar.MICROS_PER_DAY
    basket = _basket(calendar.month()[day])
    channel_value = np.array([_CHANNEL_VALUE.get(name, 1.0) for name in CHANNELS])[channel]
    spread = np.exp(rng.normal(-0.5 * _ORDER_VALUE_SD**2, _ORDER_VALUE_SD, n))
    revenue = np.maximum(np.round(_AVERAGE_ORDER_VALUE * basket * channel_value * spread, 2), 4.99)
    promotion = np.isin(calendar.DAYS, calendar.black_fridays()[:, None] + np.arange(4))[day]
    rate = (
        rng.normal(_MARGIN_RATE, 0.05, n)
        - 0.10 * (channel == CHANNEL_CODE["marketplace"])
        - 0.08 * promotion
    )
    gross_margin = np.round(revenue * np.clip(rate, 0.05, 0.70), 2)
    return revenue, gross_margin


def build_orders(orders: Orders) -> pa.Table:
    """The ``orders`` table."""
    n = len(orders.ordered_at)
    return pa.table(
        {
            "order_id": pa.array(np.arange(1, n + 1, dtype=np.int64)),
            "customer_id": pa.array(orders.customer + 1),
            "ordered_at": pa.array(orders.ordered_at.view("datetime64[us]")),
            "channel": pa.array(CHANNELS).take(pa.array(orders.channel)),
            "revenue": pa.array(orders.revenue),
            "gross_margin": pa.array(orders.gross_margin),
        }
    )
