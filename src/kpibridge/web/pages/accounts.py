"""Stakeholders and accounts (admins): who signs in, with which role, as which stakeholder;
add a user, change a role, reset a password, sign a user out everywhere, disable or delete a
user; create, list and revoke API tokens. The account services check every value and write
the audit log in the same transaction as the change."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kpibridge.errors import KpibridgeError
from kpibridge.model.access import AccessRole
from kpibridge.services.accounts.tokens import (
    create_token,
    list_tokens,
    parse_expiry,
    revoke_token,
)
from kpibridge.services.accounts.users import (
    Account,
    add_user,
    delete_user,
    disabled_users,
    end_sessions,
    list_users,
    parse_role,
    set_disabled,
    set_password,
    set_role,
)
from kpibridge.web.deps import Admin, Context, RecordId

router = APIRouter()


@router.get("/accounts", response_class=HTMLResponse)
def accounts_page(request: Request, account: Admin, context: Context) -> Response:
    return _page(request, account, context)


@router.post("/accounts", response_class=HTMLResponse)
async def add_account(request: Request, account: Admin, context: Context) -> Response:
    form = await request.form()
    username = str(form.get("username", "")).strip()
    stakeholder = str(form.get("stakeholder", "")).strip() or None
    try:
        role = parse_role(str(form.get("role", "")))
        added = add_user(
            context.store,
            username,
            str(form.get("password", "")),
            role,
            stakeholder,
            context.live.workspace.stakeholders,
            actor=account.username,
        )
    except KpibridgeError as error:
        return _page(request, account, context, error=str(error), status=400)
    return RedirectResponse(f"/accounts?added={added.username}", status_code=303)


@router.post("/accounts/{username}/role", response_class=HTMLResponse)
async def change_role(
    request: Request, username: str, account: Admin, context: Context
) -> Response:
    form = await request.form()
    try:
        role = parse_role(str(form.get("role", "")))
        set_role(context.store, username, role, actor=account.username)
    except KpibridgeError as error:
        return _page(request, account, context, error=str(error), status=400)
    return RedirectResponse("/accounts", status_code=303)


@router.post("/accounts/{username}/password", response_class=HTMLResponse)
async def reset_password(
    request: Request, username: str, account: Admin, context: Context
) -> Response:
    form = await request.form()
    try:
        set_password(context.store, username, str(form.get("password", "")), actor=account.username)
    except KpibridgeError as error:
        return _page(request, account, context, error=str(error), status=400)
    return _done(f"New password set for {username}; their sessions are ended.")


@router.post("/accounts/{username}/sign-out", response_class=HTMLResponse)
def sign_out_everywhere(
    request: Request, username: str, account: Admin, context: Context
) -> Response:
    end_sessions(context.store, username, actor=account.username)
    return _done(f"{username} is signed out everywhere.")


@router.post("/accounts/{username}/disable", response_class=HTMLResponse)
async def disable(request: Request, username: str, account: Admin, context: Context) -> Response:
    form = await request.form()
    disabled = str(form.get("disabled", "1")) == "1"
    try:
        set_disabled(context.store, username, disabled, actor=account.username)
    except KpibridgeError as error:
        return _page(request, account, context, error=str(error), status=400)
    return _done(f"{username} is {'disabled' if disabled else 'enabled'}.")


@router.post("/accounts/{username}/delete", response_class=HTMLResponse)
def delete(request: Request, username: str, account: Admin, context: Context) -> Response:
    try:
        delete_user(context.store, username, actor=account.username)
    except KpibridgeError as error:
        return _page(request, account, context, error=str(error), status=400)
    return _done(f"{username} is deleted.")


@router.post("/accounts/{username}/tokens", response_class=HTMLResponse)
async def new_token(request: Request, username: str, account: Admin, context: Context) -> Response:
    """Create a token; the page shows it once (it is not stored, only its hash)."""
    form = await request.form()
    try:
        lifetime = parse_expiry(str(form.get("expires", "90d")))
        token, owner = create_token(
            context.store,
            username,
            str(form.get("name", "")).strip() or "automation",
            expires_in=lifetime,
            actor=account.username,
        )
    except KpibridgeError as error:
        return _page(request, account, context, error=str(error), status=400)
    return _page(request, account, context, new_token=(owner.username, token))


@router.post("/accounts/tokens/{token_id}/revoke", response_class=HTMLResponse)
def revoke(request: Request, token_id: RecordId, account: Admin, context: Context) -> Response:
    try:
        revoked = revoke_token(context.store, token_id, actor=account.username)
    except KpibridgeError as error:
        return _page(request, account, context, error=str(error), status=400)
    return _done(f"Token {revoked.id} ({revoked.name}) of {revoked.username} is revoked.")


def _done(message: str) -> Response:
    return RedirectResponse(f"/accounts?{urlencode({'done': message})}", status_code=303)


def _page(
    request: Request,
    account: Account,
    context: Context,
    *,
    error: str | None = None,
    status: int = 200,
    new_token: tuple[str, str] | None = None,
) -> Response:
    ws = context.live.workspace
    users = list_users(context.store)
    linked = {user.stakeholder for user in users if user.stakeholder}
    return context.templates.TemplateResponse(
        request,
        "accounts.html",
        {
            "account": account,
            "users": users,
            "roles": [role.value for role in AccessRole],
            "stakeholders": ws.stakeholders,
            "unlinked": [s for s in ws.stakeholders if s not in linked],
            "added": request.query_params.get("added"),
            "done": request.query_params.get("done"),
            "disabled": disabled_users(context.store),
            "tokens": list_tokens(context.store),
            "new_token": new_token,
            "error": error,
            "workspace_name": ws.settings.name,
        },
        status_code=status,
    )
