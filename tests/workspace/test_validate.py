"""Workspace validation: references, cycles, dimensions, targets and formulas (static, on
``Workspace.open``) and tables and columns (``Workspace.validate``), every issue located at
``file:line: field`` with the closest valid name suggested, all reported at once.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import kpibridge
from helpers import Table, table_rows
from kpibridge.errors import Issue, WorkspaceError

ORDERS_MODEL = """\
    name: orders
    table: orders
    time: ordered_at
    entities: {order: order_id, customer: customer_id}
    dimensions:
      - channel
      - {name: market, expr: "if(country = 'US', 'domestic', 'abroad')"}
    measures:
      revenue: {agg: sum, expr: revenue}
      orders: {agg: count}
"""
AD_SPEND_MODEL = """\
    name: ad_spend
    table: ad_spend
    time: day
    dimensions: [channel]
    measures:
      spend: {agg: sum, expr: spend}
"""
ORDERS = Table(
    "order_id INTEGER, customer_id INTEGER, ordered_at TIMESTAMP, channel VARCHAR, "
    "country VARCHAR, revenue DOUBLE",
    [
        (1, 101, "2025-01-03 09:00:00", "search", "US", 100.0),
        (2, 102, "2025-01-15 12:00:00", "social", "DE", 40.0),
        (3, 103, "2025-02-01 00:00:00", "search", "US", 60.0),
    ],
)
AD_SPEND = Table("day DATE, channel VARCHAR, spend DOUBLE", [("2025-01-10", "search", 50.0)])


def kpi(kpi_id: str, *lines: str) -> str:
    """A KPI file: ``id`` on line 1, ``name`` on line 2, then ``lines`` from line 3."""
    return "\n".join([f"id: {kpi_id}", f"name: {kpi_id.title()}", *lines]) + "\n"


REVENUE = kpi("revenue", "type: simple", "measure: orders.revenue", "goal: growth", "owner: ceo")


RootFactory = Callable[..., Path]


def write_shop(write_root: RootFactory, **overrides: Any) -> Path:
    arguments: dict[str, Any] = {
        "models": {"orders": ORDERS_MODEL, "ad_spend": AD_SPEND_MODEL},
        "kpis": {"revenue": REVENUE},
        "tables": {"orders": ORDERS, "ad_spend": AD_SPEND},
    }
    arguments.update(overrides)
    return write_root(**arguments)


def open_issues(root: Path) -> list[Issue]:
    with pytest.raises(WorkspaceError) as caught:
        kpibridge.Workspace.open(root)
    return list(caught.value.issues)


# (extra KPI files, expected issues as `file:line: field: message`, in full)
STATIC_CASES = [
    pytest.param(
        {"profit": kpi("profit", "type: simple", "measure: orders.revenue", "goal: growht")},
        ["kpis/profit.yaml:5: goal: unknown goal 'growht'. Did you mean 'growth'?"],
        id="unknown-goal",
    ),
    pytest.param(
        {"profit": kpi("profit", "type: simple", "measure: orders.revenue", "owner: cm")},
        ["kpis/profit.yaml:5: owner: unknown stakeholder 'cm'. Did you mean 'cmo'?"],
        id="unknown-owner",
    ),
    pytest.param(
        {"profit": kpi("profit", "type: simple", "measure: orders.revenu")},
        [
            "kpis/profit.yaml:4: measure: model 'orders' has no measure 'revenu'. "
            "Did you mean 'revenue'?"
        ],
        id="unknown-measure",
    ),
    pytest.param(
        {
            "spend": kpi(
                "spend",
                "type: simple",
                "measure: ad_spend.spend",
                "drives:",
                "  - revenue",
                "  - revenu",
                "  - {kpi: revenue, by: cm, why: brand}",
            )
        },
        [
            "kpis/spend.yaml:7: drives.1: unknown KPI 'revenu'. Did you mean 'revenue'?",
            "kpis/spend.yaml:8: drives.2: unknown stakeholder 'cm'. Did you mean 'cmo'?",
        ],
        id="unknown-claimed-kpi",
    ),
    pytest.param(
        {"spend": kpi("spend", "type: simple", "measure: ad_spend.spend", "drives: [spend]")},
        ["kpis/spend.yaml:5: drives.0: spend cannot drive itself"],
        id="self-claim",
    ),
    pytest.param(
        {"profit": kpi("profit", "type: simple", "measure: order.revenue")},
        [
            "kpis/profit.yaml:4: measure: unknown semantic model 'order' in 'order.revenue'. "
            "Did you mean 'orders'?"
        ],
        id="unknown-model",
    ),
    pytest.param(
        {"profit": kpi("profit", "type: derived", "expr: revenu - ad_spend.spend")},
        ["kpis/profit.yaml:4: expr: unknown KPI or measure 'revenu'. Did you mean 'revenue'?"],
        id="unknown-kpi-in-formula",
    ),
    pytest.param(
        {"aov": kpi("aov", "type: ratio", "numerator: revenu", "denominator: orders.orders")},
        ["kpis/aov.yaml:4: numerator: unknown KPI or measure 'revenu'. Did you mean 'revenue'?"],
        id="unknown-kpi-in-ratio",
    ),
    pytest.param(
        {
            "repeat": kpi(
                "repeat",
                "type: conversion",
                "entity: custommer",
                "base: orders.orders",
                "conversion: orders.orders",
                "window: 30 days",
            )
        },
        [
            "kpis/repeat.yaml:4: entity: model 'orders' (base) has no entity 'custommer'. "
            "Did you mean 'customer'?",
            "kpis/repeat.yaml:4: entity: model 'orders' (conversion) has no entity "
            "'custommer'. Did you mean 'customer'?",
        ],
        id="unknown-entity",
    ),
    pytest.param(
        {
            "a": kpi("a", "type: derived", "expr: b + 1"),
            "b": kpi("b", "type: derived", "expr: 2 * a"),
        },
        ["kpis/a.yaml:4: expr: KPI depends on itself: a → b → a"],
        id="cycle-a-b-a",
    ),
    pytest.param(
        {"a": kpi("a", "type: ratio", "numerator: a", "denominator: revenue")},
        ["kpis/a.yaml:4: numerator: KPI depends on itself: a → a"],
        id="cycle-self",
    ),
    pytest.param(
        {
            "roas": kpi(
                "roas",
                "type: ratio",
                "numerator: orders.revenue",
                "denominator: ad_spend.spend",
                "dimensions: [channel, market]",
            )
        },
        [
            "kpis/roas.yaml:6: dimensions.1: dimension 'market' is not shared by all models this "
            "KPI uses (missing in: ad_spend; shared: channel)"
        ],
        id="dimension-not-shared",
    ),
    pytest.param(
        {
            "target": kpi(
                "target",
                "type: simple",
                "measure: orders.revenue",
                "targets:",
                "  - {period: 2026-Q3, value: 1}",
                "  - {period: 2026-Q7, value: 1}",
                "  - {period: 2026-13, value: 1}",
            )
        },
        [
            "kpis/target.yaml:7: targets.1.period: '2026-Q7' is not a period: write a year as "
            "2026 (or FY2026), a quarter as 2026-Q3, a month as 2026-09, a week as 2026-W40 or a "
            "day as 2026-09-28",
            "kpis/target.yaml:8: targets.2.period: '2026-13' is not a valid period: "
            "month must be in 1..12",
        ],
        id="bad-target-period",
    ),
    pytest.param(
        {"profit": kpi("profit", "type: derived", "expr: revenue - -")},
        [
            "kpis/profit.yaml:4: expr: unexpected end of formula; expected a number, a 'string', "
            "a name, a function call or '(' at 1:12\n"
            "  revenue - -\n"
            "             ^"  # just past the last '-', where an operand is missing
        ],
        id="formula-syntax",
    ),
]


def test_a_kpi_on_a_broken_kpi_points_to_its_errors(write_root: RootFactory) -> None:
    """Issue 21 item 9: 'cac' had a misspelt field, and the KPIs built on it were told
    "unknown KPI or measure 'cac'. Did you mean 'cpc'?" — a dead end."""
    broken = kpi("cac", "type: simple", "measure: ad_spend.spend", "numerater: oops")
    cpc = kpi("cpc", "type: simple", "measure: ad_spend.spend")
    ratio = kpi("clv_to_cac", "type: derived", "expr: revenue / cac")
    root = write_shop(
        write_root, kpis={"revenue": REVENUE, "cac": broken, "cpc": cpc, "clv_to_cac": ratio}
    )
    assert [str(issue) for issue in open_issues(root)] == [
        "kpis/cac.yaml:5: numerater: unknown field (check the spelling; `kpibridge schema` "
        "lists the fields)",
        "kpis/clv_to_cac.yaml:4: expr: depends on cac, which has errors (kpis/cac.yaml:1); "
        "fix those first",
    ]


@pytest.mark.parametrize(("kpis", "expected"), STATIC_CASES)
def test_static_problems(
    write_root: RootFactory, kpis: dict[str, str], expected: list[str]
) -> None:
    root = write_shop(write_root, kpis={"revenue": REVENUE, **kpis})
    assert [str(issue) for issue in open_issues(root)] == expected


def test_goal_owner_must_be_a_stakeholder(write_root: RootFactory) -> None:
    goals = "goals:\n  - id: growth\n    name: Grow\n    owner: seo\n"
    root = write_shop(write_root, goals=goals, kpis={})
    assert [str(issue) for issue in open_issues(root)] == [
        "goals.yaml:4: owner: goal 'growth': unknown stakeholder 'seo'. Did you mean 'ceo'?"
    ]


def test_formula_injection_is_an_issue_and_never_runs(write_root: RootFactory) -> None:
    injection = kpi("profit", "type: derived", 'expr: "revenue); DROP TABLE orders; --"')
    root = write_shop(write_root, kpis={"revenue": REVENUE, "profit": injection})
    issues = open_issues(root)
    assert len(issues) == 1
    (issue,) = issues
    assert (issue.file, issue.line, issue.field) == ("kpis/profit.yaml", 4, "expr")
    # the message points at the ')' (line 1, column 8 of the formula) with a caret
    assert issue.message == ("unmatched ')' at 1:8\n  revenue); DROP TABLE orders; --\n         ^")
    assert table_rows(root, "SELECT count(*) FROM orders") == [(3,)]


def test_sql_in_a_string_literal_stays_a_string(write_root: RootFactory) -> None:
    # A filter that parses: the quote is escaped ('') so everything after it is string data.
    # Ibis quotes the literal; the filter matches no channel and the table is untouched.
    sneaky = kpi(
        "sneaky",
        "type: simple",
        "measure: orders.revenue",
        "filter: \"channel = 'search''); DROP TABLE orders; --'\"",
    )
    root = write_shop(write_root, kpis={"revenue": REVENUE, "sneaky": sneaky})
    with kpibridge.Workspace.open(root) as workspace:
        assert workspace.validate() == []
        frame = workspace.compute("sneaky")
        assert frame["value"].tolist() == [0.0, 0.0]  # January and February, no match
    assert table_rows(root, "SELECT count(*) FROM orders") == [(3,)]


# (changes to the shop, expected issues of Workspace.validate as `file:line: field: message`)
WAREHOUSE_CASES = [
    pytest.param(
        {"tables": {"orders": ORDERS}},
        ["models/ad_spend.yaml:2: table: table 'ad_spend' is not in the warehouse."],
        id="missing-table",
    ),
    pytest.param(
        {"tables": {"orders": ORDERS, "ad_spends": AD_SPEND}},
        [
            "models/ad_spend.yaml:2: table: table 'ad_spend' is not in the warehouse. "
            "Did you mean 'ad_spends'?"
        ],
        id="missing-table-close-name",
    ),
    pytest.param(
        {
            "tables": {
                "orders": ORDERS,
                "ad_spend": Table("date DATE, channel VARCHAR, spend DOUBLE"),
            }
        },
        ["models/ad_spend.yaml:3: time: column 'day' is not in table 'ad_spend'."],
        id="missing-time-column",
    ),
    pytest.param(
        {
            "tables": {
                "orders": ORDERS,
                "ad_spend": Table("day VARCHAR, channel VARCHAR, spend DOUBLE"),
            }
        },
        [
            "models/ad_spend.yaml:3: time: time column 'day' has type string; "
            "it must be a date or timestamp"
        ],
        id="time-column-not-a-date",
    ),
    pytest.param(
        {
            "tables": {
                "orders": ORDERS,
                "ad_spend": Table("day DATE, channel VARCHAR, spent DOUBLE"),
            }
        },
        [
            "models/ad_spend.yaml:6: measures.spend: unknown column or dimension of model "
            "'ad_spend' 'spend'. Did you mean 'spent'? at 1:1\n  spend\n  ^^^^^"
        ],
        id="missing-measure-column",
    ),
    pytest.param(
        {
            "models": {
                "orders": ORDERS_MODEL + "    key: [order_no]\n",
                "ad_spend": AD_SPEND_MODEL,
            }
        },
        [
            "models/orders.yaml:11: key.0: column 'order_no' is not in table 'orders'. "
            "Did you mean 'order_id', 'ordered_at'?"
        ],
        id="missing-key-column",
    ),
]


@pytest.mark.parametrize(("changes", "expected"), WAREHOUSE_CASES)
def test_warehouse_problems(
    write_root: RootFactory, changes: dict[str, Any], expected: list[str]
) -> None:
    root = write_shop(write_root, **changes)
    with kpibridge.Workspace.open(root) as workspace:
        assert [str(issue) for issue in workspace.validate()] == expected


def test_valid_shop_has_no_issues(write_root: RootFactory) -> None:
    roas = kpi(
        "roas",
        "type: ratio",
        "numerator: orders.revenue",
        "denominator: ad_spend.spend",
        "dimensions: [channel]",
    )
    root = write_shop(write_root, kpis={"revenue": REVENUE, "roas": roas})
    with kpibridge.Workspace.open(root) as workspace:
        assert workspace.validate() == []


def test_every_static_problem_at_once(write_root: RootFactory) -> None:
    kpis = {
        "revenue": REVENUE,
        "profit": kpi("profit", "type: derived", "expr: revenu - spend", "owner: cm"),
        "a": kpi("a", "type: derived", "expr: b"),
        "b": kpi("b", "type: derived", "expr: a"),
        "roas": kpi(
            "roas",
            "type: ratio",
            "numerator: orders.revenue",
            "denominator: ad_spend.spend",
            "dimensions: [market]",
            "targets: [{period: next year, value: 3}]",
        ),
        "broken": kpi("broken", "type: simple", "measure: orders.revenue", "filter: 'a = = b'"),
    }
    issues = open_issues(write_shop(write_root, kpis=kpis))
    assert [(issue.file, issue.line, issue.field) for issue in issues] == [
        ("kpis/a.yaml", 4, "expr"),  # a → b → a
        ("kpis/broken.yaml", 5, "filter"),  # formula syntax
        ("kpis/profit.yaml", 4, "expr"),  # revenu
        ("kpis/profit.yaml", 4, "expr"),  # spend
        ("kpis/profit.yaml", 5, "owner"),  # cm
        ("kpis/roas.yaml", 6, "dimensions.0"),  # market
        ("kpis/roas.yaml", 7, "targets.0.period"),  # next year
    ]


def test_every_warehouse_problem_at_once(write_root: RootFactory) -> None:
    # Three models, three kinds of trouble, plus a KPI filter naming a missing column on the
    # one healthy model: validation reports them all in one run.
    visits_model = "name: visits\ntable: visits\ntime: visited\nmeasures:\n  visits: {agg: count}\n"
    kpis = {
        "revenue": REVENUE,
        "spend": kpi("spend", "type: simple", "measure: ad_spend.spend"),
        "visits": kpi("visits", "type: simple", "measure: visits.visits"),
        "search": kpi("search", "type: simple", "measure: orders.orders", "filter: chanel = 'x'"),
    }
    root = write_shop(
        write_root,
        models={"orders": ORDERS_MODEL, "ad_spend": AD_SPEND_MODEL, "visits": visits_model},
        kpis=kpis,
        tables={
            "orders": ORDERS,
            "ad_spend": Table("day DATE, channel VARCHAR, spent DOUBLE"),
            "visitors": Table("visited_at TIMESTAMP"),
        },
    )
    with kpibridge.Workspace.open(root) as workspace:
        issues = workspace.validate()
    assert [(issue.file, issue.line, issue.field) for issue in issues] == [
        ("kpis/search.yaml", 5, "filter"),
        ("models/ad_spend.yaml", 6, "measures.spend"),
        ("models/visits.yaml", 2, "table"),
    ]
    assert "'chanel'. Did you mean 'channel'?" in issues[0].message
    assert "Did you mean 'spent'?" in issues[1].message
    assert "Did you mean 'visitors'?" in issues[2].message
