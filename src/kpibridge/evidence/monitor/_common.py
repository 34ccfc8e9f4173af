"""Shared plumbing of the monitoring modules: input checks, directions and JSON forms.

Every check refuses bad input with :class:`~kpibridge.evidence.inputs.EvidenceInputError`
(a ``ValueError``), naming the series and saying how to fix it, because a monitor that
silently skips a NaN or a gap reports the wrong day as an anomaly.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import math
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from kpibridge.errors import EvidenceInputError
from kpibridge.evidence.inputs import infer_frequency, numeric_by_period
from kpibridge.model import Direction

__all__ = ["EvidenceInputError", "JsonResult", "check_values", "daily_like", "parse_direction"]


def parse_direction(direction: Direction | str) -> Direction:
    """The :class:`Direction` named by ``direction`` ("higher_is_better" or "lower_is_better")."""
    try:
        return Direction(direction)
    except ValueError:
        choices = ", ".join(repr(item.value) for item in Direction)
        raise EvidenceInputError(f"unknown direction {direction!r}: use one of {choices}") from None


def check_values(
    series: pd.Series, name: str, minimum: int = 3, allow_constant: bool = False
) -> pd.Series:
    """The series as floats sorted by a ``DatetimeIndex``, or an error saying what is wrong.

    Refuses: not a Series, an index that is not dates, duplicated dates, non-numeric values,
    missing values, fewer than ``minimum`` points and, unless ``allow_constant``, a constant
    series (no statistic on it means anything).
    """
    if isinstance(series, pd.Series) and len(series) == 0:
        raise EvidenceInputError(f"{name} is empty: give at least {minimum} periods")
    values = numeric_by_period(series, name)
    if isinstance(values.index, pd.PeriodIndex):
        values = values.set_axis(values.index.to_timestamp())
    finite = np.isfinite(values.to_numpy())
    if not finite.all():
        where = values.index[~finite][:3]
        raise EvidenceInputError(
            f"{name} has {int((~finite).sum())} missing or infinite value(s) "
            f"({', '.join(map(str, where))}): fill or drop them first"
        )
    if len(values) < minimum:
        raise EvidenceInputError(f"{name} has {len(values)} points: at least {minimum} are needed")
    if not allow_constant and float(values.max()) == float(values.min()):
        raise EvidenceInputError(
            f"{name} is constant ({values.iloc[0]:g}): there is no variation to analyse"
        )
    return values.sort_index()


def daily_like(index: pd.DatetimeIndex) -> str | None:
    """The regular frequency of ``index`` ("D", "W-MON", "MS" …) or None when irregular."""
    if index.freq is not None:
        return str(index.freqstr)
    if len(index) < 3:
        return None
    return infer_frequency(index)


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            field.name: _plain(getattr(value, field.name)) for field in dataclasses.fields(value)
        }
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, pd.Timestamp | datetime | date):
        return value.isoformat()[:10] if _is_midnight(value) else value.isoformat()
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _is_midnight(value: date) -> bool:
    if isinstance(value, datetime):
        return (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0)
    return True


class JsonResult:
    """Mixin of the result dataclasses: a plain dict and a JSON string (dates as ISO text,
    NaN as null), so that every result has the JSON twin the CLI and web app render."""

    def to_dict(self) -> dict[str, Any]:
        plain = _plain(self)
        assert isinstance(plain, dict)
        return plain

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent)


STEP_WORDS = {"D": "day", "W": "week", "M": "month", "Q": "quarter", "Y": "year", "A": "year"}


def readable_step(freq: str) -> str:
    """A pandas frequency alias in the word people write: "W-MON" → "week", "MS" → "month",
    "QS-OCT" → "quarter" (aliases never reach text a person reads)."""
    return STEP_WORDS.get(freq.lstrip("0123456789")[:1].upper(), "period")
