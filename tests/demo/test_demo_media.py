"""Planted effect 7: the demo's revenue carries the documented media response.

The weekly spend comes from ``ad_spend`` by SQL; the response is recomputed here from the
documented formula (adstock by an explicit loop, not ``np.convolve``); the media orders are
redrawn from the generator's own stream and found in ``orders``. That a model can find the
response in the weekly revenue is the marketing mix model's recovery test (``tests/mmm``).
"""

from __future__ import annotations

import duckdb
import numpy as np

from kpibridge.demo import PLANTED_EFFECTS, calendar
from kpibridge.demo.marketing import simulate_paid_media
from kpibridge.demo.media import (
    ADSTOCK_WEEKS,
    MEDIA_RESPONSES,
    channel_contributions,
    daily_media_revenue,
    weekly_spend,
)
from kpibridge.demo.orders import media_order_counts
from kpibridge.demo.rng import stream

CHANNELS = [response.channel for response in MEDIA_RESPONSES]


def _weekly_spend(db: duckdb.DuckDBPyConnection) -> np.ndarray:
    columns = ", ".join(f"sum(spend) FILTER (channel = '{c}')" for c in CHANNELS)
    rows = db.execute(
        f"SELECT date_trunc('week', date) AS w, {columns} FROM ad_spend GROUP BY 1 ORDER BY 1"
    ).fetchall()
    return np.array([row[1:] for row in rows], dtype=float)


def _documented_response(spend: np.ndarray, roas: float, decay: float, lam: float) -> np.ndarray:
    """The formula of the demo README, written out plainly."""
    weights = [decay**lag for lag in range(ADSTOCK_WEEKS)]
    carried = np.array(
        [
            sum(weights[lag] * spend[t - lag] for lag in range(ADSTOCK_WEEKS) if t - lag >= 0)
            for t in range(len(spend))
        ]
    ) / sum(weights)
    u = carried / spend.mean()
    shape = (1 - np.exp(-lam * u)) / (1 + np.exp(-lam * u))
    return shape / shape.sum() * roas * spend.sum()


def test_every_channel_returns_exactly_its_planted_roas(full_db: duckdb.DuckDBPyConnection) -> None:
    spend = _weekly_spend(full_db)
    contributions = channel_contributions(spend)
    for column, response in enumerate(MEDIA_RESPONSES):
        expected = _documented_response(
            spend[:, column], response.roas, response.decay, response.saturation
        )
        np.testing.assert_allclose(contributions[:, column], expected, rtol=1e-9, atol=1e-6)
        roas = contributions[:, column].sum() / spend[:, column].sum()
        assert abs(roas - response.roas) < 1e-9
    assert not contributions[:, CHANNELS.index("display")].any()


def test_the_media_orders_carry_the_planted_revenue(full_db: duckdb.DuckDBPyConnection) -> None:
    """The media orders the generator draws (seed 7, scale 1, as ``full_db``) bring the planted
    revenue per channel within Poisson noise, and every one of them is in ``orders``."""
    media = simulate_paid_media(stream(7, "ad_spend"), 1.0)
    np.testing.assert_allclose(_weekly_spend(full_db), weekly_spend(media.spend), atol=0.05)
    counts = media_order_counts(stream(7, "media_orders"), daily_media_revenue(media.spend))
    planted = channel_contributions(weekly_spend(media.spend)).sum(axis=0)
    months = calendar.month()
    basket = 1.0 + 0.12 * np.isin(months, (11, 12)) + 0.05 * np.isin(months, (6, 7))
    expected_revenue = (counts * (88.0 * basket)[:, None]).sum(axis=0)
    for column, channel in enumerate(CHANNELS):
        if planted[column] == 0:
            assert counts[:, column].sum() == 0
            continue
        # ≈ 2,000–9,000 orders per channel: Poisson noise ≈ 1–2%, the anomaly day +0.2%
        assert abs(expected_revenue[column] / planted[column] - 1) < 0.06, channel
    per_channel = dict(
        full_db.execute("SELECT channel, count(*) FROM orders GROUP BY 1").fetchall()
    )
    for column, channel in enumerate(CHANNELS):
        assert per_channel.get(channel, 0) >= counts[:, column].sum()
    media_share = planted.sum() / full_db.execute("SELECT sum(revenue) FROM orders").fetchone()[0]
    assert 0.13 < media_share < 0.19  # "about 16% of revenue"


def test_media_orders_bring_the_planted_revenue(full_db: duckdb.DuckDBPyConnection) -> None:
    """Paid-channel revenue outside tracked sessions rises by the planted media revenue."""
    spend = _weekly_spend(full_db)
    planted = channel_contributions(spend).sum(axis=0)
    by_channel = dict(
        full_db.execute(
            """SELECT channel, sum(revenue) FROM orders
               WHERE channel IN ('paid_search', 'paid_social', 'email', 'affiliate', 'video',
                                 'display')
               GROUP BY 1"""
        ).fetchall()
    )
    for column, channel in enumerate(CHANNELS):
        # orders attributed to a channel include tracked and drawn orders besides media ones
        assert by_channel.get(channel, 0.0) >= 0.97 * planted[column]


def test_the_readme_states_the_planted_media_response() -> None:
    for response in MEDIA_RESPONSES:
        assert f"| {response.channel} | {response.roas:g} | {response.decay:g} |" in PLANTED_EFFECTS
