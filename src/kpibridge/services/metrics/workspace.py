"""The public Python API: open a workspace, compute and explain KPIs, build the scorecard.

>>> ws = Workspace.open("demo")                                   # doctest: +SKIP
>>> ws.compute("cac", grain="month", by=["channel"], start="2025-01-01", end="2025-12-31")
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pandas as pd
from ibis.backends import BaseBackend

from kpibridge.errors import Issue, WorkspaceError
from kpibridge.metrics.backends import connect
from kpibridge.metrics.engine import KpiRequest, MetricEngine
from kpibridge.model import KPI, Goal, Grain, SemanticModel, Settings, Stakeholder
from kpibridge.services.metrics.explain import Explanation, explain
from kpibridge.services.metrics.scorecard import Scorecard, build_scorecard
from kpibridge.workspace.definition import WorkspaceDefinition
from kpibridge.workspace.loader import load_definition
from kpibridge.workspace.validate import validate_static, validate_warehouse

WORKSPACE_ENV = "KPIBRIDGE_WORKSPACE"


def resolve_root(path: str | os.PathLike[str] | None) -> Path:
    """The workspace folder: ``path``, else ``$KPIBRIDGE_WORKSPACE``, else the current one."""
    if path is not None:
        return Path(path)
    return Path(os.environ.get(WORKSPACE_ENV) or ".")


class Workspace:
    """A kpibridge workspace: definitions from YAML plus a connection to the warehouse."""

    def __init__(self, definition: WorkspaceDefinition) -> None:
        self.definition = definition
        self._backend: BaseBackend | None = None
        self._engine: MetricEngine | None = None

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None) -> Workspace:
        """Load and statically check a workspace; raises WorkspaceError listing every issue."""
        definition, issues = load_definition(resolve_root(path))
        if definition is not None:
            issues += validate_static(definition)
        if issues or definition is None:
            raise WorkspaceError(sorted(issues))
        return cls(definition)

    # -- what the workspace defines -----------------------------------------------------

    @property
    def root(self) -> Path:
        return self.definition.root

    @property
    def settings(self) -> Settings:
        return self.definition.settings

    @property
    def kpis(self) -> dict[str, KPI]:
        return self.definition.kpis

    @property
    def live_kpis(self) -> dict[str, KPI]:
        """The KPIs to list, watch and screen: all of :attr:`kpis` here; a governed view
        (:mod:`kpibridge.services.governance.governed_workspace`) leaves out the ones the app store
        retired, which stay in :attr:`kpis` for the KPIs built on them."""
        return self.kpis

    @property
    def models(self) -> dict[str, SemanticModel]:
        return self.definition.models

    @property
    def goals(self) -> tuple[Goal, ...]:
        return self.definition.goals

    @property
    def stakeholders(self) -> dict[str, Stakeholder]:
        return self.definition.stakeholders

    # -- engine ----------------------------------------------------------------------

    @property
    def backend(self) -> BaseBackend:
        if self._backend is None:
            self._backend = connect(self.settings.warehouse, self.root)
        return self._backend

    @property
    def engine(self) -> MetricEngine:
        if self._engine is None:
            self._engine = MetricEngine(
                self.models, self.kpis, self.backend, self.settings.fiscal_year_start
            )
        return self._engine

    def grain_of(self, kpi: str, grain: str | Grain | None = None) -> Grain:
        """``grain``, or when none is given the KPI's own ``review_every`` (what its words say
        "by default"): a command run without ``--grain`` shows the KPI as it is reviewed."""
        if grain is not None:
            return Grain(grain)
        return self.kpis[kpi].review_every if kpi in self.kpis else Grain.MONTH

    def request(
        self,
        kpi: str,
        grain: str | Grain = Grain.MONTH,
        by: Sequence[str] | str | None = None,
        start: str | date | None = None,
        end: str | date | None = None,
    ) -> KpiRequest:
        return KpiRequest(
            kpi=kpi,
            grain=Grain(grain),
            by=(by,) if isinstance(by, str) else tuple(by or ()),
            start=_date(start, "start"),
            end=_date(end, "end"),
        )

    def compute(
        self,
        kpi: str,
        grain: str | Grain = "month",
        by: Sequence[str] | str | None = None,
        start: str | date | None = None,
        end: str | date | None = None,
    ) -> pd.DataFrame:
        """A KPI per period: columns ``period``, the ``by`` dimensions, ``value`` (and
        ``numerator``, ``denominator`` for ratios). ``start``/``end`` are inclusive dates;
        periods that contain them are included whole."""
        return self.engine.compute(self.request(kpi, grain, by, start, end))

    def explain(
        self, kpi: str, grain: str | Grain = "month", by: Sequence[str] | str | None = None
    ) -> Explanation:
        return explain(self.engine, self.request(kpi, grain, by))

    def scorecard(
        self, as_of: str | date | None = None, kpis: Sequence[str] | None = None
    ) -> Scorecard:
        """Every KPI's scorecard row (only ``kpis``, in that order, when given)."""
        chosen = [self.kpis[kpi] for kpi in kpis] if kpis is not None else self.kpis.values()
        return build_scorecard(self.engine, list(chosen), _date(as_of, "as_of"))

    def validate(self) -> list[Issue]:
        """Every problem: files, references, formulas, and tables/columns in the warehouse."""
        issues = validate_static(self.definition)
        try:
            issues += validate_warehouse(self.definition, self.backend, known=issues)
        except WorkspaceError as error:
            issues += error.issues
        return sorted(issues)

    def close(self) -> None:
        if self._backend is not None:
            self._backend.disconnect()
        self._backend = None
        self._engine = None

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def validate_workspace(path: str | os.PathLike[str] | None = None) -> list[Issue]:
    """Every problem of a workspace in one run: files and references, and — as far as the
    files could be read — models and KPIs against the warehouse."""
    definition, issues = load_definition(resolve_root(path))
    if definition is None:
        return sorted(issues)
    workspace = Workspace(definition)
    try:
        return sorted(set(issues) | set(workspace.validate()))
    finally:
        workspace.close()


def _date(value: str | date | None, name: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise WorkspaceError(
            [Issue("<argument>", 0, name, f"{value!r} is not a date; write YYYY-MM-DD")]
        ) from None
