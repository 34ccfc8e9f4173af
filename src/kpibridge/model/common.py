"""Small value types shared by every domain model."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, PlainSerializer

from kpibridge.model.choices import Grain as Grain

IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_-]*$")


class Strict(BaseModel):
    """Base of every file model: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _check_identifier(value: str) -> str:
    if not IDENTIFIER.match(value):
        raise ValueError(
            f"{value!r} is not a valid id: use lower-case letters, digits, '_' and '-', "
            "starting with a letter or '_'"
        )
    return value


Identifier = Annotated[str, AfterValidator(_check_identifier)]


_WINDOW = re.compile(r"^\s*(\d+)\s*(day|week|month|quarter|year)s?\s*$", re.IGNORECASE)


class Window(BaseModel):
    """A length of time such as ``30 days`` or ``3 months``."""

    model_config = ConfigDict(frozen=True)

    count: int
    unit: Grain

    @classmethod
    def parse(cls, text: str) -> Window:
        match = _WINDOW.match(text)
        if not match or int(match.group(1)) <= 0:
            raise ValueError(
                f"{text!r} is not a window: write a positive count and a unit, e.g. '30 days'"
            )
        return cls(count=int(match.group(1)), unit=Grain(match.group(2).lower()))

    def as_days(self) -> timedelta | None:
        """The window as a fixed number of days, or None for calendar units (months …)."""
        if self.unit is Grain.DAY:
            return timedelta(days=self.count)
        if self.unit is Grain.WEEK:
            return timedelta(weeks=self.count)
        return None

    def __str__(self) -> str:
        return f"{self.count} {self.unit.value}{'s' if self.count != 1 else ''}"


def _parse_window(value: object) -> object:
    return Window.parse(value) if isinstance(value, str) else value


WindowField = Annotated[Window, BeforeValidator(_parse_window), PlainSerializer(str)]
"""A window written in YAML as text (``30 days``) and read as a :class:`Window`."""
