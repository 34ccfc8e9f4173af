"""Text a person reads names steps in words, never pandas aliases (issue 21 item 5: the NPS
page showed "Trend (W-MONly values) … per W-MON")."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kpibridge.evidence.monitor._common import readable_step
from kpibridge.evidence.monitor.monitor import monitor


@pytest.mark.parametrize(
    ("alias", "word"),
    [
        ("D", "day"),
        ("W-MON", "week"),
        ("W-SUN", "week"),
        ("MS", "month"),
        ("M", "month"),
        ("QS-OCT", "quarter"),
        ("Q-DEC", "quarter"),
        ("YS-JAN", "year"),
        ("2W-MON", "week"),
    ],
)
def test_aliases_read_as_words(alias: str, word: str) -> None:
    assert readable_step(alias) == word


def test_a_weekly_kpis_trend_step_is_week() -> None:
    weeks = pd.date_range("2024-01-01", periods=120, freq="W-MON")
    values = pd.Series(30 + np.random.default_rng(1).normal(0, 2, len(weeks)), index=weeks)
    (report,) = monitor({"nps": values}, aggregations={"nps": "mean"})
    assert report.trend_grain == "week"
