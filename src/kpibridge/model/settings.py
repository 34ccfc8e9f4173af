"""The workspace file ``kpibridge.yaml``."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ConfigDict, Field, field_validator

from kpibridge.model.common import Strict


class WarehouseConfig(Strict):
    """Where the company's data lives.

    ``backend`` names an Ibis backend; ``path`` (DuckDB, SQLite) is relative to the workspace.
    Any other key is passed to the backend's ``connect`` (host, database, user …), so that
    every Ibis engine can be configured without code here knowing about it.
    """

    model_config = ConfigDict(extra="allow", frozen=True)

    backend: str = "duckdb"
    path: str | None = "data/warehouse.duckdb"

    def connection_options(self) -> dict[str, Any]:
        """The extra keys, as keyword arguments for the backend's ``connect``."""
        return dict(self.model_extra or {})


class Settings(Strict):
    """Workspace-wide settings."""

    name: str = Field(min_length=1)
    warehouse: WarehouseConfig = WarehouseConfig()
    app_store: str = "sqlite:///.kpibridge/app.db"
    fiscal_year_start: int = Field(
        default=1, ge=1, le=12, description="Month (1-12) the fiscal year starts in."
    )
    timezone: str = Field(
        default="UTC",
        description="IANA time zone of the company (e.g. Europe/Berlin); `load` converts "
        "timestamps written with an offset to it.",
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"{value!r} is not a known time zone; use an IANA name such as "
                "'UTC' or 'Europe/Berlin'"
            ) from None
        return value
