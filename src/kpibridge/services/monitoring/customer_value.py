"""Predictive customer lifetime value as warehouse data, so that it is a KPI like any other.

``refresh_customer_value`` fits BG/NBD (purchase frequency) and Gamma-Gamma (spend) by
maximum likelihood on the workspace's orders (:mod:`kpibridge.evidence.clv`) and writes one
row per customer to the table ``customer_value``: the RFM summary, ``p_alive``, expected
purchases and spend, and ``clv`` — the discounted gross margin expected over the next
``horizon_months``. The semantic model ``customer_value`` (in the KPI library) reads it by
acquisition date and channel, which makes ``predicted_clv`` and ``predicted_clv_to_cac`` (by
channel too) ordinary KPIs: in the scorecard, with targets, in the evidence engine.

The fit's parameters and settings go to ``customer_value_fits`` (one row per refresh), so a
figure can always be traced to the model that produced it. Nothing is written unless the
fit succeeds; the two tables are replaced together in one warehouse transaction where the
backend has them (DuckDB does).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd
from ibis.backends import BaseBackend

from kpibridge.errors import KpibridgeError
from kpibridge.evidence.clv import clv_from_orders
from kpibridge.evidence.clv.pipeline import CLVResult
from kpibridge.services.metrics.workspace import Workspace

CUSTOMER_VALUE_TABLE = "customer_value"
FITS_TABLE = "customer_value_fits"
VALUE_COLUMNS = ("gross_margin", "revenue")
ORDER_COLUMNS = ("customer_id", "ordered_at")
CUSTOMER_COLUMNS = ("customer_id", "acquired_at", "acquisition_channel", "region", "segment")


@dataclass(frozen=True)
class CustomerValueRefresh:
    """What a refresh fitted and wrote."""

    result: CLVResult
    customers: int
    fitted_at: datetime

    def to_dict(self) -> dict[str, object]:
        return {
            "table": CUSTOMER_VALUE_TABLE,
            "customers": self.customers,
            "fitted_at": self.fitted_at.isoformat(),
            **self.result.to_dict(),
        }


def refresh_customer_value(
    ws: Workspace,
    *,
    value_column: str = "gross_margin",
    horizon_months: int = 12,
    monthly_discount_rate: float = 0.01,
) -> CustomerValueRefresh:
    """Fit the CLV models on all orders and (re)write ``customer_value`` and its fit record."""
    if value_column not in VALUE_COLUMNS:
        raise KpibridgeError(
            f"value column {value_column!r}: use one of {', '.join(VALUE_COLUMNS)} "
            "(gross_margin gives a profit CLV comparable with CAC)"
        )
    backend = ws.backend
    orders = _read(backend, ws, "orders", (*ORDER_COLUMNS, value_column))
    customers = _read(backend, ws, "customers", CUSTOMER_COLUMNS)
    if orders.empty:
        raise KpibridgeError("no orders in the warehouse: load orders before fitting CLV")
    unknown = ~orders["customer_id"].isin(customers["customer_id"])
    if unknown.any():
        raise KpibridgeError(
            f"{int(unknown.sum())} order(s) name customers missing from the customers table, "
            f"e.g. customer_id {orders.loc[unknown, 'customer_id'].iloc[0]}"
        )
    try:
        result = clv_from_orders(
            orders,
            customers,
            value_column=value_column,
            horizon_months=horizon_months,
            monthly_discount_rate=monthly_discount_rate,
        )
    except ValueError as error:
        raise KpibridgeError(f"cannot fit the CLV models: {error}") from None
    fitted_at = datetime.now(UTC).replace(microsecond=0)
    table = _customer_table(result, customers)
    fit = _fit_row(result, fitted_at)
    _write(backend, table, fit)
    return CustomerValueRefresh(result=result, customers=len(table), fitted_at=fitted_at)


def _read(
    backend: BaseBackend, ws: Workspace, model: str, columns: tuple[str, ...]
) -> pd.DataFrame:
    if model not in ws.models:
        raise KpibridgeError(
            f"the workspace has no {model!r} model: CLV needs orders and customers"
        )
    name = ws.models[model].table
    try:
        table = backend.table(name)
    except Exception as error:  # backends raise their own "table not found"
        raise KpibridgeError(f"cannot read table {name!r}: {error}") from None
    missing = [column for column in columns if column not in table.columns]
    if missing:
        raise KpibridgeError(f"table {name!r} has no column(s) {', '.join(missing)}")
    return table.select(*columns).to_pandas()


def _customer_table(result: CLVResult, customers: pd.DataFrame) -> pd.DataFrame:
    values = result.customers.rename(columns={"T": "age"}).drop(columns=["first_purchase"])
    values.index.name = "customer_id"
    table = customers.merge(values.reset_index(), on="customer_id", how="inner")
    table["calibration_end"] = result.summary.calibration_end
    return table


def _fit_row(result: CLVResult, fitted_at: datetime) -> pd.DataFrame:
    purchases, spend = result.purchases, result.spend
    return pd.DataFrame(
        [
            {
                "fitted_at": pd.Timestamp(fitted_at).tz_localize(None),
                "calibration_end": result.summary.calibration_end,
                "value_column": result.value_column,
                "horizon_months": result.horizon_months,
                "monthly_discount_rate": result.monthly_discount_rate,
                "customers": purchases.customers,
                "bgnbd_r": purchases.parameters.r,
                "bgnbd_alpha": purchases.parameters.alpha,
                "bgnbd_a": purchases.parameters.a,
                "bgnbd_b": purchases.parameters.b,
                "bgnbd_log_likelihood": purchases.log_likelihood,
                "gamma_gamma_p": spend.parameters.p,
                "gamma_gamma_q": spend.parameters.q,
                "gamma_gamma_gamma": spend.parameters.gamma,
                "gamma_gamma_log_likelihood": spend.log_likelihood,
            }
        ]
    )


def _write(backend: BaseBackend, table: pd.DataFrame, fit: pd.DataFrame) -> None:
    """Replace ``customer_value`` and append the fit record, all or nothing (on DuckDB)."""
    connection = getattr(backend, "con", None)
    if backend.name != "duckdb" or connection is None:
        backend.create_table(CUSTOMER_VALUE_TABLE, table, overwrite=True)
        _append_fit(backend, fit)
        return
    connection.register("_kpibridge_customer_value", table)
    connection.register("_kpibridge_customer_value_fit", fit)
    try:
        connection.execute("BEGIN TRANSACTION")
        connection.execute(
            f"CREATE OR REPLACE TABLE {CUSTOMER_VALUE_TABLE} AS "
            "SELECT * FROM _kpibridge_customer_value"
        )
        connection.execute(
            f"CREATE TABLE IF NOT EXISTS {FITS_TABLE} AS "
            "SELECT * FROM _kpibridge_customer_value_fit LIMIT 0"
        )
        connection.execute(f"INSERT INTO {FITS_TABLE} SELECT * FROM _kpibridge_customer_value_fit")
        connection.execute("COMMIT")
    except Exception:
        connection.execute("ROLLBACK")
        raise
    finally:
        connection.unregister("_kpibridge_customer_value")
        connection.unregister("_kpibridge_customer_value_fit")


def _append_fit(backend: BaseBackend, fit: pd.DataFrame) -> None:
    if FITS_TABLE in backend.list_tables():
        backend.insert(FITS_TABLE, fit)
    else:
        backend.create_table(FITS_TABLE, fit)
