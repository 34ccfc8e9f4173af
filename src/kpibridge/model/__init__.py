"""Domain types: plain, validated, immutable data with no I/O."""

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
from kpibridge.model.semantic import Aggregation, ColumnType, Dimension, Measure, SemanticModel
from kpibridge.model.settings import Settings, WarehouseConfig

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
