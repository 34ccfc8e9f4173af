"""Response schemas of the API (apart from the domain models, so that both can change)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class KpiSummary(BaseModel):
    id: str
    name: str
    type: str
    description: str
    goal: str | None
    owner: str | None
    nature: str
    format: str
    unit: str | None
    review_every: str
    url: str


class KpiValues(BaseModel):
    kpi: str
    grain: str
    by: str | None
    values: list[dict[str, Any]]
    targets: list[dict[str, Any]]


class Me(BaseModel):
    username: str
    stakeholder: str | None
    role: str
