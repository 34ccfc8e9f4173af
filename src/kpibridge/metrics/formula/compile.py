"""Compile a formula tree to an Ibis value expression.

User text never reaches SQL: names become whatever the caller's ``resolve`` returns (a column,
a measure, a lagged window …), literals become typed ``ibis.literal`` values, and operators
become Ibis operations. Ibis renders and quotes the SQL.

Types are checked here, from Ibis dtypes, before anything runs. That is not just for nicer
messages: Ibis itself accepts several things a KPI formula must not mean — ``string + 1``
becomes a string concatenation, ``and`` on integers a bitwise AND, ``if(1, …)`` silently
casts the condition to boolean, and ``x = null`` is rewritten to ``x IS NULL``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Final, assert_never, cast

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir
from ibis.common.annotations import ValidationError
from ibis.common.exceptions import IbisError

from kpibridge.errors import FormulaError, UnknownNameError
from kpibridge.metrics.formula.nodes import (
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
)
from kpibridge.metrics.formula.references import Reference, as_reference

Resolver = Callable[[Reference], ir.Value]
"""Turns a name (optionally offset in time) into an Ibis value; may raise UnknownNameError."""

_INT64_BOUNDS: Final = (-(2**63), 2**63 - 1)
_MATH_FUNCTIONS: Final = frozenset({"abs", "ln", "exp", "sqrt"})
_IBIS_ERRORS: Final = (IbisError, ValidationError, TypeError, ValueError, AttributeError)


def compile_formula(node: Node, text: str, resolve: Resolver) -> ir.Value:
    """Compile ``node`` (parsed from ``text``) to an Ibis value expression.

    Args:
        node: the tree from :func:`~kpibridge.metrics.formula.parser.parse_formula`.
        text: the source text, so that errors can point into it.
        resolve: called once per name or offset call (``previous(revenue)``) to get its value.

    Raises:
        FormulaError: for an unknown name (at the name) or a type mismatch (at the
            offending sub-expression), before anything is executed.
    """
    return _Compiler(text, resolve).compile(node)


class _Compiler:
    """A visitor over the tree; every method returns an Ibis value."""

    def __init__(self, text: str, resolve: Resolver) -> None:
        self.text = text
        self.resolve = resolve

    def error(self, message: str, node: Node) -> FormulaError:
        return FormulaError(message, self.text, node.start, node.end)

    @contextmanager
    def guard(self, node: Node) -> Iterator[None]:
        """Turn any error Ibis raises while building ``node`` into a FormulaError there."""
        try:
            yield
        except _IBIS_ERRORS as exc:
            raise self.error(f"cannot compile this expression: {exc}", node) from exc

    def compile(self, node: Node) -> ir.Value:
        match node:
            case Number(value=value):
                return self.number(node, value)
            case String(value=value):
                return ibis.literal(value, type=dt.string)
            case Boolean(value=value):
                return ibis.literal(value, type=dt.boolean)
            case Null():
                return ibis.null()
            case Name():
                return self.reference(Reference(node))
            case Unary():
                return self.unary(node)
            case Binary():
                return self.binary(node)
            case Compare():
                return self.compare(node)
            case Logical():
                return self.logical(node)
            case InList():
                return self.in_list(node)
            case IsNull(operand=operand, negated=negated):
                value = self.compile(operand)
                with self.guard(node):
                    return value.notnull() if negated else value.isnull()
            case Call():
                return self.call(node)
            case _:
                assert_never(node)

    # -- leaves ------------------------------------------------------------------------

    def number(self, node: Node, value: float | int) -> ir.Value:
        if isinstance(value, float):
            return ibis.literal(value, type=dt.float64)
        low, high = _INT64_BOUNDS
        if not low <= value <= high:
            raise self.error(f"{value} is too large for a whole number", node)
        return ibis.literal(value, type=dt.int64)

    def reference(self, reference: Reference) -> ir.Value:
        try:
            return self.resolve(reference)
        except UnknownNameError as exc:
            name = reference.name
            raise FormulaError(str(exc), self.text, name.start, name.end) from exc

    # -- operators ---------------------------------------------------------------------

    def unary(self, node: Unary) -> ir.Value:
        if node.op == "-":
            (value,) = self.typed(node, [node.operand], "numeric", "cannot negate {}")
            with self.guard(node):
                return -cast(ir.NumericValue, value)
        (value,) = self.typed(node, [node.operand], "boolean", "cannot apply 'not' to {}")
        with self.guard(node):
            return ~cast(ir.BooleanValue, value)

    def binary(self, node: Binary) -> ir.Value:
        left, right = (
            cast(ir.NumericValue, value)
            for value in self.typed(
                node, [node.left, node.right], "numeric", f"cannot use {node.op!r} on {{}}"
            )
        )
        with self.guard(node):
            match node.op:
                case "+":
                    return left + right
                case "-":
                    return left - right
                case "*":
                    return left * right
                case "/":
                    return left / right
                case _:
                    assert_never(node.op)

    def logical(self, node: Logical) -> ir.Value:
        left, right = (
            cast(ir.BooleanValue, value)
            for value in self.typed(
                node, [node.left, node.right], "boolean", f"cannot use {node.op!r} on {{}}"
            )
        )
        with self.guard(node):
            return left & right if node.op == "and" else left | right

    def compare(self, node: Compare) -> ir.Value:
        for side in (node.left, node.right):
            if isinstance(side, Null):
                raise self.error(
                    "a comparison with null is never true; use 'is null' or 'is not null'", node
                )
        left, right = self.unified(node, [node.left, node.right], "compare")
        with self.guard(node):
            match node.op:
                case "=":
                    return left == right
                case "!=":
                    return left != right
                case "<":
                    return left < right
                case "<=":
                    return left <= right
                case ">":
                    return left > right
                case ">=":
                    return left >= right
                case _:
                    assert_never(node.op)

    def in_list(self, node: InList) -> ir.Value:
        for item in node.items:
            if isinstance(item, Null):
                raise self.error("null never matches in a list; use 'is null' instead", item)
        operand, *items = self.unified(node, [node.operand, *node.items], "compare")
        with self.guard(node):
            return operand.notin(items) if node.negated else operand.isin(items)

    # -- functions ---------------------------------------------------------------------

    def call(self, node: Call) -> ir.Value:
        reference = as_reference(node)
        if reference is not None:
            return self.reference(reference)
        function, args = node.function, node.args
        if function in _MATH_FUNCTIONS:
            (value,) = self.typed(node, list(args), "numeric", f"cannot apply {function}() to {{}}")
            number = cast(ir.NumericValue, value)
            with self.guard(node):
                return {
                    "abs": number.abs,
                    "ln": number.ln,
                    "exp": number.exp,
                    "sqrt": number.sqrt,
                }[function]()
        match function:
            case "round":
                return self.round(node)
            case "nullif":
                left, right = self.unified(node, list(args), "combine")
                with self.guard(node):
                    return left.nullif(right)
            case "coalesce":
                values = self.unified(node, list(args), "combine")
                with self.guard(node):
                    return ibis.coalesce(*values)
            case "least" | "greatest":
                values = self.unified(node, list(args), "combine")
                combine = ibis.least if function == "least" else ibis.greatest
                with self.guard(node):
                    return combine(*values)
            case "if":
                (condition,) = self.typed(
                    args[0], [args[0]], "boolean", "cannot use {} as a condition"
                )
                then, otherwise = self.unified(node, list(args[1:]), "combine")
                with self.guard(node):
                    return ibis.ifelse(condition, then, otherwise)
        raise AssertionError(f"function {function!r} is whitelisted but not compiled")

    def round(self, node: Call) -> ir.Value:
        (value,) = self.typed(node, [node.args[0]], "numeric", "cannot round {}")
        number = cast(ir.NumericValue, value)
        if len(node.args) == 1:
            with self.guard(node):
                return number.round()
        digits_node = node.args[1]
        digits = self.compile(digits_node)
        if not digits.type().is_integer():
            raise self.error(
                f"round() needs a whole number of digits, not {digits.type()}", digits_node
            )
        with self.guard(node):
            return number.round(cast(ir.IntegerValue, digits))

    # -- type checks -------------------------------------------------------------------

    def typed(
        self, node: Node, operands: Sequence[Node], kind: str, complaint: str
    ) -> list[ir.Value]:
        """Compile ``operands`` and require each to be of ``kind`` (a bare ``null`` is
        accepted and given a matching type); ``complaint`` has a ``{}`` for the types."""
        values = [self.compile(operand) for operand in operands]
        wrong = [value for value in values if _kind(value.type()) not in (kind, "null")]
        if wrong:
            types = " and ".join(str(value.type()) for value in values)
            need = "numbers" if kind == "numeric" else "true/false values"
            raise self.error(f"{complaint.format(types)}: {need} are needed", node)
        default = dt.float64 if kind == "numeric" else dt.boolean
        return _fill_nulls(values, default)

    def unified(self, node: Node, operands: Sequence[Node], verb: str) -> list[ir.Value]:
        """Compile ``operands`` and require them to share one kind of type.

        A string literal next to a date or timestamp is read as one (``day >= '2024-01-31'``)
        so that filters on dates read naturally yet stay typed.
        """
        values = [self.compile(operand) for operand in operands]
        temporal = next((v.type() for v in values if _kind(v.type()) == "temporal"), None)
        if temporal is not None:
            values = [
                self.temporal_literal(operand, temporal) if isinstance(operand, String) else value
                for operand, value in zip(operands, values, strict=True)
            ]
        kinds = {_kind(value.type()) for value in values} - {"null"}
        if len(kinds) > 1:
            types = " with ".join(str(value.type()) for value in values)
            raise self.error(f"cannot {verb} {types}: the types do not match", node)
        typed = next((v.type() for v in values if not v.type().is_null()), None)
        if typed is None:  # all null: stay untyped, the expression around gives the type
            return values
        return _fill_nulls(values, typed)

    def temporal_literal(self, node: String, dtype: dt.DataType) -> ir.Value:
        parse: Callable[[str], object]
        if dtype.is_date():
            parse, example = datetime.date.fromisoformat, "2024-01-31"
        elif dtype.is_timestamp():
            parse, example = datetime.datetime.fromisoformat, "2024-01-31 23:59:59"
        else:
            parse, example = datetime.time.fromisoformat, "23:59:59"
        try:
            value = parse(node.value)
        except ValueError:
            raise self.error(
                f"{node.value!r} is not a valid {dtype}; write it like '{example}'", node
            ) from None
        with self.guard(node):
            return ibis.literal(value, type=dtype)


def _kind(dtype: dt.DataType) -> str:
    """Group dtypes into the kinds that may meet in one operation."""
    if dtype.is_null():
        return "null"
    if dtype.is_boolean():
        return "boolean"
    if dtype.is_numeric():
        return "numeric"
    if dtype.is_string():
        return "string"
    if dtype.is_temporal():
        return "temporal"
    return str(dtype)


def _fill_nulls(values: list[ir.Value], dtype: dt.DataType) -> list[ir.Value]:
    """Give untyped ``null`` literals a type; Ibis refuses e.g. ``int64 + null``."""
    return [value.cast(dtype) if value.type().is_null() else value for value in values]
