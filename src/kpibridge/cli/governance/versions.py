"""``apply``, ``propose``, ``export`` and ``versions``: YAML edits become KPI versions or
proposals, and the versions go back to YAML.

Every command that changes something acts as a named user of the app store (``--as``, or
``$KPIBRIDGE_USER``): their access role and stakeholder decide what they may do.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from kpibridge.cli.errors import user_errors
from kpibridge.cli.options import (
    ActorOption,
    DatabaseOption,
    EffectiveOption,
    FormatOption,
    RestatementOption,
    WorkspaceOption,
    date_or_today,
    number,
    parse_date,
)
from kpibridge.cli.render import OutputFormat, make_console
from kpibridge.model.choices import Restatement

if TYPE_CHECKING:
    from kpibridge.services.governance.versions import VersionEntry
    from kpibridge.services.metrics.workspace import Workspace
    from kpibridge.store import Store


@user_errors
def apply(
    actor: ActorOption,
    message: Annotated[str | None, typer.Option("--message", "-m", help="Why.")] = None,
    effective: EffectiveOption = None,
    restatement: RestatementOption = Restatement.RESTATE,
    output: FormatOption = OutputFormat.TABLE,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """Turn workspace YAML edits into KPI versions (admins) or change proposals.

    Without --effective a change takes effect today, except the first version of a KPI
    applied by an admin (the library's first apply), which is in force since always."""
    from kpibridge.cli.app_store import workspace_and_store
    from kpibridge.services.governance.governance_apply import apply_workspace
    from kpibridge.services.governance.versions import acting_account

    console = make_console()
    with workspace_and_store(workspace, database) as (ws, store):
        result = apply_workspace(
            ws.definition,
            store,
            acting_account(store, actor),
            message=message,
            effective_from=parse_date(effective, "--effective"),
            restatement=restatement,
        )
    if output is OutputFormat.JSON:
        typer.echo(json.dumps(result.to_json(), indent=2))
        return
    if not result.applied:
        console.print("Nothing to apply: the YAML says what the app store says.")
        return
    table = Table("KPI", "change", "recorded as")
    for item in result.applied:
        table.add_row(escape(item.kpi_id), item.kind.value.replace("_", " "), item.outcome)
    console.print(table)


@user_errors
def propose(
    kpi: Annotated[str, typer.Argument(help="The KPI whose YAML edit (or retirement) to propose.")],
    actor: ActorOption,
    message: Annotated[str, typer.Option("--message", "-m", help="Why (required).")],
    retire: Annotated[bool, typer.Option(help="Propose to retire the KPI.")] = False,
    effective: EffectiveOption = None,
    restatement: RestatementOption = Restatement.RESTATE,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """Propose one KPI's change as written in its YAML (always a proposal, even for admins)."""
    from kpibridge.cli.app_store import workspace_and_store
    from kpibridge.services.governance.governance_apply import apply_workspace
    from kpibridge.services.governance.versions import acting_account

    console = make_console()
    with workspace_and_store(workspace, database) as (ws, store):
        result = apply_workspace(
            ws.definition,
            store,
            acting_account(store, actor),
            message=message,
            effective_from=date_or_today(effective),
            restatement=restatement,
            only=kpi,
            retire=retire,
            force_proposal=True,
        )
    for item in result.applied:
        console.print(
            f"{escape(item.kpi_id)}: {item.kind.value.replace('_', ' ')} → {item.outcome}"
        )


@user_errors
def export(workspace: WorkspaceOption = None, database: DatabaseOption = None) -> None:
    """Write the latest KPI versions of the app store back to kpis/*.yaml (comments kept)."""
    from kpibridge.cli.app_store import workspace_and_store
    from kpibridge.services.governance.versions import export_workspace

    console = make_console()
    with workspace_and_store(workspace, database) as (ws, store):
        report = export_workspace(ws.definition, store)
    for label, items in (
        ("updated", report.updated),
        ("created", report.created),
        ("removed (retired)", report.removed),
    ):
        if items:
            console.print(f"{label}: {escape(', '.join(items))}")
    if report.not_in_store:
        console.print(
            "[yellow]not in the app store (left as is; run apply):[/yellow] "
            + escape(", ".join(report.not_in_store))
        )
    console.print(
        f"{len(report.files_written)} file(s) written, {len(report.unchanged)} KPI(s) unchanged"
    )


@user_errors
def versions(
    kpi: Annotated[str, typer.Argument(help="The KPI.")],
    values: Annotated[
        bool,
        typer.Option(
            "--values",
            help="Show its recent values, each stamped with the "
            "definition and target versions in force for its period.",
        ),
    ] = False,
    as_of: Annotated[
        str | None, typer.Option(help="Versions in effect on this date (default today).")
    ] = None,
    output: FormatOption = OutputFormat.TABLE,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """A KPI's definition and target versions: who, when, why, effective from when (with
    --values: its recent values, each computed with the versions in force for its period)."""
    from kpibridge.cli.app_store import workspace_and_store
    from kpibridge.services.governance.governed_values import governed_values

    console = make_console()
    with workspace_and_store(workspace, database) as (ws, store):
        entries = version_history_or_hint(ws, store, kpi)
        governed = (
            governed_values(ws, store, kpi, as_of=date_or_today(as_of, "--as-of"))
            if values
            else None
        )
    if output is OutputFormat.JSON:
        typer.echo(
            json.dumps(
                [entry.to_json() for entry in entries]
                if governed is None
                else [value.to_json() for value in governed],
                indent=2,
                ensure_ascii=False,
            )
        )
        return
    if governed is not None:
        stamped = Table("period", "value", "definition", "targets", "target", "status")
        for value in governed:
            stamped.add_row(
                value.label,
                number(value.value),
                f"v{value.definition_version}",
                f"v{value.target_version}" if value.target_version else "—",
                number(value.target),
                value.status.value,
            )
        console.print(stamped)
        return
    table = Table("part", "v", "recorded (UTC)", "by", "effective", "proposal", "why")
    for entry in entries:
        table.add_row(
            entry.part + (" (retired)" if entry.retired else ""),
            str(entry.version),
            f"{entry.created_at:%Y-%m-%d %H:%M}",
            escape(entry.author or "—"),
            str(entry.effective_from),
            str(entry.proposal_id) if entry.proposal_id else "—",
            escape(entry.rationale),
        )
    console.print(table)


def version_history_or_hint(ws: Workspace, store: Store, kpi: str) -> list[VersionEntry]:
    """The KPI's versions; for a KPI the workspace defines but the app store has never
    recorded (a fresh workspace or demo), say what records it instead of "unknown KPI"."""
    from kpibridge.errors import KpibridgeError, UnknownNameError
    from kpibridge.model.access import AccessRole
    from kpibridge.services.accounts.users import list_users
    from kpibridge.services.governance.versions import version_history

    try:
        return version_history(store, kpi)
    except UnknownNameError:
        if kpi not in ws.kpis:
            raise UnknownNameError("KPI", kpi, ws.kpis) from None
        admins = [a.username for a in list_users(store) if a.role is AccessRole.ADMIN]
        actor = admins[0] if admins else "ADMIN"
        raise KpibridgeError(
            f"{kpi} has no versions yet: it is defined in the workspace YAML only, and the app "
            "store records versions from the first apply. Record the workspace's KPIs as their "
            f'first versions with: kpibridge apply --as {actor} --message "baseline"'
            + (
                ""
                if admins
                else " (ADMIN: an admin user; add one with kpibridge user add NAME --role admin)"
            )
        ) from None


def register(parent: typer.Typer) -> None:
    parent.command()(apply)
    parent.command()(export)
    parent.command()(propose)
    parent.command()(versions)
