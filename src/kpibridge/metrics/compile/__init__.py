"""Compile plans to Ibis: queries over warehouse tables, values over query results."""

from kpibridge.metrics.compile.queries import QueryCompiler, query_identities
from kpibridge.metrics.compile.scope import ModelScope
from kpibridge.metrics.compile.values import ValueCompiler, nullable_columns

__all__ = ["ModelScope", "QueryCompiler", "ValueCompiler", "nullable_columns", "query_identities"]
