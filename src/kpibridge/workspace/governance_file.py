"""Read ``governance.yaml`` (decision rights; optional) and check every seat it names."""

from __future__ import annotations

from pathlib import Path

from kpibridge.errors import WorkspaceError, closest_names
from kpibridge.model import Role
from kpibridge.model.governance import GovernanceSettings
from kpibridge.workspace.definition import WorkspaceDefinition
from kpibridge.workspace.loader import parse_source
from kpibridge.workspace.source import read_yaml

GOVERNANCE_FILE = "governance.yaml"
ROLE_PREFIX = "role:"
NAMED_SEATS = ("owner", "goal_owner")


def load_governance(definition: WorkspaceDefinition) -> GovernanceSettings:
    """The workspace's governance settings (defaults when the file is absent); raises
    WorkspaceError with ``governance.yaml:LINE`` for every problem."""
    path = Path(definition.root) / GOVERNANCE_FILE
    if not path.is_file():
        return GovernanceSettings()
    source, issues = read_yaml(path, definition.root)
    settings = parse_source(source, GovernanceSettings.model_validate, issues) if source else None
    if source is not None and settings is not None:
        rights = settings.decision_rights
        sections: list[tuple[list[str | int], tuple[str, ...]]] = [
            (["decision_rights", "default"], rights.default)
        ]
        goals = definition.all_goals()
        for section, known, entries in (
            ("goals", goals, rights.goals),
            ("kpis", definition.kpis, rights.kpis),
        ):
            for name, seats in entries.items():
                where: list[str | int] = ["decision_rights", section, name]
                if name not in known:
                    hint = closest_names(name, known)
                    issues.append(
                        source.issue(
                            where,
                            f"unknown {section[:-1]} {name!r}"
                            + (f"; did you mean {hint[0]!r}?" if hint else ""),
                        )
                    )
                sections.append((where, seats))
        for where, seats in sections:
            issues += [
                source.issue([*where, index], problem)
                for index, seat in enumerate(seats)
                if (problem := seat_problem(seat, definition)) is not None
            ]
    if issues or settings is None:
        raise WorkspaceError(sorted(issues))
    return settings


def seat_problem(seat: str, definition: WorkspaceDefinition) -> str | None:
    """Why ``seat`` names no one who could hold it, else None."""
    if seat in NAMED_SEATS or seat in definition.stakeholders:
        return None
    if seat.startswith(ROLE_PREFIX):
        role = seat.removeprefix(ROLE_PREFIX)
        roles = [member.value for member in Role]
        if role not in roles:
            return f"unknown role {role!r}; roles are {', '.join(roles)}"
        return None
    close = closest_names(seat, [*NAMED_SEATS, *definition.stakeholders])
    return f"unknown seat {seat!r}: use owner, goal_owner, role:ROLE or a stakeholder id" + (
        f" (did you mean {close[0]!r}?)" if close else ""
    )
