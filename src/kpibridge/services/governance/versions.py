"""KPI versions in the app store: read what is current, find what the workspace YAML
changes, record new versions (each with its audit row), and write versions back to YAML.

The app store is the record of what was agreed and when; the YAML is where people edit.
``changes`` compares the two, ``apply`` (services/governance_apply.py) turns the difference
into versions or proposals, ``export_workspace`` writes the latest versions back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kpibridge.errors import GovernanceError, UnknownNameError
from kpibridge.model.access import AccessRole
from kpibridge.model.governance import ProposalKind, Restatement
from kpibridge.services.accounts.users import Account
from kpibridge.store import Store, User, audit
from kpibridge.store.governance_schema import DefinitionVersion, TargetVersion
from kpibridge.workspace.definition import WorkspaceDefinition
from kpibridge.workspace.kpi_yaml import (
    WriteReport,
    join_targets,
    kpi_contents,
    split_targets,
    write_kpis,
)


@dataclass(frozen=True)
class Change:
    """What the YAML changes about one KPI against its latest versions in the store.
    ``definition``/``targets``: the new content, or None where unchanged."""

    kpi_id: str
    kind: ProposalKind
    definition: dict[str, Any] | None
    targets: list[Any] | None
    base_version: int | None
    base_target_version: int | None


def acting_account(store: Store, username: str) -> Account:
    """The user a command acts as (``--as``); every governance change is signed by one."""
    with store.transaction() as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            known = list(session.scalars(select(User.username)))
            hint = (
                f" Known users: {', '.join(sorted(known))}."
                if known
                else (
                    " There are no users yet: add one with `kpibridge user add NAME --role admin`."
                )
            )
            raise GovernanceError(f"--as {username!r}: no such user.{hint}")
        return Account(user.id, user.username, user.stakeholder_id, AccessRole(user.role))


def latest_definitions(session: Session) -> dict[str, DefinitionVersion]:
    """The highest version of every KPI's definition (retired ones included)."""
    return {row.kpi_id: row for row in _latest(session, DefinitionVersion)}


def latest_targets(session: Session) -> dict[str, TargetVersion]:
    return {row.kpi_id: row for row in _latest(session, TargetVersion)}


def _latest(session: Session, table: type[DefinitionVersion] | type[TargetVersion]) -> list[Any]:
    newest = (
        select(table.kpi_id, func.max(table.version).label("version"))
        .group_by(table.kpi_id)
        .subquery()
    )
    return list(
        session.scalars(
            select(table).join(
                newest, (table.kpi_id == newest.c.kpi_id) & (table.version == newest.c.version)
            )
        )
    )


def definition_history(session: Session, kpi_id: str) -> list[DefinitionVersion]:
    return list(
        session.scalars(
            select(DefinitionVersion)
            .where(DefinitionVersion.kpi_id == kpi_id)
            .order_by(DefinitionVersion.version)
        )
    )


def target_history(session: Session, kpi_id: str) -> list[TargetVersion]:
    return list(
        session.scalars(
            select(TargetVersion)
            .where(TargetVersion.kpi_id == kpi_id)
            .order_by(TargetVersion.version)
        )
    )


def changes(definition: WorkspaceDefinition, session: Session) -> list[Change]:
    """Every KPI whose YAML differs from its latest versions, and every live KPI in the
    store that the YAML no longer has (a retirement), in KPI order."""
    definitions, targets = latest_definitions(session), latest_targets(session)
    found: list[Change] = []
    contents = kpi_contents(definition)
    for kpi_id, content in sorted(contents.items()):
        new_definition, new_targets = split_targets(content)
        current = definitions.get(kpi_id)
        current_targets = targets.get(kpi_id)
        target_version = current_targets.version if current_targets else None
        old_targets = list(current_targets.targets) if current_targets else []
        if current is None or current.retired:
            found.append(
                Change(
                    kpi_id,
                    ProposalKind.NEW_KPI,
                    new_definition,
                    new_targets if new_targets != old_targets else None,
                    current.version if current else None,
                    target_version,
                )
            )
            continue
        definition_changed = new_definition != current.content
        targets_changed = new_targets != old_targets
        if definition_changed or targets_changed:
            found.append(
                Change(
                    kpi_id,
                    ProposalKind.CHANGE_DEFINITION
                    if definition_changed
                    else ProposalKind.NEW_TARGET,
                    new_definition if definition_changed else None,
                    new_targets if targets_changed else None,
                    current.version,
                    target_version,
                )
            )
    for kpi_id, current in sorted(definitions.items()):
        if kpi_id not in contents and not current.retired:
            found.append(
                Change(
                    kpi_id,
                    ProposalKind.RETIREMENT,
                    None,
                    None,
                    current.version,
                    targets[kpi_id].version if kpi_id in targets else None,
                )
            )
    return found


def record_change(
    session: Session,
    change: Change,
    *,
    author: str | None,
    rationale: str,
    effective_from: date,
    restatement: Restatement,
    proposal_id: int | None = None,
) -> list[str]:
    """Write the versions ``change`` makes (with their audit rows); refuses if the KPI got
    a newer version since ``change`` was worked out. Returns what was written, in words."""
    definitions, targets = latest_definitions(session), latest_targets(session)
    current = definitions.get(change.kpi_id)
    current_targets = targets.get(change.kpi_id)
    now_version = current.version if current else None
    now_target_version = current_targets.version if current_targets else None
    if (now_version, now_target_version) != (change.base_version, change.base_target_version):
        raise GovernanceError(
            f"KPI {change.kpi_id!r} changed since this change was prepared (definition "
            f"v{change.base_version or 0} → v{now_version or 0}, targets "
            f"v{change.base_target_version or 0} → v{now_target_version or 0}): "
            "prepare it again from the current versions"
        )
    written = []
    retiring = change.kind is ProposalKind.RETIREMENT
    if change.definition is not None or retiring:
        content = (
            change.definition
            if change.definition is not None
            else (current.content if current else {})
        )
        version = (now_version or 0) + 1
        session.add(
            DefinitionVersion(
                kpi_id=change.kpi_id,
                version=version,
                content=content,
                retired=retiring,
                author=author,
                rationale=rationale,
                effective_from=effective_from,
                restatement=restatement.value,
                proposal_id=proposal_id,
            )
        )
        audit.record(
            session,
            actor=author,
            action="kpi.retire" if retiring else "kpi.version",
            entity="kpi",
            entity_id=change.kpi_id,
            detail={
                "version": version,
                "effective_from": effective_from.isoformat(),
                "restatement": restatement.value,
                "proposal": proposal_id,
                "rationale": rationale,
            },
        )
        written.append(f"{'retired' if retiring else 'definition'} v{version}")
    if change.targets is not None:
        version = (now_target_version or 0) + 1
        session.add(
            TargetVersion(
                kpi_id=change.kpi_id,
                version=version,
                targets=change.targets,
                author=author,
                rationale=rationale,
                effective_from=effective_from,
                proposal_id=proposal_id,
            )
        )
        audit.record(
            session,
            actor=author,
            action="kpi.targets",
            entity="kpi",
            entity_id=change.kpi_id,
            detail={
                "version": version,
                "effective_from": effective_from.isoformat(),
                "targets": change.targets,
                "proposal": proposal_id,
                "rationale": rationale,
            },
        )
        written.append(f"targets v{version}")
    session.flush()
    return written


def current_contents(session: Session) -> tuple[dict[str, dict[str, Any]], set[str]]:
    """(live KPI id → its YAML content, latest definition and targets joined; retired ids)."""
    definitions, targets = latest_definitions(session), latest_targets(session)
    live = {
        kpi_id: join_targets(
            row.content, list(targets[kpi_id].targets) if kpi_id in targets else []
        )
        for kpi_id, row in definitions.items()
        if not row.retired
    }
    return live, {kpi_id for kpi_id, row in definitions.items() if row.retired}


def export_workspace(definition: WorkspaceDefinition, store: Store) -> WriteReport:
    """Write the latest versions into the workspace's ``kpis/`` files (see kpi_yaml)."""
    with store.transaction() as session:
        live, retired = current_contents(session)
    if not live and not retired:
        raise GovernanceError(
            "the app store holds no KPI versions yet: run `kpibridge apply` first"
        )
    return write_kpis(definition.root, live, retired)


def content_of(definitions: Mapping[str, DefinitionVersion], kpi_id: str) -> dict[str, Any] | None:
    row = definitions.get(kpi_id)
    return dict(row.content) if row is not None and not row.retired else None


@dataclass(frozen=True)
class VersionEntry:
    """One line of a KPI's version history (definition or targets)."""

    part: str
    """``definition`` or ``targets``."""
    version: int
    retired: bool
    author: str | None
    created_at: datetime
    effective_from: date
    rationale: str
    proposal_id: int | None
    content: Any

    def to_json(self) -> dict[str, object]:
        return {
            "part": self.part,
            "version": self.version,
            "retired": self.retired,
            "author": self.author,
            "created_at": self.created_at.isoformat(),
            "effective_from": self.effective_from.isoformat(),
            "rationale": self.rationale,
            "proposal": self.proposal_id,
            "content": self.content,
        }


def version_history(store: Store, kpi_id: str) -> list[VersionEntry]:
    """Every definition and target version of ``kpi_id``, oldest first."""
    with store.transaction() as session:
        entries = [
            VersionEntry(
                "definition",
                row.version,
                row.retired,
                row.author,
                row.created_at,
                row.effective_from,
                row.rationale,
                row.proposal_id,
                row.content,
            )
            for row in definition_history(session, kpi_id)
        ] + [
            VersionEntry(
                "targets",
                row.version,
                False,
                row.author,
                row.created_at,
                row.effective_from,
                row.rationale,
                row.proposal_id,
                row.targets,
            )
            for row in target_history(session, kpi_id)
        ]
        if not entries:
            known = sorted(latest_definitions(session))
            raise UnknownNameError("KPI in the app store", kpi_id, known)
    return sorted(entries, key=lambda entry: (entry.created_at, entry.part))
