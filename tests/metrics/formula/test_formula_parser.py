"""Table-driven parser tests: each formula and the tree it must parse into."""

from __future__ import annotations

import pytest

from kpibridge.metrics.formula import (
    Binary,
    Boolean,
    Call,
    Compare,
    InList,
    IsNull,
    Logical,
    Name,
    Node,
    Null,
    Number,
    String,
    Unary,
    parse_formula,
)
from kpibridge.metrics.formula.nodes import children

a, b, c = Name(("a",)), Name(("b",)), Name(("c",))

CASES: list[tuple[str, Node]] = [
    # literals
    ("1", Number(1)),
    ("2.5", Number(2.5)),
    (".5", Number(0.5)),
    ("1e3", Number(1000.0)),
    ("1.5E-2", Number(0.015)),
    ("'display'", String("display")),
    ("'O''Brien'", String("O'Brien")),
    ("''", String("")),
    ("'a -- b; c'", String("a -- b; c")),
    ("true", Boolean(True)),
    ("FALSE", Boolean(False)),
    ("Null", Null()),
    # names
    ("revenue", Name(("revenue",))),
    ("orders.revenue", Name(("orders", "revenue"))),
    ("warehouse.orders.revenue", Name(("warehouse", "orders", "revenue"))),
    ("_Mixed_Case1", Name(("_Mixed_Case1",))),
    ("if", Name(("if",))),
    # precedence and associativity
    ("a + b * c", Binary("+", a, Binary("*", b, c))),
    ("(a + b) * c", Binary("*", Binary("+", a, b), c)),
    ("a - b - c", Binary("-", Binary("-", a, b), c)),
    ("a / b / c", Binary("/", Binary("/", a, b), c)),
    ("a - (b - c)", Binary("-", a, Binary("-", b, c))),
    ("a * b + c", Binary("+", Binary("*", a, b), c)),
    ("-a", Unary("-", a)),
    ("-a * b", Binary("*", Unary("-", a), b)),
    ("a * -b", Binary("*", a, Unary("-", b))),
    ("a - -b", Binary("-", a, Unary("-", b))),
    ("- -a", Unary("-", Unary("-", a))),
    ("-(a + b)", Unary("-", Binary("+", a, b))),
    ("a = b + c", Compare("=", a, Binary("+", b, c))),
    ("a == b", Compare("=", a, b)),
    ("a <> b", Compare("!=", a, b)),
    ("a != b", Compare("!=", a, b)),
    ("a <= b", Compare("<=", a, b)),
    ("a >= b", Compare(">=", a, b)),
    ("a < b", Compare("<", a, b)),
    ("a > b", Compare(">", a, b)),
    ("a or b and c", Logical("or", a, Logical("and", b, c))),
    ("(a or b) and c", Logical("and", Logical("or", a, b), c)),
    ("a and b and c", Logical("and", Logical("and", a, b), c)),
    ("not a and b", Logical("and", Unary("not", a), b)),
    ("not a = b", Unary("not", Compare("=", a, b))),
    ("not not a", Unary("not", Unary("not", a))),
    ("a = 1 or b = 2", Logical("or", Compare("=", a, Number(1)), Compare("=", b, Number(2)))),
    # in / not in / is null
    ("not a in (1, 2)", Unary("not", InList(a, (Number(1), Number(2))))),
    ("a not in (1, 2)", InList(a, (Number(1), Number(2)), negated=True)),
    ("a in ('x')", InList(a, (String("x"),))),
    ("a + 1 in (b, c * 2)", InList(Binary("+", a, Number(1)), (b, Binary("*", c, Number(2))))),
    ("a is null", IsNull(a)),
    ("a is not null", IsNull(a, negated=True)),
    ("a IS NOT NULL", IsNull(a, negated=True)),
    ("not a is null", Unary("not", IsNull(a))),
    ("a is null or b", Logical("or", IsNull(a), b)),
    ("A AnD b Or NOT c", Logical("or", Logical("and", Name(("A",)), b), Unary("not", c))),
    # calls
    ("nullif(a, 0)", Call("nullif", (a, Number(0)))),
    ("COALESCE(a, b, 0)", Call("coalesce", (a, b, Number(0)))),
    ("coalesce(a)", Call("coalesce", (a,))),
    ("round(a)", Call("round", (a,))),
    ("round(a, 2)", Call("round", (a, Number(2)))),
    ("if(a > 0, b, c)", Call("if", (Compare(">", a, Number(0)), b, c))),
    ("previous(a)", Call("previous", (a,))),
    ("lag(orders.revenue, 12)", Call("lag", (Name(("orders", "revenue")), Number(12)))),
    ("year_ago(a)", Call("year_ago", (a,))),
    ("greatest(a, b, c)", Call("greatest", (a, b, c))),
    ("abs(-a)", Call("abs", (Unary("-", a),))),
    # the formulas KPI definitions actually use
    (
        "100 * (promoters - detractors) / nullif(responses, 0)",
        Binary(
            "/",
            Binary("*", Number(100), Binary("-", Name(("promoters",)), Name(("detractors",)))),
            Call("nullif", (Name(("responses",)), Number(0))),
        ),
    ),
    (
        "revenue / previous(revenue) - 1",
        Binary(
            "-",
            Binary("/", Name(("revenue",)), Call("previous", (Name(("revenue",)),))),
            Number(1),
        ),
    ),
    (
        "channel = 'display' and device in ('mobile', 'tablet')",
        Logical(
            "and",
            Compare("=", Name(("channel",)), String("display")),
            InList(Name(("device",)), (String("mobile"), String("tablet"))),
        ),
    ),
    ("mql_at is not null", IsNull(Name(("mql_at",)), negated=True)),
    # whitespace and newlines do not matter
    ("  a\n  +\tb  ", Binary("+", a, b)),
    ("orders . revenue", Name(("orders", "revenue"))),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[text for text, _ in CASES])
def test_parse(text: str, expected: Node) -> None:
    assert parse_formula(text) == expected


def test_integer_and_float_literals_keep_their_type() -> None:
    one = parse_formula("1")
    assert isinstance(one, Number)
    assert type(one.value) is int
    one_point_zero = parse_formula("1.0")
    assert isinstance(one_point_zero, Number)
    assert type(one_point_zero.value) is float


def test_positions_cover_the_source() -> None:
    text = "100 * (promoters - detractors) / nullif(responses, 0)"
    tree = parse_formula(text)
    spans = []
    stack: list[Node] = [tree]
    while stack:
        node = stack.pop()
        spans.append(text[node.start : node.end])
        stack.extend(reversed(children(node)))
    assert spans == [
        text,
        "100 * (promoters - detractors)",
        "100",
        "(promoters - detractors)",
        "promoters",
        "detractors",
        "nullif(responses, 0)",
        "responses",
        "0",
    ]


def test_equality_ignores_positions() -> None:
    assert parse_formula("a+b") == parse_formula("  a  +  b")
    assert hash(parse_formula("a+b")) == hash(parse_formula("(a) + (b)"))


def test_dotted_name() -> None:
    name = parse_formula("orders.revenue")
    assert isinstance(name, Name)
    assert name.dotted == "orders.revenue"
