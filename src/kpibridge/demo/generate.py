"""Generate the Acme Outdoor demo company: eight tables, in dependency order.

Social engagement and paid media come first (they drive demand and traffic); demand drives
sessions; converting sessions plus untracked demand make the orders; the orders define the
customers; leads win existing customers; surveys and reviews follow orders. Each step draws
from its own random stream (``rng.stream``), so the same seed gives byte-identical tables
and changing one generator does not reshuffle the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np
import pyarrow as pa

from kpibridge.demo import schema
from kpibridge.demo.customers import build_customers
from kpibridge.demo.demand import simulate_demand
from kpibridge.demo.leads import simulate_leads
from kpibridge.demo.marketing import build_ad_spend, simulate_paid_media
from kpibridge.demo.media import daily_media_revenue
from kpibridge.demo.orders import build_orders, media_order_counts, simulate_orders
from kpibridge.demo.rng import stream
from kpibridge.demo.sessions import attach_customers, build_sessions, simulate_sessions
from kpibridge.demo.social import build_social, simulate_engagement
from kpibridge.demo.voice import build_reviews, build_surveys

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]


def _silent(_message: str) -> None:
    """The default progress callback: report nothing."""


def generate(
    seed: int = 7, scale: float = 1.0, progress: Progress | None = None
) -> dict[str, pa.Table]:
    """Generate the demo company's tables.

    Args:
        seed: non-negative seed; the same seed gives identical tables, and every seed plants
            the same effects (``effects.PLANTED_EFFECTS``).
        scale: volume multiplier: 1 gives ≈400k sessions and ≈100k orders; sessions,
            orders, customers, leads, surveys and reviews grow with it, and so do the amounts
            (not the rows) of ``ad_spend`` and ``social``.
        progress: called with a short message after each table.

    Returns:
        The tables by name, with exactly the Arrow types of ``schema.TABLES``.
    """
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    if not np.isfinite(scale) or scale <= 0:
        raise ValueError(f"scale must be a positive number, got {scale!r}")
    report = progress or _silent
    seed = int(seed)
    tables: dict[str, pa.Table] = {}

    def done(name: str, table: pa.Table) -> None:
        tables[name] = table.cast(schema.arrow_schema(name))
        message = f"{name}: {table.num_rows:,} rows"
        logger.debug(message)
        report(message)

    engagement = simulate_engagement(stream(seed, "engagement"))
    done("social", build_social(engagement, stream(seed, "social"), scale))
    media = simulate_paid_media(stream(seed, "ad_spend"), scale)
    done("ad_spend", build_ad_spend(media))
    demand = simulate_demand(stream(seed, "demand"), engagement)

    sessions = simulate_sessions(stream(seed, "sessions"), media, demand, scale)
    media_counts = media_order_counts(
        stream(seed, "media_orders"), daily_media_revenue(media.spend)
    )
    orders = simulate_orders(stream(seed, "orders"), sessions, demand, scale, media_counts)
    done("orders", build_orders(orders))
    leads = simulate_leads(stream(seed, "leads"), scale, orders.acquired_at)
    done("leads", leads.table)
    done("customers", build_customers(stream(seed, "customers"), orders, leads.won_customers))

    tracked = orders.session >= 0
    attach_customers(
        stream(seed, "session_customers"),
        sessions,
        orders.acquired_at,
        orders.loyalty,
        session_of_order=orders.session[tracked],
        customer_of_order=orders.customer[tracked],
    )
    done("sessions", build_sessions(sessions))
    del sessions

    done("surveys", build_surveys(stream(seed, "surveys"), orders, scale))
    done("reviews", build_reviews(stream(seed, "reviews"), orders))
    return {name: tables[name] for name in schema.TABLES}
