"""The safe formula language of the metric engine.

Derived KPIs (``100 * (promoters - detractors) / nullif(responses, 0)``) and row filters
(``channel = 'display' and device in ('mobile', 'tablet')``) are parsed by a small hand-written
parser into a tree of frozen nodes and compiled to Ibis expressions. User text is never pasted
into SQL, and only whitelisted functions can be called.

Pipeline: :func:`parse_formula` → (:func:`references` to find dependencies) →
:func:`compile_formula`; :func:`to_text` gives the canonical spelling of a tree.
"""

from __future__ import annotations

from kpibridge.metrics.formula.compile import Resolver, compile_formula
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
from kpibridge.metrics.formula.parser import FUNCTIONS, parse_formula
from kpibridge.metrics.formula.printer import to_text
from kpibridge.metrics.formula.references import Offset, Reference, references

__all__ = [
    "FUNCTIONS",
    "Binary",
    "Boolean",
    "Call",
    "Compare",
    "InList",
    "IsNull",
    "Logical",
    "Name",
    "Node",
    "Null",
    "Number",
    "Offset",
    "Reference",
    "Resolver",
    "String",
    "Unary",
    "compile_formula",
    "parse_formula",
    "references",
    "to_text",
]
