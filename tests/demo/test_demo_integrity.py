"""Referential integrity and value ranges, checked by independent SQL on the warehouse.

Each query counts violations; every one must count zero.
"""

from __future__ import annotations

import duckdb
import pytest

VIOLATIONS = {
    "order without customer": """
        SELECT count(*) FROM orders o ANTI JOIN customers c USING (customer_id)""",
    "customer without order": """
        SELECT count(*) FROM customers c ANTI JOIN orders o USING (customer_id)""",
    "acquired_at is not the first order": """
        SELECT count(*) FROM customers c
        JOIN (SELECT customer_id, min(ordered_at) AS first FROM orders GROUP BY 1) f
          USING (customer_id)
        WHERE c.acquired_at <> f.first""",
    "acquisition_channel is not the first order's": """
        SELECT count(*) FROM customers c
        JOIN (SELECT customer_id, arg_min(channel, order_id) AS channel
              FROM orders GROUP BY 1) f USING (customer_id)
        WHERE c.acquisition_channel <> f.channel""",
    "won lead without customer": """
        SELECT count(*) FROM leads l
        WHERE won_at IS NOT NULL
          AND (customer_id IS NULL
               OR customer_id NOT IN (SELECT customer_id FROM customers))""",
    "customer on a lead that was not won": """
        SELECT count(*) FROM leads WHERE won_at IS NULL AND customer_id IS NOT NULL""",
    "funnel out of order": """
        SELECT count(*) FROM leads
        WHERE mql_at < created_at OR sql_at < mql_at OR won_at < sql_at
           OR (sql_at IS NOT NULL AND mql_at IS NULL)
           OR (won_at IS NOT NULL AND sql_at IS NULL)""",
    "MQL more than 10 days after creation": """
        SELECT count(*) FROM leads WHERE mql_at > created_at + INTERVAL 10 DAY""",
    "SQL more than 45 days after MQL": """
        SELECT count(*) FROM leads WHERE sql_at > mql_at + INTERVAL 45 DAY""",
    "session of an unknown customer": """
        SELECT count(*) FROM sessions s
        WHERE customer_id IS NOT NULL
          AND customer_id NOT IN (SELECT customer_id FROM customers)""",
    "converted session without customer": """
        SELECT count(*) FROM sessions WHERE converted AND customer_id IS NULL""",
    "logged-in session before the customer existed": """
        SELECT count(*) FROM sessions s JOIN customers c USING (customer_id)
        WHERE NOT s.converted AND s.started_at < c.acquired_at""",
    "review or survey of an unknown customer": """
        SELECT (SELECT count(*) FROM reviews ANTI JOIN customers USING (customer_id))
             + (SELECT count(*) FROM surveys s WHERE customer_id IS NOT NULL
                AND customer_id NOT IN (SELECT customer_id FROM customers))""",
    "review before the customer's first order": """
        SELECT count(*) FROM reviews r JOIN customers c USING (customer_id)
        WHERE r.posted_at < c.acquired_at""",
    "duplicate ids": """
        SELECT (SELECT count(*) - count(DISTINCT session_id) FROM sessions)
             + (SELECT count(*) - count(DISTINCT order_id) FROM orders)
             + (SELECT count(*) - count(DISTINCT customer_id) FROM customers)
             + (SELECT count(*) - count(DISTINCT lead_id) FROM leads)
             + (SELECT count(*) - count(DISTINCT response_id) FROM surveys)
             + (SELECT count(*) - count(DISTINCT review_id) FROM reviews)""",
    "ad_spend not one row per day and campaign": """
        SELECT count(*) FROM (SELECT date, campaign FROM ad_spend GROUP BY ALL
                              HAVING count(*) > 1)
        UNION ALL SELECT 1096 * 14 - count(*) FROM ad_spend""",
    "social not one row per day and platform": """
        SELECT 1096 * 4 - count(DISTINCT (date, platform)) FROM social""",
    "session campaign not a campaign of its channel": """
        SELECT count(*) FROM sessions s
        WHERE campaign IS NOT NULL
          AND (channel, campaign) NOT IN (SELECT DISTINCT channel, campaign FROM ad_spend)""",
    "paid session without campaign, or organic with one": """
        SELECT count(*) FROM sessions
        WHERE (campaign IS NULL) = (channel IN (SELECT channel FROM ad_spend))""",
    "value out of range": """
        SELECT (SELECT count(*) FROM surveys WHERE nps NOT BETWEEN 0 AND 10
                                              OR csat NOT BETWEEN 1 AND 5)
             + (SELECT count(*) FROM reviews WHERE rating NOT BETWEEN 1 AND 5 OR text = '')
             + (SELECT count(*) FROM orders WHERE revenue <= 0 OR gross_margin <= 0
                                             OR gross_margin >= revenue)
             + (SELECT count(*) FROM ad_spend WHERE spend < 0 OR clicks < 0
                                               OR clicks > impressions)
             + (SELECT count(*) FROM social WHERE engagements > impressions
                                             OR brand_mentions < 0 OR followers <= 0)
             + (SELECT count(*) FROM sessions
                WHERE device NOT IN ('desktop', 'mobile', 'tablet'))""",
    "followers decrease": """
        SELECT count(*) FROM (
            SELECT followers < lag(followers) OVER (PARTITION BY platform ORDER BY date) AS down
            FROM social) WHERE down""",
}


@pytest.mark.parametrize("query", list(VIOLATIONS.values()), ids=list(VIOLATIONS))
def test_no_violations(small_db: duckdb.DuckDBPyConnection, query: str) -> None:
    assert all(row[0] == 0 for row in small_db.execute(query).fetchall())


def test_the_vocabularies_are_the_specified_ones(small_db: duckdb.DuckDBPyConnection) -> None:
    def distinct(sql: str) -> set[str]:
        return {row[0] for row in small_db.execute(sql).fetchall()}

    assert distinct("SELECT DISTINCT channel FROM ad_spend") == {
        "paid_search",
        "paid_social",
        "display",
        "email",
        "affiliate",
        "video",
    }
    campaigns = small_db.execute(
        "SELECT channel, count(DISTINCT campaign) FROM ad_spend GROUP BY 1"
    ).fetchall()
    assert all(2 <= count <= 3 for _, count in campaigns)
    assert distinct("SELECT DISTINCT platform FROM social") == {
        "instagram",
        "tiktok",
        "facebook",
        "linkedin",
    }
    assert distinct("SELECT DISTINCT device FROM sessions") == {"desktop", "mobile", "tablet"}


def test_the_funnel_is_spread_so_a_30_day_window_matters(
    small_db: duckdb.DuckDBPyConnection,
) -> None:
    mql, sql, won, late = small_db.execute(
        """SELECT avg((mql_at IS NOT NULL)::INT), avg((sql_at IS NOT NULL)::INT),
                  avg((won_at IS NOT NULL)::INT),
                  avg((sql_at > mql_at + INTERVAL 30 DAY)::INT) FILTER (sql_at IS NOT NULL)
           FROM leads"""
    ).fetchone()
    assert 0.2 < mql < 0.6
    assert 0.05 < sql < mql
    assert 0.0 < won < sql
    assert 0.08 < late < 0.4


def test_some_survey_comments_are_null_and_some_empty(
    small_db: duckdb.DuckDBPyConnection,
) -> None:
    null, empty, text = small_db.execute(
        """SELECT count(*) FILTER (comment IS NULL), count(*) FILTER (comment = ''),
                  count(*) FILTER (comment <> '') FROM surveys"""
    ).fetchone()
    assert null > 0
    assert empty > 0
    assert text > null / 10
    assert small_db.execute(
        "SELECT count(*) FROM surveys WHERE comment LIKE '%{%' OR comment LIKE '%}%'"
    ).fetchone() == (0,)
