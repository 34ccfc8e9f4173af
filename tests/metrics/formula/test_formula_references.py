"""``references`` lists what a formula depends on, in order of first use."""

from __future__ import annotations

import pytest

from kpibridge.metrics.formula import Offset, parse_formula, references

CASES: list[tuple[str, list[tuple[str, Offset | None]]]] = [
    ("1 + 2", []),
    ("revenue", [("revenue", None)]),
    (
        "100 * (promoters - detractors) / nullif(responses, 0)",
        [("promoters", None), ("detractors", None), ("responses", None)],
    ),
    ("revenue / previous(revenue) - 1", [("revenue", None), ("revenue", Offset(1, "period"))]),
    ("year_ago(revenue) + revenue", [("revenue", Offset(1, "year")), ("revenue", None)]),
    ("lag(a, 3) - lag(a, 3) + lag(a, 2)", [("a", Offset(3, "period")), ("a", Offset(2, "period"))]),
    ("b + a + b + a", [("b", None), ("a", None)]),
    ("orders.revenue / orders.count", [("orders.revenue", None), ("orders.count", None)]),
    (
        "if(x in (y, z), coalesce(z, w), -v)",
        [("x", None), ("y", None), ("z", None), ("w", None), ("v", None)],
    ),
    ("channel = 'display' and mql_at is not null", [("channel", None), ("mql_at", None)]),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[text for text, _ in CASES])
def test_references(text: str, expected: list[tuple[str, Offset | None]]) -> None:
    found = references(parse_formula(text))
    assert [(reference.name.dotted, reference.offset) for reference in found] == expected


def test_reference_keeps_the_position_of_its_first_use() -> None:
    text = "previous(revenue) + revenue + revenue"
    first_plain = references(parse_formula(text))[1]
    assert text[first_plain.name.start : first_plain.name.end] == "revenue"
    assert first_plain.name.start == text.index("+ revenue") + 2
