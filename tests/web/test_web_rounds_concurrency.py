"""50 participants send their ballot at the same moment through the API of a real uvicorn
server on loopback, against SQLite and against a real PostgreSQL: every acknowledged ballot
is stored exactly once, and each participant has exactly one live ballot."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from browser_support import serve
from kpibridge.model.access import AccessRole
from kpibridge.services.accounts.tokens import create_token
from kpibridge.services.accounts.users import add_user
from kpibridge.services.rounds.round_checks import parse_round
from kpibridge.services.rounds.stored_rounds import create_round
from kpibridge.web import WebSettings, create_app
from postgres_databases import fresh_postgres_database

VOTERS = [f"voter-{i:02d}" for i in range(50)]
CANDIDATES = ["cac", "roas", "nps", "conversion_rate", "brand_awareness"]


@pytest.fixture(scope="module")
def crowd_root(demo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo workspace with 50 more stakeholders."""
    root = tmp_path_factory.mktemp("crowd") / "workspace"
    shutil.copytree(demo_root, root, ignore=shutil.ignore_patterns(".kpibridge"))
    with (root / "stakeholders.yaml").open("a", encoding="utf-8") as handle:
        for voter in VOTERS:
            handle.write(f"  - {{id: {voter}, name: Voter {voter[-2:]}, role: marketing}}\n")
    return root


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'app.db'}"
    else:
        with fresh_postgres_database() as url:
            yield url


@pytest.fixture
def served(crowd_root: Path, database_url: str) -> Iterator[tuple[FastAPI, str, dict[str, str]]]:
    app = create_app(
        WebSettings(workspace=crowd_root, database_url=database_url, secret_key="test-secret")
    )
    context = app.state.context
    tokens = {}
    for voter in VOTERS:
        add_user(
            context.store,
            voter,
            "long enough",
            AccessRole.MEMBER,
            voter,
            context.live.workspace.stakeholders,
        )
        tokens[voter] = create_token(context.store, voter, "crowd")[0]
    spec = parse_round(
        {
            "id": "crowd",
            "question": "Which five?",
            "candidates": CANDIDATES,
            "participants": VOTERS,
            "select": 3,
        }
    )
    create_round(context.store, context.live.workspace, spec, actor="test")
    try:
        with serve(app) as url:
            yield app, url, tokens
    finally:
        context.store.close()
        context.live.close()


def test_fifty_ballots_at_once_through_the_api(
    served: tuple[FastAPI, str, dict[str, str]],
) -> None:
    app, url, tokens = served
    start = threading.Barrier(len(VOTERS))

    def vote(index_voter: tuple[int, str]) -> tuple[str, int, int | None]:
        index, voter = index_voter
        ranking = CANDIDATES[index % 5 :] + CANDIDATES[: index % 5]  # five different orders
        with httpx.Client(base_url=url, timeout=60) as client:
            start.wait()
            response = client.put(
                "/api/v1/rounds/crowd/ballot",
                json={"ranking": ranking},
                headers={"Authorization": f"Bearer {tokens[voter]}"},
            )
        return voter, response.status_code, response.json().get("id")

    with ThreadPoolExecutor(max_workers=len(VOTERS)) as pool:
        answers = list(pool.map(vote, enumerate(VOTERS)))
    assert {status for _, status, _ in answers} == {200}
    acknowledged = sorted(ballot_id for _, _, ballot_id in answers if ballot_id is not None)
    with app.state.context.store.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT ballots.id, participant, replaced_at FROM ballots "
                "JOIN rounds ON rounds.id = round_id WHERE name = 'crowd' ORDER BY ballots.id"
            )
        ).all()
    assert sorted(row[0] for row in rows) == acknowledged  # each acknowledged ballot, once
    assert sorted(row[1] for row in rows) == VOTERS  # one per participant …
    assert all(row[2] is None for row in rows)  # … and it is the live one
    with httpx.Client(base_url=url) as client:
        results = client.get(
            "/api/v1/rounds/crowd/results",
            headers={"Authorization": f"Bearer {tokens[VOTERS[0]]}"},
        ).json()
    assert len(results["participation"]["rankers"]) == 50
    # ten voters per cyclic shift of the five candidates: each candidate holds each place
    # exactly ten times, so every rank sum is equal and Kendall's W is 0 (by hand: W =
    # 12·S / (m²(n³ − n)) with S = Σ(R_i − mean R)² = 0)
    assert results["agreement"]["kendall_w"]["w"] == pytest.approx(0.0, abs=1e-12)
