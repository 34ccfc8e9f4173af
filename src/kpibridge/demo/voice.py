"""Voice of the customer: post-purchase and brand-tracker surveys, and product reviews.

Every response and review has a theme (see ``templates.THEMES``) and a template of that theme;
the template's polarity draws the score — NPS and CSAT for surveys, the star rating for
reviews — so texts and numbers agree. During the delivery surge (planted effect 5) the
delivery theme takes a larger share of reviews and, less so, of survey responses.

* Post-purchase surveys go to about 9% of orders and come back 2–10 days later; they carry
  NPS and CSAT, often a comment (sometimes an empty one), and no brand-awareness question.
* The brand tracker asks a panel of non-identified people whether they know the brand;
  awareness grows slowly over the three years.
* Reviews are posted for about 8% of orders, typically a week or two after the order;
  fit problems are only ever about sized products (apparel, footwear).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kpibridge.demo import calendar, effects
from kpibridge.demo.calendar import FloatArray, IntArray
from kpibridge.demo.catalog import PRODUCT_NAMES, PRODUCTS
from kpibridge.demo.orders import Orders
from kpibridge.demo.sampling import seconds_to_micros
from kpibridge.demo.templates import COMMENT_TEMPLATES, DELIVERY, REVIEW_TEMPLATES, SIZING
from kpibridge.demo.text import compile_bank

_REVIEW_RATE = 0.08
_SURVEY_RATE = 0.09
TRACKER_RESPONSES_AT_SCALE_1 = 4_000
#: Relative weights of the themes other than delivery: quality, sizing, value, service,
#: website, praise (they share what delivery leaves).
_REVIEW_THEMES = np.array([0.11, 0.08, 0.09, 0.05, 0.04, 0.63])
_SURVEY_THEMES = np.array([0.08, 0.04, 0.10, 0.09, 0.06, 0.63])
_COMMENT_SHARE = 0.55
_EMPTY_COMMENT_SHARE = 0.05
#: Score distributions by polarity (rows −1, 0, +1).
_RATING = np.array(
    [[0.35, 0.33, 0.20, 0.09, 0.03], [0.03, 0.12, 0.40, 0.33, 0.12], [0.0, 0.01, 0.04, 0.25, 0.70]]
)
_CSAT = np.array(
    [[0.20, 0.32, 0.28, 0.15, 0.05], [0.03, 0.10, 0.37, 0.38, 0.12], [0.0, 0.01, 0.05, 0.30, 0.64]]
)
_DETRACTOR_SPREAD = np.array([1, 1, 1, 2, 3, 5, 7]) / 20
_NPS = np.array(
    [
        [*(0.72 * _DETRACTOR_SPREAD), 0.12, 0.08, 0.05, 0.03],
        [*(0.25 * _DETRACTOR_SPREAD), 0.22, 0.23, 0.17, 0.13],
        [*(0.05 * _DETRACTOR_SPREAD), 0.08, 0.12, 0.30, 0.45],
    ]
)
_REVIEW_BANK = compile_bank(REVIEW_TEMPLATES)
_COMMENT_BANK = compile_bank(COMMENT_TEMPLATES)
_SIZED = np.flatnonzero([product.sized for product in PRODUCTS])


def _in_surge(micros: IntArray) -> np.ndarray:
    start = effects.DELIVERY_SURGE_START.astype("datetime64[us]").astype(np.int64)
    end = (effects.DELIVERY_SURGE_END + 1).astype("datetime64[us]").astype(np.int64)
    return (micros >= start) & (micros < end)


def _draw_themes(
    rng: np.random.Generator, delivery_share: FloatArray, others: FloatArray
) -> IntArray:
    """Delivery with the given per-row probability, otherwise another theme by ``others``.

    ``others`` weighs the themes after delivery, in ``THEMES`` order.
    """
    draw = rng.random(len(delivery_share))
    cumulative = np.cumsum(others) / others.sum()
    cumulative[-1] = 1.0
    rest = (draw - delivery_share) / (1.0 - delivery_share)
    theme = np.searchsorted(cumulative, rest, side="right")
    return np.where(draw < delivery_share, DELIVERY, theme + 1).astype(np.int64)


def _draw_scores(rng: np.random.Generator, table: FloatArray, polarity: IntArray) -> IntArray:
    """A score per row from the row of ``table`` for its polarity (−1, 0, +1); 0-based."""
    cumulative = np.cumsum(table, axis=1)
    cumulative[:, -1] = 1.0
    draw = rng.random(len(polarity))
    return (draw[:, None] >= cumulative[polarity + 1]).sum(axis=1)


def _follow_orders(
    rng: np.random.Generator, orders: Orders, rate: float, delay_days: FloatArray
) -> tuple[IntArray, IntArray]:
    """Sample orders at ``rate``, each followed ``delay_days`` later (drawn for every order).

    Returns the chosen orders and the follow-up times, in time order, keeping only the
    follow-ups that happen before the data ends.
    """
    chosen = np.flatnonzero(rng.random(len(orders.ordered_at)) < rate)
    at = orders.ordered_at[chosen] + seconds_to_micros(delay_days[chosen] * 86_400.0)
    keep = at <= calendar.END_MICROS
    chosen, at = chosen[keep], at[keep]
    order = np.argsort(at, kind="stable")
    return chosen[order], at[order]


def build_reviews(rng: np.random.Generator, orders: Orders) -> pa.Table:
    """The ``reviews`` table."""
    delay = 2.0 + rng.lognormal(np.log(8.0), 0.5, len(orders.ordered_at))
    chosen, posted_at = _follow_orders(rng, orders, _REVIEW_RATE, delay)
    n = len(chosen)
    delivery_share = np.where(
        _in_surge(posted_at), effects.REVIEW_DELIVERY_SHARE_SURGE, effects.REVIEW_DELIVERY_SHARE
    )
    theme = _draw_themes(rng, delivery_share, _REVIEW_THEMES)
    template = _REVIEW_BANK.choose_templates(rng, theme)
    polarity = _REVIEW_BANK.polarity[template]
    product = np.where(
        theme == SIZING,
        _SIZED[rng.integers(0, len(_SIZED), n)],
        rng.integers(0, len(PRODUCTS), n),
    )
    return pa.table(
        {
            "review_id": pa.array(np.arange(1, n + 1, dtype=np.int64)),
            "posted_at": pa.array(posted_at.view("datetime64[us]")),
            "customer_id": pa.array(orders.customer[chosen] + 1),
            "product": pa.array(PRODUCT_NAMES).take(pa.array(product)),
            "rating": pa.array((_draw_scores(rng, _RATING, polarity) + 1).astype(np.int32)),
            "text": _REVIEW_BANK.compose(rng, template, product),
        }
    )


def build_surveys(rng: np.random.Generator, orders: Orders, scale: float) -> pa.Table:
    """The ``surveys`` table: post-purchase responses and brand-tracker responses."""
    delay = 2.0 + 8.0 * rng.random(len(orders.ordered_at))
    chosen, purchase_at = _follow_orders(rng, orders, _SURVEY_RATE, delay)
    tracker_days = np.repeat(
        np.arange(calendar.N_DAYS),
        rng.poisson(TRACKER_RESPONSES_AT_SCALE_1 * scale / calendar.N_DAYS, calendar.N_DAYS),
    )
    tracker_at = calendar.instants(rng, tracker_days)
    responded_at = np.concatenate([purchase_at, tracker_at])
    customer = np.concatenate([orders.customer[chosen] + 1, np.zeros(len(tracker_at), np.int64)])
    is_tracker = np.arange(len(responded_at)) >= len(purchase_at)
    order = np.argsort(responded_at, kind="stable")
    responded_at, customer, is_tracker = responded_at[order], customer[order], is_tracker[order]
    n = len(responded_at)

    delivery_share = np.where(
        _in_surge(responded_at), effects.SURVEY_DELIVERY_SHARE_SURGE, effects.SURVEY_DELIVERY_SHARE
    )
    theme = _draw_themes(rng, delivery_share, _SURVEY_THEMES)
    template = _COMMENT_BANK.choose_templates(rng, theme)
    polarity = _COMMENT_BANK.polarity[template]
    nps = _draw_scores(rng, _NPS, polarity)
    csat = _draw_scores(rng, _CSAT, polarity) + 1
    product = rng.integers(0, len(PRODUCTS), n)
    comment = _COMMENT_BANK.compose(rng, template, product)
    comment_draw = rng.random(n)
    has_comment = ~is_tracker & (comment_draw < _COMMENT_SHARE)
    empty = ~is_tracker & ~has_comment & (comment_draw > 1.0 - _EMPTY_COMMENT_SHARE)
    comment = pc.if_else(pa.array(empty), pa.scalar(""), comment)
    progress = (responded_at - calendar.START_MICROS) / (
        calendar.END_MICROS - calendar.START_MICROS
    )
    aware = rng.random(n) < 0.30 + 0.12 * progress
    return pa.table(
        {
            "response_id": pa.array(np.arange(1, n + 1, dtype=np.int64)),
            "responded_at": pa.array(responded_at.view("datetime64[us]")),
            "customer_id": pa.array(customer, mask=is_tracker),
            "nps": pa.array(nps.astype(np.int32), mask=is_tracker | (rng.random(n) > 0.92)),
            "csat": pa.array(csat.astype(np.int32), mask=is_tracker | (rng.random(n) > 0.95)),
            "aware_of_brand": pa.array(aware, mask=~is_tracker),
            "comment": _with_nulls(comment, ~(has_comment | empty)),
        }
    )


def _with_nulls(values: pa.Array, null: np.ndarray) -> pa.Array:
    """``values`` with NULL where ``null`` is true."""
    return pc.if_else(pa.array(null), pa.scalar(None, pa.string()), values)
