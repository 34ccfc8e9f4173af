"""``to_text`` is canonical and round-trips through the parser."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpibridge.metrics.formula import (
    FUNCTIONS,
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
    to_text,
)
from kpibridge.metrics.formula.nodes import children
from kpibridge.metrics.formula.parser import OFFSET_FUNCTIONS
from kpibridge.metrics.formula.tokens import KEYWORDS

CANONICAL = [
    (
        "100*(promoters-detractors)/NULLIF(responses,0)",
        "100 * (promoters - detractors) / nullif(responses, 0)",
    ),
    ("a - (b - c)", "a - (b - c)"),
    ("(a - b) - c", "a - b - c"),
    ("a - -b", "a - -b"),
    ("-(-a)", "-(-a)"),
    ("- - a", "-(-a)"),
    ("-(a * b)", "-(a * b)"),
    ("(-a) * b", "-a * b"),
    ("name = 'O''Brien'", "name = 'O''Brien'"),
    ("a <> b", "a != b"),
    ("a == b", "a = b"),
    ("NOT (a = 1) AND b IS NOT NULL", "not a = 1 and b is not null"),
    ("not (a and b)", "not (a and b)"),
    ("(a or b) and c", "(a or b) and c"),
    ("a and (b and c)", "a and (b and c)"),
    ("(a = b) = c", "(a = b) = c"),
    ("a not in (1,2)", "a not in (1, 2)"),
    ("(not a) in (true)", "(not a) in (true)"),
    ("(a is null) is null", "(a is null) is null"),
    ("1e3 + .5", "1000.0 + 0.5"),
    ("lag(orders.revenue,2)", "lag(orders.revenue, 2)"),
]


@pytest.mark.parametrize(("text", "canonical"), CANONICAL)
def test_canonical_text(text: str, canonical: str) -> None:
    tree = parse_formula(text)
    assert to_text(tree) == canonical
    assert parse_formula(canonical) == tree


def test_negative_number_prints_as_negation() -> None:
    assert to_text(Binary("-", Name(("a",)), Number(-1))) == "a - -1"
    assert to_text(Unary("-", Number(-1))) == "-(-1)"
    assert to_text(Binary("*", Number(-2), Name(("a",)))) == "-2 * a"


def test_non_finite_number_cannot_be_printed() -> None:
    with pytest.raises(ValueError, match="cannot be written"):
        to_text(Number(math.inf))


# -- property: to_text then parse_formula gives the same tree -------------------------------

identifiers = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,6}", fullmatch=True).filter(
    lambda word: word.lower() not in KEYWORDS
)
names = st.lists(identifiers, min_size=1, max_size=3).map(lambda parts: Name(tuple(parts)))
offset_calls = st.one_of(
    st.builds(lambda name: Call("previous", (name,)), names),
    st.builds(lambda name: Call("year_ago", (name,)), names),
    st.builds(
        lambda name, periods: Call("lag", (name, Number(periods))),
        names,
        st.integers(min_value=1, max_value=400),
    ),
)
leaves = st.one_of(
    st.integers(min_value=0, max_value=2**70).map(Number),
    st.floats(min_value=0, allow_nan=False, allow_infinity=False).map(lambda x: Number(abs(x))),
    st.text(max_size=8).map(String),
    st.booleans().map(Boolean),
    st.just(Null()),
    names,
    offset_calls,
)
PLAIN_FUNCTIONS = sorted(set(FUNCTIONS) - OFFSET_FUNCTIONS)


def _calls(nodes: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    def with_arguments(function: str) -> st.SearchStrategy[Node]:
        arity = FUNCTIONS[function]
        maximum = arity.maximum if arity.maximum is not None else arity.minimum + 2
        return st.lists(nodes, min_size=arity.minimum, max_size=maximum).map(
            lambda args: Call(function, tuple(args))
        )

    return st.sampled_from(PLAIN_FUNCTIONS).flatmap(with_arguments)


def _branches(nodes: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    return st.one_of(
        st.builds(Unary, st.sampled_from(["-", "not"]), nodes),
        st.builds(Binary, st.sampled_from(["+", "-", "*", "/"]), nodes, nodes),
        st.builds(Compare, st.sampled_from(["=", "!=", "<", "<=", ">", ">="]), nodes, nodes),
        st.builds(Logical, st.sampled_from(["and", "or"]), nodes, nodes),
        st.builds(InList, nodes, st.lists(nodes, min_size=1, max_size=3).map(tuple), st.booleans()),
        st.builds(IsNull, nodes, st.booleans()),
        _calls(nodes),
    )


trees = st.recursive(leaves, _branches, max_leaves=20)


@settings(max_examples=300, database=None)
@given(trees)
def test_round_trip(tree: Node) -> None:
    text = to_text(tree)
    parsed = parse_formula(text)
    assert parsed == tree
    assert to_text(parsed) == text


@settings(max_examples=150, database=None)
@given(trees)
def test_every_span_is_a_formula_for_its_node(tree: Node) -> None:
    """Positions are right: the text under any node's span parses back to that node."""
    text = to_text(tree)
    stack = [parse_formula(text)]
    while stack:
        node = stack.pop()
        assert parse_formula(text[node.start : node.end]) == node
        stack.extend(children(node))
