"""What a formula depends on.

The metric engine needs the names a formula uses before it can compile it: to order derived
KPIs after their inputs, to detect cycles, and to know which earlier periods to fetch for
``previous``/``year_ago``/``lag``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeAlias

from kpibridge.metrics.formula.nodes import Call, Name, Node, Number, children

OffsetUnit: TypeAlias = Literal["period", "year"]


@dataclass(frozen=True)
class Offset:
    """How far back a reference looks: ``periods`` reporting periods, or years."""

    periods: int
    unit: OffsetUnit


@dataclass(frozen=True)
class Reference:
    """One use of a name, in the current period (``offset is None``) or an earlier one.

    ``name`` keeps the position of its first use, for error messages; equality ignores it.
    """

    name: Name
    offset: Offset | None = None


def references(node: Node) -> list[Reference]:
    """List every name ``node`` uses, in order of first appearance, without duplicates.

    >>> from kpibridge.metrics.formula.parser import parse_formula
    >>> [(r.name.dotted, r.offset) for r in references(parse_formula("a / lag(a, 2) + a"))]
    [('a', None), ('a', Offset(periods=2, unit='period'))]
    """
    found: dict[Reference, None] = {}
    stack = [node]
    while stack:
        current = stack.pop()
        reference = as_reference(current)
        if reference is not None:
            found.setdefault(reference, None)
            continue
        stack.extend(reversed(children(current)))
    return list(found)


def as_reference(node: Node) -> Reference | None:
    """The reference ``node`` stands for, if it is a name or an offset call, else ``None``.

    The parser has already checked offset calls (a plain name, a positive whole ``lag``).
    """
    match node:
        case Name():
            return Reference(node)
        case Call(function="previous", args=(Name() as name,)):
            return Reference(name, Offset(1, "period"))
        case Call(function="year_ago", args=(Name() as name,)):
            return Reference(name, Offset(1, "year"))
        case Call(function="lag", args=(Name() as name, Number(value=int(periods)))):
            return Reference(name, Offset(periods, "period"))
        case _:
            return None
