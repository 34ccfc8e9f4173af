"""Helpers of the voice and governance web tests: their routes and who may use them, and an
app on its own copy of the demo workspace where KPI changes can be proposed.

Under the demo's default decision rights a KPI's seats are its owner, its goal's owner and
``role:analytics``. The role users of ``web_helpers`` are admin = ceo, facilitator =
analytics-lead (holds the analytics seat of every KPI), member = cmo, viewer = nobody; this
app adds ``growth`` (member, head-of-growth: owner of cac and of its goal) and ``brand``
(member, brand-manager: owner of share_of_voice, whose goal the cmo owns).
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from ruamel.yaml import YAML
from web_helpers import PASSWORD, add_role_users, login

from kpibridge.model.access import AccessRole
from kpibridge.model.governance import Restatement
from kpibridge.services.accounts.tokens import create_token
from kpibridge.services.accounts.users import add_user
from kpibridge.services.governance.governance_apply import apply_workspace
from kpibridge.services.governance.versions import acting_account
from kpibridge.web import WebSettings, create_app

GOV_READ_ROUTES = {
    "/voice": "page",
    "/kpis/{kpi_id}/themes": "page",
    "/kpis/{kpi_id}/history": "page",
    "/proposals": "page",
    "/api/v1/voice/nps": "api",
    "/api/v1/voice/sentiment": "api",
    "/api/v1/voice/themes": "api",
    "/api/v1/kpis/{kpi_id}/themes": "api",
    "/api/v1/kpis/{kpi_id}/history": "api",
    "/api/v1/proposals": "api",
}
"""Every signed-in role reads these, with or without proposals in the store."""
PROPOSAL_ROUTES = {
    ("GET", "/proposals/compare"): "viewer (test_web_proposal_compare.py)",
    ("GET", "/api/v1/proposals/compare"): "viewer (test_web_proposal_compare.py)",
    ("GET", "/proposals/{proposal_id}"): "viewer",
    ("GET", "/api/v1/proposals/{proposal_id}"): "viewer",
    ("POST", "/proposals/{proposal_id}/decisions"): "member + seat (comments: member)",
    ("POST", "/api/v1/proposals/{proposal_id}/decisions"): "member + seat (comments: member)",
    ("POST", "/proposals/round"): "facilitator (test_web_proposal_rounds.py)",
    ("POST", "/api/v1/proposals/rounds"): "facilitator (test_web_proposal_rounds.py)",
}
"""Routes about one proposal (tested in test_web_proposals_pages.py)."""
GOV_ROUTES = set(GOV_READ_ROUTES) | {path for _, path in PROPOSAL_ROUTES}
EXTRA_USERS = {"growth": "head-of-growth", "brand": "brand-manager"}


def build_governance_app(demo: Path, folder: Path) -> FastAPI:
    """An app on a copy of ``demo`` (so that its YAML can be edited) with the role users,
    the extra members, and the KPI library applied by the admin as version 1."""
    root = folder / "workspace"
    shutil.copytree(demo, root)
    app = create_app(
        WebSettings(
            workspace=root,
            database_url=f"sqlite:///{folder / 'app.db'}",
            secret_key="test-secret",
            login_attempts_per_ip=100_000,
        )
    )
    app.state.tokens = add_role_users(app)
    context = app.state.context
    stakeholders = context.live.workspace.stakeholders
    for username, stakeholder in EXTRA_USERS.items():
        add_user(context.store, username, PASSWORD, AccessRole.MEMBER, stakeholder, stakeholders)
        app.state.tokens[username] = create_token(context.store, username, "tests")[0]
    apply_as(app, "admin", "the library as agreed")
    return app


def apply_as(
    app: FastAPI,
    username: str,
    message: str,
    *,
    only: str | None = None,
    effective: date = date(2026, 1, 1),
    restatement: Restatement = Restatement.RESTATE,
) -> Any:
    context = app.state.context
    return apply_workspace(
        context.live.workspace.definition,
        context.store,
        acting_account(context.store, username),
        message=message,
        effective_from=effective,
        restatement=restatement,
        only=only,
    )


def edit_kpi(app: FastAPI, kpi: str, **changes: Any) -> None:
    """Change top-level fields of ``kpis/KPI.yaml`` (round-trip YAML: comments kept)."""
    path = Path(app.state.context.live.root) / "kpis" / f"{kpi}.yaml"
    yaml = YAML(typ="rt")
    document = yaml.load(path.read_text(encoding="utf-8"))
    for key, value in changes.items():
        document[key] = value
    with path.open("w", encoding="utf-8") as handle:
        yaml.dump(document, handle)


def propose(app: FastAPI, username: str, kpi: str, message: str, **changes: Any) -> int:
    """Edit ``kpi`` and propose the edit as ``username``; returns the proposal's number."""
    edit_kpi(app, kpi, **changes)
    result = apply_as(app, username, message, only=kpi)
    assert not result.direct
    (applied,) = result.applied
    return int(applied.outcome.split()[1])


def signed_in(app: FastAPI, username: str) -> TestClient:
    client = TestClient(app)
    assert login(client, username).status_code == 303
    return client


def post_form(client: TestClient, path: str, data: dict[str, str], *, csrf: bool = True) -> Any:
    token = client.cookies.get("kpibridge_csrf") or ""
    return client.post(
        path, data={**data, **({"csrf_token": token} if csrf else {})}, follow_redirects=False
    )


class _Rows(HTMLParser):
    """Cell texts of every ``<tr>`` that carries the attribute ``data-KEY``."""

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = f"data-{key}"
        self.rows: dict[str, list[str]] = {}
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "tr" and self.key in found:
            self._row = self.rows.setdefault(str(found[self.key]), [])
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr":
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def table_rows(html: str, key: str) -> dict[str, list[str]]:
    """``{value of data-KEY: [cell text, …]}`` for the rows of the page that carry it."""
    parser = _Rows(key)
    parser.feed(html)
    return parser.rows


def chart_in(html: str, figure_id: str) -> dict[str, Any]:
    """The Vega-Lite spec inside ``<figure id=FIGURE_ID>``."""
    match = re.search(
        rf'<figure[^>]*id="{figure_id}".*?<script type="application/json">(.*?)</script>',
        html,
        re.DOTALL,
    )
    assert match, f"no chart in figure #{figure_id}"
    spec: dict[str, Any] = json.loads(match.group(1))
    return spec


def chart_rows(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [row for dataset in spec.get("datasets", {}).values() for row in dataset]


HAND_CAC = """
WITH spend AS (
    SELECT date_trunc('month', date)::DATE AS month, sum(spend) AS spend
    FROM ad_spend {spend_filter} GROUP BY 1
), customers AS (
    SELECT date_trunc('month', acquired_at)::DATE AS month, count(*) AS customers
    FROM customers {customer_filter} GROUP BY 1
)
SELECT month, spend / nullif(customers, 0) FROM spend JOIN customers USING (month)
"""


def hand_cac(app: FastAPI, *, without_display: bool) -> dict[date, float]:
    sql = HAND_CAC.format(
        spend_filter="WHERE channel <> 'display'" if without_display else "",
        customer_filter="WHERE acquisition_channel <> 'display'" if without_display else "",
    )
    rows = app.state.context.live.run(lambda ws: ws.backend.raw_sql(sql).fetchall())
    return {month: value for month, value in rows if value is not None}


def expected_status(value: float, target: float) -> str:
    """A lower-is-better KPI's status by the documented rule with the demo's CAC bands:
    shortfall = (value − target) / |target|; on track up to 5 %, at risk up to 15 %."""
    shortfall = (value - target) / abs(target)
    return "on track" if shortfall <= 0.05 else "at risk" if shortfall <= 0.15 else "off track"


def bearer(app: FastAPI, username: str) -> dict[str, str]:
    """The API header of ``username``'s token (``build_governance_app`` makes one each)."""
    return {"Authorization": f"Bearer {app.state.tokens[username]}"}


def get_json(app: FastAPI, path: str, username: str = "viewer") -> Any:
    """``GET path`` through the API as ``username``; fails unless it answers 200."""
    with TestClient(app) as client:
        response = client.get(path, headers=bearer(app, username))
    assert response.status_code == 200, response.text
    return response.json()
