"""Round files (``rounds/NAME.yaml``): schema and references, every problem located at
``file:line: field`` with the closest valid name suggested, all reported at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import kpibridge
from kpibridge.errors import UnknownNameError
from kpibridge.workspace.rounds import load_round, round_names

ORDERS_MODEL = """\
    name: orders
    table: orders
    time: ordered_at
    measures:
      revenue: {agg: sum, expr: revenue}
      orders: {agg: count}
"""
KPIS = {
    "revenue": {"type": "simple", "measure": "orders.revenue", "goal": "growth"},
    "orders": {"type": "simple", "measure": "orders.orders", "goal": "acquisition"},
}
GOOD_ROUND: dict[str, Any] = {
    "id": "kpis-2027",
    "question": "Which KPIs?",
    "select": 1,
    "participants": ["ceo", "cmo"],
    "audience": [{"id": "staff-1", "role": "sales"}],
    "candidates": ["revenue", "orders"],
    "proposals": [{"id": "brand_lift", "name": "Brand lift", "proposed_by": "cmo"}],
    "ballots": [
        {"participant": "ceo", "ranking": ["revenue", ["orders", "brand_lift"]]},
        {
            "participant": "cmo",
            "ranking": ["brand_lift"],
            "scores": {"revenue": {"measurability": 5}},
            "comparisons": [["measurability", "timeliness", 3]],
        },
        {"participant": "staff-1", "reactions": {"revenue": "agree", "orders": "pass"}},
    ],
}


def open_round(write_root: Any, content: Any) -> tuple[Any, list[kpibridge.Issue]]:
    root: Path = write_root(
        models={"orders": ORDERS_MODEL}, kpis=KPIS, files={"rounds/kpis-2027.yaml": content}
    )
    with kpibridge.Workspace.open(root) as ws:
        return load_round(ws.definition, "kpis-2027")


def test_a_good_round_loads_with_its_audience(write_root: Any) -> None:
    round_, issues = open_round(write_root, GOOD_ROUND)
    assert issues == []
    assert round_.all_candidates() == ("revenue", "orders", "brand_lift")
    assert round_.ballots[0].ranking == (("revenue",), ("orders", "brand_lift"))
    assert [m.role.value for m in round_.audience] == ["sales"]


def test_every_problem_is_reported_with_its_place(write_root: Any) -> None:
    bad = {
        **GOOD_ROUND,
        "participants": ["ceo", "cmo", "cfoo"],
        "audience": [{"id": "staff-1", "role": "sales"}, {"id": "ceo", "role": "executive"}],
        "select": 4,
        "ballots": [
            {"participant": "ceo", "ranking": ["revenu"]},
            {"participant": "ceo", "reactions": {"orders": "agree"}},
            {"participant": "cmo", "scores": {"revenue": {"measurability": 7, "speed": 3}}},
            {"participant": "staff-1", "ranking": ["revenue"]},
            {"participant": "nobody", "reactions": {"orders": "agree"}},
        ],
    }
    _, issues = open_round(write_root, bad)
    messages = [f"{issue.field}: {issue.message}" for issue in issues]
    text = "\n".join(messages)
    assert all(issue.file == "rounds/kpis-2027.yaml" and issue.line for issue in issues)
    assert "participants.2: unknown stakeholder 'cfoo'" in text
    assert "audience.1.id: 'ceo' is a stakeholder" in text
    assert "select: select is 4 but the round has only 3 candidates" in text
    assert "ballots.0.ranking: unknown candidate 'revenu'. Did you mean 'revenue'?" in text
    assert "ballots.1.participant: a second ballot for 'ceo'" in text
    assert "score 7 is outside 1-5" in text
    assert "unknown criterion 'speed'" in text
    assert "ballots.3.participant: 'staff-1' is in the audience" in text
    assert "ballots.4.participant: unknown participant 'nobody'" in text
    assert len(issues) == 10


def test_schema_errors_name_the_field(write_root: Any) -> None:
    bad = {**GOOD_ROUND, "ballots": [{"participant": "ceo", "reactions": {"revenue": "maybe"}}]}
    round_, issues = open_round(write_root, bad)
    assert round_ is None
    assert any("reactions" in str(issue.field) for issue in issues)


def test_unknown_round_names_the_rounds_there(write_root: Any) -> None:
    root = write_root(
        models={"orders": ORDERS_MODEL}, kpis=KPIS, files={"rounds/kpis-2027.yaml": GOOD_ROUND}
    )
    assert round_names(root) == ["kpis-2027"]
    with kpibridge.Workspace.open(root) as ws, pytest.raises(UnknownNameError, match="kpis-2027"):
        load_round(ws.definition, "kpis-2026")
