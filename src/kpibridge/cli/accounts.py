"""``user …`` and ``token …``: web app accounts and API tokens."""

from __future__ import annotations

import getpass
import json
import os
from datetime import datetime
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from kpibridge.cli.errors import user_errors
from kpibridge.cli.options import DatabaseOption, FormatOption, WorkspaceOption
from kpibridge.cli.render import OutputFormat, make_console
from kpibridge.errors import AccountError
from kpibridge.model.access import AccessRole

PASSWORD_ENV = "KPIBRIDGE_PASSWORD"
user_app = typer.Typer(
    help="Web app accounts: add, list, change roles, reset passwords, disable, delete.",
    no_args_is_help=True,
)
token_app = typer.Typer(
    help="API tokens for automation: create, list, revoke.", no_args_is_help=True
)
UsernameArgument = Annotated[str, typer.Argument(help="The user's sign-in name.")]


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
    from kpibridge.cli.app_store import workspace_and_store
    from kpibridge.services.accounts.users import add_user, parse_role

    console = make_console()
    access = parse_role(role)
    password = os.environ.get(PASSWORD_ENV) or _ask_password()
    with workspace_and_store(workspace, database) as (ws, store):
        account = add_user(store, username, password, access, stakeholder, ws.stakeholders)
    console.print(f"added [bold]{escape(account.username)}[/bold] as {account.role.value}")


@user_app.command("list")
@user_errors
def user_list(workspace: WorkspaceOption = None, database: DatabaseOption = None) -> None:
    """List users with their role and stakeholder."""
    from kpibridge.cli.app_store import workspace_and_store
    from kpibridge.services.accounts.users import disabled_users, list_users

    console = make_console()
    with workspace_and_store(workspace, database) as (_ws, store):
        accounts = list_users(store)
        disabled = disabled_users(store)
    table = Table()
    for column in ("username", "role", "stakeholder", "status"):
        table.add_column(column)
    for account in accounts:
        table.add_row(
            escape(account.username),
            account.role.value,
            escape(account.stakeholder or "—"),
            "disabled" if account.username in disabled else "active",
        )
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
    from kpibridge.cli.app_store import workspace_and_store
    from kpibridge.services.accounts.users import parse_role, set_role

    console = make_console()
    access: AccessRole = parse_role(role)
    with workspace_and_store(workspace, database) as (_ws, store):
        account = set_role(store, username, access)
    console.print(f"{escape(account.username)} is now {account.role.value}")


@user_app.command("set-password")
@user_errors
def user_set_password(
    username: UsernameArgument, workspace: WorkspaceOption = None, database: DatabaseOption = None
) -> None:
    """Reset a user's password (asked for, or $KPIBRIDGE_PASSWORD); ends their sessions."""
    from kpibridge.cli.app_store import workspace_and_store
    from kpibridge.services.accounts.users import set_password

    console = make_console()
    password = os.environ.get(PASSWORD_ENV) or _ask_password()
    with workspace_and_store(workspace, database) as (_ws, store):
        set_password(store, username, password)
    console.print(f"new password set for {escape(username)}; their sessions are ended")


@user_app.command("sign-out")
@user_errors
def user_sign_out(
    username: UsernameArgument, workspace: WorkspaceOption = None, database: DatabaseOption = None
) -> None:
    """Sign a user out everywhere: every session cookie they hold stops working now."""
    from kpibridge.cli.app_store import workspace_and_store
    from kpibridge.services.accounts.users import end_sessions

    console = make_console()
    with workspace_and_store(workspace, database) as (_ws, store):
        end_sessions(store, username)
    console.print(f"{escape(username)} is signed out everywhere (API tokens: 'token revoke')")


@user_app.command("disable")
@user_errors
def user_disable(
    username: UsernameArgument, workspace: WorkspaceOption = None, database: DatabaseOption = None
) -> None:
    """Disable a user: no sign-in, no API token, sessions ended (undo with 'user enable')."""
    from kpibridge.cli.app_store import workspace_and_store
    from kpibridge.services.accounts.users import set_disabled

    console = make_console()
    with workspace_and_store(workspace, database) as (_ws, store):
        set_disabled(store, username, True)
    console.print(f"{escape(username)} is disabled")


@user_app.command("enable")
@user_errors
def user_enable(
    username: UsernameArgument, workspace: WorkspaceOption = None, database: DatabaseOption = None
) -> None:
    """Enable a disabled user again."""
    from kpibridge.cli.app_store import workspace_and_store
    from kpibridge.services.accounts.users import set_disabled

    console = make_console()
    with workspace_and_store(workspace, database) as (_ws, store):
        set_disabled(store, username, False)
    console.print(f"{escape(username)} is enabled")


@user_app.command("delete")
@user_errors
def user_delete(
    username: UsernameArgument,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """Delete a user and their API tokens (the audit log keeps what they did)."""
    from kpibridge.cli.app_store import workspace_and_store
    from kpibridge.services.accounts.users import delete_user

    console = make_console()
    if not yes:
        typer.confirm(f"delete user {username} and their API tokens?", abort=True)
    with workspace_and_store(workspace, database) as (_ws, store):
        delete_user(store, username)
    console.print(f"{escape(username)} is deleted")


@token_app.command("create")
@user_errors
def token_create(
    username: Annotated[str, typer.Argument(help="The user the token acts as.")],
    name: Annotated[str, typer.Option(help="What the token is for.")] = "automation",
    expires: Annotated[
        str, typer.Option(help="Lifetime: 12h, 90d, 4w, or 'never'.", show_default=True)
    ] = "90d",
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """Create an API token with the user's permissions; it is printed once, keep it safe."""
    from kpibridge.cli.app_store import workspace_and_store
    from kpibridge.services.accounts.tokens import create_token, parse_expiry

    console = make_console()
    lifetime = parse_expiry(expires)
    with workspace_and_store(workspace, database) as (_ws, store):
        token, account = create_token(store, username, name, expires_in=lifetime)
    console.file.write(token + "\n")
    typer.echo(
        f"token for {account.username} ({account.role.value}), "
        f"{'never expires' if lifetime is None else f'expires in {expires}'}; "
        "send it as 'Authorization: Bearer TOKEN'",
        err=True,
    )


@token_app.command("list")
@user_errors
def token_list(
    username: Annotated[str | None, typer.Argument(help="Only this user's tokens.")] = None,
    output: FormatOption = OutputFormat.TABLE,
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """List API tokens (never the tokens themselves): owner, state, expiry, last use."""
    from kpibridge.cli.app_store import workspace_and_store
    from kpibridge.services.accounts.tokens import list_tokens

    console = make_console()
    with workspace_and_store(workspace, database) as (_ws, store):
        tokens = list_tokens(store, username)
    if output is OutputFormat.JSON:
        typer.echo(json.dumps([token.to_json() for token in tokens], indent=2))
        return
    table = Table("id", "user", "name", "state", "created", "expires", "last used")
    for token in tokens:
        table.add_row(
            str(token.id),
            escape(token.username),
            escape(token.name),
            token.state,
            _when(token.created_at),
            _when(token.expires_at, "never"),
            _when(token.last_used_at, "never"),
        )
    console.print(table if tokens else "No API tokens.")


@token_app.command("revoke")
@user_errors
def token_revoke(
    token_id: Annotated[int, typer.Argument(help="The id shown by 'token list'.", min=1)],
    workspace: WorkspaceOption = None,
    database: DatabaseOption = None,
) -> None:
    """Revoke an API token: it stops working on its next request."""
    from kpibridge.cli.app_store import workspace_and_store
    from kpibridge.services.accounts.tokens import revoke_token

    console = make_console()
    with workspace_and_store(workspace, database) as (_ws, store):
        revoked = revoke_token(store, token_id)
    console.print(
        f"revoked token {revoked.id} ({escape(revoked.name)}) of {escape(revoked.username)}"
    )


def _when(moment: datetime | None, none: str = "—") -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else none


def _ask_password() -> str:
    password = getpass.getpass("password: ")
    if password != getpass.getpass("again: "):
        raise AccountError("the two passwords differ")
    return password


def register(app: typer.Typer) -> None:
    app.add_typer(user_app, name="user")
    app.add_typer(token_app, name="token")
