"""Stakeholders and accounts (admins): who signs in, with which role, as which stakeholder;
add a user, change a role. The account services check every value and write the audit
log in the same transaction as the change."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kpibridge.errors import KpibridgeError
from kpibridge.model.access import AccessRole
from kpibridge.services.accounts.users import Account, add_user, list_users, parse_role, set_role
from kpibridge.web.deps import Admin, Context

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


def _page(
    request: Request,
    account: Account,
    context: Context,
    *,
    error: str | None = None,
    status: int = 200,
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
            "error": error,
            "workspace_name": ws.settings.name,
        },
        status_code=status,
    )
