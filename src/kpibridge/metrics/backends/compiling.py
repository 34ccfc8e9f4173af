"""Compile Ibis expressions to SQL the way ``ibis.to_sql`` does, for every connection.

Ibis 12's ``SQLBackend.compile`` — which ``execute`` and ``to_pyarrow`` call — renders the
sqlglot tree with ``copy=False``. Ibis shares one sqlglot node wherever an expression uses the
same column twice, and with sqlglot 30 rendering in place moves a ``CAST`` from one use to the
other: ``CAST(numerator AS DOUBLE) / NULLIF(denominator, 0) AS value, numerator`` runs as
``numerator / NULLIF(denominator, 0) AS value, CAST(numerator AS DOUBLE)``. DuckDB and Spark
divide integers as decimals and hide it; PostgreSQL divides them as integers, and every
conversion rate came out 0. It also meant ``kpibridge explain`` (``ibis.to_sql``, which
copies) did not show the SQL that ran. Rendering a copy costs microseconds per query.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ibis.common.exceptions as exc
import ibis.expr.types as ir
import sqlglot as sg
from ibis.backends import BaseBackend


def compile_with_copy(backend: BaseBackend) -> None:
    """Make ``backend.compile`` render a copy of the sqlglot tree (see the module docstring)."""
    compiler = getattr(backend, "compiler", None)
    if compiler is None or not hasattr(compiler, "to_sqlglot"):
        return  # not a SQL backend: nothing to render

    def compile(
        expr: ir.Expr,
        /,
        *,
        limit: int | str | None = None,
        params: Mapping[ir.Expr, Any] | None = None,
        pretty: bool = False,
    ) -> str:
        query = compiler.to_sqlglot(expr, limit=limit, params=params)
        try:
            sql: str = query.sql(
                dialect=backend.dialect,  # type: ignore[attr-defined]
                pretty=pretty,
                copy=True,
                unsupported_level=sg.ErrorLevel.RAISE,
            )
        except sg.UnsupportedError as error:
            raise exc.UnsupportedOperationError(
                f"Operation not supported in {backend.name} backend: {error}"
            ) from error
        backend._log(sql)  # type: ignore[attr-defined]
        return sql

    backend.compile = compile  # type: ignore[method-assign]
