"""Shared set-up for the governance tests: users acting as the template's stakeholders."""

from __future__ import annotations

from datetime import date

from kpibridge.model.access import AccessRole
from kpibridge.model.governance import Restatement
from kpibridge.services.accounts import Account, add_user
from kpibridge.services.governance_apply import ApplyResult, apply_workspace
from kpibridge.services.versions import acting_account
from kpibridge.services.workspace import Workspace
from kpibridge.store import Store

PASSWORD = "a long password"
USERS = {
    # username: (role, stakeholder) — stakeholders of the template/demo workspace
    "admin": (AccessRole.ADMIN, None),
    "ceo": (AccessRole.ADMIN, "ceo"),
    "growth": (AccessRole.MEMBER, "head-of-growth"),
    "cmo": (AccessRole.MEMBER, "cmo"),
    "cfo": (AccessRole.MEMBER, "cfo"),
    "analyst": (AccessRole.FACILITATOR, "analytics-lead"),
    "sales": (AccessRole.MEMBER, "sales-director"),
    "watcher": (AccessRole.VIEWER, "cx-lead"),
}


def add_users(store: Store, stakeholders: set[str]) -> None:
    for username, (role, stakeholder) in USERS.items():
        add_user(store, username, PASSWORD, role, stakeholder, stakeholders)


def account(store: Store, username: str) -> Account:
    return acting_account(store, username)


def apply_as(
    ws: Workspace,
    store: Store,
    username: str,
    message: str | None = "because",
    *,
    effective: date = date(2026, 1, 1),
    restatement: Restatement = Restatement.RESTATE,
    only: str | None = None,
    retire: bool = False,
    force_proposal: bool = False,
) -> ApplyResult:
    return apply_workspace(
        ws.definition,
        store,
        account(store, username),
        message=message,
        effective_from=effective,
        restatement=restatement,
        only=only,
        retire=retire,
        force_proposal=force_proposal,
    )
