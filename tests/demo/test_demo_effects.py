"""Each planted effect is found again at scale 1 by a simple computation of its own.

These checks are deliberately naive (plain SQL and a correlation) and independent of the
generator's internals; the analyses in ``evidence`` and ``voice`` should do at least as well.
"""

from __future__ import annotations

import re

import duckdb
import numpy as np
import pytest

from kpibridge.demo import PLANTED_EFFECTS

DELIVERY = re.compile(
    r"\b(deliver\w*|shipping|shipped|courier|package|parcel|arriv\w*|late|lost|damaged|tracking)\b",
    re.IGNORECASE,
)


def _weekly(db: duckdb.DuckDBPyConnection, sql: str) -> np.ndarray:
    """A weekly series from ``sql`` (columns week, value), without the partial end weeks."""
    rows = db.execute(f"SELECT * FROM ({sql}) ORDER BY 1").fetchall()
    return np.array([value for _, value in rows], dtype=float)[1:-1]


def _lagged_correlations(effect: np.ndarray, cause: np.ndarray, lags: range) -> list[float]:
    """corr(effect_t, cause_{t-k}) for each lag k."""
    return [float(np.corrcoef(effect[k:], cause[: len(cause) - k])[0, 1]) for k in lags]


def _ar1_innovations(series: np.ndarray) -> np.ndarray:
    """Residuals of an AR(1) with intercept and linear trend, fitted by least squares."""
    design = np.column_stack([np.ones(len(series) - 1), series[:-1], np.arange(len(series) - 1)])
    coefficients, *_ = np.linalg.lstsq(design, series[1:], rcond=None)
    return series[1:] - design @ coefficients


def test_social_engagement_leads_revenue_by_two_weeks(
    full_db: duckdb.DuckDBPyConnection,
) -> None:
    revenue = _weekly(
        full_db, "SELECT date_trunc('week', ordered_at), sum(revenue) FROM orders GROUP BY 1"
    )
    engagement = _weekly(
        full_db, "SELECT date_trunc('week', date), sum(engagements) FROM social GROUP BY 1"
    )
    assert len(revenue) == len(engagement) == 155
    # Both series lose their first week: differencing and the AR(1) lag.
    revenue_change = np.diff(np.log(revenue))
    innovations = _ar1_innovations(np.log(engagement))
    correlation = _lagged_correlations(revenue_change, innovations, range(5))
    others = [abs(correlation[lag]) for lag in (0, 1, 3, 4)]
    assert correlation[2] > 0.25
    assert correlation[2] > max(others) + 0.1


def test_display_spend_moves_nothing(full_db: duckdb.DuckDBPyConnection) -> None:
    def spend(channel: str) -> np.ndarray:
        return _weekly(
            full_db,
            f"""SELECT date_trunc('week', date), sum(spend) FROM ad_spend
                WHERE channel = '{channel}' GROUP BY 1""",
        )

    def sessions(channel: str) -> np.ndarray:
        return _weekly(
            full_db,
            f"""SELECT date_trunc('week', started_at), count(*) FROM sessions
                WHERE channel = '{channel}' GROUP BY 1""",
        )

    orders = _weekly(
        full_db, "SELECT date_trunc('week', ordered_at), count(*) FROM orders GROUP BY 1"
    )
    display = np.diff(np.log(spend("display")))
    assert np.std(display) > 0.1  # display spend does vary (flights)
    to_orders = _lagged_correlations(np.diff(np.log(orders)), display, range(5))
    assert max(abs(c) for c in to_orders) < 0.25
    (to_own_sessions,) = _lagged_correlations(
        np.diff(np.log(sessions("display"))), display, range(1)
    )
    assert abs(to_own_sessions) < 0.2
    # The contrast: paid search sessions do follow paid search spend.
    (search,) = _lagged_correlations(
        np.diff(np.log(sessions("paid_search"))), np.diff(np.log(spend("paid_search"))), range(1)
    )
    assert search > 0.5


def test_mobile_conversion_drops_in_september_2025(full_db: duckdb.DuckDBPyConnection) -> None:
    rates = dict(
        full_db.execute(
            """SELECT (device, strftime(started_at, '%Y-%m')), avg(converted::INT)
               FROM sessions WHERE started_at >= '2025-07-01' AND started_at < '2025-12-01'
               GROUP BY 1"""
        ).fetchall()
    )

    def ratio(device: str) -> float:
        neighbours = [
            rates[(device, month)] for month in ("2025-07", "2025-08", "2025-10", "2025-11")
        ]
        return rates[(device, "2025-09")] / float(np.mean(neighbours))

    assert 0.45 < ratio("mobile") < 0.75
    assert 0.85 < ratio("desktop") < 1.15


def test_june_17_2025_is_a_three_fold_day(full_db: duckdb.DuckDBPyConnection) -> None:
    days = dict(
        full_db.execute(
            """SELECT ordered_at::DATE::VARCHAR, sum(revenue) FROM orders
               WHERE ordered_at >= '2025-05-17' AND ordered_at < '2025-07-18' GROUP BY 1"""
        ).fetchall()
    )
    spike = days.pop("2025-06-17")
    assert 2.3 < spike / float(np.median(list(days.values()))) < 4.0
    assert spike > 1.8 * max(days.values())


def test_delivery_complaints_surge_in_the_fourth_quarter_of_2025(
    full_db: duckdb.DuckDBPyConnection,
) -> None:
    reviews = full_db.execute(
        "SELECT strftime(posted_at, '%Y-Q') || quarter(posted_at), text, rating FROM reviews"
    ).fetchall()
    by_quarter: dict[str, list[bool]] = {}
    ratings = []
    for quarter, text, rating in reviews:
        about_delivery = bool(DELIVERY.search(text))
        by_quarter.setdefault(quarter, []).append(about_delivery)
        if about_delivery:
            ratings.append(rating)
    share = {quarter: float(np.mean(flags)) for quarter, flags in by_quarter.items()}
    surge = share.pop("2025-Q4")
    assert 0.2 < surge < 0.4
    assert max(share.values()) < 0.1
    assert np.mean(ratings) < 2.5

    comments = full_db.execute(
        """SELECT responded_at >= '2025-10-01' AND responded_at < '2026-01-01', comment
           FROM surveys WHERE comment <> ''"""
    ).fetchall()
    in_surge = [bool(DELIVERY.search(c)) for flag, c in comments if flag]
    outside = [bool(DELIVERY.search(c)) for flag, c in comments if not flag]
    assert np.mean(outside) + 0.02 < np.mean(in_surge) < surge


@pytest.mark.parametrize(
    "mention", ["2 weeks", "display", "2025-09", "2025-06-17", "2025-10-01", "2025-12-31"]
)
def test_the_planted_effects_are_documented(mention: str) -> None:
    assert mention in PLANTED_EFFECTS
