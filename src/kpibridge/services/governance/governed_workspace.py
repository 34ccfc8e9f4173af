"""The workspace as governed: its KPIs as the app store's versions in effect make them, so
that ``explain``, ``monitor``, ``drivers``, ``evidence``, the review pack and the web app's
KPI pages say what the scorecard says (one truth; rules: :mod:`version_rules`).

* Each versioned KPI is its **latest definition in effect** (with its latest target version)
  — not the YAML, which may hold an open proposal's edit or miss an approved version not
  exported yet. A KPI the store has and the YAML does not (approved before ``export``) is
  there too. KPIs without versions are the YAML's.
* A KPI the store **retired** (or whose first version is not in effect yet) stays in
  :attr:`~Workspace.kpis` — KPIs built on it still compute — but not in
  :attr:`~Workspace.live_kpis`, the KPIs to list, watch and screen.
* Values are computed with that one definition for every period (as ``monitor`` and
  ``evidence`` need one series); the scorecard of the view applies the versions period by
  period, exactly as :func:`governed_scorecard` does.

The view shares the warehouse connection of the workspace it governs (one DuckDB connection
per file) and leaves closing it to that workspace. Its :attr:`~Workspace.definition` stays
what the files say (``kpibridge apply`` compares the YAML with the store through it).
Without an app store, or with no versions in it, the workspace itself is returned:
everything is exactly as the YAML says.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from ibis.backends import BaseBackend

from kpibridge.metrics.engine import MetricEngine
from kpibridge.model import KPI
from kpibridge.services.governance.governed_scorecard import build_governed_scorecard, governed_kpis
from kpibridge.services.governance.version_rules import KpiVersions, load_versions
from kpibridge.services.metrics.scorecard import Scorecard
from kpibridge.services.metrics.workspace import Workspace, _date
from kpibridge.store import Store


def governed_workspace(
    ws: Workspace, store: Store | None, as_of: date | None = None, *, today: date | None = None
) -> Workspace:
    """``ws`` with the KPI versions of ``store`` in effect on ``as_of`` (else ``today``,
    default the current date) applied; ``ws`` itself when there is no store or no version.
    A view of a view governs the original workspace again (with the versions of the day)."""
    base = ws.base if isinstance(ws, GovernedWorkspace) else ws
    if store is None:
        return base
    versions = load_versions(store, as_of or today or date.today())
    if not versions:
        return base
    return GovernedWorkspace(base, versions)


class GovernedWorkspace(Workspace):
    """A :class:`Workspace` whose KPIs are the versions in force (see the module docstring).

    >>> with Workspace.open("demo") as ws:                          # doctest: +SKIP
    ...     governed = governed_workspace(ws, store)
    ...     governed.explain("cac").words
    """

    def __init__(self, base: Workspace, versions: Mapping[str, KpiVersions]) -> None:
        definitions, shown = governed_kpis(base.kpis, versions)
        super().__init__(base.definition)  # what the files say: `apply` compares it
        self.base = base
        """The workspace as the YAML has it (its engine computes the YAML's KPIs)."""
        self.versions = dict(versions)
        self._kpis = definitions
        self._shown = tuple(shown)

    @property
    def kpis(self) -> dict[str, KPI]:
        """Every KPI as the versions in force define it (retired ones included)."""
        return self._kpis

    @property
    def live_kpis(self) -> dict[str, KPI]:
        return {kpi_id: self.kpis[kpi_id] for kpi_id in self._shown}

    @property
    def retired(self) -> frozenset[str]:
        """KPIs kept as definitions but off every list: retired, or not in effect yet."""
        return frozenset(self.kpis) - set(self._shown)

    @property
    def backend(self) -> BaseBackend:
        return self.base.backend  # shared: one connection per warehouse file

    @property
    def engine(self) -> MetricEngine:
        backend = self.backend  # the base's: opened again if the base was closed meanwhile
        if self._engine is None or self._engine.backend is not backend:
            if self.kpis == self.base.kpis:  # every version says what the YAML says
                self._engine = self.base.engine
            else:
                self._engine = MetricEngine(
                    self.models, self.kpis, backend, self.settings.fiscal_year_start
                )
        return self._engine

    def scorecard(
        self, as_of: str | date | None = None, kpis: Sequence[str] | None = None
    ) -> Scorecard:
        """The governed scorecard (:func:`governed_scorecard`): each period of a versioned
        KPI by the versions in force for it, with the versions this view was made with."""
        day = _date(as_of, "as_of")
        # this view's engine already holds the definitions the versions give: none is made
        return build_governed_scorecard(self.engine, self.versions, day, kpis=kpis)

    def close(self) -> None:
        """Forget the engine; the connection is the governed workspace's to close."""
        self._engine = None
