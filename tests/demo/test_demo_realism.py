"""At scale 1 the KPIs look like a real mid-sized e-commerce company's.

The ranges are the spec's realism targets; every figure is computed here in plain SQL.
"""

from __future__ import annotations

import duckdb
import pytest


def _one(db: duckdb.DuckDBPyConnection, sql: str) -> float:
    return db.execute(sql).fetchone()[0]


KPIS = {
    "orders": ("SELECT count(*) FROM orders", 90_000, 110_000),
    "sessions": ("SELECT count(*) FROM sessions", 360_000, 440_000),
    "conversion rate": ("SELECT avg(converted::INT) FROM sessions", 0.02, 0.05),
    "average order value": ("SELECT avg(revenue) FROM orders", 60, 120),
    "customer acquisition cost": (
        "SELECT (SELECT sum(spend) FROM ad_spend) / (SELECT count(*) FROM customers)",
        30,
        80,
    ),
    "return on ad spend": (
        "SELECT (SELECT sum(revenue) FROM orders) / (SELECT sum(spend) FROM ad_spend)",
        2,
        6,
    ),
    "click-through rate": ("SELECT sum(clicks) / sum(impressions) FROM ad_spend", 0.005, 0.03),
    "cost per click": ("SELECT sum(spend) / sum(clicks) FROM ad_spend", 0.5, 3),
    "net promoter score": (
        "SELECT 100 * (avg((nps >= 9)::INT) - avg((nps <= 6)::INT)) FROM surveys",
        20,
        50,
    ),
    "mean CSAT": ("SELECT avg(csat) FROM surveys", 3.8, 4.4),
    "repeat purchase rate": (
        """SELECT avg((n >= 2)::INT)
           FROM (SELECT count(*) AS n FROM orders GROUP BY customer_id)""",
        0.25,
        0.40,
    ),
    "share of orders from tracked sessions": (
        "SELECT (SELECT count(*) FROM sessions WHERE converted) / (SELECT count(*) FROM orders)",
        0.05,
        0.30,
    ),
    "gross margin rate": ("SELECT sum(gross_margin) / sum(revenue) FROM orders", 0.3, 0.5),
    "mean review rating": ("SELECT avg(rating) FROM reviews", 3.5, 4.5),
}


@pytest.mark.parametrize(("sql", "low", "high"), list(KPIS.values()), ids=list(KPIS))
def test_kpi_is_realistic(
    full_db: duckdb.DuckDBPyConnection, sql: str, low: float, high: float
) -> None:
    assert low <= _one(full_db, sql) <= high


def test_some_customers_buy_many_times(full_db: duckdb.DuckDBPyConnection) -> None:
    assert (
        _one(full_db, "SELECT max(n) FROM (SELECT count(*) AS n FROM orders GROUP BY customer_id)")
        >= 10
    )


def test_mobile_converts_worse_than_desktop(full_db: duckdb.DuckDBPyConnection) -> None:
    rates = dict(
        full_db.execute("SELECT device, avg(converted::INT) FROM sessions GROUP BY 1").fetchall()
    )
    assert rates["mobile"] < 0.8 * rates["desktop"]


def test_weekends_sell_more_than_midweek(full_db: duckdb.DuckDBPyConnection) -> None:
    weekend, midweek = full_db.execute(
        """SELECT avg(n) FILTER (dow IN (0, 6)), avg(n) FILTER (dow IN (2, 3, 4))
           FROM (SELECT dayofweek(ordered_at) AS dow, ordered_at::DATE AS d, count(*) AS n
                 FROM orders GROUP BY ALL)"""
    ).fetchone()
    assert weekend > 1.05 * midweek


def test_the_year_peaks_in_the_holidays_and_the_summer(
    full_db: duckdb.DuckDBPyConnection,
) -> None:
    by_month = dict(
        full_db.execute("SELECT month(ordered_at), sum(revenue) FROM orders GROUP BY 1").fetchall()
    )
    assert max(by_month, key=by_month.__getitem__) in (11, 12)
    assert by_month[12] > 1.3 * by_month[2]
    assert by_month[7] > 1.15 * by_month[3]


def test_the_company_grows_mildly(full_db: duckdb.DuckDBPyConnection) -> None:
    first, last = full_db.execute(
        """SELECT sum(revenue) FILTER (ordered_at < '2024-11-01'),
                  sum(revenue) FILTER (ordered_at >= '2025-11-01') FROM orders"""
    ).fetchone()
    assert 1.1 < last / first < 1.6
