"""Sign-ins for the demo company: one user per demo stakeholder, plus a read-only viewer.

Every demo user has the password :data:`DEMO_PASSWORD` (documented in README.md: the demo is
for trying kpibridge on one machine, never for real data).
"""

from __future__ import annotations

from kpibridge.model.access import AccessRole
from kpibridge.services.accounts.users import Account, add_user, list_users
from kpibridge.services.metrics.workspace import Workspace
from kpibridge.store import Store

DEMO_PASSWORD = "kpibridge-demo"
DEMO_VIEWER = "viewer"
DEMO_ROLES = {"ceo": AccessRole.ADMIN, "analytics-lead": AccessRole.FACILITATOR}
"""Stakeholders with more than the member role; every other stakeholder is a member."""


def ensure_demo_users(store: Store, ws: Workspace) -> list[Account]:
    """Create the demo users that do not exist yet; return all demo users."""
    existing = {account.username: account for account in list_users(store)}
    wanted = [
        (stakeholder, DEMO_ROLES.get(stakeholder, AccessRole.MEMBER), stakeholder)
        for stakeholder in ws.stakeholders
    ] + [(DEMO_VIEWER, AccessRole.VIEWER, None)]
    accounts = []
    for username, role, stakeholder in wanted:
        account = existing.get(username) or add_user(
            store, username, DEMO_PASSWORD, role, stakeholder, ws.stakeholders
        )
        accounts.append(account)
    return accounts
