"""From transactions to the per-customer summary the CLV models need (recency, frequency, T,
monetary value), as of a calibration end date.

Conventions (those of Fader, Hardie & Lee on CDNOW, which the tests reproduce from the raw
CDNOW sample):

* time is measured in whole days, then divided by ``period_days`` (7 → weeks, the CDNOW unit);
* several transactions of one customer on one calendar day are **one purchase** whose amount
  is their sum: the models treat purchases as events of a Poisson process, and a basket split
  into several rows (or an order and its add-on) is not two buying decisions;
* ``frequency`` counts *repeat* purchases (purchase days after the first), ``recency`` is the
  time from the first to the last purchase, ``T`` the time from the first purchase to the
  calibration end (the day itself included as observed), and ``monetary_value`` the mean
  amount of the repeat purchases (0 without any: the first purchase is left out because it is
  often atypical, e.g. a welcome offer).

Nothing is dropped silently: bad input raises ``ValueError`` naming the column, and rows left
out on request (after the calibration end) or merged (same day) are counted in the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

AfterEnd = Literal["error", "exclude"]


@dataclass(frozen=True)
class RFMSummary:
    """One row per customer (index: customer id) and the accounting of the input rows.

    ``table`` has columns ``frequency`` (int), ``recency``, ``T``, ``monetary_value`` and
    ``first_purchase`` (the day). ``rows`` = ``rows_used`` + ``rows_after_end``; of the used
    rows, ``rows_merged_same_day`` were folded into another row of the same customer and day.
    """

    table: pd.DataFrame
    calibration_end: pd.Timestamp
    period_days: float
    rows: int
    rows_used: int
    rows_after_end: int
    rows_merged_same_day: int

    @property
    def customers(self) -> int:
        return len(self.table)

    def to_dict(self) -> dict[str, object]:
        return {
            "calibration_end": self.calibration_end.isoformat(),
            "period_days": self.period_days,
            "customers": self.customers,
            "rows": self.rows,
            "rows_used": self.rows_used,
            "rows_after_end": self.rows_after_end,
            "rows_merged_same_day": self.rows_merged_same_day,
        }


def _check_columns(frame: pd.DataFrame, columns: dict[str, str]) -> None:
    missing = [f"{role} column {name!r}" for role, name in columns.items() if name not in frame]
    if missing:
        raise ValueError(
            f"transactions: missing {', '.join(missing)}; the frame has {list(frame.columns)}"
        )
    for name in columns.values():
        nulls = int(frame[name].isna().sum())
        if nulls:
            raise ValueError(f"{name}: {nulls} missing value(s); fill or drop them first")


def _days(values: pd.Series, column: str) -> pd.Series:
    """Calendar days of datetimes, or of ISO 8601 strings (never guessed day-first formats)."""
    try:
        dates = (
            values
            if pd.api.types.is_datetime64_any_dtype(values)
            else pd.to_datetime(values, format="ISO8601")
        )
    except (ValueError, TypeError) as error:
        raise ValueError(f"{column}: cannot be read as dates ({error})") from error
    return dates.dt.normalize()


def _amounts(values: pd.Series, column: str) -> pd.Series:
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        raise ValueError(f"{column}: amounts must be numeric, got dtype {values.dtype}")
    amounts = values.astype(np.float64)
    if not np.all(np.isfinite(amounts)):
        raise ValueError(f"{column}: amounts must be finite")
    negative = amounts < 0
    if negative.any():
        raise ValueError(
            f"{column}: {int(negative.sum())} negative amount(s), e.g. {amounts[negative].iloc[0]}"
            "; net refunds into their purchase (or drop them) before the RFM summary"
        )
    return amounts


def rfm_summary(
    transactions: pd.DataFrame,
    *,
    customer_column: str = "customer_id",
    date_column: str = "date",
    amount_column: str = "amount",
    calibration_end: str | pd.Timestamp | None = None,
    period_days: float = 7.0,
    after_end: AfterEnd = "error",
) -> RFMSummary:
    """Summarise ``transactions`` per customer as of ``calibration_end`` (default: last date).

    Args:
        transactions: one row per transaction.
        customer_column, date_column, amount_column: names of the three columns used.
        calibration_end: last day observed; transactions later than it raise, or with
            ``after_end="exclude"`` are left out and counted (for a holdout period).
        period_days: days per time unit of ``recency`` and ``T`` (7: weeks).
        after_end: what to do with transactions after ``calibration_end``.

    Raises:
        ValueError: a column is missing, has missing values, dates that do not parse,
            non-numeric or negative amounts, or transactions after the end (by default).
    """
    if not period_days > 0:
        raise ValueError(f"period_days: must be positive, got {period_days}")
    _check_columns(
        transactions,
        {"customer": customer_column, "date": date_column, "amount": amount_column},
    )
    days = _days(transactions[date_column], date_column)
    amounts = _amounts(transactions[amount_column], amount_column)
    if calibration_end is None:
        if days.empty:
            raise ValueError(f"{date_column}: no transactions and no calibration_end")
        end = days.max()
    else:
        end = pd.Timestamp(calibration_end).normalize()
    late = days > end
    if late.any() and after_end == "error":
        raise ValueError(
            f"{date_column}: {int(late.sum())} transaction(s) after the calibration end "
            f"{end.date()} (latest {days.max().date()}); pass after_end='exclude' to leave "
            "them out as a holdout"
        )
    frame = pd.DataFrame(
        {"customer": transactions[customer_column], "day": days, "amount": amounts}
    )[~late]
    daily = frame.groupby(["customer", "day"], sort=True, as_index=False)["amount"].sum()
    grouped = daily.groupby("customer", sort=True)
    first = grouped["day"].min()
    frequency = grouped.size() - 1
    repeat_total = grouped["amount"].sum() - grouped["amount"].first()
    day = pd.Timedelta(days=1)
    table = pd.DataFrame(
        {
            "frequency": frequency.astype(np.int64),
            "recency": (grouped["day"].max() - first) / day / period_days,
            "T": (end - first) / day / period_days,
            "monetary_value": np.where(frequency > 0, repeat_total / frequency.clip(lower=1), 0.0),
            "first_purchase": first,
        }
    )
    table.index.name = customer_column
    return RFMSummary(
        table=table,
        calibration_end=end,
        period_days=float(period_days),
        rows=len(transactions),
        rows_used=len(frame),
        rows_after_end=int(late.sum()),
        rows_merged_same_day=len(frame) - len(daily),
    )


__all__ = ["AfterEnd", "RFMSummary", "rfm_summary"]
