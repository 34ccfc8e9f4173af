"""Semantic models: how one warehouse table becomes measures and dimensions.

Follows the MetricFlow semantic model: a table, a time column, entities (keys), dimensions
and measures. A measure may aggregate along a time column of its own (``time``), as
MetricFlow's ``agg_time_dimension`` does, so that one ``leads`` table yields leads by
``created_at`` and MQLs by ``mql_at``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import Field, model_validator

from kpibridge.model.common import Identifier, Strict


class Aggregation(StrEnum):
    SUM = "sum"
    COUNT = "count"
    COUNT_DISTINCT = "count_distinct"
    AVG = "avg"
    MIN = "min"
    MAX = "max"

    @property
    def additive(self) -> bool:
        """Whether a missing group means zero (sum, counts) rather than unknown."""
        return self in (Aggregation.SUM, Aggregation.COUNT, Aggregation.COUNT_DISTINCT)


class ColumnType(StrEnum):
    """Column types a model may declare, for ``load`` checks and for ``init``'s empty tables."""

    STRING = "string"
    INTEGER = "integer"
    DOUBLE = "double"
    BOOLEAN = "boolean"
    DATE = "date"
    TIMESTAMP = "timestamp"


class Dimension(Strict):
    """A column (or a formula over columns) to slice by."""

    name: Identifier
    expr: str | None = Field(
        default=None, description="Formula over columns; default: the column `name`."
    )
    description: str = ""

    @model_validator(mode="before")
    @classmethod
    def _from_name(cls, value: Any) -> Any:
        return {"name": value} if isinstance(value, str) else value

    @property
    def formula(self) -> str:
        return self.expr if self.expr is not None else self.name


class Measure(Strict):
    """An aggregation over the model's rows; ``count`` without ``expr`` counts rows."""

    agg: Aggregation
    expr: str | None = Field(default=None, description="Column or formula to aggregate.")
    filter: str | None = Field(default=None, description="Only rows where this holds.")
    time: str | None = Field(
        default=None, description="Time column for this measure; default: the model's."
    )
    description: str = ""

    @model_validator(mode="after")
    def _expr_needed(self) -> Measure:
        if self.expr is None and self.agg is not Aggregation.COUNT:
            raise ValueError(f"a '{self.agg.value}' measure needs 'expr' (the column to aggregate)")
        return self


class SemanticModel(Strict):
    """One warehouse table described for the metric engine."""

    name: Identifier
    table: str = Field(min_length=1)
    description: str = ""
    time: str = Field(min_length=1, description="Default time column of the measures.")
    entities: dict[Identifier, str] = Field(default_factory=dict)
    dimensions: tuple[Dimension, ...] = ()
    measures: dict[Identifier, Measure] = Field(default_factory=dict)
    columns: dict[str, ColumnType] | None = Field(
        default=None, description="Declared columns and types (used by `load` and `init`)."
    )
    key: tuple[str, ...] = Field(
        default=(),
        description="Columns that identify a row (e.g. [order_id]); `load` refuses or "
        "replaces rows whose key is already in the table, so a file loaded twice is not "
        "counted twice.",
    )

    @model_validator(mode="after")
    def _key_columns_declared(self) -> SemanticModel:
        if len(set(self.key)) != len(self.key):
            raise ValueError(f"key {list(self.key)} names a column twice")
        unknown = [c for c in self.key if self.columns is not None and c not in self.columns]
        if unknown:
            raise ValueError(f"key column(s) {', '.join(unknown)} are not in `columns`")
        return self

    def dimension(self, name: str) -> Dimension | None:
        return next((d for d in self.dimensions if d.name == name), None)

    def measure_time(self, measure: Measure) -> str:
        return measure.time or self.time
