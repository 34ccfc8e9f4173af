"""Identities between KPIs, found from their definitions: revenue = orders × AOV, CAC = spend ÷
new customers.

Each KPI that is a product or quotient of measures is written as a *monomial*: a constant
times measures raised to whole powers (a simple KPI is ``measure¹``, a ratio is
``numerator¹ · denominator⁻¹ · scale``, a derived KPI whose formula only multiplies and divides
references and numbers is expanded through the KPIs it names). Two KPIs' monomials multiply by
adding their powers, so ``T = c · Π Fᵢ^eᵢ`` holds *for every period and every slice* exactly
when the powers of the Fᵢ, weighted by ``eᵢ ∈ {+1, −1}``, add up to T's powers. That is
arithmetic on the definitions, not a fit to the data: an identity found here can never be
contradicted by the numbers (up to periods where a denominator is zero).

A measure with a filter is another measure (``sessions where converted`` is not ``sessions``),
so filters are part of the measure's key. Cumulative and conversion KPIs, and formulas with
sums or differences, have no monomial and take part in no identity.

Search: the decompositions of T into two or three other KPIs, found by hashing every KPI's
monomial and looking up the residual (``O(n²)`` for three factors). The preferred
decomposition reads the fewest semantic models (revenue = orders × AOV stays in ``orders``;
revenue = ROAS × spend brings in ``ad_spend``), then the fewest factors, then the fewest
divisions; the others are kept as alternatives.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass

from kpibridge.metrics.formula import Binary, Name, Number, parse_formula
from kpibridge.metrics.formula.nodes import Node, Unary
from kpibridge.model import DerivedKPI, RatioKPI, SimpleKPI
from kpibridge.model.kpi import KPIBase

Powers = frozenset[tuple[str, int]]
"""A monomial's measure powers, as a hashable set of (measure key, power ≠ 0)."""


@dataclass(frozen=True)
class Monomial:
    """``coefficient · Π measure^power``."""

    coefficient: float
    powers: Powers

    def models(self) -> frozenset[str]:
        return frozenset(key.split(".", 1)[0] for key, _ in self.powers)


@dataclass(frozen=True)
class Factor:
    kpi: str
    exponent: int
    """+1: multiplies, −1: divides."""


@dataclass(frozen=True)
class Identity:
    """``kpi = constant · Π factor.kpi^factor.exponent``, exact by definition."""

    kpi: str
    constant: float
    factors: tuple[Factor, ...]

    def formula(self, names: Mapping[str, str] | None = None) -> str:
        """``revenue = orders × aov`` (with ``names`` mapping ids to display names)."""
        label = (lambda k: names.get(k, k)) if names else (lambda k: k)
        products = [label(f.kpi) for f in self.factors if f.exponent > 0]
        divisors = [label(f.kpi) for f in self.factors if f.exponent < 0]
        text = " × ".join(products) if products else "1"
        if divisors:
            text += " ÷ " + " ÷ ".join(divisors)
        if abs(self.constant - 1.0) > 1e-12:
            text = f"{self.constant:g} × {text}"
        return f"{label(self.kpi)} = {text}"


def _add(*parts: tuple[Monomial, int]) -> Monomial:
    powers: dict[str, int] = {}
    coefficient = 1.0
    for monomial, sign in parts:
        coefficient *= monomial.coefficient**sign
        for key, power in monomial.powers:
            powers[key] = powers.get(key, 0) + sign * power
    return Monomial(coefficient, frozenset((k, p) for k, p in powers.items() if p != 0))


def _measure_key(measure: str, filter_: str | None) -> str:
    return f"{measure} where {filter_}" if filter_ else measure


def monomials(kpis: Mapping[str, KPIBase]) -> dict[str, Monomial]:
    """Every KPI that is a product or quotient of measures, as its monomial."""
    found: dict[str, Monomial] = {}
    for kpi_id in kpis:
        monomial = _monomial(kpi_id, kpis, ())
        if monomial is not None and monomial.powers:
            found[kpi_id] = monomial
    return found


def _monomial(kpi_id: str, kpis: Mapping[str, KPIBase], stack: tuple[str, ...]) -> Monomial | None:
    kpi = kpis.get(kpi_id)
    if kpi is None or kpi_id in stack:
        return None
    stack = (*stack, kpi_id)
    if isinstance(kpi, SimpleKPI):
        return Monomial(1.0, frozenset({(_measure_key(kpi.measure, kpi.filter), 1)}))
    if isinstance(kpi, RatioKPI):
        numerator = _reference(kpi.numerator, kpi.filter, kpis, stack)
        denominator = _reference(kpi.denominator, kpi.filter, kpis, stack)
        if numerator is None or denominator is None:
            return None
        return _add((Monomial(kpi.scale, frozenset()), 1), (numerator, 1), (denominator, -1))
    if isinstance(kpi, DerivedKPI):
        try:
            return _from_node(parse_formula(kpi.expr), kpis, stack)
        except ValueError:
            return None
    return None


def _reference(
    name: str, filter_: str | None, kpis: Mapping[str, KPIBase], stack: tuple[str, ...]
) -> Monomial | None:
    if "." in name:
        return Monomial(1.0, frozenset({(_measure_key(name, filter_), 1)}))
    if filter_:  # a filter applied on top of another KPI's own definition: not a plain product
        return None
    return _monomial(name, kpis, stack)


def _from_node(node: Node, kpis: Mapping[str, KPIBase], stack: tuple[str, ...]) -> Monomial | None:
    if isinstance(node, Number):
        return Monomial(float(node.value), frozenset()) if node.value != 0 else None
    if isinstance(node, Name):
        return _reference(node.dotted, None, kpis, stack)
    if isinstance(node, Unary) and node.op == "-":
        inner = _from_node(node.operand, kpis, stack)
        return None if inner is None else Monomial(-inner.coefficient, inner.powers)
    if isinstance(node, Binary) and node.op in ("*", "/"):
        left = _from_node(node.left, kpis, stack)
        right = _from_node(node.right, kpis, stack)
        if left is None or right is None:
            return None
        return _add((left, 1), (right, 1 if node.op == "*" else -1))
    return None


def decompositions(kpi_id: str, found: Mapping[str, Monomial]) -> list[Identity]:
    """Every way of writing ``kpi_id`` as a product/quotient of two or three other KPIs,
    preferred first (see the module docstring)."""
    target = found.get(kpi_id)
    if target is None:
        return []
    others = [k for k in sorted(found) if k != kpi_id]
    by_powers: dict[Powers, list[str]] = {}
    for other in others:
        by_powers.setdefault(found[other].powers, []).append(other)
    results: dict[frozenset[Factor], Identity] = {}

    def record(factors: tuple[Factor, ...]) -> None:
        if len({f.kpi for f in factors}) != len(factors):
            return
        parts = [(found[f.kpi], f.exponent) for f in factors]
        product = _add(*parts)
        if product.powers != target.powers or product.coefficient == 0:
            return
        ordered = tuple(sorted(factors, key=lambda f: (-f.exponent, f.kpi)))
        results.setdefault(
            frozenset(factors),
            Identity(kpi_id, target.coefficient / product.coefficient, ordered),
        )

    signs = (1, -1)
    for size in (2, 3):
        for chosen in itertools.combinations(others, size - 1):
            for exponents in itertools.product(signs, repeat=size - 1):
                residual = _add(
                    (target, 1), *((found[k], -e) for k, e in zip(chosen, exponents, strict=True))
                )
                for sign in signs:
                    wanted = frozenset((key, sign * power) for key, power in residual.powers)
                    for last in by_powers.get(wanted, []):
                        record(
                            (
                                *(Factor(k, e) for k, e in zip(chosen, exponents, strict=True)),
                                Factor(last, sign),
                            )
                        )

    def preference(identity: Identity) -> tuple[int, int, int, str]:
        models = frozenset().union(*(found[f.kpi].models() for f in identity.factors))
        divisions = sum(1 for f in identity.factors if f.exponent < 0)
        return (len(models), len(identity.factors), divisions, identity.formula())

    return sorted(results.values(), key=preference)
