"""Which KPI version is in force for a period: the rules the scorecard and ``kpibridge
versions --values`` share, over the versions read once from the app store.

Definitions: versions take over, in order, the periods that start on or after their
effective date; a version approved with ``restate`` also takes over every earlier period, one
with ``as_reported`` leaves them to the versions before it. Periods before the first
version's date get the first version. Versions not yet in effect on ``as_of`` are left out;
periods from a retirement's effective date on have no definition. Targets follow their own
versions by effective date (targets are never restated; the first covers earlier periods).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import func, select

from kpibridge.model import KPI, Target
from kpibridge.model.governance import Restatement
from kpibridge.services.metrics.scorecard import target_for
from kpibridge.store import Store
from kpibridge.store.governance_schema import DefinitionVersion, TargetVersion
from kpibridge.workspace.kpi_yaml import join_targets

_KPI: TypeAdapter[Any] = TypeAdapter(KPI)


@dataclass(frozen=True)
class DefinitionRow:
    version: int
    content: dict[str, Any]
    retired: bool
    effective_from: date
    restatement: Restatement


@dataclass(frozen=True)
class TargetRow:
    version: int
    targets: list[Any]
    effective_from: date


@dataclass(frozen=True)
class KpiVersions:
    """One KPI's definition and target versions in effect on a day, oldest first."""

    kpi_id: str
    definitions: tuple[DefinitionRow, ...]
    targets: tuple[TargetRow, ...]

    @property
    def in_force(self) -> DefinitionRow | None:
        """The latest definition version in effect (None: none is in effect yet)."""
        return self.definitions[-1] if self.definitions else None

    def definition_for(self, period: date) -> DefinitionRow | None:
        """The definition that governs ``period`` (None: retired by then, or none yet)."""
        owner: DefinitionRow | None = None
        retired = False
        for index, row in enumerate(self.definitions):
            covers = (
                period >= row.effective_from
                or index == 0
                or (row.restatement is Restatement.RESTATE and not row.retired)
            )
            if covers:
                retired = row.retired
                if not row.retired:
                    owner = row
        return None if retired else owner

    def targets_for(self, period: date) -> TargetRow | None:
        """The target version in force for ``period`` (None: the KPI has none)."""
        chosen: TargetRow | None = None
        for index, row in enumerate(self.targets):
            if period >= row.effective_from or index == 0:
                chosen = row
        return chosen

    def kpi(self, definition: DefinitionRow, targets: TargetRow | None) -> KPI:
        """The KPI as ``definition`` with ``targets`` (the model the engine computes)."""
        content = join_targets(definition.content, list(targets.targets) if targets else [])
        return _KPI.validate_python(content)  # type: ignore[no-any-return]

    def judged_by(self, period: date, fiscal: int) -> tuple[KPI, TargetRow | None, Target | None]:
        """The KPI as governed for ``period`` (its definition and target versions), the
        target version in force and the target that applies to the period. Call only for a
        period :meth:`definition_for` gives a definition."""
        return self.judge(fiscal)(period)

    def judge(self, fiscal: int) -> Callable[[date], tuple[KPI, TargetRow | None, Target | None]]:
        """:meth:`judged_by` for many periods: each (definition, targets) pair is made into a
        KPI once (validating a KPI costs about as much as judging a hundred periods)."""
        made: dict[tuple[int, int | None], KPI] = {}

        def judged_by(period: date) -> tuple[KPI, TargetRow | None, Target | None]:
            definition = self.definition_for(period)
            assert definition is not None, f"{self.kpi_id}: no definition in force for {period}"
            targets = self.targets_for(period)
            key = (definition.version, targets.version if targets else None)
            if key not in made:
                made[key] = self.kpi(definition, targets)
            kpi = made[key]
            return kpi, targets, target_for(kpi, period, fiscal)

        return judged_by


def load_versions(store: Store, as_of: date, kpi_id: str | None = None) -> dict[str, KpiVersions]:
    """Every KPI's versions in effect on ``as_of`` (KPIs with none stored are absent; KPIs
    whose versions all start later are present with no definitions). Two store queries."""
    with store.transaction() as session:
        definitions = select(DefinitionVersion).order_by(
            DefinitionVersion.kpi_id, DefinitionVersion.version
        )
        targets = select(TargetVersion).order_by(TargetVersion.kpi_id, TargetVersion.version)
        if kpi_id is not None:
            definitions = definitions.where(DefinitionVersion.kpi_id == kpi_id)
            targets = targets.where(TargetVersion.kpi_id == kpi_id)
        definition_rows: dict[str, list[DefinitionRow]] = {}
        for version in session.scalars(definitions):
            found = definition_rows.setdefault(version.kpi_id, [])
            if version.effective_from <= as_of:
                found.append(
                    DefinitionRow(
                        version.version,
                        dict(version.content),
                        version.retired,
                        version.effective_from,
                        Restatement(version.restatement),
                    )
                )
        target_rows: dict[str, list[TargetRow]] = {}
        for target in session.scalars(targets):
            if target.effective_from <= as_of:
                target_rows.setdefault(target.kpi_id, []).append(
                    TargetRow(target.version, list(target.targets), target.effective_from)
                )
    return {
        kpi: KpiVersions(kpi, tuple(rows), tuple(target_rows.get(kpi, ())))
        for kpi, rows in definition_rows.items()
    }


def versions_stamp(store: Store) -> tuple[object, ...]:
    """Changes whenever a version is recorded (for caches of governed results)."""
    with store.transaction() as session:
        definitions = session.execute(
            select(func.count(DefinitionVersion.id), func.max(DefinitionVersion.id))
        ).one()
        targets = session.execute(
            select(func.count(TargetVersion.id), func.max(TargetVersion.id))
        ).one()
    return tuple(definitions) + tuple(targets)
