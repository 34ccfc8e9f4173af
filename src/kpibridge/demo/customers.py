"""Customers, as implied by their orders.

A customer exists from their first order: ``acquired_at`` is that order's time and
``acquisition_channel`` its channel. The CRM segment is ``business`` for customers won
through the B2B lead funnel, ``enthusiast`` for the most loyal 15% (the CRM scores loyalty),
and ``consumer`` otherwise.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from kpibridge.demo.calendar import IntArray
from kpibridge.demo.catalog import (
    BUSINESS,
    CHANNELS,
    CONSUMER,
    ENTHUSIAST,
    REGION_WEIGHTS,
    REGIONS,
    SEGMENTS,
)
from kpibridge.demo.orders import Orders
from kpibridge.demo.sampling import draw_codes

_ENTHUSIAST_QUANTILE = 0.85


def build_customers(
    rng: np.random.Generator, orders: Orders, business_customers: IntArray
) -> pa.Table:
    """The ``customers`` table; ``business_customers`` are customer indices won from leads."""
    first = np.flatnonzero(orders.is_first)
    n = len(first)
    loyalty = orders.loyalty
    threshold = np.quantile(loyalty, _ENTHUSIAST_QUANTILE) if n else 0.0
    segment = np.where(loyalty > threshold, ENTHUSIAST, CONSUMER)
    segment[business_customers] = BUSINESS
    region = draw_codes(rng, np.array(REGION_WEIGHTS), n)
    return pa.table(
        {
            "customer_id": pa.array(np.arange(1, n + 1, dtype=np.int64)),
            "acquired_at": pa.array(orders.ordered_at[first].view("datetime64[us]")),
            "acquisition_channel": pa.array(CHANNELS).take(pa.array(orders.channel[first])),
            "region": pa.array(REGIONS).take(pa.array(region)),
            "segment": pa.array(SEGMENTS).take(pa.array(segment)),
        }
    )
