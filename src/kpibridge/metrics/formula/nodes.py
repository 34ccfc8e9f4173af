"""The expression tree a formula parses into.

Every node is a frozen dataclass that remembers where it came from (``start``/``end``:
character offsets into the source text, end exclusive) so that later stages — type checks in
the compiler, unknown names in the resolver — can point at the exact span with
:class:`~kpibridge.errors.FormulaError`.

Positions are keyword-only, default to ``0`` and are left out of equality, hashing and
``repr``: a tree is a value, and ``revenue/orders`` means the same as ``revenue / orders``.
That keeps tests (``parse_formula(text) == Binary("/", Name(("revenue",)), Name(("orders",)))``)
and the deduplication of references simple.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, TypeAlias, assert_never

UnaryOp: TypeAlias = Literal["-", "not"]
BinaryOp: TypeAlias = Literal["+", "-", "*", "/"]
CompareOp: TypeAlias = Literal["=", "!=", "<", "<=", ">", ">="]
LogicalOp: TypeAlias = Literal["and", "or"]


@dataclass(frozen=True)
class _Spanned:
    """Source position shared by every node; ignored by ``==``, ``hash`` and ``repr``."""

    start: int = field(default=0, compare=False, repr=False, kw_only=True)
    end: int = field(default=0, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True)
class Number(_Spanned):
    """A numeric literal; ``int`` when written without a fraction or exponent."""

    value: float | int


@dataclass(frozen=True)
class String(_Spanned):
    """A single-quoted string literal, already unescaped (``'O''Brien'`` → ``O'Brien``)."""

    value: str


@dataclass(frozen=True)
class Boolean(_Spanned):
    """``true`` or ``false``."""

    value: bool


@dataclass(frozen=True)
class Null(_Spanned):
    """The ``null`` literal."""


@dataclass(frozen=True)
class Name(_Spanned):
    """A KPI, measure or column name, optionally qualified: ``orders.revenue``."""

    parts: tuple[str, ...]

    @property
    def dotted(self) -> str:
        """The name as written, parts joined by dots."""
        return ".".join(self.parts)


@dataclass(frozen=True)
class Unary(_Spanned):
    """Arithmetic negation (``-x``) or logical negation (``not x``)."""

    op: UnaryOp
    operand: Node


@dataclass(frozen=True)
class Binary(_Spanned):
    """Arithmetic: ``+ - * /`` (``/`` is true division)."""

    op: BinaryOp
    left: Node
    right: Node


@dataclass(frozen=True)
class Compare(_Spanned):
    """A comparison; ``==`` and ``<>`` are normalised to ``=`` and ``!=`` by the tokenizer."""

    op: CompareOp
    left: Node
    right: Node


@dataclass(frozen=True)
class Logical(_Spanned):
    """``and`` / ``or`` with SQL's three-valued logic."""

    op: LogicalOp
    left: Node
    right: Node


@dataclass(frozen=True)
class InList(_Spanned):
    """``operand in (items…)``, or ``not in`` when ``negated``; ``items`` is never empty."""

    operand: Node
    items: tuple[Node, ...]
    negated: bool = False


@dataclass(frozen=True)
class IsNull(_Spanned):
    """``operand is null``, or ``is not null`` when ``negated``."""

    operand: Node
    negated: bool = False


@dataclass(frozen=True)
class Call(_Spanned):
    """A call of a whitelisted function; ``function`` is lower-case."""

    function: str
    args: tuple[Node, ...]


Node: TypeAlias = (
    Number
    | String
    | Boolean
    | Null
    | Name
    | Unary
    | Binary
    | Compare
    | Logical
    | InList
    | IsNull
    | Call
)


def children(node: Node) -> tuple[Node, ...]:
    """Return the direct sub-expressions of ``node`` in source order."""
    match node:
        case Number() | String() | Boolean() | Null() | Name():
            return ()
        case Unary(operand=operand) | IsNull(operand=operand):
            return (operand,)
        case (
            Binary(left=left, right=right)
            | Compare(left=left, right=right)
            | Logical(left=left, right=right)
        ):
            return (left, right)
        case InList(operand=operand, items=items):
            return (operand, *items)
        case Call(args=args):
            return args
        case _:
            assert_never(node)
