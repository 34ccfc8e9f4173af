"""Benchmark: the full scorecard against hand-written DuckDB SQL and against plain pandas.

Three ways to compute every KPI of the library at its review grain for the latest 13
complete periods, on the demo warehouse at ``--scale`` (50 ≈ 5M orders, 20M sessions):

* **kpibridge** — ``Workspace.open(dir).scorecard()``, end to end, a fresh workspace each run;
* **floor** — one hand-written DuckDB query per table (orders, customers, sessions,
  ad_spend, leads, social, surveys) after one query for the last data day, then the few
  divisions in Python: what a competent engineer would write for exactly these numbers;
* **pandas (naive)** — the tables read into pandas (timed apart), then groupby and masks as
  an analyst would write it, followed by the same divisions: a labelled reference point, not a
  goal (the strong peer, Polars, is in ``polars_kpis.py``).

Each approach runs in its own child process (this script with ``--only``) so that its peak
memory (``VmHWM``) is its own. The parent checks that the three agree on every KPI value
of every period (relative difference ≤ 1e-6) — the benchmark is void otherwise and exits 1 —
then prints the median and range of times and of the per-round ratios to the floor, peak
memory, the load average, and the goals of issue 20: scorecard ≤ 1.2 × floor (median),
scorecard peak memory < 2 GB.

    .venv/bin/python benchmarks/metrics.py                 # scale 50, 3 runs each
    .venv/bin/python benchmarks/metrics.py --scale 2 --repeat 1 --skip-pandas
    .venv/bin/python benchmarks/metrics.py --quick         # scale 0.1, 1 round

The baselines know this KPI library by heart (that is the point of a hand-written baseline):
a KPI added to the library without a baseline here makes the benchmark fail, not skip it.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

HISTORY_PERIODS = 13
RELATIVE_TOLERANCE = 1e-6
GOAL_FLOOR_RATIO = 1.2
GOAL_MEMORY_MB = 2048.0
APPROACHES = ("floor", "kpibridge", "pandas")
WAREHOUSE = Path("data") / "warehouse.duckdb"
TIME_COLUMNS = {
    "orders": "ordered_at",
    "customers": "acquired_at",
    "sessions": "started_at",
    "ad_spend": "date",
    "leads": "created_at",
    "social": "date",
    "surveys": "responded_at",
}

VOICE_CLOCK = ("voice_texts", "posted_at")
"""Scored texts end at their own last day (``kpibridge voice score`` runs on its own schedule),
so their KPIs have their own latest period, as kpibridge reads them per model."""
VOICE_KPIS = frozenset({"sentiment_index", "theme_share_delivery"})
CONVERSION_WINDOW_DAYS = {"mql_to_sql": 30}
"""Conversion KPIs: a period is complete only once its window has closed after the period ends
(model/completeness.py), so their latest period is judged from the last day minus the window."""

Measures = dict[str, dict[date, float]]
"""Base measures of both baselines: name (``revenue_m``, ``spend_w`` …) → period → value."""


# -- calendar (independent of kpibridge.metrics.grains: the baselines are oracles) ---------


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_start(day: date, grain: str) -> date:
    if grain == "week":
        return day - timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    if grain == "quarter":
        return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    raise ValueError(f"no baseline for grain {grain!r}")


def shift(start: date, periods: int, grain: str) -> date:
    if grain == "week":
        return start + timedelta(weeks=periods)
    return add_months(start, periods * (3 if grain == "quarter" else 1))


@dataclass(frozen=True)
class Calendar:
    """The latest complete period of each grain, given the last day with data."""

    last_day: date

    def latest(self, grain: str) -> date:
        start = period_start(self.last_day, grain)
        if shift(start, 1, grain) - timedelta(days=1) <= self.last_day:
            return start
        return shift(start, -1, grain)

    def periods(self, grain: str) -> list[date]:
        """The scorecard's periods: the latest complete one and the 12 before it."""
        latest = self.latest(grain)
        return [shift(latest, -back, grain) for back in range(HISTORY_PERIODS - 1, -1, -1)]

    def first(self, grain: str) -> date:
        return self.periods(grain)[0]

    def end(self, grain: str) -> date:
        """The day after the latest complete period (exclusive end)."""
        return shift(self.latest(grain), 1, grain)

    def ttm_months(self) -> list[date]:
        """Months whose trailing 12 months the scorecard needs: every month of the history,
        and the last month of every quarter (a quarter's window ends with its last month)."""
        quarter_ends = (add_months(q, 2) for q in self.periods("quarter"))
        return sorted({*self.periods("month"), *quarter_ends})


# -- the KPIs from base measures: the "few divisions in Python" ----------------------------


@dataclass(frozen=True)
class Lookup:
    """Base measures by name and period, read the way kpibridge combines them."""

    measures: Measures

    def value(self, name: str, period: date) -> float | None:
        """None when the period has no rows."""
        return self.measures.get(name, {}).get(period)

    def amount(self, name: str, period: date) -> float:
        """A sum or count: 0 when the period has no rows (kpibridge's outer joins do this)."""
        return self.measures.get(name, {}).get(period, 0.0)


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


def minus(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a - b


def _retention(m: Lookup, p: date) -> float | None:
    returning = minus(m.value("buyers_q", p), m.amount("new_customers_q", p))
    return ratio(returning, m.value("buyers_q", add_months(p, -3)))


def _historical_clv(m: Lookup, p: date) -> float | None:
    last_month = add_months(p, 2)  # a quarter's 12-month window ends with its last month
    return ratio(m.value("gross_margin_ttm_m", last_month), m.value("buyers_ttm_m", last_month))


def _cac(m: Lookup, p: date, grain: str) -> float | None:
    suffix = grain[0]
    return ratio(m.amount(f"spend_{suffix}", p), m.amount(f"new_customers_{suffix}", p))


def _predicted_clv(m: Lookup, p: date) -> float | None:
    return ratio(m.value("predicted_clv_q", p), m.amount("valued_customers_q", p))


Formula = Callable[[Lookup, date], float | None]

BASELINE_KPIS: dict[str, tuple[str, Formula]] = {
    "aov": ("month", lambda m, p: ratio(m.amount("revenue_m", p), m.amount("orders_m", p))),
    "brand_awareness": (
        "quarter",
        lambda m, p: ratio(m.amount("aware_q", p), m.amount("awareness_responses_q", p)),
    ),
    "buyers_ttm": ("month", lambda m, p: m.value("buyers_ttm_m", p)),
    "cac": ("month", lambda m, p: _cac(m, p, "month")),
    "churn_rate": ("quarter", lambda m, p: minus(1.0, _retention(m, p))),
    "clv_to_cac": ("quarter", lambda m, p: ratio(_historical_clv(m, p), _cac(m, p, "quarter"))),
    "conversion_rate": (
        "week",
        lambda m, p: ratio(m.amount("converted_sessions_w", p), m.amount("sessions_w", p)),
    ),
    "cost_per_lead": ("month", lambda m, p: ratio(m.amount("spend_m", p), m.amount("leads_m", p))),
    "cpc": ("week", lambda m, p: ratio(m.amount("spend_w", p), m.amount("clicks_w", p))),
    "csat": (
        "month",
        lambda m, p: ratio(m.amount("satisfied_m", p), m.amount("csat_responses_m", p)),
    ),
    "ctr": ("week", lambda m, p: ratio(m.amount("clicks_w", p), m.amount("impressions_w", p))),
    "engagement_rate": (
        "week",
        lambda m, p: ratio(m.amount("engagements_w", p), m.amount("social_impressions_w", p)),
    ),
    "gross_margin_ttm": ("month", lambda m, p: m.value("gross_margin_ttm_m", p)),
    "historical_clv": ("quarter", _historical_clv),
    "leads": ("week", lambda m, p: m.value("leads_w", p)),
    "marketing_roi": (
        "quarter",
        lambda m, p: ratio(
            m.amount("gross_margin_q", p) - m.amount("spend_q", p), m.amount("spend_q", p)
        ),
    ),
    "mql_to_sql": (
        "month",
        lambda m, p: ratio(m.value("mqls_converted_m", p), m.value("mqls_m", p)),
    ),
    "new_customers": ("month", lambda m, p: m.value("new_customers_m", p)),
    "nps": (
        "month",
        lambda m, p: ratio(
            100 * (m.amount("promoters_m", p) - m.amount("detractors_m", p)),
            m.amount("nps_responses_m", p),
        ),
    ),
    "orders": ("month", lambda m, p: m.value("orders_m", p)),
    "repeat_purchase_rate": (
        "month",
        lambda m, p: ratio(
            minus(m.value("buyers_m", p), m.amount("new_customers_m", p)), m.value("buyers_m", p)
        ),
    ),
    "retention_rate": ("quarter", _retention),
    "revenue": ("month", lambda m, p: m.value("revenue_m", p)),
    "revenue_growth_yoy": (
        "month",
        lambda m, p: minus(
            ratio(m.amount("revenue_m", p), m.value("revenue_m", add_months(p, -12))), 1.0
        ),
    ),
    "revenue_ytd": ("month", lambda m, p: m.value("revenue_ytd_m", p)),
    "roas": ("month", lambda m, p: ratio(m.amount("revenue_m", p), m.amount("spend_m", p))),
    "sessions": ("week", lambda m, p: m.value("sessions_w", p)),
    "share_of_voice": (
        "month",
        lambda m, p: ratio(m.amount("brand_mentions_m", p), m.amount("category_mentions_m", p)),
    ),
    "social_engagements": ("week", lambda m, p: m.value("engagements_w", p)),
    "spend": ("month", lambda m, p: m.value("spend_m", p)),
    "predicted_clv": ("quarter", lambda m, p: _predicted_clv(m, p)),
    "predicted_clv_to_cac": (
        "quarter",
        lambda m, p: ratio(_predicted_clv(m, p), _cac(m, p, "quarter")),
    ),
    "sentiment_index": (
        "month",
        lambda m, p: ratio(
            100 * (m.amount("positive_texts_m", p) - m.amount("negative_texts_m", p)),
            m.amount("voice_texts_m", p),
        ),
    ),
    # the demo pins one theme (voice.yaml), which writes this KPI; other pins need a line here
    "theme_share_delivery": (
        "month",
        lambda m, p: ratio(m.amount("theme_delivery_m", p), m.amount("voice_texts_m", p)),
    ),
}
"""KPI → (its review grain, its value for one period from the base measures): the library's
definitions (``kpis/*.yaml``) written out by hand."""


def kpis_from_measures(
    measures: Measures, calendar: Calendar, voice: Calendar
) -> dict[str, dict[str, Any]]:
    """Every KPI over its 13 periods, in the form the children report."""
    lookup = Lookup(measures)
    result = {}
    for kpi, (grain, formula) in BASELINE_KPIS.items():
        clock = voice if kpi in VOICE_KPIS else calendar
        if kpi in CONVERSION_WINDOW_DAYS:
            clock = Calendar(clock.last_day - timedelta(days=CONVERSION_WINDOW_DAYS[kpi]))
        result[kpi] = {
            "grain": grain,
            "period": clock.latest(grain).isoformat(),
            "history": {p.isoformat(): formula(lookup, p) for p in clock.periods(grain)},
        }
    return result


# -- (2) the floor: one hand-written DuckDB query per table --------------------------------


def _ts(day: date) -> str:
    return f"TIMESTAMP '{day.isoformat()}'"


def _d(day: date) -> str:
    return f"DATE '{day.isoformat()}'"


def orders_sql(c: Calendar) -> str:
    """Orders: revenue, orders and buyers by month (a year back for year-ago revenue), buyers
    and margin by quarter (one back for previous()), year-to-date revenue, and the trailing
    12 months of margin and of distinct buyers.

    Distinct buyers over a trailing window is the one costly number. Written the way of
    "gaps and islands": a purchase month keeps its customer counted for 12 months or until
    the customer's next purchase month, whichever comes first; the running sum of those
    starts and ends is the count, for every month at once.
    """
    m0, q0 = c.first("month"), c.first("quarter")
    ttm = c.ttm_months()
    first = min(add_months(m0, -12), add_months(ttm[0], -11), add_months(q0, -3))
    spine = ", ".join(_d(month) for month in ttm)
    return f"""
    WITH monthly AS MATERIALIZED (
        SELECT CAST(date_trunc('month', ordered_at) AS DATE) AS month, sum(revenue) AS revenue,
               count(*) AS orders, sum(gross_margin) AS gross_margin
        FROM orders
        WHERE ordered_at >= {_ts(first)} AND ordered_at < {_ts(c.end("month"))}
        GROUP BY month
    ),
    buyer_months AS MATERIALIZED (
        SELECT DISTINCT customer_id, CAST(date_trunc('month', ordered_at) AS DATE) AS month
        FROM orders
        WHERE ordered_at >= {_ts(first)} AND ordered_at < {_ts(c.end("month"))}
    ),
    counted AS (
        SELECT month AS since,
               least(month + INTERVAL 12 MONTH,
                     lead(month, 1, DATE '9999-12-01') OVER (
                         PARTITION BY customer_id ORDER BY month)) AS until
        FROM buyer_months
    ),
    changes AS (
        SELECT since AS month, count(*) AS change FROM counted GROUP BY since
        UNION ALL SELECT CAST(until AS DATE), -count(*) FROM counted GROUP BY until
    ),
    buyers_ttm AS (
        SELECT month, sum(sum(change)) OVER (ORDER BY month) AS buyers
        FROM changes GROUP BY month
    ),
    spine AS (SELECT unnest([{spine}]) AS period)
    SELECT 'revenue_m' AS measure, month AS period, revenue AS value
        FROM monthly WHERE month >= {_d(add_months(m0, -12))}
    UNION ALL SELECT 'orders_m', month, orders FROM monthly WHERE month >= {_d(m0)}
    UNION ALL SELECT 'revenue_ytd_m', month, ytd FROM (
            SELECT month, sum(revenue) OVER (PARTITION BY year(month) ORDER BY month) AS ytd
            FROM monthly)
        WHERE month >= {_d(m0)}
    UNION ALL SELECT 'buyers_m', month, count(*)
        FROM buyer_months WHERE month >= {_d(m0)} GROUP BY month
    UNION ALL SELECT 'buyers_q', CAST(date_trunc('quarter', month) AS DATE) AS q,
            count(DISTINCT customer_id)
        FROM buyer_months
        WHERE month >= {_d(add_months(q0, -3))} AND month < {_d(c.end("quarter"))}
        GROUP BY q
    UNION ALL SELECT 'gross_margin_q', CAST(date_trunc('quarter', month) AS DATE) AS q,
            sum(gross_margin)
        FROM monthly WHERE month >= {_d(q0)} AND month < {_d(c.end("quarter"))} GROUP BY q
    UNION ALL SELECT 'gross_margin_ttm_m', spine.period, sum(monthly.gross_margin)
        FROM spine JOIN monthly
          ON monthly.month > spine.period - INTERVAL 12 MONTH AND monthly.month <= spine.period
        GROUP BY spine.period
    UNION ALL SELECT 'buyers_ttm_m', spine.period, b.buyers
        FROM spine ASOF JOIN buyers_ttm AS b ON spine.period >= b.month
        WHERE b.buyers > 0
    """


def customers_sql(c: Calendar) -> str:
    q0, m0 = c.first("quarter"), c.first("month")
    return f"""
    WITH monthly AS MATERIALIZED (
        SELECT CAST(date_trunc('month', acquired_at) AS DATE) AS month, count(*) AS customers
        FROM customers
        WHERE acquired_at >= {_ts(min(q0, m0))} AND acquired_at < {_ts(c.end("month"))}
        GROUP BY month
    )
    SELECT 'new_customers_m' AS measure, month AS period, customers AS value
        FROM monthly WHERE month >= {_d(m0)}
    UNION ALL SELECT 'new_customers_q', CAST(date_trunc('quarter', month) AS DATE) AS q,
            sum(customers)
        FROM monthly WHERE month >= {_d(q0)} AND month < {_d(c.end("quarter"))} GROUP BY q
    """


def sessions_sql(c: Calendar) -> str:
    return f"""
    WITH weekly AS MATERIALIZED (
        SELECT CAST(date_trunc('week', started_at) AS DATE) AS week, count(*) AS sessions,
               count(*) FILTER (WHERE converted) AS converted
        FROM sessions
        WHERE started_at >= {_ts(c.first("week"))} AND started_at < {_ts(c.end("week"))}
        GROUP BY week
    )
    SELECT 'sessions_w' AS measure, week AS period, sessions AS value FROM weekly
    UNION ALL SELECT 'converted_sessions_w', week, converted FROM weekly
    """


def ad_spend_sql(c: Calendar) -> str:
    return f"""
    WITH weekly AS MATERIALIZED (
        SELECT CAST(date_trunc('week', date) AS DATE) AS week, sum(spend) AS spend,
               sum(clicks) AS clicks, sum(impressions) AS impressions
        FROM ad_spend WHERE date >= {_d(c.first("week"))} AND date < {_d(c.end("week"))}
        GROUP BY week
    )
    SELECT 'spend_m' AS measure, CAST(date_trunc('month', date) AS DATE) AS period,
            sum(spend) AS value
        FROM ad_spend WHERE date >= {_d(c.first("month"))} AND date < {_d(c.end("month"))}
        GROUP BY period
    UNION ALL SELECT 'spend_q', CAST(date_trunc('quarter', date) AS DATE) AS q, sum(spend)
        FROM ad_spend WHERE date >= {_d(c.first("quarter"))} AND date < {_d(c.end("quarter"))}
        GROUP BY q
    UNION ALL SELECT 'spend_w', week, spend FROM weekly
    UNION ALL SELECT 'clicks_w', week, clicks FROM weekly
    UNION ALL SELECT 'impressions_w', week, impressions FROM weekly
    """


def leads_sql(c: Calendar) -> str:
    m0, m_end = c.first("month"), c.end("month")
    # MQLs from a month earlier: the conversion KPI's periods end a window before the others
    return f"""
    WITH mqls AS MATERIALIZED (
        SELECT CAST(date_trunc('month', mql_at) AS DATE) AS month, count(*) AS mqls,
               count(*) FILTER (WHERE sql_at BETWEEN mql_at AND mql_at + INTERVAL 30 DAY)
                   AS converted
        FROM leads WHERE mql_at >= {_ts(shift(m0, -1, 'month'))} AND mql_at < {_ts(m_end)}
        GROUP BY month
    )
    SELECT 'leads_m' AS measure, CAST(date_trunc('month', created_at) AS DATE) AS period,
            count(*) AS value
        FROM leads WHERE created_at >= {_ts(m0)} AND created_at < {_ts(m_end)}
        GROUP BY period
    UNION ALL SELECT 'leads_w', CAST(date_trunc('week', created_at) AS DATE) AS w, count(*)
        FROM leads
        WHERE created_at >= {_ts(c.first("week"))} AND created_at < {_ts(c.end("week"))}
        GROUP BY w
    UNION ALL SELECT 'mqls_m', month, mqls FROM mqls
    UNION ALL SELECT 'mqls_converted_m', month, converted FROM mqls
    """


def social_sql(c: Calendar) -> str:
    return f"""
    WITH weekly AS MATERIALIZED (
        SELECT CAST(date_trunc('week', date) AS DATE) AS week,
               sum(engagements) AS engagements, sum(impressions) AS impressions
        FROM social WHERE date >= {_d(c.first("week"))} AND date < {_d(c.end("week"))}
        GROUP BY week
    ),
    monthly AS MATERIALIZED (
        SELECT CAST(date_trunc('month', date) AS DATE) AS month,
               sum(brand_mentions) AS brand, sum(category_mentions) AS category
        FROM social WHERE date >= {_d(c.first("month"))} AND date < {_d(c.end("month"))}
        GROUP BY month
    )
    SELECT 'engagements_w' AS measure, week AS period, engagements AS value FROM weekly
    UNION ALL SELECT 'social_impressions_w', week, impressions FROM weekly
    UNION ALL SELECT 'brand_mentions_m', month, brand FROM monthly
    UNION ALL SELECT 'category_mentions_m', month, category FROM monthly
    """


def surveys_sql(c: Calendar) -> str:
    m0, q0 = c.first("month"), c.first("quarter")
    return f"""
    WITH monthly AS MATERIALIZED (
        SELECT CAST(date_trunc('month', responded_at) AS DATE) AS month,
               count(*) FILTER (WHERE csat >= 4) AS satisfied, count(csat) AS csat_responses,
               count(*) FILTER (WHERE nps >= 9) AS promoters,
               count(*) FILTER (WHERE nps <= 6) AS detractors, count(nps) AS nps_responses,
               count(*) FILTER (WHERE aware_of_brand) AS aware,
               count(aware_of_brand) AS awareness_responses
        FROM surveys
        WHERE responded_at >= {_ts(min(m0, q0))} AND responded_at < {_ts(c.end("month"))}
        GROUP BY month
    ),
    recent AS (SELECT * FROM monthly WHERE month >= {_d(m0)}),
    quarterly AS (
        SELECT CAST(date_trunc('quarter', month) AS DATE) AS quarter, sum(aware) AS aware,
               sum(awareness_responses) AS responses
        FROM monthly WHERE month >= {_d(q0)} AND month < {_d(c.end("quarter"))}
        GROUP BY quarter
    )
    SELECT 'satisfied_m' AS measure, month AS period, satisfied AS value FROM recent
    UNION ALL SELECT 'csat_responses_m', month, csat_responses FROM recent
    UNION ALL SELECT 'promoters_m', month, promoters FROM recent
    UNION ALL SELECT 'detractors_m', month, detractors FROM recent
    UNION ALL SELECT 'nps_responses_m', month, nps_responses FROM recent
    UNION ALL SELECT 'aware_q', quarter, aware FROM quarterly
    UNION ALL SELECT 'awareness_responses_q', quarter, responses FROM quarterly
    """


def customer_value_sql(c: Calendar) -> str:
    """Predicted CLV by acquisition quarter (written by ``kpibridge clv refresh``)."""
    q0 = c.first("quarter")
    return f"""
    WITH quarterly AS (
        SELECT CAST(date_trunc('quarter', acquired_at) AS DATE) AS quarter,
               sum(clv) AS clv, count(*) AS customers
        FROM customer_value
        WHERE acquired_at >= {_ts(q0)} AND acquired_at < {_ts(c.end("quarter"))}
        GROUP BY quarter
    )
    SELECT 'predicted_clv_q' AS measure, quarter AS period, clv AS value FROM quarterly
    UNION ALL SELECT 'valued_customers_q', quarter, customers FROM quarterly
    """


def voice_texts_sql(c: Calendar) -> str:
    """Scored texts by month: all, positive, negative, and the pinned theme ``delivery``."""
    m0 = c.first("month")
    return f"""
    WITH monthly AS (
        SELECT CAST(date_trunc('month', posted_at) AS DATE) AS month, count(*) AS texts,
               count(*) FILTER (WHERE sentiment >= 0.05) AS positive,
               count(*) FILTER (WHERE sentiment <= -0.05) AS negative,
               count(*) FILTER (WHERE theme = 'delivery') AS delivery
        FROM voice_texts
        WHERE posted_at >= {_ts(m0)} AND posted_at < {_ts(c.end("month"))}
        GROUP BY month
    )
    SELECT 'voice_texts_m' AS measure, month AS period, texts AS value FROM monthly
    UNION ALL SELECT 'positive_texts_m', month, positive FROM monthly
    UNION ALL SELECT 'negative_texts_m', month, negative FROM monthly
    UNION ALL SELECT 'theme_delivery_m', month, delivery FROM monthly
    """


FLOOR_QUERIES: dict[str, Callable[[Calendar], str]] = {
    "orders": orders_sql,
    "customers": customers_sql,
    "sessions": sessions_sql,
    "ad_spend": ad_spend_sql,
    "leads": leads_sql,
    "social": social_sql,
    "surveys": surveys_sql,
    "customer_value": customer_value_sql,
    "voice_texts": voice_texts_sql,
}


def last_days_sql() -> str:
    return " UNION ALL ".join(
        f"SELECT '{table}', CAST(max({column}) AS DATE) FROM {table}"
        for table, column in [*TIME_COLUMNS.items(), VOICE_CLOCK]
    )


def common_last_day(last_days: dict[str, date]) -> date:
    """The baselines assume every table ends on the same day (the demo's do)."""
    if len(set(last_days.values())) != 1:
        raise SystemExit(f"the baselines need tables that end on the same day: {last_days}")
    return next(iter(last_days.values()))


def run_floor(warehouse: Path) -> tuple[dict[str, dict[str, Any]], int]:
    """The floor: one query for the last day, one per table, then the divisions."""
    connection = duckdb.connect(str(warehouse), read_only=True)
    try:
        last_days = dict(connection.execute(last_days_sql()).fetchall())
        voice = Calendar(last_days.pop(VOICE_CLOCK[0]))
        calendar = Calendar(common_last_day(last_days))
        measures: Measures = {}
        for table, build_sql in FLOOR_QUERIES.items():
            clock = voice if table == VOICE_CLOCK[0] else calendar
            for measure, period, value in connection.execute(build_sql(clock)).fetchall():
                measures.setdefault(measure, {})[period] = float(value)
        return kpis_from_measures(measures, calendar, voice), 1 + len(FLOOR_QUERIES)
    finally:
        connection.close()


# -- (3) pandas, as an analyst would write it ----------------------------------------------

PANDAS_COLUMNS = {
    "orders": "ordered_at, customer_id, revenue, gross_margin",
    "customers": "acquired_at",
    "sessions": "started_at, converted",
    "ad_spend": "date, spend, clicks, impressions",
    "leads": "created_at, mql_at, sql_at",
    "social": "date, engagements, impressions, brand_mentions, category_mentions",
    "surveys": "responded_at, nps, csat, aware_of_brand",
    "customer_value": "acquired_at, clv",
    "voice_texts": "posted_at, sentiment, theme",
}


def load_frames(warehouse: Path) -> dict[str, pd.DataFrame]:
    """Read the columns the KPIs need (not whole tables: the kinder choice for pandas)."""
    connection = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {
            table: connection.sql(f"SELECT {columns} FROM {table}").df()
            for table, columns in PANDAS_COLUMNS.items()
        }
    finally:
        connection.close()


def _put(measures: Measures, name: str, series: pd.Series) -> None:
    """Store a small aggregated series (index: Periods or dates) as a base measure."""
    index = series.index
    if isinstance(index, pd.PeriodIndex):
        index = index.to_timestamp()
    measures[name] = {
        pd.Timestamp(stamp).date(): float(value)
        for stamp, value in zip(index, series.to_numpy(), strict=True)
    }


def pandas_measures(
    frames: dict[str, pd.DataFrame],
) -> tuple[Measures, Calendar, Calendar]:
    """The same base measures as the floor, with groupby and boolean masks."""
    last_days = {
        table: pd.Timestamp(frames[table][column].max()).date()
        for table, column in TIME_COLUMNS.items()
    }
    calendar = Calendar(common_last_day(last_days))
    measures: Measures = {}

    orders = frames["orders"]
    monthly = orders.groupby(orders["ordered_at"].dt.to_period("M")).agg(
        revenue=("revenue", "sum"),
        orders=("revenue", "size"),
        buyers=("customer_id", "nunique"),
    )
    _put(measures, "revenue_m", monthly["revenue"])
    _put(measures, "orders_m", monthly["orders"])
    _put(measures, "buyers_m", monthly["buyers"])
    year = pd.PeriodIndex(monthly.index).year
    _put(measures, "revenue_ytd_m", monthly["revenue"].groupby(year).cumsum())
    quarterly = orders.groupby(orders["ordered_at"].dt.to_period("Q")).agg(
        buyers=("customer_id", "nunique"), gross_margin=("gross_margin", "sum")
    )
    _put(measures, "buyers_q", quarterly["buyers"])
    _put(measures, "gross_margin_q", quarterly["gross_margin"])
    margin_ttm, buyers_ttm = {}, {}
    for month in calendar.ttm_months():
        window = orders[
            (orders["ordered_at"] >= pd.Timestamp(add_months(month, -11)))
            & (orders["ordered_at"] < pd.Timestamp(add_months(month, 1)))
        ]
        if len(window):
            margin_ttm[month] = window["gross_margin"].sum()
            buyers_ttm[month] = window["customer_id"].nunique()
    _put(measures, "gross_margin_ttm_m", pd.Series(margin_ttm, dtype="float64"))
    _put(measures, "buyers_ttm_m", pd.Series(buyers_ttm, dtype="float64"))

    customers = frames["customers"]["acquired_at"]
    _put(measures, "new_customers_m", customers.groupby(customers.dt.to_period("M")).size())
    _put(measures, "new_customers_q", customers.groupby(customers.dt.to_period("Q")).size())

    sessions = frames["sessions"]
    weekly = sessions.groupby(sessions["started_at"].dt.to_period("W"))["converted"].agg(
        ["size", "sum"]
    )
    _put(measures, "sessions_w", weekly["size"])
    _put(measures, "converted_sessions_w", weekly["sum"])

    ad_spend = frames["ad_spend"]
    days = pd.to_datetime(ad_spend["date"])
    _put(measures, "spend_m", ad_spend.groupby(days.dt.to_period("M"))["spend"].sum())
    _put(measures, "spend_q", ad_spend.groupby(days.dt.to_period("Q"))["spend"].sum())
    weekly = ad_spend.groupby(days.dt.to_period("W"))[["spend", "clicks", "impressions"]].sum()
    for column in weekly.columns:
        _put(measures, f"{column}_w", weekly[column])

    leads = frames["leads"]
    created = leads["created_at"]
    _put(measures, "leads_m", created.groupby(created.dt.to_period("M")).size())
    _put(measures, "leads_w", created.groupby(created.dt.to_period("W")).size())
    mqls = leads.dropna(subset=["mql_at"])
    converted = mqls["sql_at"].between(mqls["mql_at"], mqls["mql_at"] + pd.Timedelta(days=30))
    by_month = converted.groupby(mqls["mql_at"].dt.to_period("M")).agg(["size", "sum"])
    _put(measures, "mqls_m", by_month["size"])
    _put(measures, "mqls_converted_m", by_month["sum"])

    social = frames["social"]
    days = pd.to_datetime(social["date"])
    weekly = social.groupby(days.dt.to_period("W"))[["engagements", "impressions"]].sum()
    _put(measures, "engagements_w", weekly["engagements"])
    _put(measures, "social_impressions_w", weekly["impressions"])
    mentions = social.groupby(days.dt.to_period("M"))[["brand_mentions", "category_mentions"]]
    totals = mentions.sum()
    _put(measures, "brand_mentions_m", totals["brand_mentions"])
    _put(measures, "category_mentions_m", totals["category_mentions"])

    surveys = frames["surveys"]
    flags = pd.DataFrame(
        {
            "satisfied": surveys["csat"] >= 4,
            "csat_responses": surveys["csat"].notna(),
            "promoters": surveys["nps"] >= 9,
            "detractors": surveys["nps"] <= 6,
            "nps_responses": surveys["nps"].notna(),
            "aware": surveys["aware_of_brand"].eq(True),
            "awareness_responses": surveys["aware_of_brand"].notna(),
        }
    ).fillna(False)
    monthly = flags.groupby(surveys["responded_at"].dt.to_period("M")).sum()
    for column in ("satisfied", "csat_responses", "promoters", "detractors", "nps_responses"):
        _put(measures, f"{column}_m", monthly[column])
    quarterly = flags.groupby(surveys["responded_at"].dt.to_period("Q")).sum()
    for column in ("aware", "awareness_responses"):
        _put(measures, f"{column}_q", quarterly[column])

    values = frames["customer_value"]
    quarterly = values.groupby(values["acquired_at"].dt.to_period("Q"))["clv"].agg(["sum", "size"])
    _put(measures, "predicted_clv_q", quarterly["sum"])
    _put(measures, "valued_customers_q", quarterly["size"])

    texts = frames["voice_texts"]
    flags = pd.DataFrame(
        {
            "voice_texts": True,
            "positive_texts": texts["sentiment"] >= 0.05,
            "negative_texts": texts["sentiment"] <= -0.05,
            "theme_delivery": texts["theme"].eq("delivery"),
        },
        index=texts.index,
    )
    monthly = flags.groupby(texts["posted_at"].dt.to_period("M")).sum()
    for column in flags.columns:
        _put(measures, f"{column}_m", monthly[column])
    voice = Calendar(pd.Timestamp(texts["posted_at"].max()).date())
    return measures, calendar, voice


# -- (1) kpibridge -------------------------------------------------------------------------


def run_kpibridge(directory: Path) -> tuple[dict[str, dict[str, Any]], int]:
    import kpibridge

    workspace = kpibridge.Workspace.open(directory)
    try:
        card = workspace.scorecard()
    finally:
        workspace.close()
    results = {
        row.kpi: {
            "grain": row.grain.value,
            "period": row.period.isoformat() if row.period else None,
            "history": {p.isoformat(): v for p, v in row.history},
        }
        for row in card.rows
    }
    return results, card.warehouse_queries


# -- one approach in a child process ------------------------------------------------------


def _peak_rss_mb() -> float:
    """This process's peak resident memory, in MB.

    On Linux, ``VmHWM`` of ``/proc/self/status``: ``ru_maxrss`` would also count the
    parent's memory at the fork that started this child (Linux keeps the high-water mark
    across ``execve``), so a parent that had just built the demo would pollute it.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def run_once(approach: str, directory: Path) -> dict[str, Any]:
    """One timed run of one approach: seconds (and pandas' load apart), queries, values."""
    warehouse = directory / WAREHOUSE
    gc.collect()
    started = time.perf_counter()
    if approach == "kpibridge":
        values, queries = run_kpibridge(directory)
    elif approach == "floor":
        values, queries = run_floor(warehouse)
    elif approach == "pandas":
        frames = load_frames(warehouse)
        loaded = time.perf_counter()
        measures, calendar, voice = pandas_measures(frames)
        values = kpis_from_measures(measures, calendar, voice)
        seconds = time.perf_counter() - loaded
        return {
            "seconds": seconds,
            "load": loaded - started,
            "queries": len(frames),
            "values": values,
        }
    else:
        raise SystemExit(f"unknown approach {approach!r}: use one of {', '.join(APPROACHES)}")
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "load": None, "queries": queries, "values": values}


def measure(approach: str, directory: Path) -> dict[str, Any]:
    """In a child process: one untimed warm-up run (page cache, lazy imports), one timed run,
    and this process's peak memory."""
    if approach == "kpibridge":
        import kpibridge  # noqa: F401  (imported before the clock starts, like pandas and duckdb)
    baseline = _peak_rss_mb()
    run_once(approach, directory)
    report = run_once(approach, directory)
    return {**report, "baseline_rss_mb": baseline, "peak_rss_mb": _peak_rss_mb()}


def run_child(approach: str, directory: Path) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / "result.json"
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            *("--only", approach, "--dir", str(directory), "--output", str(output)),
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0 or not output.exists():
            sys.stderr.write(done.stdout[-4000:] + done.stderr[-4000:])
            raise SystemExit(f"the {approach} run failed (exit {done.returncode})")
        return json.loads(output.read_text())


def run_rounds(approaches: list[str], directory: Path, repeat: int) -> dict[str, dict[str, Any]]:
    """``repeat`` rounds, each running every approach once in a fresh child process.

    Interleaving spreads any other work on the machine over all approaches instead of
    letting it land on one. Per approach: every time, the largest peak memory, the values
    of the last round.
    """
    reports: dict[str, dict[str, Any]] = {}
    for round_number in range(1, repeat + 1):
        print(f"round {round_number}/{repeat}: {', '.join(approaches)} …", flush=True)
        for approach in approaches:
            run = run_child(approach, directory)
            report = reports.setdefault(
                approach, {"times": [], "load_times": [], "peak_rss_mb": 0.0}
            )
            report["times"].append(run["seconds"])
            if run["load"] is not None:
                report["load_times"].append(run["load"])
            report["peak_rss_mb"] = max(report["peak_rss_mb"], run["peak_rss_mb"])
            report.update(
                baseline_rss_mb=run["baseline_rss_mb"], queries=run["queries"], values=run["values"]
            )
    return reports


# -- the parent: build, run, check, report -------------------------------------------------


def ensure_demo(directory: Path, scale: float, rebuild: bool) -> None:
    if not rebuild and (directory / WAREHOUSE).exists() and (directory / "kpibridge.yaml").exists():
        print(f"reusing the demo in {directory} (--rebuild to build it again)")
        return
    from kpibridge.services.demo.build import build_demo

    print(f"building the demo at scale {scale:g} in {directory} …", flush=True)
    started = time.perf_counter()
    build_demo(directory, seed=7, scale=scale)
    print(f"built in {time.perf_counter() - started:.0f} s")


def check_workspace(directory: Path) -> dict[str, int]:
    """Row counts of the tables, after checking what the baselines assume."""
    import kpibridge

    workspace = kpibridge.Workspace.open(directory)
    try:
        if workspace.settings.fiscal_year_start != 1:
            raise SystemExit("the baselines use calendar quarters: set fiscal_year_start: 1")
        missing = sorted(set(workspace.kpis) - set(BASELINE_KPIS))
        if missing:
            raise SystemExit(f"no baseline for KPI(s) {', '.join(missing)}: add them here")
    finally:
        workspace.close()
    connection = duckdb.connect(str(directory / WAREHOUSE), read_only=True)
    try:
        return {
            table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[index]
            for table in TIME_COLUMNS
        }
    finally:
        connection.close()


def _differs(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return (a is None) != (b is None)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) != math.isnan(b)
    return abs(a - b) > RELATIVE_TOLERANCE * max(abs(a), abs(b), 1e-12)


def mismatches(reports: dict[str, dict[str, Any]]) -> list[tuple[str, str, list[Any]]]:
    """Every (KPI, period) where an approach disagrees with kpibridge, latest period first."""
    reference = reports["kpibridge"]["values"]
    others = [name for name in reports if name != "kpibridge"]
    found: list[tuple[str, str, list[Any]]] = []
    for kpi, row in reference.items():
        rows = [reports[name]["values"].get(kpi) for name in others]
        if any(other is None for other in rows):
            found.append((kpi, "(no baseline)", [None] * (1 + len(others))))
            continue
        if any(other["period"] != row["period"] for other in rows):
            periods = [row["period"], *(other["period"] for other in rows)]
            found.append((kpi, "latest period", periods))
            continue
        for period in reversed(list(rows[0]["history"])):
            values = [row["history"].get(period)] + [o["history"].get(period) for o in rows]
            if any(_differs(values[0], value) for value in values[1:]):
                latest = " (latest)" if period == row["period"] else ""
                found.append((kpi, period + latest, values))
    return found


def _spread(values: list[float]) -> str:
    """Median and range: never the best run alone (a lucky run is not a result)."""
    return f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})"


def print_report(reports: dict[str, dict[str, Any]], arguments: argparse.Namespace) -> None:
    floor_times = reports["floor"]["times"]
    rows: list[tuple[str, dict[str, Any] | None, list[float]]] = [
        ("floor (hand-written SQL)", reports["floor"], floor_times),
        ("kpibridge scorecard", reports["kpibridge"], reports["kpibridge"]["times"]),
    ]
    if "pandas" in reports:
        pandas = reports["pandas"]
        rows += [
            ("pandas, naive: compute", pandas, pandas["times"]),
            ("pandas, naive: load", None, pandas["load_times"]),
        ]
    print()
    print(
        f"{'approach':<26}{'time (s), median (range)':>26}{'peak RSS (MB)':>15}"
        f"{'× floor, per round':>26}{'queries':>9}"
    )
    for name, report, times in rows:
        rss = f"{report['peak_rss_mb']:.0f}" if report else ""
        queries = str(report["queries"]) if report else ""
        ratios = [t / f for t, f in zip(times, floor_times, strict=True)]
        print(f"{name:<26}{_spread(times):>26}{rss:>15}{_spread(ratios):>26}{queries:>9}")
    print(
        f"(median and range of {arguments.repeat} interleaved round(s), each approach in a fresh "
        "process after a warm-up run; the ratio is taken within each round; RSS after imports: "
        + ", ".join(f"{n} {r['baseline_rss_mb']:.0f} MB" for n, r in reports.items())
        + ")"
    )
    for name, report in reports.items():
        runs = ", ".join(f"{t:.2f}" for t in report["times"])
        print(f"  {name} runs (s): {runs}")
    print()
    card_ratio = statistics.median(
        c / f for c, f in zip(reports["kpibridge"]["times"], floor_times, strict=True)
    )
    verdict = "met" if card_ratio <= GOAL_FLOOR_RATIO else "NOT met"
    print(f"scorecard / floor, median = {card_ratio:.2f} (goal ≤ {GOAL_FLOOR_RATIO:g}): {verdict}")
    peak = reports["kpibridge"]["peak_rss_mb"]
    verdict = "met" if peak < GOAL_MEMORY_MB else "NOT met"
    print(f"scorecard peak memory = {peak:.0f} MB (goal < {GOAL_MEMORY_MB:g}): {verdict}")


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=50, help="demo volume (50 ≈ 5M orders)")
    parser.add_argument(
        "--dir",
        type=Path,
        default=None,
        help="demo workspace, reused if it exists (default: benchmarks/.cache/demo-scale-N)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="rounds; each runs every approach once (median and range reported)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="scale 0.1, 1 round: checks that the benchmark runs and agrees (the CI contract)",
    )
    parser.add_argument("--skip-pandas", action="store_true", help="leave pandas out")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the demo even if cached")
    parser.add_argument("--only", choices=APPROACHES, help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)
    if arguments.quick:
        arguments.scale, arguments.repeat = 0.1, 1
    if arguments.dir is None:
        here = Path(__file__).resolve().parent
        arguments.dir = here / ".cache" / f"demo-scale-{arguments.scale:g}"
    if arguments.repeat < 1:
        parser.error("--repeat must be at least 1")
    return arguments


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    if arguments.only:
        report = json.dumps(measure(arguments.only, arguments.dir))
        if arguments.output is None:
            print(report)
        else:
            arguments.output.write_text(report)
        return 0
    ensure_demo(arguments.dir, arguments.scale, arguments.rebuild)
    rows = check_workspace(arguments.dir)
    print(
        f"{datetime.now():%Y-%m-%d %H:%M}, {platform.node()}: {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, DuckDB {duckdb.__version__}, "
        f"pandas {pd.__version__}; load average {os.getloadavg()[0]:.1f} at start"
    )
    print("rows: " + ", ".join(f"{table} {count:,}" for table, count in rows.items()))
    approaches = [a for a in APPROACHES if not (a == "pandas" and arguments.skip_pandas)]
    reports = run_rounds(approaches, arguments.dir, arguments.repeat)

    wrong = mismatches(reports)
    names = ["kpibridge", *(a for a in approaches if a != "kpibridge")]
    if wrong:
        print(f"\nhonesty check FAILED: {len(wrong)} value(s) differ by more than 1e-6 relative")
        print(f"{'kpi':<22}{'period':<22}" + "".join(f"{n:>20}" for n in names))
        for kpi, period, values in wrong:
            cells = "".join(f"{'—' if v is None else str(v)[:18]:>20}" for v in values)
            print(f"{kpi:<22}{period:<22}{cells}")
        return 1
    kpis = reports["kpibridge"]["values"]
    compared = sum(value is not None for row in kpis.values() for value in row["history"].values())
    print(
        f"\nhonesty check: {', '.join(names)} agree on all {len(kpis)} KPIs × 13 periods "
        f"({compared} values, the rest empty in all) within 1e-6 relative"
    )
    print_report(reports, arguments)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
