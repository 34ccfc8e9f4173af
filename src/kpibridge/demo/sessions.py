"""Tracked web sessions: traffic by channel, device and time, and which sessions convert.

The ``sessions`` table is the web-analytics export: consented, tracked visits to the web
shop only. It holds far fewer sessions than the ad platforms report clicks — shopping and
social ads mostly land on the marketplace listing or deep-link into the app, and visitors who
refuse analytics cookies are not recorded — so click-to-session ratios are not meaningful.
Within it, conversion is realistic (2–5%, mobile below desktop); most orders come from
elsewhere (app, marketplace, untracked repeat orders; see ``orders.py``).

Where traffic comes from:

* paid campaigns other than display: in proportion to the campaign's clicks that day;
* display: at a steady share of demand, whatever display spends (planted effect 2); a
  display session is labelled with one of the display campaigns running that day;
* organic search, direct, referral and organic social: in proportion to demand.

Mobile sessions convert at ``MOBILE_DROP_FACTOR`` of their normal rate in
``MOBILE_DROP_MONTH`` (planted effect 3).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from kpibridge.demo import calendar, effects
from kpibridge.demo.calendar import FloatArray, IntArray
from kpibridge.demo.catalog import CAMPAIGNS, CHANNEL_CODE, CHANNELS, DEVICES, MOBILE
from kpibridge.demo.marketing import PaidMedia
from kpibridge.demo.sampling import choose_from_prefix

#: Sessions at scale 1 over the three years.
SESSIONS_AT_SCALE_1 = 400_000
#: Shares of sessions by source.
_PAID_CLICK_SHARE = 0.30
_DISPLAY_SHARE = 0.02
_ORGANIC_SHARES = {
    "organic_search": 0.33,
    "direct": 0.22,
    "referral": 0.06,
    "organic_social": 0.07,
}
#: Desktop and mobile probability by channel (tablet is the rest), at the start of the data;
#: mobile gains ``_MOBILE_SHIFT`` from desktop over the three years.
_DEVICE_MIX = {
    "paid_search": (0.42, 0.50),
    "paid_social": (0.15, 0.78),
    "display": (0.35, 0.55),
    "email": (0.45, 0.45),
    "affiliate": (0.40, 0.52),
    "video": (0.25, 0.60),
    "organic_search": (0.40, 0.52),
    "direct": (0.45, 0.46),
    "referral": (0.38, 0.54),
    "organic_social": (0.18, 0.76),
}
_MOBILE_SHIFT = 0.06
#: Base conversion rate by device, and a multiplier by channel.
_DEVICE_CONVERSION = np.array([0.048, 0.026, 0.036])
_CHANNEL_CONVERSION = {
    "paid_search": 1.3,
    "paid_social": 0.7,
    "display": 0.4,
    "email": 1.7,
    "affiliate": 1.3,
    "video": 0.5,
    "organic_search": 1.0,
    "direct": 1.2,
    "referral": 0.9,
    "organic_social": 0.6,
}
#: Share of non-converting sessions by logged-in customers, once the customer base is built.
_KNOWN_SHARE = 0.22


@dataclass
class Sessions:
    """Sessions in time order, as arrays (``campaign`` is -1 where there is none)."""

    started_at: IntArray
    day: npt.NDArray[np.int32]
    channel: npt.NDArray[np.int8]
    campaign: npt.NDArray[np.int8]
    device: npt.NDArray[np.int8]
    converted: npt.NDArray[np.bool_]
    visitor_id: IntArray
    customer_id: IntArray | None = None


def _expected_counts(media: PaidMedia, demand: FloatArray, scale: float) -> FloatArray:
    """Expected sessions per day (rows) and source (columns: campaigns, then organic)."""
    total = SESSIONS_AT_SCALE_1 * scale
    per_demand = total * demand / demand.sum()
    display = np.array([campaign.channel == "display" for campaign in CAMPAIGNS])
    clicks = media.clicks * ~display
    paid = clicks * (_PAID_CLICK_SHARE * total / max(clicks.sum(), 1))
    # Display sessions arrive with demand, not with display spend (planted effect 2); they are
    # only labelled with the display campaigns running that day, in proportion to their spend.
    display_spend = media.spend * display
    running = display_spend.sum(axis=1, keepdims=True)
    display_split = np.divide(
        display_spend, running, out=np.zeros_like(display_spend), where=running > 0
    )
    display_split[running[:, 0] == 0] = display / display.sum()
    paid = paid + _DISPLAY_SHARE * per_demand[:, None] * display_split
    organic = per_demand[:, None] * np.array(list(_ORGANIC_SHARES.values()))
    return np.column_stack([paid, organic])


def simulate_sessions(
    rng: np.random.Generator, media: PaidMedia, demand: FloatArray, scale: float
) -> Sessions:
    """Draw every session's time, source, device and conversion."""
    expected = _expected_counts(media, demand, scale)
    counts = rng.poisson(expected).ravel()
    n_days, n_sources = expected.shape
    day = np.repeat(np.repeat(np.arange(n_days, dtype=np.int32), n_sources), counts)
    source = np.repeat(np.tile(np.arange(n_sources, dtype=np.int8), n_days), counts)
    started_at = calendar.instants(rng, day)
    order = np.argsort(started_at, kind="stable")
    started_at, day, source = started_at[order], day[order], source[order]
    del order

    source_channel = np.array(
        [CHANNEL_CODE[c.channel] for c in CAMPAIGNS]
        + [CHANNEL_CODE[name] for name in _ORGANIC_SHARES],
        dtype=np.int8,
    )
    source_campaign = np.array(
        list(range(len(CAMPAIGNS))) + [-1] * len(_ORGANIC_SHARES), dtype=np.int8
    )
    channel = source_channel[source]
    campaign = source_campaign[source]
    del source

    device = _draw_devices(rng, channel, day)
    converted = rng.random(len(day)) < _conversion_probability(channel, device, day)
    pool = max(1, int(0.45 * len(day)))
    visitor_id = (np.floor(pool * rng.random(len(day)) ** 1.6) + 1).astype(np.int64)
    return Sessions(started_at, day, channel, campaign, device, converted, visitor_id)


def _per_channel(values: Mapping[str, object], default: object) -> FloatArray:
    """An array indexed by channel code from a mapping by channel name."""
    return np.array([values.get(name, default) for name in CHANNELS], dtype=np.float64)


_DESKTOP_SHARE, _MOBILE_SHARE = _per_channel(_DEVICE_MIX, (0.4, 0.5)).T
_CHANNEL_CONVERSION_BY_CODE = _per_channel(_CHANNEL_CONVERSION, 1.0)


def _draw_devices(
    rng: np.random.Generator, channel: npt.NDArray[np.int8], day: npt.NDArray[np.int32]
) -> npt.NDArray[np.int8]:
    """Device code of each session: the channel's mix, mobile gaining share over time."""
    shift = (_MOBILE_SHIFT / (calendar.N_DAYS - 1)) * day
    desktop = _DESKTOP_SHARE[channel] - shift
    mobile_or_desktop = desktop + _MOBILE_SHARE[channel] + shift
    draw = rng.random(len(channel))
    return (draw >= desktop).astype(np.int8) + (draw >= mobile_or_desktop).astype(np.int8)


def _conversion_probability(
    channel: npt.NDArray[np.int8], device: npt.NDArray[np.int8], day: npt.NDArray[np.int32]
) -> FloatArray:
    """Conversion probability: device × channel × holiday season, with the mobile drop.

    Mobile sessions in ``MOBILE_DROP_MONTH`` convert at ``MOBILE_DROP_FACTOR`` of their
    normal rate (planted effect 3); nothing else changes that month.
    """
    months = calendar.DAYS.astype("datetime64[M]")
    holiday = 1.0 + 0.15 * np.isin(calendar.month(), (11, 12))
    mobile_drop = np.where(months == effects.MOBILE_DROP_MONTH, effects.MOBILE_DROP_FACTOR, 1.0)
    device_day = np.where(device == MOBILE, mobile_drop[day], 1.0)
    return (
        _DEVICE_CONVERSION[device]
        * _CHANNEL_CONVERSION_BY_CODE[channel]
        * holiday[day]
        * device_day
    )


def attach_customers(
    rng: np.random.Generator,
    sessions: Sessions,
    acquired_at: IntArray,
    loyalty: FloatArray,
    *,
    session_of_order: IntArray,
    customer_of_order: IntArray,
) -> None:
    """Fill ``customer_id`` (and customers' visitor ids) of the sessions, in place.

    Converting sessions belong to the customer of the order they produced (the orders with
    a session, given as parallel arrays of session index and customer index). Some other
    sessions are logged-in customers: chosen among those already acquired, loyal customers
    more often. Known customers get a stable visitor id above the anonymous ones.
    """
    n = len(sessions.started_at)
    customer = np.zeros(n, dtype=np.int64)
    customer[session_of_order] = customer_of_order + 1
    available = _acquired_by(acquired_at, sessions.started_at)
    ramp = np.minimum(1.0, available / max(1.0, 0.25 * len(acquired_at)))
    known = (customer == 0) & (available > 0) & (rng.random(n) < _KNOWN_SHARE * ramp)
    known_index = np.flatnonzero(known)
    customer[known_index] = choose_from_prefix(rng, np.cumsum(loyalty), available[known_index]) + 1
    has_customer = customer > 0
    offset = int(sessions.visitor_id.max(initial=0))
    sessions.visitor_id[has_customer] = offset + customer[has_customer]
    sessions.customer_id = customer


def _acquired_by(acquired_at: IntArray, started_at: IntArray) -> IntArray:
    """How many customers had been acquired at each session start (both arrays sorted).

    Equals ``searchsorted(acquired_at, started_at, side="right")`` but looks up the few
    customers among the many sessions instead of the reverse, which is several times faster
    at large scales (fewer binary searches, no cache misses over the customer array).
    """
    first_session = np.searchsorted(started_at, acquired_at, side="left")
    return np.cumsum(np.bincount(first_session, minlength=len(started_at) + 1))[:-1]


def build_sessions(sessions: Sessions) -> pa.Table:
    """The ``sessions`` table."""
    n = len(sessions.started_at)
    customer = sessions.customer_id if sessions.customer_id is not None else np.full(n, -1)
    campaign_names = pa.array([c.name for c in CAMPAIGNS])
    campaign = pa.array(sessions.campaign.astype(np.int32), mask=sessions.campaign < 0)
    return pa.table(
        {
            "session_id": pa.array(np.arange(1, n + 1, dtype=np.int64)),
            "started_at": pa.array(sessions.started_at.view("datetime64[us]")),
            "visitor_id": pa.array(sessions.visitor_id),
            "customer_id": pa.array(customer, mask=customer <= 0),
            "channel": pa.array(CHANNELS).take(pa.array(sessions.channel)),
            "campaign": campaign_names.take(campaign),
            "device": pa.array(DEVICES).take(pa.array(sessions.device)),
            "converted": pa.array(sessions.converted),
        }
    )
