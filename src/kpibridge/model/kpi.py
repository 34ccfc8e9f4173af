"""KPI definitions: what is measured, how, for which goal, by whom, against which target."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, model_validator

from kpibridge.model.common import Grain, Identifier, Strict, WindowField


class Direction(StrEnum):
    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"


class Nature(StrEnum):
    QUANTITATIVE = "quantitative"
    QUALITATIVE = "qualitative"


class Target(Strict):
    """A target value, for one period (``2026``, ``2026-Q3``, ``2026-10``, ``2026-W05``,
    ``2026-10-05``) or for every period when ``period`` is omitted.

    ``at_risk`` and ``off_track`` are relative shortfalls: with the defaults a KPI more than
    5% short of target (in its direction) is at risk, more than 15% short is off track.
    """

    period: str | None = None
    value: float
    at_risk: float = Field(default=0.05, ge=0)
    off_track: float = Field(default=0.15, ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Target:
        if self.off_track < self.at_risk:
            raise ValueError("off_track must be at least at_risk")
        return self


class Claim(Strict):
    """Someone's claim that this KPI drives another: ``drives: [revenue]`` or, with who
    claims it and why, ``drives: [{kpi: revenue, by: cmo, why: "..."}]``.

    A claim is an assertion, not a finding: the KPI tree tests it against the data.
    """

    kpi: Identifier
    by: str | None = None
    why: str = ""
    where: str | None = Field(
        default=None,
        description="The claim is about one slice of this KPI: ``channel=display``.",
        pattern=r"^[^=]+=.+$",
    )

    @model_validator(mode="before")
    @classmethod
    def _from_name(cls, value: object) -> object:
        return {"kpi": value} if isinstance(value, str) else value


class KPIBase(Strict):
    id: Identifier
    name: str = Field(min_length=1)
    description: str = ""
    unit: str | None = None
    format: Literal["number", "percent", "currency", "ratio"] = "number"
    direction: Direction = Direction.HIGHER_IS_BETTER
    goal: str | None = None
    owner: str | None = None
    nature: Nature = Nature.QUANTITATIVE
    review_every: Grain = Grain.MONTH
    targets: tuple[Target, ...] = ()
    dimensions: tuple[str, ...] = Field(
        default=(),
        description="Slices this KPI is meant to be read by (checked: shared by its models).",
    )
    caveats: str = ""
    drives: tuple[Claim, ...] = Field(
        default=(), description="KPIs this one is claimed to drive (tested by `kpibridge tree`)."
    )


class SimpleKPI(KPIBase):
    """One measure, optionally filtered."""

    type: Literal["simple"]
    measure: str
    filter: str | None = None


class RatioKPI(KPIBase):
    """Numerator / denominator (measures or KPIs); a zero denominator gives null."""

    type: Literal["ratio"]
    numerator: str
    denominator: str
    filter: str | None = None
    scale: float = Field(default=1.0, description="Multiply the ratio, e.g. 100 for percentages.")


class DerivedKPI(KPIBase):
    """A formula over KPIs and measures; ``previous(x)``, ``lag(x, n)`` and ``year_ago(x)``
    refer to earlier periods."""

    type: Literal["derived"]
    expr: str


class CumulativeKPI(KPIBase):
    """A measure over a trailing window, or from the start of a grain to date."""

    type: Literal["cumulative"]
    measure: str
    window: WindowField | None = None
    grain_to_date: Grain | None = None
    filter: str | None = None

    @model_validator(mode="after")
    def _one_mode(self) -> CumulativeKPI:
        if (self.window is None) == (self.grain_to_date is None):
            raise ValueError("a cumulative KPI needs exactly one of 'window' or 'grain_to_date'")
        return self


class ConversionKPI(KPIBase):
    """Share (or count) of base events followed by a conversion event of the same entity
    within ``window``; attributed to the period of the base event."""

    type: Literal["conversion"]
    entity: str
    base: str
    conversion: str
    window: WindowField
    calculation: Literal["rate", "count"] = "rate"


KPI = Annotated[
    SimpleKPI | RatioKPI | DerivedKPI | CumulativeKPI | ConversionKPI,
    Field(discriminator="type"),
]
"""Any KPI definition, told apart by its ``type``."""

KPI_TYPES = (SimpleKPI, RatioKPI, DerivedKPI, CumulativeKPI, ConversionKPI)
