"""Domain types: plain, validated, immutable data with no I/O.

The names below load on first use (PEP 562): the command line imports the light
``kpibridge.model.choices`` at start-up without building every pydantic model.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kpibridge.model.common import Grain, Window
    from kpibridge.model.kpi import (
        KPI,
        KPI_TYPES,
        Claim,
        ConversionKPI,
        CumulativeKPI,
        DerivedKPI,
        Direction,
        Nature,
        RatioKPI,
        SimpleKPI,
        Target,
    )
    from kpibridge.model.people import Goal, Role, Stakeholder
    from kpibridge.model.semantic import (
        Aggregation,
        ColumnType,
        Dimension,
        Measure,
        SemanticModel,
    )
    from kpibridge.model.settings import Settings, WarehouseConfig

_HOME = {
    "Grain": "choices",
    "Window": "common",
    **dict.fromkeys(
        (
            "KPI",
            "KPI_TYPES",
            "Claim",
            "ConversionKPI",
            "CumulativeKPI",
            "DerivedKPI",
            "Direction",
            "Nature",
            "RatioKPI",
            "SimpleKPI",
            "Target",
        ),
        "kpi",
    ),
    **dict.fromkeys(("Goal", "Role", "Stakeholder"), "people"),
    **dict.fromkeys(
        ("Aggregation", "ColumnType", "Dimension", "Measure", "SemanticModel"), "semantic"
    ),
    **dict.fromkeys(("Settings", "WarehouseConfig"), "settings"),
}

__all__ = [
    "KPI",
    "KPI_TYPES",
    "Aggregation",
    "Claim",
    "ColumnType",
    "ConversionKPI",
    "CumulativeKPI",
    "DerivedKPI",
    "Dimension",
    "Direction",
    "Goal",
    "Grain",
    "Measure",
    "Nature",
    "RatioKPI",
    "Role",
    "SemanticModel",
    "Settings",
    "SimpleKPI",
    "Stakeholder",
    "Target",
    "WarehouseConfig",
    "Window",
]


def __getattr__(name: str) -> Any:
    """Load a domain type from its module the first time it is asked for."""
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'kpibridge.model' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"kpibridge.model.{home}"), name)
    globals()[name] = value
    return value
