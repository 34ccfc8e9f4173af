"""Every KPI type, computed on tiny hand-made tables whose answers are worked out by hand.

Each table is printed here in full, and each expected row says how it follows from the rows
(``o1`` … are the orders below). Where a law gives an independent oracle (a 7-day trailing
window at week grain is the week's own sum; ``compute_many`` equals one ``compute`` per KPI)
the test uses that too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest

import kpibridge
from helpers import Table, assert_rows, records, write_workspace
from kpibridge.errors import DefinitionError

# -- the shop: orders, ad spend and a sales history ---------------------------------------

ORDERS = Table(
    "order_id INTEGER, customer_id INTEGER, ordered_at TIMESTAMP, channel VARCHAR, "
    "country VARCHAR, revenue DOUBLE",
    [
        (1, 101, "2025-01-03 09:00:00", "search", "US", 100.0),  # o1  Fri, week 2024-12-30
        (2, 102, "2025-01-15 12:00:00", "social", "DE", 40.0),  # o2  Wed, week 2025-01-13
        (3, 101, "2025-01-31 23:59:59", "search", "US", 60.0),  # o3  Fri, week 2025-01-27
        (4, 103, "2025-02-01 00:00:00", "social", "FR", 200.0),  # o4  Sat, week 2025-01-27
        (5, 102, "2025-02-14 10:00:00", "search", "US", 20.0),  # o5  Fri, week 2025-02-10
        # no orders in March
        (6, 104, "2025-04-10 08:00:00", "email", "DE", 80.0),  # o6  Thu, week 2025-04-07
        (7, 104, "2025-04-20 08:00:00", "email", "US", None),  # o7  revenue unknown
    ],
)
AD_SPEND = Table(
    "day DATE, channel VARCHAR, spend DOUBLE",
    [
        ("2025-01-10", "search", 50.0),  # a1
        ("2025-01-20", "social", 30.0),  # a2
        ("2025-02-05", "search", 40.0),  # a3
        ("2025-03-03", "search", 25.0),  # a4  spend in March, when nothing sold
        # no spend in April, when o6 and o7 sold
    ],
)
SALES = Table(
    "day DATE, amount DOUBLE",
    [
        ("2024-01-15", 10.0),
        ("2024-02-15", 20.0),
        ("2024-03-15", 30.0),
        ("2025-01-15", 11.0),
        ("2025-02-15", 23.0),
        ("2025-03-15", 36.0),
        ("2025-04-15", 50.0),
    ],
)

ORDERS_MODEL = {
    "name": "orders",
    "table": "orders",
    "time": "ordered_at",
    "entities": {"order": "order_id", "customer": "customer_id"},
    "dimensions": [
        "channel",
        {"name": "market", "expr": "if(country = 'US', 'domestic', 'abroad')"},
    ],
    "measures": {
        "revenue": {"agg": "sum", "expr": "revenue"},
        "orders": {"agg": "count"},
        "buyers": {"agg": "count_distinct", "expr": "customer_id"},
        "average_order": {"agg": "avg", "expr": "revenue"},
        "smallest_order": {"agg": "min", "expr": "revenue"},
        "largest_order": {"agg": "max", "expr": "revenue"},
        "big_orders": {"agg": "count", "filter": "revenue >= 100"},
        "us_revenue": {"agg": "sum", "expr": "revenue", "filter": "country = 'US'"},
    },
}
AD_SPEND_MODEL = {
    "name": "ad_spend",
    "table": "ad_spend",
    "time": "day",
    "dimensions": ["channel"],
    "measures": {"spend": {"agg": "sum", "expr": "spend"}},
}
SALES_MODEL = {
    "name": "sales",
    "table": "sales",
    "time": "day",
    "measures": {"amount": {"agg": "sum", "expr": "amount"}},
}

SHOP_KPIS: dict[str, dict[str, Any]] = {
    # simple
    "revenue": {"type": "simple", "measure": "orders.revenue"},
    "orders": {"type": "simple", "measure": "orders.orders"},
    "buyers": {"type": "simple", "measure": "orders.buyers"},
    "average_order": {"type": "simple", "measure": "orders.average_order"},
    "smallest_order": {"type": "simple", "measure": "orders.smallest_order"},
    "largest_order": {"type": "simple", "measure": "orders.largest_order"},
    "big_orders": {"type": "simple", "measure": "orders.big_orders"},
    "us_revenue": {"type": "simple", "measure": "orders.us_revenue"},
    "search_revenue": {
        "type": "simple",
        "measure": "orders.revenue",
        "filter": "channel = 'search'",
    },
    "big_social_orders": {
        "type": "simple",
        "measure": "orders.big_orders",
        "filter": "channel = 'social'",
    },
    "spend": {"type": "simple", "measure": "ad_spend.spend"},
    # ratio
    "aov": {"type": "ratio", "numerator": "orders.revenue", "denominator": "orders.orders"},
    "revenue_per_big_order": {
        "type": "ratio",
        "numerator": "orders.revenue",
        "denominator": "orders.big_orders",
    },
    "search_aov": {
        "type": "ratio",
        "numerator": "orders.revenue",
        "denominator": "orders.orders",
        "filter": "channel = 'search'",
    },
    "roas": {"type": "ratio", "numerator": "orders.revenue", "denominator": "ad_spend.spend"},
    "aov_of_kpis": {"type": "ratio", "numerator": "revenue", "denominator": "orders"},
    "us_share_pct": {
        "type": "ratio",
        "numerator": "orders.us_revenue",
        "denominator": "orders.revenue",
        "scale": 100,
    },
    # derived
    "profit": {"type": "derived", "expr": "orders.revenue - ad_spend.spend"},
    "roas_guarded": {"type": "derived", "expr": "orders.revenue / nullif(ad_spend.spend, 0)"},
    "profit_margin": {"type": "derived", "expr": "profit / nullif(revenue, 0)"},
    "profit_margin_pct": {"type": "derived", "expr": "100 * profit_margin"},
    "sales": {"type": "simple", "measure": "sales.amount"},
    "sales_change": {"type": "derived", "expr": "sales - previous(sales)"},
    "sales_two_back": {"type": "derived", "expr": "lag(sales, 2)"},
    "sales_yoy": {"type": "derived", "expr": "sales / nullif(year_ago(sales), 0) - 1"},
    # cumulative
    "revenue_7d": {"type": "cumulative", "measure": "orders.revenue", "window": "7 days"},
    "revenue_3m": {"type": "cumulative", "measure": "orders.revenue", "window": "3 months"},
    "buyers_3m": {"type": "cumulative", "measure": "orders.buyers", "window": "3 months"},
}


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[kpibridge.Workspace]:
    root = write_workspace(
        tmp_path_factory.mktemp("shop"),
        models={"orders": ORDERS_MODEL, "ad_spend": AD_SPEND_MODEL, "sales": SALES_MODEL},
        kpis=SHOP_KPIS,
        tables={"orders": ORDERS, "ad_spend": AD_SPEND, "sales": SALES},
    )
    with kpibridge.Workspace.open(root) as workspace:
        yield workspace


def value_rows(frame: pd.DataFrame, *extra: str) -> list[tuple[Any, ...]]:
    dimensions = [c for c in frame.columns if c not in ("period", "value", *PARTS)]
    return records(frame, "period", *dimensions, "value", *extra)


PARTS = ("numerator", "denominator")

# (kpi, expected monthly rows (period, value)) — all at month grain, whole history
SIMPLE_CASES = [
    pytest.param(
        "revenue",
        # Jan o1+o2+o3 = 100+40+60; Feb o4+o5 = 200+20; Apr o6 = 80 (o7's null is skipped)
        [("2025-01-01", 200.0), ("2025-02-01", 220.0), ("2025-04-01", 80.0)],
        id="sum",
    ),
    pytest.param(
        "orders",
        # rows, including o7 whose revenue is null
        [("2025-01-01", 3.0), ("2025-02-01", 2.0), ("2025-04-01", 2.0)],
        id="count",
    ),
    pytest.param(
        "buyers",
        # Jan {101, 102}; Feb {103, 102}; Apr {104}
        [("2025-01-01", 2.0), ("2025-02-01", 2.0), ("2025-04-01", 1.0)],
        id="count_distinct",
    ),
    pytest.param(
        "average_order",
        # Jan 200/3; Feb 220/2; Apr 80/1 (null not counted)
        [("2025-01-01", 200 / 3), ("2025-02-01", 110.0), ("2025-04-01", 80.0)],
        id="avg",
    ),
    pytest.param(
        "smallest_order",
        [("2025-01-01", 40.0), ("2025-02-01", 20.0), ("2025-04-01", 80.0)],
        id="min",
    ),
    pytest.param(
        "largest_order",
        [("2025-01-01", 100.0), ("2025-02-01", 200.0), ("2025-04-01", 80.0)],
        id="max",
    ),
    pytest.param(
        "big_orders",
        # measure filter revenue >= 100: Jan o1; Feb o4; Apr none (80 and null) → 0, not missing
        [("2025-01-01", 1.0), ("2025-02-01", 1.0), ("2025-04-01", 0.0)],
        id="measure-filter",
    ),
    pytest.param(
        "us_revenue",
        # measure filter country = 'US': Jan o1+o3; Feb o5; Apr only o7 (null) → sum of nothing = 0
        [("2025-01-01", 160.0), ("2025-02-01", 20.0), ("2025-04-01", 0.0)],
        id="measure-filter-sum",
    ),
    pytest.param(
        "search_revenue",
        # KPI filter channel = 'search': Jan o1+o3; Feb o5; Apr none
        [("2025-01-01", 160.0), ("2025-02-01", 20.0), ("2025-04-01", 0.0)],
        id="kpi-filter",
    ),
    pytest.param(
        "big_social_orders",
        # both filters: social AND revenue >= 100: Jan o2 is 40 → 0; Feb o4
        [("2025-01-01", 0.0), ("2025-02-01", 1.0), ("2025-04-01", 0.0)],
        id="kpi-and-measure-filter",
    ),
    pytest.param(
        "spend",
        # a1+a2; a3; a4 (DATE time column)
        [("2025-01-01", 80.0), ("2025-02-01", 40.0), ("2025-03-01", 25.0)],
        id="sum-on-date-column",
    ),
]


@pytest.mark.parametrize(("kpi", "expected"), SIMPLE_CASES)
def test_simple(shop: kpibridge.Workspace, kpi: str, expected: list[tuple[Any, ...]]) -> None:
    frame = shop.compute(kpi, grain="month")
    assert list(frame.columns) == ["period", "value"]
    assert str(frame["period"].dtype) == "datetime64[ns]"
    assert_rows(value_rows(frame), expected)


# (kpi, expected monthly rows (period, value, numerator, denominator))
RATIO_CASES = [
    pytest.param(
        "aov",
        # revenue / orders: 200/3; 220/2; 80/2 (o7 counts as an order, adds no revenue)
        [
            ("2025-01-01", 200 / 3, 200.0, 3.0),
            ("2025-02-01", 110.0, 220.0, 2.0),
            ("2025-04-01", 40.0, 80.0, 2.0),
        ],
        id="one-model",
    ),
    pytest.param(
        "aov_of_kpis",
        # the same ratio, written as KPI / KPI
        [
            ("2025-01-01", 200 / 3, 200.0, 3.0),
            ("2025-02-01", 110.0, 220.0, 2.0),
            ("2025-04-01", 40.0, 80.0, 2.0),
        ],
        id="kpi-over-kpi",
    ),
    pytest.param(
        "revenue_per_big_order",
        # April has no big order: 80 / 0 → null, not an error
        [
            ("2025-01-01", 200.0, 200.0, 1.0),
            ("2025-02-01", 220.0, 220.0, 1.0),
            ("2025-04-01", None, 80.0, 0.0),
        ],
        id="zero-denominator",
    ),
    pytest.param(
        "search_aov",
        # ratio filter on both sides: Jan (100+60)/2; Feb 20/1; Apr 0/0 → null
        [
            ("2025-01-01", 80.0, 160.0, 2.0),
            ("2025-02-01", 20.0, 20.0, 1.0),
            ("2025-04-01", None, 0.0, 0.0),
        ],
        id="ratio-filter",
    ),
    pytest.param(
        "roas",
        # two models: Jan 200/80; Feb 220/40; March no orders → 0/25 = 0;
        # April no spend → 80/0 → null (the missing additive side counts as 0)
        [
            ("2025-01-01", 2.5, 200.0, 80.0),
            ("2025-02-01", 5.5, 220.0, 40.0),
            ("2025-03-01", 0.0, 0.0, 25.0),
            ("2025-04-01", None, 80.0, 0.0),
        ],
        id="two-models-missing-side",
    ),
    pytest.param(
        "us_share_pct",
        # scale 100: Jan 100*160/200; Feb 100*20/220; Apr 100*0/80. Parts stay unscaled.
        [
            ("2025-01-01", 80.0, 160.0, 200.0),
            ("2025-02-01", 2000 / 220, 20.0, 220.0),
            ("2025-04-01", 0.0, 0.0, 80.0),
        ],
        id="scale",
    ),
]


@pytest.mark.parametrize(("kpi", "expected"), RATIO_CASES)
def test_ratio(shop: kpibridge.Workspace, kpi: str, expected: list[tuple[Any, ...]]) -> None:
    frame = shop.compute(kpi, grain="month")
    assert list(frame.columns) == ["period", "value", "numerator", "denominator"]
    assert_rows(value_rows(frame, *PARTS), expected)


# (kpi, start, end, expected monthly rows (period, value))
DERIVED_CASES = [
    pytest.param(
        "profit",
        None,
        None,
        # revenue - spend over two models; a missing side is 0:
        # Jan 200-80; Feb 220-40; Mar 0-25; Apr 80-0
        [("2025-01-01", 120.0), ("2025-02-01", 180.0), ("2025-03-01", -25.0), ("2025-04-01", 80.0)],
        id="two-models",
    ),
    pytest.param(
        "roas_guarded",
        None,
        None,
        # revenue / nullif(spend, 0): Apr spend is 0 → null
        [("2025-01-01", 2.5), ("2025-02-01", 5.5), ("2025-03-01", 0.0), ("2025-04-01", None)],
        id="nullif",
    ),
    pytest.param(
        "profit_margin",
        None,
        None,
        # derived over derived: profit / nullif(revenue, 0): 120/200; 180/220; March revenue 0 →
        # null; 80/80
        [("2025-01-01", 0.6), ("2025-02-01", 180 / 220), ("2025-03-01", None), ("2025-04-01", 1.0)],
        id="derived-over-derived",
    ),
    pytest.param(
        "profit_margin_pct",
        None,
        None,
        # three levels: 100 × profit_margin
        [
            ("2025-01-01", 60.0),
            ("2025-02-01", 18000 / 220),
            ("2025-03-01", None),
            ("2025-04-01", 100.0),
        ],
        id="three-levels",
    ),
    pytest.param(
        "sales_change",
        "2025-01-01",
        "2025-04-30",
        # sales - previous(sales): Jan 2025's previous (Dec 2024) has no row → null;
        # Feb 23-11; Mar 36-23; Apr 50-36
        [("2025-01-01", None), ("2025-02-01", 12.0), ("2025-03-01", 13.0), ("2025-04-01", 14.0)],
        id="previous",
    ),
    pytest.param(
        "sales_two_back",
        "2025-03-01",
        "2025-04-30",
        # lag(sales, 2): March shows January (11), April shows February (23)
        [("2025-03-01", 11.0), ("2025-04-01", 23.0)],
        id="lag-2",
    ),
    pytest.param(
        "sales_yoy",
        "2025-01-01",
        "2025-04-30",
        # sales / year_ago(sales) - 1: 11/10-1; 23/20-1; 36/30-1; April 2024 has no row → null
        [("2025-01-01", 0.1), ("2025-02-01", 0.15), ("2025-03-01", 0.2), ("2025-04-01", None)],
        id="year_ago",
    ),
]


@pytest.mark.parametrize(("kpi", "start", "end", "expected"), DERIVED_CASES)
def test_derived(
    shop: kpibridge.Workspace,
    kpi: str,
    start: str | None,
    end: str | None,
    expected: list[tuple[Any, ...]],
) -> None:
    frame = shop.compute(kpi, grain="month", start=start, end=end)
    assert list(frame.columns) == ["period", "value"]
    assert_rows(value_rows(frame), expected)


def test_offsets_at_quarter_grain(shop: kpibridge.Workspace) -> None:
    # sales by quarter: 2024-Q1 10+20+30 = 60; 2025-Q1 11+23+36 = 70; 2025-Q2 50.
    # previous() moves one quarter, year_ago() four quarters.
    change = shop.compute("sales_change", grain="quarter", start="2025-01-01", end="2025-06-30")
    # Q1 2025: Q4 2024 has no row → null; Q2: 50 - 70
    assert_rows(value_rows(change), [("2025-01-01", None), ("2025-04-01", -20.0)])
    yoy = shop.compute("sales_yoy", grain="quarter", start="2025-01-01", end="2025-03-31")
    assert_rows(value_rows(yoy), [("2025-01-01", 70 / 60 - 1)])


@pytest.mark.parametrize(
    "kpi",
    [
        pytest.param("sales_change", id="previous"),
        pytest.param("sales_yoy", id="year_ago"),
    ],
)
def test_offsets_add_no_periods_without_current_data(shop: kpibridge.Workspace, kpi: str) -> None:
    # Without a range, a derived KPI has rows for the periods its current-period inputs have
    # (like a simple KPI): shifting the last month forward must not invent May 2025 (whose
    # 'change' would be 0 - 50) nor a year of 2026 rows.
    periods = records(shop.compute(kpi, grain="month"), "period")
    assert periods == records(shop.compute("sales", grain="month"), "period")


def test_offsets_only_formula_follows_the_periods_of_its_input(shop: kpibridge.Workspace) -> None:
    frame = shop.compute("sales_two_back", grain="month")
    # the months sales has, each showing the value two months earlier (null when none)
    expected = [
        ("2024-01-01", None),
        ("2024-02-01", None),
        ("2024-03-01", 10.0),
        ("2025-01-01", None),
        ("2025-02-01", None),
        ("2025-03-01", 11.0),
        ("2025-04-01", 23.0),
    ]
    assert_rows(value_rows(frame), expected)


# -- cumulative ---------------------------------------------------------------------------


def test_trailing_7_days_at_week_grain(shop: kpibridge.Workspace) -> None:
    frame = shop.compute("revenue_7d", grain="week")
    # A 7-day window ending with an ISO week is that week: o1 | o2 | o3+o4 | o5 | o6 | o7
    # (o7's revenue is null: a sum over no known value is 0). Weeks without orders have no
    # rows in their window, hence no row.
    expected = [
        ("2024-12-30", 100.0),
        ("2025-01-13", 40.0),
        ("2025-01-27", 260.0),
        ("2025-02-10", 20.0),
        ("2025-04-07", 80.0),
        ("2025-04-14", 0.0),
    ]
    assert_rows(value_rows(frame), expected)
    # oracle: the plain weekly sum
    assert_rows(value_rows(frame), value_rows(shop.compute("revenue", grain="week")))


# (kpi, start, end, expected monthly rows)
CUMULATIVE_CASES = [
    pytest.param(
        "revenue_3m",
        "2025-01-01",
        "2025-04-30",
        # Jan: Nov..Jan = 200; Feb: Dec..Feb = 200+220; Mar: Jan..Mar = 200+220+0 (no March
        # orders, but the window still holds Jan and Feb); Apr: Feb..Apr = 220+0+80
        [
            ("2025-01-01", 200.0),
            ("2025-02-01", 420.0),
            ("2025-03-01", 420.0),
            ("2025-04-01", 300.0),
        ],
        id="3-months",
    ),
    pytest.param(
        "revenue_3m",
        "2025-02-14",
        "2025-02-14",
        # a range starting after January still counts January inside February's window
        [("2025-02-01", 420.0)],
        id="window-reaches-before-start",
    ),
    pytest.param(
        "buyers_3m",
        "2025-01-01",
        "2025-04-30",
        # distinct over the window, not a sum of monthly counts: Jan {101,102};
        # Feb {101,102,103}; Mar {101,102,103}; Apr Feb..Apr {103,102,104}
        [("2025-01-01", 2.0), ("2025-02-01", 3.0), ("2025-03-01", 3.0), ("2025-04-01", 3.0)],
        id="count-distinct-3-months",
    ),
]


@pytest.mark.parametrize(("kpi", "start", "end", "expected"), CUMULATIVE_CASES)
def test_trailing_months(
    shop: kpibridge.Workspace,
    kpi: str,
    start: str,
    end: str,
    expected: list[tuple[Any, ...]],
) -> None:
    frame = shop.compute(kpi, grain="month", start=start, end=end)
    assert list(frame.columns) == ["period", "value"]
    assert_rows(value_rows(frame), expected)


# -- slicing and ranges -------------------------------------------------------------------

# (kpi, by, expected monthly rows (period, dimension, value))
SLICE_CASES = [
    pytest.param(
        "revenue",
        "channel",
        # Jan search o1+o3, social o2; Feb search o5, social o4; Apr email o6 (+ o7 null)
        [
            ("2025-01-01", "search", 160.0),
            ("2025-01-01", "social", 40.0),
            ("2025-02-01", "search", 20.0),
            ("2025-02-01", "social", 200.0),
            ("2025-04-01", "email", 80.0),
        ],
        id="column-dimension",
    ),
    pytest.param(
        "revenue",
        "market",
        # market = if(country = 'US', 'domestic', 'abroad'): abroad o2, o4, o6; domestic o1, o3,
        # o5, o7 (null revenue → 0)
        [
            ("2025-01-01", "abroad", 40.0),
            ("2025-01-01", "domestic", 160.0),
            ("2025-02-01", "abroad", 200.0),
            ("2025-02-01", "domestic", 20.0),
            ("2025-04-01", "abroad", 80.0),
            ("2025-04-01", "domestic", 0.0),
        ],
        id="expr-dimension",
    ),
    pytest.param(
        "roas",
        "channel",
        # orders ÷ spend, matched by channel: Jan search 160/50, social 40/30; Feb search 20/40,
        # social 200/(no spend) → null; Mar search 0/25; Apr email 80/(no spend) → null
        [
            ("2025-01-01", "search", 3.2),
            ("2025-01-01", "social", 40 / 30),
            ("2025-02-01", "search", 0.5),
            ("2025-02-01", "social", None),
            ("2025-03-01", "search", 0.0),
            ("2025-04-01", "email", None),
        ],
        id="ratio-across-models",
    ),
]


@pytest.mark.parametrize(("kpi", "by", "expected"), SLICE_CASES)
def test_slice_by_dimension(
    shop: kpibridge.Workspace, kpi: str, by: str, expected: list[tuple[Any, ...]]
) -> None:
    frame = shop.compute(kpi, grain="month", by=[by])
    assert list(frame.columns)[:3] == ["period", by, "value"]
    assert_rows(value_rows(frame), expected)


def test_slice_by_dimension_a_model_lacks(shop: kpibridge.Workspace) -> None:
    # ad_spend has no 'market': ROAS cannot be sliced by it
    with pytest.raises(DefinitionError, match="model 'ad_spend' has no such dimension"):
        shop.compute("roas", by=["market"])


# (grain, start, end, expected rows (period, value)) for revenue
RANGE_CASES = [
    pytest.param(
        "month",
        "2025-02-14",
        "2025-04-02",
        # whole periods: all of February (o4 on the 1st, before the start) and all of April
        # (o7 after the end, null anyway); March has no orders
        [("2025-02-01", 220.0), ("2025-04-01", 80.0)],
        id="mid-month-start-and-end",
    ),
    pytest.param(
        "quarter",
        "2025-02-14",
        "2025-02-14",
        # the whole first quarter: o1..o5
        [("2025-01-01", 420.0)],
        id="quarter-containing-one-day",
    ),
    pytest.param(
        "day",
        "2025-01-15",
        "2025-01-15",
        [("2025-01-15", 40.0)],  # o2
        id="single-day",
    ),
    pytest.param(
        "week",
        "2025-01-31",
        None,
        # from the week of Friday 2025-01-31 (Monday 01-27) on: o3+o4 | o5 | o6 | o7 (null → 0)
        [("2025-01-27", 260.0), ("2025-02-10", 20.0), ("2025-04-07", 80.0), ("2025-04-14", 0.0)],
        id="open-end",
    ),
    pytest.param(
        "month",
        None,
        "2025-01-01",
        [("2025-01-01", 200.0)],  # the whole of January, though the end is its first day
        id="open-start",
    ),
]


@pytest.mark.parametrize(("grain", "start", "end", "expected"), RANGE_CASES)
def test_date_range(
    shop: kpibridge.Workspace,
    grain: str,
    start: str | None,
    end: str | None,
    expected: list[tuple[Any, ...]],
) -> None:
    frame = shop.compute("revenue", grain=grain, start=start, end=end)
    assert_rows(value_rows(frame), expected)


# -- compute_many -------------------------------------------------------------------------


def test_compute_many_matches_compute_with_fewer_queries(shop: kpibridge.Workspace) -> None:
    engine = shop.engine
    requests = [
        shop.request("revenue"),
        shop.request("orders"),
        shop.request("aov"),
        shop.request("big_orders"),
        shop.request("roas"),
        shop.request("profit"),
        shop.request("profit_margin"),
        shop.request("aov", by=["channel"]),
        shop.request("revenue", by=["channel"]),
        shop.request("revenue_3m", start="2025-01-01", end="2025-04-30"),
        shop.request("sales_yoy", start="2025-01-01", end="2025-04-30"),
    ]
    before = engine.query_log.count
    single = {request: engine.compute(request) for request in requests}
    single_queries = engine.query_log.count - before
    assert single_queries == len(requests)  # compute runs exactly one statement per KPI

    before = engine.query_log.count
    many = engine.compute_many(requests)
    many_queries = engine.query_log.count - before

    for request in requests:
        pd.testing.assert_frame_equal(many[request], single[request], check_exact=False)
    # merged: orders by month (revenue, orders, aov, big_orders, roas, profit, profit_margin,
    # and revenue_3m: a trailing sum is running totals over the monthly aggregate), ad_spend
    # by month (roas, profit, profit_margin), orders by month and channel, and sales for 2025
    # with sales for 2024 (year_ago: same grouping, one query over both ranges)
    assert many_queries == 4


# -- conversion ---------------------------------------------------------------------------

VISITS = Table(
    "visitor_id INTEGER, visited_at TIMESTAMP",
    [
        (1, "2025-01-01 10:00:00"),  # signs up 2 and 3 days later → converted (once)
        (2, "2025-01-02 00:00:00"),  # signs up 7 days and 1 second later → outside the window
        (3, "2025-01-05 12:00:00"),  # signs up exactly 7 days later → on the boundary: inside
        (4, "2025-01-06 00:00:00"),  # signed up two days *before* visiting → not converted
        (5, "2025-01-07 00:00:00"),  # visitor 6 signs up the next day → another entity
        (8, "2025-01-30 00:00:00"),  # signs up in February, 3 days later → counts for January
        (7, "2025-02-03 00:00:00"),  # signs up 2 days later → converted
        (9, "2025-02-10 00:00:00"),  # never signs up
        (10, "2025-02-11 00:00:00"),  # never signs up
    ],
)
SIGNUPS = Table(
    "visitor_id INTEGER, signed_up_at TIMESTAMP",
    [
        (1, "2025-01-03 10:00:00"),
        (1, "2025-01-04 10:00:00"),
        (2, "2025-01-09 00:00:01"),
        (3, "2025-01-12 12:00:00"),
        (4, "2025-01-04 00:00:00"),
        (6, "2025-01-08 00:00:00"),
        (8, "2025-02-02 00:00:00"),
        (7, "2025-02-05 00:00:00"),
    ],
)


@pytest.fixture(scope="module")
def funnel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[kpibridge.Workspace]:
    model = {"entities": {"visitor": "visitor_id"}}
    root = write_workspace(
        tmp_path_factory.mktemp("funnel"),
        models={
            "visits": {
                **model,
                "name": "visits",
                "table": "visits",
                "time": "visited_at",
                "measures": {"visits": {"agg": "count"}},
            },
            "signups": {
                **model,
                "name": "signups",
                "table": "signups",
                "time": "signed_up_at",
                "measures": {"signups": {"agg": "count"}},
            },
        },
        kpis={
            "signup_rate": {
                "type": "conversion",
                "entity": "visitor",
                "base": "visits.visits",
                "conversion": "signups.signups",
                "window": "7 days",
            },
            "signups_within_week": {
                "type": "conversion",
                "entity": "visitor",
                "base": "visits.visits",
                "conversion": "signups.signups",
                "window": "7 days",
                "calculation": "count",
            },
        },
        tables={"visits": VISITS, "signups": SIGNUPS},
    )
    with kpibridge.Workspace.open(root) as workspace:
        yield workspace


def test_conversion_rate(funnel: kpibridge.Workspace) -> None:
    frame = funnel.compute("signup_rate", grain="month")
    assert list(frame.columns) == ["period", "value", "numerator", "denominator"]
    # January: visits of 1, 2, 3, 4, 5, 8 → converted 1, 3 (boundary), 8 (in February) = 3/6
    # February: visits of 7, 9, 10 → converted 7 = 1/3
    assert_rows(
        value_rows(frame, *PARTS),
        [("2025-01-01", 0.5, 3.0, 6.0), ("2025-02-01", 1 / 3, 1.0, 3.0)],
    )


def test_conversion_count(funnel: kpibridge.Workspace) -> None:
    frame = funnel.compute("signups_within_week", grain="month")
    assert list(frame.columns) == ["period", "value"]
    assert_rows(value_rows(frame), [("2025-01-01", 3.0), ("2025-02-01", 1.0)])


def test_conversion_by_week(funnel: kpibridge.Workspace) -> None:
    frame = funnel.compute("signup_rate", grain="week", start="2025-01-01", end="2025-01-12")
    # week of Mon 2024-12-30: visits 1, 2, 3 → 1 and 3 converted; week of 2025-01-06: 4, 5 → none
    assert_rows(
        value_rows(frame, *PARTS),
        [("2024-12-30", 2 / 3, 2.0, 3.0), ("2025-01-06", 0.0, 0.0, 2.0)],
    )


# -- grains -------------------------------------------------------------------------------

# amounts are powers of two, so each sum names exactly the rows in its period
EVENTS = Table(
    "happened_at TIMESTAMP, amount INTEGER",
    [
        ("2024-12-29 10:00:00", 1),  # r0 Sunday
        ("2024-12-30 00:00:00", 2),  # r1 Monday: ISO week 2025-W01 starts here
        ("2025-01-05 23:59:59", 4),  # r2 Sunday, last second of that week
        ("2025-01-06 00:00:00", 8),  # r3 Monday
        ("2025-03-31 23:59:59", 16),  # r4 Monday, last second of Q1
        ("2025-04-01 00:00:00", 32),  # r5 Tuesday, first second of Q2
        ("2025-06-30 12:00:00", 64),  # r6 Monday, last day of fiscal year (July start)
        ("2025-07-01 00:00:00", 128),  # r7 Tuesday, first second of FY2026 (July start)
        ("2025-12-31 23:59:59", 256),  # r8 Wednesday
        ("2026-01-01 00:00:00", 512),  # r9 Thursday
    ],
)
EVENTS_MODEL = {
    "name": "events",
    "table": "events",
    "time": "happened_at",
    "measures": {"amount": {"agg": "sum", "expr": "amount"}},
}
EVENT_KPIS = {
    "amount": {"type": "simple", "measure": "events.amount"},
    "amount_ytd": {"type": "cumulative", "measure": "events.amount", "grain_to_date": "year"},
}


@pytest.fixture(scope="module")
def calendars(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[int, kpibridge.Workspace]]:
    """The same events in workspaces whose fiscal year starts in January, July, February."""
    workspaces = {
        start: kpibridge.Workspace.open(
            write_workspace(
                tmp_path_factory.mktemp(f"fiscal{start}"),
                models={"events": EVENTS_MODEL},
                kpis=EVENT_KPIS,
                tables={"events": EVENTS},
                fiscal_year_start=start,
            )
        )
        for start in (1, 7, 2)
    }
    yield workspaces
    for workspace in workspaces.values():
        workspace.close()


# (fiscal year start, grain, expected rows (period, sum of amounts))
GRAIN_CASES = [
    pytest.param(
        1,
        "day",
        [
            ("2024-12-29", 1),
            ("2024-12-30", 2),
            ("2025-01-05", 4),
            ("2025-01-06", 8),
            ("2025-03-31", 16),
            ("2025-04-01", 32),
            ("2025-06-30", 64),
            ("2025-07-01", 128),
            ("2025-12-31", 256),
            ("2026-01-01", 512),
        ],
        id="day",
    ),
    pytest.param(
        1,
        "week",
        # Monday starts: r0 | r1+r2 | r3 | r4+r5 | r6+r7 | r8+r9 (Mon 2025-12-29)
        [
            ("2024-12-23", 1),
            ("2024-12-30", 6),
            ("2025-01-06", 8),
            ("2025-03-31", 48),
            ("2025-06-30", 192),
            ("2025-12-29", 768),
        ],
        id="week",
    ),
    pytest.param(
        1,
        "month",
        [
            ("2024-12-01", 3),
            ("2025-01-01", 12),
            ("2025-03-01", 16),
            ("2025-04-01", 32),
            ("2025-06-01", 64),
            ("2025-07-01", 128),
            ("2025-12-01", 256),
            ("2026-01-01", 512),
        ],
        id="month",
    ),
    pytest.param(
        1,
        "quarter",
        # r0+r1 | r2+r3+r4 | r5+r6 | r7 | r8 | r9
        [
            ("2024-10-01", 3),
            ("2025-01-01", 28),
            ("2025-04-01", 96),
            ("2025-07-01", 128),
            ("2025-10-01", 256),
            ("2026-01-01", 512),
        ],
        id="quarter",
    ),
    pytest.param(
        1,
        "year",
        [("2024-01-01", 3), ("2025-01-01", 508), ("2026-01-01", 512)],
        id="year",
    ),
    pytest.param(
        7,
        "quarter",
        # fiscal quarters from July fall on calendar quarter boundaries: same sums as above
        [
            ("2024-10-01", 3),
            ("2025-01-01", 28),
            ("2025-04-01", 96),
            ("2025-07-01", 128),
            ("2025-10-01", 256),
            ("2026-01-01", 512),
        ],
        id="fiscal-july-quarter",
    ),
    pytest.param(
        7,
        "year",
        # FY2025 = 2024-07-01..2025-06-30: r0..r6 = 127; FY2026: r7+r8+r9 = 896
        [("2024-07-01", 127), ("2025-07-01", 896)],
        id="fiscal-july-year",
    ),
    pytest.param(
        2,
        "quarter",
        # quarters Nov-Jan, Feb-Apr, May-Jul, Aug-Oct: r0..r3 | r4+r5 | r6+r7 | r8+r9
        [("2024-11-01", 15), ("2025-02-01", 48), ("2025-05-01", 192), ("2025-11-01", 768)],
        id="fiscal-february-quarter",
    ),
    pytest.param(
        2,
        "year",
        # years from February: r0..r3 | r4..r9
        [("2024-02-01", 15), ("2025-02-01", 1008)],
        id="fiscal-february-year",
    ),
    pytest.param(
        7,
        "month",
        # months do not depend on the fiscal year
        [
            ("2024-12-01", 3),
            ("2025-01-01", 12),
            ("2025-03-01", 16),
            ("2025-04-01", 32),
            ("2025-06-01", 64),
            ("2025-07-01", 128),
            ("2025-12-01", 256),
            ("2026-01-01", 512),
        ],
        id="fiscal-july-month",
    ),
]


@pytest.mark.parametrize(("fiscal_start", "grain", "expected"), GRAIN_CASES)
def test_grains(
    calendars: dict[int, kpibridge.Workspace],
    fiscal_start: int,
    grain: str,
    expected: list[tuple[str, int]],
) -> None:
    frame = calendars[fiscal_start].compute("amount", grain=grain)
    assert_rows(value_rows(frame), [(period, float(total)) for period, total in expected])


def test_grain_to_date_with_fiscal_year_from_july(
    calendars: dict[int, kpibridge.Workspace],
) -> None:
    frame = calendars[7].compute("amount_ytd", grain="month", start="2024-12-01", end="2026-01-31")
    # fiscal year to date, restarting each July 1st; months without events still carry the
    # running total of their fiscal year
    expected = [
        ("2024-12-01", 3.0),  # FY from 2024-07: r0+r1
        ("2025-01-01", 15.0),  # + r2+r3
        ("2025-02-01", 15.0),  # nothing new
        ("2025-03-01", 31.0),  # + r4
        ("2025-04-01", 63.0),  # + r5
        ("2025-05-01", 63.0),
        ("2025-06-01", 127.0),  # + r6
        ("2025-07-01", 128.0),  # new fiscal year: r7 only
        ("2025-08-01", 128.0),
        ("2025-09-01", 128.0),
        ("2025-10-01", 128.0),
        ("2025-11-01", 128.0),
        ("2025-12-01", 384.0),  # + r8
        ("2026-01-01", 896.0),  # + r9 (calendar year changes, fiscal year does not)
    ]
    assert_rows(value_rows(frame), expected)


def test_grain_to_date_calendar_year(calendars: dict[int, kpibridge.Workspace]) -> None:
    frame = calendars[1].compute("amount_ytd", grain="quarter")
    # calendar year to date by quarter: 2024-Q4 r0+r1; 2025-Q1 r2..r4; Q2 +r5+r6; Q3 +r7;
    # Q4 +r8; 2026-Q1 restarts with r9
    assert_rows(
        value_rows(frame),
        [
            ("2024-10-01", 3.0),
            ("2025-01-01", 28.0),
            ("2025-04-01", 124.0),
            ("2025-07-01", 252.0),
            ("2025-10-01", 508.0),
            ("2026-01-01", 512.0),
        ],
    )
