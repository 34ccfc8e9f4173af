"""``user …`` and ``token …``: web app accounts and API tokens."""

from __future__ import annotations

import getpass
import os
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from kpibridge.cli.errors import user_errors
from kpibridge.cli.options import DatabaseOption, WorkspaceOption
from kpibridge.cli.render import make_console
from kpibridge.errors import AccountError
from kpibridge.model.access import AccessRole

PASSWORD_ENV = "KPIBRIDGE_PASSWORD"
user_app = typer.Typer(help="Web app accounts: add, list, change roles.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens for automation.", no_args_is_help=True)


@user_app.command("add")
@user_errors
def user_add(
    username: Annotated[str, typer.Argument(help="Sign-in name.")],
    role: Annotated[str, typer.Option(help="admin, facilitator, member or viewer.")] = "viewer",
    stakeholder: Annotated[
        str | None, typer.Option(help="The stakeholder id (stakeholders.yaml) this person is.")
    ] = None,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """Add a user; the password is asked for (or read from $KPIBRIDGE_PASSWORD)."""
    from kpibridge.cli.app_store import opened_store
    from kpibridge.services.accounts.users import add_user, parse_role
    from kpibridge.services.metrics.workspace import Workspace

    console = make_console()
    access = parse_role(role)
    password = os.environ.get(PASSWORD_ENV) or _ask_password()
    with Workspace.open(workspace) as ws, opened_store(ws, database) as store:
        account = add_user(store, username, password, access, stakeholder, ws.stakeholders)
    console.print(f"added [bold]{escape(account.username)}[/bold] as {account.role.value}")


@user_app.command("list")
@user_errors
def user_list(workspace: WorkspaceOption = None, database: DatabaseOption = None) -> None:
    """List users with their role and stakeholder."""
    from kpibridge.cli.app_store import opened_store
    from kpibridge.services.accounts.users import list_users
    from kpibridge.services.metrics.workspace import Workspace

    console = make_console()
    with Workspace.open(workspace) as ws, opened_store(ws, database) as store:
        accounts = list_users(store)
    table = Table()
    for column in ("username", "role", "stakeholder"):
        table.add_column(column)
    for account in accounts:
        table.add_row(account.username, account.role.value, account.stakeholder or "—")
    console.print(table)


@user_app.command("set-role")
@user_errors
def user_set_role(
    username: Annotated[str, typer.Argument()],
    role: Annotated[str, typer.Argument(help="admin, facilitator, member or viewer.")],
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """Change a user's role (takes effect on their next request)."""
    from kpibridge.cli.app_store import opened_store
    from kpibridge.services.accounts.users import parse_role, set_role
    from kpibridge.services.metrics.workspace import Workspace

    console = make_console()
    access: AccessRole = parse_role(role)
    with Workspace.open(workspace) as ws, opened_store(ws, database) as store:
        account = set_role(store, username, access)
    console.print(f"{escape(account.username)} is now {account.role.value}")


@token_app.command("create")
@user_errors
def token_create(
    username: Annotated[str, typer.Argument(help="The user the token acts as.")],
    name: Annotated[str, typer.Option(help="What the token is for.")] = "automation",
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """Create an API token with the user's permissions; it is printed once, keep it safe."""
    from kpibridge.cli.app_store import opened_store
    from kpibridge.services.accounts.users import create_token
    from kpibridge.services.metrics.workspace import Workspace

    console = make_console()
    with Workspace.open(workspace) as ws, opened_store(ws, database) as store:
        token, account = create_token(store, username, name)
    console.file.write(token + "\n")
    typer.echo(
        f"token for {account.username} ({account.role.value}); "
        "send it as 'Authorization: Bearer TOKEN'",
        err=True,
    )


def _ask_password() -> str:
    password = getpass.getpass("password: ")
    if password != getpass.getpass("again: "):
        raise AccountError("the two passwords differ")
    return password


def register(app: typer.Typer) -> None:
    app.add_typer(user_app, name="user")
    app.add_typer(token_app, name="token")
