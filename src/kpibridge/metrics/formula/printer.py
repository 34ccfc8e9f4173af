"""Canonical text of a formula tree.

``to_text`` is the inverse of :func:`~kpibridge.metrics.formula.parser.parse_formula` up to
positions: ``parse_formula(to_text(tree)) == tree`` for every tree the parser can produce
(checked by a hypothesis property test). Brackets are written only where precedence needs
them, so the canonical text reads like what a person would write.
"""

from __future__ import annotations

import math
from typing import Final, assert_never

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

# Binding strength, loosest first; mirrors the parser's grammar.
_OR: Final = 1
_AND: Final = 2
_NOT: Final = 3
_COMPARISON: Final = 4
_ADDITIVE: Final = 5
_MULTIPLICATIVE: Final = 6
_NEGATION: Final = 7
_ATOM: Final = 8


def to_text(node: Node) -> str:
    """Render ``node`` as canonical formula text.

    >>> from kpibridge.metrics.formula.parser import parse_formula
    >>> to_text(parse_formula("100*(promoters-detractors)/NULLIF(responses,0)"))
    '100 * (promoters - detractors) / nullif(responses, 0)'

    A negative :class:`Number` (which the parser never produces: it reads ``-1`` as negation
    of ``1``) is written as ``-1`` and so re-parses as :class:`Unary`.

    Raises:
        ValueError: for a non-finite number, which no formula text can express.
    """
    match node:
        case Number(value=value):
            return _number(value)
        case String(value=value):
            return "'" + value.replace("'", "''") + "'"
        case Boolean(value=value):
            return "true" if value else "false"
        case Null():
            return "null"
        case Name():
            return node.dotted
        case Unary(op="not", operand=operand):
            return f"not {_operand(operand, minimum=_NOT)}"
        case Unary(operand=operand):
            text = _operand(operand, minimum=_NEGATION)
            # "--" would read as a SQL comment, which the tokenizer rejects.
            return f"-({text})" if text.startswith("-") else f"-{text}"
        case Binary(op=op, left=left, right=right) | Logical(op=op, left=left, right=right):
            strength = _precedence(node)
            # Left-associative: a right operand of equal strength needs brackets.
            return (
                f"{_operand(left, minimum=strength)} {op} {_operand(right, minimum=strength + 1)}"
            )
        case Compare(op=op, left=left, right=right):
            # Comparisons do not chain, so neither side may be a bare comparison.
            return f"{_operand(left, minimum=_ADDITIVE)} {op} {_operand(right, minimum=_ADDITIVE)}"
        case InList(operand=operand, items=items, negated=negated):
            keyword = "not in" if negated else "in"
            listed = ", ".join(to_text(item) for item in items)
            return f"{_operand(operand, minimum=_ADDITIVE)} {keyword} ({listed})"
        case IsNull(operand=operand, negated=negated):
            keyword = "is not null" if negated else "is null"
            return f"{_operand(operand, minimum=_ADDITIVE)} {keyword}"
        case Call(function=function, args=args):
            return f"{function}({', '.join(to_text(arg) for arg in args)})"
        case _:
            assert_never(node)


def _operand(node: Node, *, minimum: int) -> str:
    """Text of a sub-expression, bracketed if it binds more loosely than ``minimum``."""
    text = to_text(node)
    return f"({text})" if _precedence(node) < minimum else text


def _precedence(node: Node) -> int:
    match node:
        case Logical(op="or"):
            return _OR
        case Logical(op="and"):
            return _AND
        case Unary(op="not"):
            return _NOT
        case Compare() | InList() | IsNull():
            return _COMPARISON
        case Binary(op="+" | "-"):
            return _ADDITIVE
        case Binary(op="*" | "/"):
            return _MULTIPLICATIVE
        case Unary(op="-"):
            return _NEGATION
        case Number(value=value) if value < 0:
            return _NEGATION
        case _:
            return _ATOM


def _number(value: float | int) -> str:
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value!r} cannot be written in a formula")
        return repr(value)
    return str(value)
