"""Every way a formula can be wrong: the message says what, the caret says where."""

from __future__ import annotations

import pytest

from kpibridge.errors import FormulaError
from kpibridge.metrics.formula import parse_formula

NESTED_PARENS = "(" * 65 + "a" + ")" * 65
NESTED_MINUS = "- " * 65 + "a"
LONG_CHAIN = " + ".join(["a"] * 202)

# (formula, part of the message, column of the first caret, number of carets)
CASES: list[tuple[str, str, int, int]] = [
    ("revenue / / orders", "unexpected '/'", 11, 1),
    ("revenue); DROP TABLE orders; --", "unmatched ')'", 8, 1),
    ("revenue; DROP TABLE orders", "unexpected ';'", 8, 1),
    ("revenue -- comment", "comments ('--') are not allowed", 9, 2),
    ("revenue # comment", "comments ('#') are not allowed", 9, 1),
    ("revenue /* comment */", "comments ('/*') are not allowed", 9, 2),
    ('"revenue" > 0', "double quotes are not allowed", 1, 1),
    ("`revenue` > 0", "backticks are not allowed", 1, 1),
    ("a ! b", "unexpected character '!'", 3, 1),
    ("coalese(a, b)", "unknown function 'coalese'. Did you mean 'coalesce'?", 1, 7),
    ("sum(revenue)", "unknown function 'sum'. Available functions: abs, coalesce", 1, 3),
    ("orders.revenue(1)", "unknown function 'orders.revenue'", 1, 14),
    ("name = 'O''Brien", "unterminated string", 8, 9),
    ("", "the formula is empty", 1, 1),
    ("   \n ", "the formula is empty", 1, 3),
    (NESTED_PARENS, "nested more than 64 levels deep", 65, 1),
    (NESTED_MINUS, "nested more than 64 levels deep", 129, 1),
    ("revenue orders", "unexpected name 'orders' after a complete expression", 9, 6),
    ("revenue 'x'", "unexpected string 'x' after a complete expression", 9, 3),
    ("(a + b", "'(' is never closed", 1, 1),
    ("nullif(a, (b)", "'(' is never closed", 7, 1),
    ("(a + b c)", "expected ')' but found name 'c'", 8, 1),
    ("a + b)", "unmatched ')'", 6, 1),
    (") + a", "unmatched ')'", 1, 1),
    ("a + ", "unexpected end of formula", 5, 1),
    ("nullif(a)", "nullif() takes exactly 2 arguments but got 1", 1, 9),
    ("least(a)", "least() takes at least 2 arguments but got 1", 1, 8),
    ("round(a, 1, 2)", "round() takes 1 or 2 arguments but got 3", 1, 14),
    ("coalesce()", "coalesce() takes at least 1 argument but got 0", 1, 10),
    ("if(a, b)", "if() takes exactly 3 arguments but got 2", 1, 8),
    ("nullif(a, b c)", "expected ',' or ')' but found name 'c'", 13, 1),
    ("previous(a + 1)", "previous() takes the name of a KPI or measure", 10, 5),
    ("year_ago(previous(a))", "year_ago() takes the name of a KPI or measure", 10, 11),
    ("lag(a, 0)", "lag() needs a positive whole number of periods", 8, 1),
    ("lag(a, 1.5)", "lag() needs a positive whole number of periods", 8, 3),
    ("lag(a, -1)", "lag() needs a positive whole number of periods", 8, 2),
    ("lag(a, b)", "lag() needs a positive whole number of periods", 8, 1),
    ("a < b < c", "comparisons cannot be chained", 7, 1),
    ("a = b is null", "comparisons cannot be chained", 7, 2),
    ("a in ()", "an 'in' list needs at least one value", 6, 2),
    ("a in 'x'", "expected '(' after 'in'", 6, 3),
    ("a in (1, )", "unexpected ')'", 10, 1),
    ("a not b", "expected 'in' after 'not' but found name 'b'", 7, 1),
    ("a is 1", "expected 'null' after 'is' but found number '1'", 6, 1),
    ("a is not true", "expected 'null' after 'is not' but found 'true'", 10, 4),
    ("a + not b", "unexpected 'not'", 5, 3),
    ("a and", "unexpected end of formula", 6, 1),
    ("1e", "malformed number '1e'", 1, 2),
    ("1.2.3", "malformed number '1.2.'", 1, 4),
    ("2x", "malformed number '2x'", 1, 2),
    ("1e999", "number '1e999' is too large", 1, 5),
    ("1" * 50, "number is too long", 1, 50),
    ("a + ²", "unexpected character '²'", 5, 1),
    ("a + ٣", "unexpected character '٣'", 5, 1),
    ("orders.", "expected a name after '.' but found end of formula", 8, 1),
    ("orders.in", "expected a name after '.' but found 'in'", 8, 2),
    ("a + +b", "unexpected '+'", 5, 1),
    ("a = b;", "unexpected ';'", 6, 1),
]


@pytest.mark.parametrize(
    ("text", "message", "column", "width"), CASES, ids=[case[0][:40] for case in CASES]
)
def test_error(text: str, message: str, column: int, width: int) -> None:
    with pytest.raises(FormulaError) as info:
        parse_formula(text)
    error = info.value
    assert message in error.reason
    assert error.column == column
    caret_line = str(error).splitlines()[-1]
    assert caret_line == "  " + " " * (column - 1) + "^" * width


def test_message_renders_formula_and_caret() -> None:
    with pytest.raises(FormulaError) as info:
        parse_formula("revenue / / orders")
    assert str(info.value) == (
        "unexpected '/'; expected a number, a 'string', a name, a function call or '(' at 1:11\n"
        "  revenue / / orders\n"
        "            ^"
    )


def test_injection_points_at_the_first_foreign_token() -> None:
    with pytest.raises(FormulaError) as info:
        parse_formula("revenue); DROP TABLE orders; --")
    assert info.value.start == len("revenue")
    assert str(info.value).startswith("unmatched ')' at 1:8")


def test_error_on_a_later_line() -> None:
    with pytest.raises(FormulaError) as info:
        parse_formula("revenue +\n  / orders")
    assert (info.value.line, info.value.column) == (2, 3)
    assert str(info.value).splitlines()[1:] == ["    / orders", "    ^"]


def test_long_operator_chain_is_refused() -> None:
    with pytest.raises(FormulaError, match="more than 200 operators deep"):
        parse_formula(LONG_CHAIN)


def test_nesting_up_to_the_limit_is_accepted() -> None:
    assert parse_formula("(" * 64 + "a" + ")" * 64) == parse_formula("a")
