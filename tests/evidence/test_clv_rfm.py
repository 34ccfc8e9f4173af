"""RFM summary against a hand computation, and the errors bad input gets."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kpibridge.evidence.clv import rfm_summary


def transactions() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": [1, 1, 1, 1, 2, 3, 3],
            "date": [
                "2024-01-01",
                "2024-01-08 09:00",
                "2024-01-08 17:30",  # same day as the previous: one purchase of 30 + 10
                "2024-01-29",
                "2024-01-15",
                "2024-01-22",
                "2024-02-05",  # after the end below
            ],
            "amount": [100.0, 30.0, 10.0, 20.0, 50.0, 5.0, 7.0],
        }
    )


def test_summary_by_hand() -> None:
    """End 2024-01-29, weeks. Customer 1: purchases on days 0, 7 (40) and 28 (20) →
    frequency 2, recency 4 weeks, T 4 weeks, monetary (40 + 20) / 2 = 30. Customer 2: one
    purchase 2 weeks before the end. Customer 3: one purchase 1 week before the end and one
    excluded after it."""
    result = rfm_summary(transactions(), calibration_end="2024-01-29", after_end="exclude")
    expected = pd.DataFrame(
        {
            "frequency": [2, 0, 0],
            "recency": [4.0, 0.0, 0.0],
            "T": [4.0, 2.0, 1.0],
            "monetary_value": [30.0, 0.0, 0.0],
        },
        index=pd.Index([1, 2, 3], name="customer_id"),
    )
    pd.testing.assert_frame_equal(
        result.table[expected.columns], expected, check_dtype=False, check_exact=False
    )
    assert (result.rows, result.rows_used, result.rows_after_end) == (7, 6, 1)
    assert result.rows_merged_same_day == 1
    assert result.to_dict()["customers"] == 3


def test_days_as_the_time_unit() -> None:
    result = rfm_summary(transactions().iloc[:6], period_days=1.0)
    assert result.table.loc[1, "recency"] == 28.0
    assert result.calibration_end == pd.Timestamp("2024-01-29")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.drop(columns="amount"), "missing amount column 'amount'"),
        (lambda f: f.assign(amount=[-1.0, *f["amount"][1:]]), "amount: 1 negative"),
        (lambda f: f.assign(amount=["x"] * len(f)), "amount: amounts must be numeric"),
        (lambda f: f.assign(amount=[np.nan, *f["amount"][1:]]), "amount: 1 missing"),
        (lambda f: f.assign(date=["not a date"] * len(f)), "date: cannot be read as dates"),
        (lambda f: f.assign(customer_id=[None, *f["customer_id"][1:]]), "customer_id: 1 missing"),
    ],
)
def test_bad_input_names_the_column(change: object, message: str) -> None:
    frame = change(transactions())  # type: ignore[operator]
    with pytest.raises(ValueError, match=message):
        rfm_summary(frame)


def test_transactions_after_the_end_are_an_error_by_default() -> None:
    with pytest.raises(ValueError, match=r"date: 1 transaction.*after the calibration end"):
        rfm_summary(transactions(), calibration_end="2024-01-29")
