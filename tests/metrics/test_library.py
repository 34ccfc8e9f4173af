"""Every KPI of the standard library, on the demo warehouse, against a hand-written SQL oracle.

The oracles below are written from each KPI's documented meaning (``docs/kpis.md`` and the
comment at the top of its YAML file), directly over the raw demo tables — not from the SQL
the engine generates. Each returns one row per month (and channel) with ``p`` (the month's
first day), ``slice``, ``value`` and, for ratio and conversion-rate KPIs, ``numerator`` and
``denominator``.

To run one oracle both unsliced and by channel, the raw tables are attached read-only under
``raw`` and exposed as views of the same name with one extra column ``slice``: the row's
channel (for ``customers`` its ``acquisition_channel``) when slicing by channel, the constant
``'*'`` otherwise. ``surveys`` and ``social`` have no channel, so KPIs over them are only
checked unsliced.

Row-set rules the oracles follow, from ``docs/engine.md``: a KPI has a row for each period
(and channel) in which one of its current inputs has rows; an additive input (sum, count)
missing from a row counts as 0, and a zero denominator gives null; a trailing-window or
year-to-date KPI has a row for each month in which its model has rows, wherever the window
holds data; ``previous``/``year_ago`` read earlier months but add no months of their own.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from ruamel.yaml import YAML

import kpibridge
from fixtures_demo import build_small_demo, warehouse_path
from kpibridge.workspace.scaffold import template_path

LIBRARY = template_path()
LIBRARY_KPIS = sorted(path.stem for path in (LIBRARY / "kpis").glob("*.yaml"))

UNSLICED: dict[str, str] = {
    "ad_spend": "'*'",
    "customers": "'*'",
    "leads": "'*'",
    "orders": "'*'",
    "sessions": "'*'",
    "social": "'*'",
    "surveys": "'*'",
    "reviews": "'*'",
    "voice_texts": "'*'",
    "customer_value": "'*'",
}
BY_CHANNEL: dict[str, str] = {
    **UNSLICED,
    "ad_spend": "channel",
    "customers": "acquisition_channel",
    "customer_value": "acquisition_channel",
    "leads": "channel",
    "orders": "channel",
    "sessions": "channel",
}


@dataclass(frozen=True)
class Oracle:
    models: tuple[str, ...]
    """The semantic models the KPI reads (directly or through other KPIs)."""
    sql: str


# -- building blocks shared by several oracles ---------------------------------------------

SPEND = """
    SELECT date_trunc('month', date) AS p, slice, sum(spend) AS spend
    FROM ad_spend GROUP BY ALL
"""
NEW_CUSTOMERS = """
    SELECT date_trunc('month', acquired_at) AS p, slice, count(*) AS new_customers
    FROM customers GROUP BY ALL
"""
ORDER_TOTALS = """
    SELECT date_trunc('month', ordered_at) AS p, slice,
           sum(revenue) AS revenue, sum(gross_margin) AS gross_margin,
           count(DISTINCT customer_id) AS buyers
    FROM orders GROUP BY ALL
"""
# The months of the orders table, each with the orders of the 12 months ending with it.
TRAILING_YEAR_OF_ORDERS = """
    (SELECT DISTINCT date_trunc('month', ordered_at) AS p FROM orders) AS month
    JOIN orders AS o
      ON o.ordered_at >= month.p - INTERVAL 11 MONTH
     AND o.ordered_at < month.p + INTERVAL 1 MONTH
"""


def ratio_of(numerator: str, numerator_column: str, denominator: str, column: str) -> str:
    """Two totals of different tables, full outer joined; missing counts as 0."""
    return f"""
        SELECT p, slice,
               coalesce(n.{numerator_column}, 0) AS numerator,
               coalesce(d.{column}, 0) AS denominator,
               numerator / nullif(denominator, 0) AS value
        FROM ({numerator}) AS n FULL JOIN ({denominator}) AS d USING (p, slice)
    """


CAC = ratio_of(SPEND, "spend", NEW_CUSTOMERS, "new_customers")
PREDICTED_CLV = """
    SELECT date_trunc('month', acquired_at) AS p, slice,
           sum(clv) AS numerator, count(*) AS denominator,
           numerator / nullif(denominator, 0) AS value
    FROM customer_value GROUP BY ALL
"""
HISTORICAL_CLV = f"""
    SELECT month.p, o.slice,
           sum(o.gross_margin) / count(DISTINCT o.customer_id) AS value
    FROM {TRAILING_YEAR_OF_ORDERS}
    GROUP BY ALL
"""
RETENTION = f"""
    WITH buyers AS ({ORDER_TOTALS}),
    current AS (
        SELECT p, slice, buyers.buyers, coalesce(new.new_customers, 0) AS new_customers
        FROM buyers FULL JOIN ({NEW_CUSTOMERS}) AS new USING (p, slice)
    )
    SELECT c.p, c.slice, (c.buyers - c.new_customers) / nullif(previous.buyers, 0) AS value
    FROM current AS c
    LEFT JOIN buyers AS previous
      ON previous.slice = c.slice AND previous.p = c.p - INTERVAL 1 MONTH
"""

ORACLES: dict[str, Oracle] = {
    # -- totals: Σ or count by the model's time column ---------------------------------
    "revenue": Oracle(
        ("orders",),
        "SELECT date_trunc('month', ordered_at) AS p, slice, sum(revenue) AS value "
        "FROM orders GROUP BY ALL",
    ),
    "orders": Oracle(
        ("orders",),
        "SELECT date_trunc('month', ordered_at) AS p, slice, count(*) AS value "
        "FROM orders GROUP BY ALL",
    ),
    "new_customers": Oracle(
        ("customers",),
        "SELECT date_trunc('month', acquired_at) AS p, slice, count(*) AS value "
        "FROM customers GROUP BY ALL",
    ),
    "sessions": Oracle(
        ("sessions",),
        "SELECT date_trunc('month', started_at) AS p, slice, count(*) AS value "
        "FROM sessions GROUP BY ALL",
    ),
    "spend": Oracle(
        ("ad_spend",),
        "SELECT date_trunc('month', date) AS p, slice, sum(spend) AS value "
        "FROM ad_spend GROUP BY ALL",
    ),
    "leads": Oracle(
        ("leads",),
        "SELECT date_trunc('month', created_at) AS p, slice, count(*) AS value "
        "FROM leads GROUP BY ALL",
    ),
    "social_engagements": Oracle(
        ("social",),
        "SELECT date_trunc('month', date) AS p, slice, sum(engagements) AS value "
        "FROM social GROUP BY ALL",
    ),
    # -- acquisition and efficiency -----------------------------------------------------
    # CAC = Σ spend / count(customers by acquired_at); zero new customers → null
    "cac": Oracle(("ad_spend", "customers"), CAC),
    # ROAS = Σ revenue / Σ spend
    "roas": Oracle(("orders", "ad_spend"), ratio_of(ORDER_TOTALS, "revenue", SPEND, "spend")),
    # ROI = (Σ gross margin − Σ spend) / Σ spend
    "marketing_roi": Oracle(
        ("orders", "ad_spend"),
        f"""
        SELECT p, slice,
               (coalesce(m.gross_margin, 0) - coalesce(s.spend, 0))
               / nullif(coalesce(s.spend, 0), 0) AS value
        FROM ({ORDER_TOTALS}) AS m FULL JOIN ({SPEND}) AS s USING (p, slice)
        """,
    ),
    "conversion_rate": Oracle(
        ("sessions",),
        """
        SELECT date_trunc('month', started_at) AS p, slice,
               count(*) FILTER (WHERE converted) AS numerator, count(*) AS denominator,
               numerator / nullif(denominator, 0) AS value
        FROM sessions GROUP BY ALL
        """,
    ),
    "aov": Oracle(
        ("orders",),
        """
        SELECT date_trunc('month', ordered_at) AS p, slice,
               sum(revenue) AS numerator, count(*) AS denominator,
               numerator / nullif(denominator, 0) AS value
        FROM orders GROUP BY ALL
        """,
    ),
    "ctr": Oracle(
        ("ad_spend",),
        """
        SELECT date_trunc('month', date) AS p, slice,
               sum(clicks) AS numerator, sum(impressions) AS denominator,
               numerator / nullif(denominator, 0) AS value
        FROM ad_spend GROUP BY ALL
        """,
    ),
    "cpc": Oracle(
        ("ad_spend",),
        """
        SELECT date_trunc('month', date) AS p, slice,
               sum(spend) AS numerator, sum(clicks) AS denominator,
               numerator / nullif(denominator, 0) AS value
        FROM ad_spend GROUP BY ALL
        """,
    ),
    "cost_per_lead": Oracle(
        ("ad_spend", "leads"),
        ratio_of(
            SPEND,
            "spend",
            "SELECT date_trunc('month', created_at) AS p, slice, count(*) AS leads "
            "FROM leads GROUP BY ALL",
            "leads",
        ),
    ),
    # among leads with mql_at in the month: mql_at ≤ sql_at ≤ mql_at + 30 days
    "mql_to_sql": Oracle(
        ("leads",),
        """
        SELECT date_trunc('month', mql_at) AS p, slice,
               count(*) FILTER (
                   WHERE sql_at BETWEEN mql_at AND mql_at + INTERVAL 30 DAY
               ) AS numerator,
               count(*) AS denominator,
               numerator / nullif(denominator, 0) AS value
        FROM leads WHERE mql_at IS NOT NULL GROUP BY ALL
        """,
    ),
    # -- loyalty and value --------------------------------------------------------------
    "repeat_purchase_rate": Oracle(
        ("orders", "customers"),
        f"""
        SELECT p, slice,
               (b.buyers - coalesce(n.new_customers, 0)) / nullif(b.buyers, 0) AS value
        FROM ({ORDER_TOTALS}) AS b FULL JOIN ({NEW_CUSTOMERS}) AS n USING (p, slice)
        """,
    ),
    # (buyers − new customers) / previous month's buyers
    "retention_rate": Oracle(("orders", "customers"), RETENTION),
    "churn_rate": Oracle(
        ("orders", "customers"),
        f"SELECT p, slice, 1 - value AS value FROM ({RETENTION})",
    ),
    "gross_margin_ttm": Oracle(
        ("orders",),
        f"SELECT month.p, o.slice, sum(o.gross_margin) AS value "
        f"FROM {TRAILING_YEAR_OF_ORDERS} GROUP BY ALL",
    ),
    "buyers_ttm": Oracle(
        ("orders",),
        f"SELECT month.p, o.slice, count(DISTINCT o.customer_id) AS value "
        f"FROM {TRAILING_YEAR_OF_ORDERS} GROUP BY ALL",
    ),
    # trailing-12-month gross margin / trailing-12-month distinct buyers
    "historical_clv": Oracle(("orders",), HISTORICAL_CLV),
    "clv_to_cac": Oracle(
        ("orders", "ad_spend", "customers"),
        f"""
        SELECT p, slice, clv.value / nullif(cac.value, 0) AS value
        FROM ({HISTORICAL_CLV}) AS clv FULL JOIN ({CAC}) AS cac USING (p, slice)
        """,
    ),
    # predictive CLV: the customer_value table written by `kpibridge clv refresh`
    "predicted_clv": Oracle(("customer_value",), PREDICTED_CLV),
    "predicted_clv_to_cac": Oracle(
        ("customer_value", "ad_spend", "customers"),
        f"""
        SELECT p, slice, clv.value / nullif(cac.value, 0) AS value
        FROM ({PREDICTED_CLV}) AS clv FULL JOIN ({CAC}) AS cac USING (p, slice)
        """,
    ),
    # calendar year to date (fiscal_year_start: 1 in the demo)
    "revenue_ytd": Oracle(
        ("orders",),
        """
        SELECT month.p, o.slice, sum(o.revenue) AS value
        FROM (SELECT DISTINCT date_trunc('month', ordered_at) AS p FROM orders) AS month
        JOIN orders AS o
          ON o.ordered_at >= date_trunc('year', month.p)
         AND o.ordered_at < month.p + INTERVAL 1 MONTH
        GROUP BY ALL
        """,
    ),
    # revenue / revenue of the same month a year earlier − 1
    "revenue_growth_yoy": Oracle(
        ("orders",),
        f"""
        WITH revenue AS ({ORDER_TOTALS})
        SELECT r.p, r.slice, r.revenue / nullif(year_ago.revenue, 0) - 1 AS value
        FROM revenue AS r
        LEFT JOIN revenue AS year_ago
          ON year_ago.slice = r.slice AND year_ago.p = r.p - INTERVAL 12 MONTH
        """,
    ),
    # -- brand and customer voice -------------------------------------------------------
    "engagement_rate": Oracle(
        ("social",),
        """
        SELECT date_trunc('month', date) AS p, slice,
               sum(engagements) AS numerator, sum(impressions) AS denominator,
               numerator / nullif(denominator, 0) AS value
        FROM social GROUP BY ALL
        """,
    ),
    "share_of_voice": Oracle(
        ("social",),
        """
        SELECT date_trunc('month', date) AS p, slice,
               sum(brand_mentions) AS numerator, sum(category_mentions) AS denominator,
               numerator / nullif(denominator, 0) AS value
        FROM social GROUP BY ALL
        """,
    ),
    "brand_awareness": Oracle(
        ("surveys",),
        """
        SELECT date_trunc('month', responded_at) AS p, slice,
               count(*) FILTER (WHERE aware_of_brand) AS numerator,
               count(aware_of_brand) AS denominator,
               numerator / nullif(denominator, 0) AS value
        FROM surveys GROUP BY ALL
        """,
    ),
    # NPS = 100 × (promoters − detractors) / responses with a score
    "nps": Oracle(
        ("surveys",),
        """
        SELECT date_trunc('month', responded_at) AS p, slice,
               100 * (count(*) FILTER (WHERE nps >= 9) - count(*) FILTER (WHERE nps <= 6))
               / nullif(count(nps), 0) AS value
        FROM surveys GROUP BY ALL
        """,
    ),
    "csat": Oracle(
        ("surveys",),
        """
        SELECT date_trunc('month', responded_at) AS p, slice,
               count(*) FILTER (WHERE csat >= 4) AS numerator, count(csat) AS denominator,
               numerator / nullif(denominator, 0) AS value
        FROM surveys GROUP BY ALL
        """,
    ),
    # sentiment index = 100 × (positive − negative) / texts, over the scored voice_texts
    "sentiment_index": Oracle(
        ("voice_texts",),
        """
        SELECT date_trunc('month', posted_at) AS p, slice,
               100 * (count(*) FILTER (WHERE sentiment >= 0.05)
                      - count(*) FILTER (WHERE sentiment <= -0.05))
                   / nullif(count(*), 0) AS value
        FROM voice_texts GROUP BY ALL
        """,
    ),
}


# -- which KPIs are sliced by channel: read from the model files ---------------------------


def model_dimensions() -> dict[str, set[str]]:
    yaml = YAML(typ="safe", pure=True)
    found = {}
    for path in (LIBRARY / "models").glob("*.yaml"):
        model = yaml.load(path.read_text(encoding="utf-8"))
        found[model["name"]] = {
            entry if isinstance(entry, str) else entry["name"]
            for entry in model.get("dimensions") or []
        }
    return found


MODEL_DIMENSIONS = model_dimensions()


def channel_kpis() -> list[str]:
    return [
        kpi
        for kpi, oracle in sorted(ORACLES.items())
        if kpi in LIBRARY_KPIS and all("channel" in MODEL_DIMENSIONS[m] for m in oracle.models)
    ]


CASES = [
    *(pytest.param(kpi, (), id=kpi) for kpi in LIBRARY_KPIS),
    *(pytest.param(kpi, ("channel",), id=f"{kpi}-by-channel") for kpi in channel_kpis()),
]


# -- fixtures -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_small_demo(tmp_path_factory, "library")


@pytest.fixture(scope="module")
def oracle_results(demo_root: Path) -> dict[tuple[str, tuple[str, ...]], pd.DataFrame]:
    """Every oracle, unsliced and by channel, run before the workspace opens the file."""
    connection = duckdb.connect()
    try:
        connection.execute(f"ATTACH '{warehouse_path(demo_root)}' AS raw (READ_ONLY)")
        results = {}
        for by, slices in (((), UNSLICED), (("channel",), BY_CHANNEL)):
            for table, expression in slices.items():
                connection.execute(
                    f"CREATE OR REPLACE VIEW {table} AS "
                    f"SELECT *, {expression} AS slice FROM raw.{table}"
                )
            for kpi, oracle in ORACLES.items():
                if by and kpi not in channel_kpis():
                    continue
                results[kpi, by] = connection.execute(oracle.sql).df()
        return results
    finally:
        connection.close()


@pytest.fixture(scope="module")
def workspace(
    demo_root: Path, oracle_results: dict[tuple[str, tuple[str, ...]], pd.DataFrame]
) -> Iterator[kpibridge.Workspace]:
    del oracle_results  # computed first: DuckDB lets one process open a file one way only
    ws = kpibridge.Workspace.open(demo_root)
    yield ws
    ws.close()


def expected_frame(oracle: pd.DataFrame, by: tuple[str, ...], columns: list[str]) -> pd.DataFrame:
    """The oracle's rows in the engine's shape: period, dimensions, value[, parts]."""
    frame = oracle.rename(columns={"p": "period", "slice": "channel"})
    frame["period"] = pd.to_datetime(frame["period"]).astype("datetime64[ns]")
    for column in ("value", "numerator", "denominator"):
        if column in frame:
            frame[column] = frame[column].astype("float64")
    keys = ["period", *by]
    return frame[columns].sort_values(keys).reset_index(drop=True)


# -- tests ----------------------------------------------------------------------------

KNOWN_DEFECTS: dict[tuple[str, tuple[str, ...]], str] = {}
"""(kpi, by) → reason, for engine defects these oracles find: the case is marked xfail(strict),
so that the fix shows up as XPASS. (clv_to_cac by channel was one until c726137 made union
keys nullable.)"""


@pytest.mark.parametrize(("kpi", "by"), CASES)
def test_kpi_matches_its_sql_oracle(
    kpi: str,
    by: tuple[str, ...],
    workspace: kpibridge.Workspace,
    oracle_results: dict[tuple[str, tuple[str, ...]], pd.DataFrame],
    request: pytest.FixtureRequest,
) -> None:
    """Same months (and channels), same values within 1e-9, null exactly where the oracle
    is null; numerator and denominator too for ratios and conversion rates."""
    assert kpi in ORACLES, f"KPI {kpi!r} has no SQL oracle in {__name__}; write one"
    if (kpi, by) in KNOWN_DEFECTS:
        request.applymarker(pytest.mark.xfail(reason=KNOWN_DEFECTS[kpi, by], strict=True))
    actual = workspace.compute(kpi, grain="month", by=list(by))
    expected = expected_frame(oracle_results[kpi, by], by, list(actual.columns))
    pd.testing.assert_frame_equal(actual, expected, check_exact=False, rtol=1e-9, atol=0)


def test_every_oracle_is_a_library_kpi() -> None:
    assert sorted(ORACLES) == LIBRARY_KPIS


@pytest.mark.parametrize("kpi", sorted(ORACLES))
def test_oracle_reads_the_models_the_kpi_reads(kpi: str, workspace: kpibridge.Workspace) -> None:
    """The models each oracle declares (which decide the by-channel cases) are the KPI's."""
    assert sorted(workspace.engine.builder.models_of(kpi)) == sorted(ORACLES[kpi].models)


def test_ratio_kpis_carry_their_parts(
    oracle_results: dict[tuple[str, tuple[str, ...]], pd.DataFrame],
) -> None:
    """The oracles with numerator and denominator are exactly the ratio and rate KPIs."""
    yaml = YAML(typ="safe", pure=True)
    with_parts = []
    for kpi in LIBRARY_KPIS:
        definition = yaml.load((LIBRARY / "kpis" / f"{kpi}.yaml").read_text(encoding="utf-8"))
        if definition["type"] == "ratio" or definition.get("calculation") == "rate":
            with_parts.append(kpi)
    assert with_parts == sorted(
        kpi for (kpi, by), frame in oracle_results.items() if not by and "numerator" in frame
    )


@pytest.mark.parametrize(
    "by",
    [
        pytest.param((), id="unsliced"),
        pytest.param(("channel",), id="by-channel"),
    ],
)
def test_compute_many_matches_the_oracles(
    by: tuple[str, ...],
    workspace: kpibridge.Workspace,
    oracle_results: dict[tuple[str, tuple[str, ...]], pd.DataFrame],
) -> None:
    """The scorecard's path (queries merged, results combined in-process) gives the same
    frames as the oracles, for every KPI at once."""
    requests = {
        kpi: workspace.request(kpi, "month", list(by))
        for kpi, case_by in oracle_results
        if case_by == by and (kpi, by) not in KNOWN_DEFECTS
    }
    results = workspace.engine.compute_many(list(requests.values()))
    for kpi, request in requests.items():
        actual = results[request]
        expected = expected_frame(oracle_results[kpi, by], by, list(actual.columns))
        pd.testing.assert_frame_equal(
            actual, expected, check_exact=False, rtol=1e-9, atol=0, obj=f"{kpi} by {by}"
        )
