"""Recursive-descent parser for formulas and row filters.

Grammar, loosest binding first (``not`` binds looser than comparisons, as in SQL, so
``not a in (1, 2)`` is ``not (a in (1, 2))``)::

    expression     := or
    or             := and ("or" and)*
    and            := not ("and" not)*
    not            := "not" not | comparison
    comparison     := additive [ compare_op additive
                               | ["not"] "in" "(" expression ("," expression)* ")"
                               | "is" ["not"] "null" ]
    additive       := multiplicative (("+" | "-") multiplicative)*
    multiplicative := unary (("*" | "/") unary)*
    unary          := "-" unary | primary
    primary        := number | string | "true" | "false" | "null"
                    | name ("." name)* | function "(" [expression ("," expression)*] ")"
                    | "(" expression ")"

Comparisons do not chain (``a < b < c`` is an error, not Python's chain nor SQL's surprise).
Only the functions in :data:`FUNCTIONS` can be called, so a formula can never reach a
warehouse function the compiler does not know.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Final

from kpibridge.errors import FormulaError, closest_names
from kpibridge.metrics.formula.nodes import (
    Binary,
    BinaryOp,
    Boolean,
    Call,
    Compare,
    CompareOp,
    InList,
    IsNull,
    Logical,
    Name,
    Node,
    Null,
    Number,
    String,
    Unary,
    children,
)
from kpibridge.metrics.formula.tokens import Token, TokenKind, tokenize

MAX_NESTING: Final = 64
"""Deepest allowed nesting of brackets, calls and unary operators."""

MAX_DEPTH: Final = 200
"""Deepest allowed expression tree; keeps every recursive stage (printer, compiler, Ibis,
SQL generation) far from Python's recursion limit even for long operator chains."""


@dataclass(frozen=True)
class Arity:
    """How many arguments a function takes; ``maximum=None`` means any number."""

    minimum: int
    maximum: int | None

    def accepts(self, count: int) -> bool:
        """Whether a call with ``count`` arguments is well-formed."""
        return count >= self.minimum and (self.maximum is None or count <= self.maximum)

    def describe(self) -> str:
        """Phrase the arity for an error message ("exactly 2 arguments", …)."""
        if self.maximum is None:
            return f"at least {_arguments(self.minimum)}"
        if self.maximum == self.minimum:
            return f"exactly {_arguments(self.minimum)}"
        return f"{self.minimum} or {_arguments(self.maximum)}"


def _arguments(count: int) -> str:
    return f"{count} argument{'s' if count != 1 else ''}"


FUNCTIONS: Final[dict[str, Arity]] = {
    "abs": Arity(1, 1),
    "coalesce": Arity(1, None),
    "exp": Arity(1, 1),
    "greatest": Arity(2, None),
    "if": Arity(3, 3),
    "lag": Arity(2, 2),
    "least": Arity(2, None),
    "ln": Arity(1, 1),
    "nullif": Arity(2, 2),
    "previous": Arity(1, 1),
    "round": Arity(1, 2),
    "sqrt": Arity(1, 1),
    "year_ago": Arity(1, 1),
}
"""Every function a formula may call, with its arity; names are case-insensitive."""

OFFSET_FUNCTIONS: Final = frozenset({"previous", "year_ago", "lag"})
"""Functions that refer to a KPI's value in an earlier period rather than computing."""

_COMPARE_OPS: Final[dict[str | int | float, CompareOp]] = {
    "=": "=",
    "!=": "!=",
    "<": "<",
    "<=": "<=",
    ">": ">",
    ">=": ">=",
}
_ADDITIVE_OPS: Final[dict[str | int | float, BinaryOp]] = {"+": "+", "-": "-"}
_MULTIPLICATIVE_OPS: Final[dict[str | int | float, BinaryOp]] = {"*": "*", "/": "/"}
_LITERAL_KEYWORDS: Final = {"true", "false", "null"}
_EXPECTED_OPERAND: Final = "expected a number, a 'string', a name, a function call or '('"


def parse_formula(text: str) -> Node:
    """Parse a formula or filter into a tree of :mod:`~kpibridge.metrics.formula.nodes`.

    >>> parse_formula("revenue / orders")
    Binary(op='/', left=Name(parts=('revenue',)), right=Name(parts=('orders',)))

    Raises:
        FormulaError: for any text that is not a single well-formed expression; the error
            points at the offending token.
    """
    if not text.strip():
        raise FormulaError("the formula is empty", text, 0, max(1, len(text)))
    node = _Parser(text).parse()
    _check_depth(node, text)
    return node


class _Parser:
    """One-token-lookahead recursive descent over the lazily tokenized text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._tokens = tokenize(text)
        self.current: Token = next(self._tokens)
        self._nesting = 0

    def parse(self) -> Node:
        node = self._expression()
        if self.current.kind is TokenKind.RPAREN:
            raise self._error("unmatched ')'", self.current)
        if self.current.kind is not TokenKind.END:
            raise self._error(
                f"unexpected {self.current.describe()} after a complete expression; "
                "is an operator or a comma missing?",
                self.current,
            )
        return node

    # -- helpers -----------------------------------------------------------------------

    def _advance(self) -> Token:
        token = self.current
        if token.kind is not TokenKind.END:
            self.current = next(self._tokens)
        return token

    def _at_keyword(self, *words: str) -> bool:
        return self.current.kind is TokenKind.KEYWORD and self.current.value in words

    def _error(self, message: str, token: Token, end: int | None = None) -> FormulaError:
        return FormulaError(message, self.text, token.start, end if end is not None else token.end)

    @contextmanager
    def _nested(self, token: Token) -> Iterator[None]:
        """Count one level of syntactic nesting, refusing to go past :data:`MAX_NESTING`."""
        self._nesting += 1
        try:
            if self._nesting > MAX_NESTING:
                raise self._error(
                    f"formula is nested more than {MAX_NESTING} levels deep; "
                    "split it into smaller KPIs",
                    token,
                )
            yield
        finally:
            self._nesting -= 1

    # -- grammar -----------------------------------------------------------------------

    def _expression(self) -> Node:
        return self._or()

    def _or(self) -> Node:
        left = self._and()
        while self._at_keyword("or"):
            self._advance()
            right = self._and()
            left = Logical("or", left, right, start=left.start, end=right.end)
        return left

    def _and(self) -> Node:
        left = self._not()
        while self._at_keyword("and"):
            self._advance()
            right = self._not()
            left = Logical("and", left, right, start=left.start, end=right.end)
        return left

    def _not(self) -> Node:
        if not self._at_keyword("not"):
            return self._comparison()
        token = self._advance()
        with self._nested(token):
            operand = self._not()
        return Unary("not", operand, start=token.start, end=operand.end)

    def _comparison(self) -> Node:
        left = self._additive()
        node = self._comparison_tail(left)
        if node is not left and self._at_comparison():
            raise self._error(
                "comparisons cannot be chained; combine them with 'and' or use brackets",
                self.current,
            )
        return node

    def _at_comparison(self) -> bool:
        token = self.current
        return (token.kind is TokenKind.OPERATOR and token.value in _COMPARE_OPS) or (
            self._at_keyword("in", "is", "not")
        )

    def _comparison_tail(self, left: Node) -> Node:
        token = self.current
        if token.kind is TokenKind.OPERATOR and token.value in _COMPARE_OPS:
            self._advance()
            right = self._additive()
            return Compare(_COMPARE_OPS[token.value], left, right, start=left.start, end=right.end)
        if self._at_keyword("in"):
            self._advance()
            return self._in_list(left, negated=False)
        if self._at_keyword("not"):
            self._advance()
            if not self._at_keyword("in"):
                raise self._error(
                    f"expected 'in' after 'not' but found {self.current.describe()}",
                    self.current,
                )
            self._advance()
            return self._in_list(left, negated=True)
        if self._at_keyword("is"):
            self._advance()
            negated = self._at_keyword("not")
            if negated:
                self._advance()
            if not self._at_keyword("null"):
                raise self._error(
                    f"expected 'null' after 'is{' not' if negated else ''}' but found "
                    f"{self.current.describe()}",
                    self.current,
                )
            end = self._advance().end
            return IsNull(left, negated, start=left.start, end=end)
        return left

    def _in_list(self, operand: Node, *, negated: bool) -> Node:
        if self.current.kind is not TokenKind.LPAREN:
            raise self._error(
                f"expected '(' after 'in' but found {self.current.describe()}; "
                "write a list such as ('a', 'b')",
                self.current,
            )
        opening = self._advance()
        with self._nested(opening):
            items, closing = self._arguments(opening)
        if not items:
            raise self._error("an 'in' list needs at least one value", opening, closing.end)
        return InList(operand, items, negated, start=operand.start, end=closing.end)

    def _additive(self) -> Node:
        left = self._multiplicative()
        while self.current.kind is TokenKind.OPERATOR and self.current.value in _ADDITIVE_OPS:
            op = _ADDITIVE_OPS[self._advance().value]
            right = self._multiplicative()
            left = _binary(op, left, right)
        return left

    def _multiplicative(self) -> Node:
        left = self._unary()
        while self.current.kind is TokenKind.OPERATOR and self.current.value in _MULTIPLICATIVE_OPS:
            op = _MULTIPLICATIVE_OPS[self._advance().value]
            right = self._unary()
            left = _binary(op, left, right)
        return left

    def _unary(self) -> Node:
        if not (self.current.kind is TokenKind.OPERATOR and self.current.value == "-"):
            return self._primary()
        token = self._advance()
        with self._nested(token):
            operand = self._unary()
        return Unary("-", operand, start=token.start, end=operand.end)

    def _primary(self) -> Node:
        token = self.current
        match token.kind:
            case TokenKind.NUMBER:
                self._advance()
                assert not isinstance(token.value, str)
                return Number(token.value, start=token.start, end=token.end)
            case TokenKind.STRING:
                self._advance()
                return String(str(token.value), start=token.start, end=token.end)
            case TokenKind.KEYWORD if token.value in _LITERAL_KEYWORDS:
                self._advance()
                if token.value == "null":
                    return Null(start=token.start, end=token.end)
                return Boolean(token.value == "true", start=token.start, end=token.end)
            case TokenKind.NAME:
                return self._name_or_call()
            case TokenKind.LPAREN:
                return self._group()
            case TokenKind.RPAREN if self._nesting == 0:
                raise self._error("unmatched ')'", token)
            case _:
                raise self._error(f"unexpected {token.describe()}; {_EXPECTED_OPERAND}", token)

    def _group(self) -> Node:
        """A bracketed expression; its span grows to cover the brackets so that every
        node's span is itself a valid formula."""
        opening = self._advance()
        with self._nested(opening):
            inner = self._expression()
        if self.current.kind is TokenKind.RPAREN:
            closing = self._advance()
            return replace(inner, start=opening.start, end=closing.end)
        if self.current.kind is TokenKind.END:
            raise self._error("'(' is never closed", opening)
        raise self._error(
            f"expected ')' but found {self.current.describe()}; is an operator missing?",
            self.current,
        )

    def _name_or_call(self) -> Node:
        first = self._advance()
        if self.current.kind is TokenKind.LPAREN:
            return self._call(first)
        parts = [str(first.value)]
        last = first
        while self.current.kind is TokenKind.DOT:
            self._advance()
            if self.current.kind is not TokenKind.NAME:
                raise self._error(
                    f"expected a name after '.' but found {self.current.describe()}",
                    self.current,
                )
            last = self._advance()
            parts.append(str(last.value))
        if self.current.kind is TokenKind.LPAREN:
            dotted = ".".join(parts)
            raise self._error(f"unknown function {dotted!r}", first, last.end)
        return Name(tuple(parts), start=first.start, end=last.end)

    def _call(self, name: Token) -> Node:
        function = str(name.value).lower()
        arity = FUNCTIONS.get(function)
        if arity is None:
            raise self._error(_unknown_function_message(str(name.value)), name)
        opening = self._advance()
        with self._nested(opening):
            args, closing = self._arguments(opening)
        call = Call(function, args, start=name.start, end=closing.end)
        if not arity.accepts(len(args)):
            raise self._error(
                f"{function}() takes {arity.describe()} but got {len(args)}", name, closing.end
            )
        if function in OFFSET_FUNCTIONS:
            _check_offset_arguments(call, self.text)
        return call

    def _arguments(self, opening: Token) -> tuple[tuple[Node, ...], Token]:
        """Parse ``expression ("," expression)* ")"`` after ``opening``; return the items
        and the closing bracket."""
        items: list[Node] = []
        if self.current.kind is TokenKind.RPAREN:
            return (), self._advance()
        while True:
            items.append(self._expression())
            if self.current.kind is TokenKind.COMMA:
                self._advance()
                continue
            if self.current.kind is TokenKind.RPAREN:
                return tuple(items), self._advance()
            if self.current.kind is TokenKind.END:
                raise self._error("'(' is never closed", opening)
            raise self._error(
                f"expected ',' or ')' but found {self.current.describe()}", self.current
            )


def _binary(op: BinaryOp, left: Node, right: Node) -> Node:
    return Binary(op, left, right, start=left.start, end=right.end)


def _unknown_function_message(name: str) -> str:
    suggestions = closest_names(name.lower(), FUNCTIONS)
    if suggestions:
        hint = " Did you mean " + ", ".join(repr(s) for s in suggestions) + "?"
    else:
        hint = " Available functions: " + ", ".join(sorted(FUNCTIONS)) + "."
    return f"unknown function {name!r}.{hint}"


def _check_offset_arguments(call: Call, text: str) -> None:
    """``previous``/``year_ago``/``lag`` take a plain name, and ``lag`` a period count."""
    target = call.args[0]
    if not isinstance(target, Name):
        raise FormulaError(
            f"{call.function}() takes the name of a KPI or measure, "
            f"e.g. {call.function}(revenue{', 2' if call.function == 'lag' else ''})",
            text,
            target.start,
            target.end,
        )
    if call.function == "lag":
        periods = call.args[1]
        if not (
            isinstance(periods, Number) and isinstance(periods.value, int) and periods.value > 0
        ):
            raise FormulaError(
                "lag() needs a positive whole number of periods, e.g. lag(revenue, 2)",
                text,
                periods.start,
                periods.end,
            )


def _check_depth(root: Node, text: str) -> None:
    """Refuse trees deeper than :data:`MAX_DEPTH` (long chains such as ``a + a + … + a``)."""
    stack: list[tuple[Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise FormulaError(
                f"formula is more than {MAX_DEPTH} operators deep; split it into smaller KPIs",
                text,
                node.start,
                node.end,
            )
        stack.extend((child, depth + 1) for child in children(node))
