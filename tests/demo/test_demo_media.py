"""Planted effect 7: the demo's revenue carries the documented media response.

The weekly spend comes from ``ad_spend`` by SQL; the response is recomputed here from the
documented formula (adstock by an explicit loop, not ``np.convolve``), and the revenue's
dependence on it is checked by a least-squares fit of its own.
"""

from __future__ import annotations

import duckdb
import numpy as np

from kpibridge.demo import PLANTED_EFFECTS
from kpibridge.demo.media import ADSTOCK_WEEKS, MEDIA_RESPONSES, channel_contributions

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


def test_the_revenue_carries_the_media_contributions(full_db: duckdb.DuckDBPyConnection) -> None:
    """Revenue minus the planted media revenue no longer depends on spend; revenue does."""
    spend = _weekly_spend(full_db)
    media = channel_contributions(spend)[1:-1].sum(axis=1)
    rows = full_db.execute(
        "SELECT date_trunc('week', ordered_at), sum(revenue) FROM orders GROUP BY 1 ORDER BY 1"
    ).fetchall()
    revenue = np.array([value for _, value in rows], dtype=float)[1:-1]
    assert 0.3 < media.sum() / revenue.sum() < 0.5  # "about 40% of revenue"
    weeks = np.arange(len(revenue)) / 52.0
    seasonal = [f(2 * np.pi * k * weeks) for k in range(1, 9) for f in (np.sin, np.cos)]
    design = np.column_stack([np.ones(len(revenue)), weeks, *seasonal, media])
    coefficients, *_ = np.linalg.lstsq(design, revenue, rcond=None)
    assert 0.8 < coefficients[-1] < 1.25  # one dollar of planted media revenue per dollar


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
