"""Bad input is refused before any sampling, with the week or channel named."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kpibridge.errors import ModelInputError
from kpibridge.mmm.inputs import MIN_WEEKS, check_weekly


def _weekly(weeks: int = 60, seed: int = 0) -> tuple[pd.Series, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    index = pd.date_range("2024-01-01", periods=weeks, freq="7D")  # Mondays
    spend = pd.DataFrame(
        {"search": rng.uniform(50, 150, weeks), "video": rng.uniform(0, 90, weeks)}, index=index
    )
    return pd.Series(rng.uniform(900, 1100, weeks), index=index), spend


def test_good_data_passes_and_keeps_every_week() -> None:
    outcome, spend = _weekly()
    data = check_weekly(outcome, spend)
    assert data.channels == ["search", "video"]
    frame = data.frame()
    assert list(frame.columns) == ["date", "search", "video", "y"]
    assert len(frame) == 60
    np.testing.assert_allclose(frame["y"], outcome.to_numpy())


def test_fewer_than_52_weeks_is_refused() -> None:
    outcome, spend = _weekly(MIN_WEEKS - 1)
    with pytest.raises(ModelInputError, match=r"only 51 weeks .* at least 52"):
        check_weekly(outcome, spend)
    check_weekly(*_weekly(MIN_WEEKS))


def test_a_missing_week_is_named() -> None:
    outcome, spend = _weekly()
    gone = outcome.index[10]
    with pytest.raises(ModelInputError, match=f"1 missing week.*{gone.date()}"):
        check_weekly(outcome.drop(gone), spend.drop(gone))


def test_negative_spend_is_named_with_its_week() -> None:
    outcome, spend = _weekly()
    spend.iloc[7, 1] = -12.5
    with pytest.raises(
        ModelInputError, match=rf"video: negative spend -12.50 .*{spend.index[7].date()}"
    ):
        check_weekly(outcome, spend)


@pytest.mark.parametrize(
    ("value", "message"), [(0.0, "no spend in any week"), (40.0, "the same spend")]
)
def test_a_channel_that_never_moves_is_refused(value: float, message: str) -> None:
    outcome, spend = _weekly()
    spend["video"] = value
    with pytest.raises(ModelInputError, match=f"channel video: {message}"):
        check_weekly(outcome, spend)


def test_a_missing_value_is_named() -> None:
    outcome, spend = _weekly()
    outcome.iloc[3] = np.nan
    with pytest.raises(
        ModelInputError, match=f"outcome outcome: no value in the week of {outcome.index[3].date()}"
    ):
        check_weekly(outcome, spend)


def test_weeks_must_start_on_monday() -> None:
    outcome, spend = _weekly()
    shifted = outcome.index + pd.Timedelta(days=1)
    with pytest.raises(ModelInputError, match="does not start on a Monday"):
        check_weekly(outcome.set_axis(shifted), spend.set_axis(shifted))
