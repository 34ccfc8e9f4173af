"""The cases of the backend parity suite, and running many of them as few warehouse queries.

Every library KPI at every grain, unsliced and by one dimension its models share (channel,
else platform; survey KPIs have none). The cases are listed from the definitions alone, so
that pytest can name each one.

Two ways to run them, as kpibridge does: one KPI per query (:func:`compute_each`, what
``kpibridge compute`` and ``explain`` show) and all at once with the queries merged
(:func:`compute_merged`, the scorecard's path); :func:`direct_cases` says which cases each
backend runs the first way.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pandas as pd

import kpibridge
from kpibridge.errors import KpibridgeError
from kpibridge.metrics.engine import KpiRequest, MetricEngine
from kpibridge.metrics.plan import PlanBuilder, Slice
from kpibridge.model import Grain
from kpibridge.workspace.loader import load_definition
from kpibridge.workspace.scaffold import template_path

GRAINS = tuple(Grain)
SLICE_DIMENSIONS = ("channel", "platform")
FISCAL_YEAR_START = 4
"""Quarters and years are also checked with a fiscal year starting in April: the engine then
shifts, truncates and shifts back with interval arithmetic each engine does its own way."""
FISCAL_GRAINS = (Grain.QUARTER, Grain.YEAR)
RELATIVE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Case:
    kpi: str
    grain: Grain
    by: tuple[str, ...]
    fiscal_year_start: int = 1

    @property
    def id(self) -> str:
        fiscal = f"-fy{self.fiscal_year_start}" if self.fiscal_year_start != 1 else ""
        return f"{self.kpi}-{self.grain.value}{fiscal}" + "".join(f"-by-{d}" for d in self.by)

    def request(self) -> KpiRequest:
        return KpiRequest(self.kpi, self.grain, self.by)


def library_cases() -> list[Case]:
    """Every library KPI × grain, unsliced and by the first dimension all its models share."""
    definition, issues = load_definition(template_path())
    assert definition is not None, issues
    assert not issues, issues
    builder = PlanBuilder(definition.models, definition.kpis)
    cases = []
    for kpi in sorted(definition.kpis):
        dimension = next((d for d in SLICE_DIMENSIONS if _plans(builder, kpi, d)), None)
        for grain in GRAINS:
            cases.append(Case(kpi, grain, ()))
            if dimension is not None:
                cases.append(Case(kpi, grain, (dimension,)))
        for grain in FISCAL_GRAINS:
            cases.append(Case(kpi, grain, (), FISCAL_YEAR_START))
    return cases


def _plans(builder: PlanBuilder, kpi: str, dimension: str) -> bool:
    try:
        builder.build(kpi, Slice(Grain.MONTH, (dimension,), None, None, 1))
    except KpibridgeError:
        return False
    return True


Outcome = pd.DataFrame | Exception


def direct_cases(backend: str, cases: Sequence[Case]) -> list[Case]:
    """The cases whose whole KPI query runs in ``backend`` one by one (``compute``).

    Spark takes about a second per query even on the small demo (up to ten for a trailing
    window: a range join), so running every case alone would cost it ten minutes of the CI
    budget; it runs the month cases alone (every KPI, unsliced and sliced — each KPI's full
    SQL) and every other grain through ``compute_many``, whose merged queries it runs too.
    """
    if backend == "pyspark":
        return [case for case in cases if case.grain is Grain.MONTH]
    return list(cases)


def compute_each(ws: kpibridge.Workspace, cases: Sequence[Case]) -> dict[Case, Outcome]:
    """Each case's frame from :meth:`MetricEngine.compute`, or the error it raised (so that
    one failing KPI is its own failing case)."""
    outcomes: dict[Case, Outcome] = {}
    engines: dict[int, MetricEngine] = {}
    for case in cases:
        try:
            outcomes[case] = engine_for(ws, case, engines).compute(case.request())
        except Exception as error:
            outcomes[case] = error
    return outcomes


def engine_for(
    ws: kpibridge.Workspace, case: Case, engines: dict[int, MetricEngine]
) -> MetricEngine:
    """The workspace's engine, or one on the same connection with the case's fiscal year."""
    if case.fiscal_year_start == ws.settings.fiscal_year_start:
        return ws.engine
    if case.fiscal_year_start not in engines:
        engines[case.fiscal_year_start] = MetricEngine(
            ws.models, ws.kpis, ws.backend, case.fiscal_year_start
        )
    return engines[case.fiscal_year_start]


def compute_merged(ws: kpibridge.Workspace, cases: Sequence[Case]) -> dict[Case, Outcome]:
    """Every case at once through ``compute_many`` (the scorecard's path), one call per
    fiscal year start."""
    engines: dict[int, MetricEngine] = {}
    groups: dict[int, list[Case]] = {}
    for case in cases:
        groups.setdefault(case.fiscal_year_start, []).append(case)
    outcomes: dict[Case, Outcome] = {}
    for members in groups.values():
        engine = engine_for(ws, members[0], engines)
        try:
            results = engine.compute_many([case.request() for case in members])
        except Exception as error:
            outcomes.update(dict.fromkeys(members, error))
            continue
        outcomes.update({case: results[case.request()] for case in members})
    return outcomes


def normalised(frame: pd.DataFrame, by: tuple[str, ...]) -> pd.DataFrame:
    """Rows in period (and dimension) order with comparable types on every backend."""
    frame = frame.copy()
    frame["period"] = pd.to_datetime(frame["period"]).astype("datetime64[ns]")
    for dimension in by:
        frame[dimension] = frame[dimension].astype("object").where(frame[dimension].notna(), None)
    for column in ("value", "numerator", "denominator"):
        if column in frame:
            frame[column] = pd.to_numeric(frame[column]).astype("float64")
    return frame.sort_values(["period", *by], na_position="first").reset_index(drop=True)


def load_library_oracles() -> ModuleType:
    """``tests/metrics/test_library.py`` (its hand-written SQL oracles), imported by path:
    ``tests/metrics`` is not on ``sys.path`` when only this folder's tests run."""
    path = Path(__file__).resolve().parent.parent / "metrics" / "test_library.py"
    spec = importlib.util.spec_from_file_location("library_oracles", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module
