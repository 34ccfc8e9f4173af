"""Shared set-up for the governance tests: users acting as the template's stakeholders, the
template workspace with its library applied, and the status rule the oracles judge by."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from kpibridge.model.access import AccessRole
from kpibridge.model.governance import Restatement
from kpibridge.services.accounts.users import Account, add_user
from kpibridge.services.governance.governance_apply import ApplyResult, apply_workspace
from kpibridge.services.governance.versions import acting_account
from kpibridge.services.metrics.setup import create_workspace
from kpibridge.services.metrics.workspace import Workspace
from kpibridge.store import Store
from kpibridge.store.audit_key import KEY_FILE

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
    effective: date | None = date(2026, 1, 1),
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


TEMPLATE_TARGET_LINE = "targets: [{value: 50, at_risk: 0.05, off_track: 0.15}]\n"


def write_template(root: Path, store: Store) -> None:
    """The template workspace at ``root`` with a standing CAC target of 50, and in ``store``
    the users of ``USERS`` and the library applied as version 1 by ``admin``."""
    create_workspace(root)
    with (root / "kpis" / "cac.yaml").open("a") as file:
        file.write(TEMPLATE_TARGET_LINE)
    with Workspace.open(root) as ws:
        add_users(store, set(ws.stakeholders))
        apply_as(ws, store, "admin", "the library as agreed")


def build_template(folder: Path) -> Path:
    """``write_template`` into ``folder/ws`` with its app store beside it (``folder/app.db``),
    built once per module and copied per test (Argon2 hashing is slow on purpose)."""
    root = folder / "ws"
    store = Store.open(f"sqlite:///{folder / 'app.db'}")
    try:
        write_template(root, store)
    finally:
        store.close()
    return root


def copy_template(template: Path, folder: Path) -> Path:
    """A copy of the workspace ``build_template`` made, in ``folder/ws``."""
    copy = folder / "ws"
    shutil.copytree(template, copy)
    return copy


@contextmanager
def open_template_store(template: Path, folder: Path) -> Iterator[Store]:
    """A copy of the app store ``build_template`` made, in ``folder/app.db``, open — with the
    audit key beside it, which keys the chain of the rows already there."""
    shutil.copyfile(template.parent / "app.db", folder / "app.db")
    shutil.copyfile(template.parent / KEY_FILE, folder / KEY_FILE)
    store = Store.open(f"sqlite:///{folder / 'app.db'}")
    try:
        yield store
    finally:
        store.close()


def expected_status(value: float, target: float) -> str:
    """The status of a lower-is-better KPI by the documented rule, with the demo's CAC bands:
    shortfall = (value − target) / |target|; on track up to 5 %, at risk up to 15 %, off
    track beyond."""
    shortfall = (value - target) / abs(target)
    if shortfall <= 0.05:
        return "on track"
    if shortfall <= 0.15:
        return "at risk"
    return "off track"
