"""The Acme Outdoor demo company: synthetic e-commerce data with planted, documented effects.

``generate`` builds the eight tables of ``schema.TABLES`` as Arrow tables and
``write_warehouse`` stores them in a DuckDB file; ``PLANTED_EFFECTS`` describes, in Markdown,
what later analyses should find in them.
"""

from __future__ import annotations

from kpibridge.demo.effects import PLANTED_EFFECTS
from kpibridge.demo.generate import generate
from kpibridge.demo.schema import TABLES
from kpibridge.demo.warehouse import write_warehouse

__all__ = ["PLANTED_EFFECTS", "TABLES", "generate", "write_warehouse"]
