"""Reading workspace files: every problem becomes an Issue at its file, line and field, and
all of them are reported at once.

Files are written as literal YAML so that the expected line numbers can be read off the
text (line 1 is the first line of each string).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import kpibridge
from kpibridge.errors import Issue, WorkspaceError

RootFactory = Callable[..., Path]

ORDERS_MODEL = """\
    name: orders
    table: orders
    time: ordered_at
    dimensions: [channel]
    measures:
      revenue: {agg: sum, expr: revenue}
      orders: {agg: count}
"""

REVENUE = """\
    id: revenue
    name: Revenue
    type: simple
    measure: orders.revenue
"""


def open_issues(root: Path) -> list[Issue]:
    with pytest.raises(WorkspaceError) as caught:
        kpibridge.Workspace.open(root)
    issues = list(caught.value.issues)
    # the exception's message lists every issue, one per line, as `file:line: field: message`
    assert str(caught.value).splitlines()[0] == (
        f"{len(issues)} problem{'s' if len(issues) != 1 else ''} in the workspace:"
    )
    for issue in issues:
        assert str(issue) in str(caught.value)
    return issues


def located(issues: list[Issue]) -> list[tuple[str, int, str]]:
    return [(issue.file, issue.line, issue.field) for issue in issues]


# (files to write over a valid workspace, expected (file, line, field, part of the message))
CASES: list[Any] = [
    pytest.param(
        {"kpis/revenue.yaml": "id: revenue\nname: Revenue\n\ttype: simple\n"},
        [("kpis/revenue.yaml", 3, "", "YAML syntax error: found character '\\t'")],
        id="yaml-tab",
    ),
    pytest.param(
        {"kpis/revenue.yaml": REVENUE + "    measure: orders.orders\n"},
        [("kpis/revenue.yaml", 5, "", 'found duplicate key "measure"')],
        id="yaml-duplicate-key",
    ),
    pytest.param(
        {
            "models/orders.yaml": """\
                name: orders
                table: orders
                time: ordered_at
                measures:
                  revenue: {agg: sum, expr: revenue}
                   orders: {agg: count}
            """
        },
        [("models/orders.yaml", 6, "", "YAML syntax error: expected <block end>")],
        id="yaml-bad-indentation",
    ),
    pytest.param(
        {"kpis/revenue.yaml": REVENUE + "    owner: ceo\n    measur: orders.revenue\n"},
        [("kpis/revenue.yaml", 6, "measur", "unknown field (check the spelling")],
        id="unknown-kpi-field",
    ),
    pytest.param(
        {"models/orders.yaml": ORDERS_MODEL + "      big: {agg: count, filtr: 'revenue > 100'}\n"},
        [("models/orders.yaml", 8, "measures.big.filtr", "unknown field")],
        id="unknown-nested-field",
    ),
    pytest.param(
        {"kpibridge.yaml": "name: Shop\nfiscal_year_start: 13\nwarehous: {}\n"},
        [
            ("kpibridge.yaml", 2, "fiscal_year_start", "less than or equal to 12"),
            ("kpibridge.yaml", 3, "warehous", "unknown field"),
        ],
        id="settings",
    ),
    pytest.param(
        {
            "kpis/aov.yaml": """\
                id: aov
                name: AOV
                type: ratio
                numerator: orders.revenue
                denominator: orders.orders
                scale: lots
                targets:
                  - {period: '2026', value: high}
            """
        },
        [
            ("kpis/aov.yaml", 6, "scale", "Input should be a valid number"),
            ("kpis/aov.yaml", 8, "targets.0.value", "Input should be a valid number"),
        ],
        id="wrong-types",
    ),
    pytest.param(
        {
            "kpis/bad.yaml": """\
                id: Bad KPI
                name: ''
                type: cumulative
                measure: orders.revenue
                window: soon
            """
        },
        [
            ("kpis/bad.yaml", 1, "id", "is not a valid id"),
            ("kpis/bad.yaml", 2, "name", "at least 1 character"),
            ("kpis/bad.yaml", 5, "window", "'soon' is not a window"),
        ],
        id="wrong-values",
    ),
    pytest.param(
        {
            "models/orders.yaml": ORDERS_MODEL + "      middle: {agg: median, expr: revenue}\n",
        },
        [("models/orders.yaml", 8, "measures.middle.agg", "Input should be 'sum', 'count'")],
        id="unknown-aggregation",
    ),
    pytest.param(
        {
            "kpis/revenue.yaml": """\
                id: revenue
                name: Revenue
                type: ratioo
                numerator: orders.revenue
            """
        },
        [("kpis/revenue.yaml", 3, "type", "unknown KPI type; expected one of conversion")],
        id="unknown-kpi-type",
    ),
    pytest.param(
        {"kpis/revenue.yaml": "id: revenue\nname: Revenue\nmeasure: orders.revenue\n"},
        [("kpis/revenue.yaml", 1, "type", "missing 'type'; expected one of conversion")],
        id="missing-kpi-type",
    ),
    pytest.param(
        {"kpis/total.yaml": REVENUE.replace("name: Revenue", "name: Total")},
        # files are read in name order: revenue.yaml first, so total.yaml holds the duplicate
        [
            (
                "kpis/total.yaml",
                1,
                "id",
                "duplicate kpi 'revenue' (first defined at kpis/revenue.yaml:1)",
            )
        ],
        id="duplicate-kpi-id",
    ),
    pytest.param(
        {
            "stakeholders.yaml": """\
                stakeholders:
                  - {id: ceo, name: Chief Executive, role: executive}
                  - {id: cmo, name: Chief Marketer, role: marketing}
                  - {id: ceo, name: Another Chief, role: boss}
                  - {id: ceo, name: Second Chief, role: finance}
            """
        },
        [
            ("stakeholders.yaml", 4, "role", "Input should be 'executive'"),
            ("stakeholders.yaml", 5, "id", "duplicate stakeholder 'ceo' (first defined at"),
        ],
        id="stakeholders",
    ),
    pytest.param(
        {
            "models/more.yaml": """\
                models:
                  - name: orders
                    table: orders_copy
                    time: ordered_at
            """
        },
        # files are read in name order: more.yaml first, so orders.yaml holds the duplicate
        [
            (
                "models/orders.yaml",
                1,
                "name",
                "duplicate model 'orders' (first defined at models/more.yaml:2)",
            )
        ],
        id="duplicate-model-in-a-list",
    ),
    pytest.param(
        {
            "goals.yaml": """\
                goals:
                  - id: growth
                    name: Grow
                    children:
                      - id: acquisition
                        name: Acquire
                      - id: retention
                        nam: Keep
            """
        },
        [
            ("goals.yaml", 7, "children.1.name", "Field required"),
            ("goals.yaml", 8, "children.1.nam", "unknown field"),
        ],
        id="nested-goal",
    ),
    pytest.param(
        {"goals.yaml": "goals: {id: growth, name: Grow}\n"},
        [("goals.yaml", 1, "", "expected a list under 'goals:'")],
        id="goals-not-a-list",
    ),
    pytest.param(
        {"kpis/revenue.yaml": "- revenue\n- orders\n"},
        [("kpis/revenue.yaml", 1, "", "expected a mapping of fields")],
        id="kpi-not-a-mapping",
    ),
]


@pytest.mark.parametrize(("files", "expected"), CASES)
def test_file_problems(
    write_root: RootFactory, files: dict[str, str], expected: list[tuple[str, int, str, str]]
) -> None:
    # With a broken model file, KPIs over that model would also be reported ("unknown
    # semantic model"); leave them out so that each case shows one problem.
    broken_model = any(name.startswith("models/") for name in files)
    root = write_root(
        models={"orders": ORDERS_MODEL},
        kpis={} if broken_model else {"revenue": REVENUE},
        files=files,
    )
    issues = open_issues(root)
    assert located(issues) == [(file, line, field) for file, line, field, _ in expected]
    for issue, (_, _, _, message) in zip(issues, expected, strict=True):
        assert message in issue.message


def test_issue_format() -> None:
    assert str(Issue("kpis/cac.yaml", 14, "targets.0.value", "bad")) == (
        "kpis/cac.yaml:14: targets.0.value: bad"
    )
    assert str(Issue("goals.yaml", 3, "", "bad")) == "goals.yaml:3: bad"
    assert str(Issue("kpibridge.yaml", 0, "", "missing")) == "kpibridge.yaml: missing"


def test_not_a_workspace(tmp_path: Path) -> None:
    issues = open_issues(tmp_path)
    assert len(issues) == 1
    assert issues[0].message.startswith("not a kpibridge workspace: kpibridge.yaml is missing")


def test_every_problem_in_every_file_at_once(write_root: RootFactory) -> None:
    root = write_root(
        models={
            "orders": ORDERS_MODEL,
            "spend": "name: spend\ntable: [ad_spend\n",  # unclosed list
        },
        kpis={
            "revenue": REVENUE,
            "aov": "id: aov\nname: AOV\ntype: ratio\nnumerator: orders.revenue\n",
            "cac": "id: cac\nname: CAC\ntype: fraction\n",
            "orders": "id: orders\nname: Orders\ntype: simple\nmeasure: orders.orders\n"
            "color: red\n",
        },
        settings="name: Shop\nfiscal_year_start: 0\n",
    )
    issues = open_issues(root)
    assert [str(issue).split(": ")[0] + ": " + issue.field for issue in issues] == [
        "kpibridge.yaml:2: fiscal_year_start",
        "kpis/aov.yaml:1: denominator",  # missing: reported at the KPI's first line
        "kpis/cac.yaml:3: type",
        "kpis/orders.yaml:5: color",
        "models/spend.yaml:3: ",  # the unclosed '[' is noticed at the end of the file
    ]
    for issue in issues:
        file_and_line, _, rest = str(issue).partition(": ")
        assert file_and_line == f"{issue.file}:{issue.line}"
        expected_rest = f"{issue.field}: {issue.message}" if issue.field else issue.message
        assert rest == expected_rest


def test_a_valid_workspace_opens(write_root: RootFactory) -> None:
    root = write_root(
        models={"orders": ORDERS_MODEL},
        kpis={"revenue": REVENUE},
        files={
            "kpis/more.yaml": {
                "kpis": [
                    {"id": "orders", "name": "Orders", "type": "simple", "measure": "orders.orders"}
                ]
            }
        },
    )
    with kpibridge.Workspace.open(root) as workspace:
        assert sorted(workspace.kpis) == ["orders", "revenue"]
        assert workspace.definition.source("kpis", "orders").file == "kpis/more.yaml"
        assert workspace.definition.source("kpis", "orders").line == 2
        assert [goal.id for goal in workspace.goals] == ["growth"]
