"""The retail events fall on the right weeks (Black Friday dates from the calendar)."""

from __future__ import annotations

import pandas as pd
import pytest

from kpibridge.mmm.calendar_events import retail_events


@pytest.mark.parametrize(
    ("black_friday", "monday"),
    [("2023-11-24", "2023-11-20"), ("2024-11-29", "2024-11-25"), ("2025-11-28", "2025-11-24")],
)
def test_black_friday_weekend_and_cyber_monday(black_friday: str, monday: str) -> None:
    weeks = pd.date_range(pd.Timestamp(monday) - pd.Timedelta(days=7), periods=3, freq="7D")
    events = retail_events(weeks)
    assert events["black_friday"].tolist() == [0.0, 3 / 7, 0.0]
    assert events["cyber_monday"].tolist() == [0.0, 0.0, 1 / 7]
    assert pd.Timestamp(black_friday).day_name() == "Friday"


def test_december_weeks() -> None:
    weeks = pd.date_range("2025-12-01", periods=6, freq="7D")
    events = retail_events(weeks)
    assert events["december_run_up"].tolist() == [1.0, 1.0, 6 / 7, 0.0, 0.0, 0.0]
    assert events["christmas"].tolist() == [0.0, 0.0, 1 / 7, 1.0, 3 / 7, 0.0]
