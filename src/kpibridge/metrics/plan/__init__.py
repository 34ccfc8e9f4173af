"""Plan, then execute: a KPI request becomes frozen plan nodes before any SQL exists."""

from kpibridge.metrics.plan.builder import PlanBuilder, merge_queries
from kpibridge.metrics.plan.nodes import (
    Accumulate,
    AggregateQuery,
    ConversionQuery,
    CumulativeQuery,
    Formula,
    KpiPlan,
    MeasureSpec,
    MeasureValue,
    Query,
    QueryKey,
    QueryValue,
    Ratio,
    Resample,
    Shift,
    Slice,
    Value,
)

__all__ = [
    "Accumulate",
    "AggregateQuery",
    "ConversionQuery",
    "CumulativeQuery",
    "Formula",
    "KpiPlan",
    "MeasureSpec",
    "MeasureValue",
    "PlanBuilder",
    "Query",
    "QueryKey",
    "QueryValue",
    "Ratio",
    "Resample",
    "Shift",
    "Slice",
    "Value",
    "merge_queries",
]
