"""Business goals and the stakeholders who own and argue about KPIs."""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum

from pydantic import Field

from kpibridge.model.common import Identifier, Strict


class Role(StrEnum):
    """The part a stakeholder plays in KPI decisions (their department's point of view)."""

    EXECUTIVE = "executive"
    MARKETING = "marketing"
    BRAND = "brand"
    SALES = "sales"
    FINANCE = "finance"
    ANALYTICS = "analytics"
    CUSTOMER_VOICE = "customer-voice"
    PRODUCT = "product"
    OTHER = "other"


class Stakeholder(Strict):
    """A person or team with a voice in KPI decisions."""

    id: Identifier
    name: str = Field(min_length=1)
    role: Role
    weight: float | None = Field(default=None, gt=0, description="Relative voting weight.")
    email: str | None = None


class Goal(Strict):
    """A business goal; goals nest to form a tree (company goal → team goals)."""

    id: Identifier
    name: str = Field(min_length=1)
    description: str = ""
    owner: str | None = None
    children: tuple[Goal, ...] = ()

    def walk(self) -> Iterator[Goal]:
        """This goal and every goal below it, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()
