"""The monitor finds the demo company's planted one-day spike and mobile conversion drop.

Scale 1 (not the usual 0.05): at 0.05 mobile has ~11 sessions a day and the 40% drop in
conversion is lost in the noise. Planted effects: ``kpibridge.demo.effects``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from fixtures_demo import build_small_demo
from kpibridge.demo import effects
from kpibridge.evidence.monitor.anomalies import detect_anomalies
from kpibridge.evidence.monitor.changepoints import detect_change_points
from kpibridge.services.metrics.workspace import Workspace


@pytest.fixture(scope="module")
def demo_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_small_demo(tmp_path_factory, "monitor", scale=1.0)


def holiday_season(day: pd.Timestamp) -> bool:
    """Black Friday to New Year: real calendar effects a weekly baseline does not model."""
    return (
        (day.month == 11 and day.day >= 20) or day.month == 12 or (day.month == 1 and day.day <= 5)
    )


def test_one_day_spike_and_mobile_drop(demo_root: Path) -> None:
    with Workspace.open(demo_root) as workspace:
        revenue = workspace.compute("revenue", grain="day")
        conversion = workspace.compute("conversion_rate", grain="week", by=["device"])
    daily = revenue.set_index("period")["value"].asfreq("D", fill_value=0.0)
    anomalies = detect_anomalies(daily)
    spike = pd.Timestamp(effects.ANOMALY_DAY)
    assert anomalies.anomalies[0].period == spike
    others = [day for day in anomalies.periods if day != spike and not holiday_season(day)]
    assert len(others) <= 5, others

    mobile = conversion[conversion.device == "mobile"].set_index("period")["value"]
    mobile = mobile.iloc[1:-1]  # partial first and last weeks
    changes = detect_change_points(mobile)
    month = pd.Period(str(effects.MOBILE_DROP_MONTH), "M")
    inside = [day for day in changes.change_points if abs((day - month.start_time).days) <= 7]
    after = [day for day in changes.change_points if abs((day - month.end_time).days) <= 7]
    assert inside, changes.change_points
    assert after, changes.change_points
    assert len(changes.change_points) <= 4
    dropped = next(segment for segment in changes.segments if segment.start == inside[0])
    assert dropped.mean < 0.75 * changes.segments[0].mean
