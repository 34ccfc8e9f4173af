"""Competing proposals put to an alignment round, and decision rights frozen on proposals.

The template workspace (see ``gov_helpers``): ``cac`` is owned by head-of-growth (user
``growth``), whose goal acquisition-efficiency head-of-growth owns too; the default seats are
owner, goal owner and ``role:analytics`` (analytics-lead, user ``analyst``, a facilitator).
``cmo`` and ``cfo`` are members who propose finance's and marketing's CAC target. Expected
participants, candidates and winners below are worked out by hand from those files, not
read back from the code under test.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from gov_helpers import (
    TEMPLATE_TARGET_LINE,
    account,
    apply_as,
    build_template,
    copy_template,
    open_template_store,
    write_template,
)
from sqlalchemy import func, select, text

from kpibridge.errors import (
    GovernanceError,
    KpibridgeError,
    ProposalPermissionError,
    ProposalStateError,
)
from kpibridge.model.governance import Decision, ProposalStatus
from kpibridge.model.rounds import Ballot
from kpibridge.services.governance.proposal_rounds import (
    ProposalRound,
    put_to_round,
    round_proposals,
    round_winner,
)
from kpibridge.services.governance.proposal_views import ProposalView
from kpibridge.services.governance.proposals import decide, show_proposal
from kpibridge.services.governance.versions import latest_targets
from kpibridge.services.metrics.workspace import Workspace
from kpibridge.services.rounds.ballots import submit_ballot
from kpibridge.services.rounds.round_results import stored_round_analysis
from kpibridge.services.rounds.stored_rounds import (
    adopt_round,
    close_round,
    get_round,
    list_stored_rounds,
)
from kpibridge.store import Store, audit
from kpibridge.store.audit import read, verify
from kpibridge.store.proposal_rounds_schema import ProposalRoundLink
from kpibridge.workspace.governance_file import load_governance


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The template workspace and an app store with the users and the library as version 1."""
    return build_template(tmp_path_factory.mktemp("proposal-rounds"))


@pytest.fixture
def root(template: Path, tmp_path: Path) -> Path:
    return copy_template(template, tmp_path)


@pytest.fixture
def store(template: Path, tmp_path: Path) -> Iterator[Store]:
    with open_template_store(template, tmp_path) as opened:
        yield opened


def set_target(root: Path, value: int) -> None:
    path = root / "kpis" / "cac.yaml"
    lines = [line for line in path.read_text().splitlines(keepends=True) if "targets:" not in line]
    path.write_text("".join(lines) + TEMPLATE_TARGET_LINE.replace("50", str(value)))


def propose_target(root: Path, store: Store, username: str, value: int, why: str) -> int:
    set_target(root, value)
    with Workspace.open(root) as ws:
        result = apply_as(ws, store, username, why, only="cac", force_proposal=True)
    (applied,) = result.applied
    return int(applied.outcome.split()[1])


def competing(root: Path, store: Store) -> tuple[int, int]:
    """Marketing's CAC target (45, by cmo) against finance's (55, by cfo)."""
    marketing = propose_target(root, store, "cmo", 45, "marketing's CAC target")
    finance = propose_target(root, store, "cfo", 55, "finance's CAC target")
    return marketing, finance


def to_round(root: Path, store: Store, username: str, **options: Any) -> ProposalRound:
    with Workspace.open(root) as ws:
        return put_to_round(
            store,
            ws,
            "cac",
            account=account(store, username),
            governance=load_governance(ws.definition),
            **options,
        )


def show(root: Path, store: Store, number: int) -> ProposalView:
    with Workspace.open(root) as ws:
        return show_proposal(store, number, ws.definition, load_governance(ws.definition))


def act(
    root: Path, store: Store, username: str, number: int, decision: Decision, comment: str = ""
) -> ProposalView:
    with Workspace.open(root) as ws:
        return decide(
            store,
            number,
            account(store, username),
            decision,
            comment,
            ws.definition,
            load_governance(ws.definition),
        )


def test_competing_proposals_become_a_round_on_each_backend(
    app_store: Store, tmp_path: Path
) -> None:
    root = tmp_path / "ws"
    write_template(root, app_store)
    marketing, finance = competing(root, app_store)

    created = to_round(root, app_store, "analyst")

    name = f"cac-proposals-{marketing}-{finance}"
    spec = created.round.round
    assert spec.id == name
    assert spec.candidates == ()  # no workspace KPI: the candidates are the two proposals
    assert [(p.id, p.name, p.proposed_by) for p in spec.proposals] == [
        (
            f"proposal-{marketing}",
            f"#{marketing} by cmo: standing target: 50 (at_risk 0.05, off_track 0.15) → 45 "
            "(at_risk 0.05, off_track 0.15)",
            "cmo",
        ),
        (
            f"proposal-{finance}",
            f"#{finance} by cfo: standing target: 50 (at_risk 0.05, off_track 0.15) → 55 "
            "(at_risk 0.05, off_track 0.15)",
            "cfo",
        ),
    ]
    assert [p.rationale for p in spec.proposals] == [
        "marketing's CAC target",
        "finance's CAC target",
    ]
    # seat holders (owner and goal owner: head-of-growth; analytics: analytics-lead), then
    # the KPI's owner (head-of-growth again), then the authors' stakeholders
    assert spec.participants == ("head-of-growth", "analytics-lead", "cmo", "cfo")
    assert (spec.select, spec.facilitator, created.round.status) == (1, "analytics-lead", "open")
    assert spec.question == (
        "Which proposed change to Customer acquisition cost (cac) should go forward for approval?"
    )
    # linked both ways
    assert [(link.proposal_id, link.candidate, link.revision) for link in created.links] == [
        (marketing, f"proposal-{marketing}", 1),
        (finance, f"proposal-{finance}", 1),
    ]
    for number in (marketing, finance):
        rounds = show(root, app_store, number).rounds
        assert [(r.round, r.round_status, r.adopted) for r in rounds] == [(name, "open", False)]
    # audited in the same transaction: the round, then one record per proposal
    with app_store.transaction() as session:
        entries = read(session)
        assert [(e.action, e.entity_id) for e in entries[-3:]] == [
            ("round.create", name),
            ("proposal.round", "cac"),
            ("proposal.round", "cac"),
        ]
        assert [e.detail["proposal"] for e in entries[-2:]] == [marketing, finance]
        assert verify(session).ok


def test_a_failure_half_way_leaves_no_round(
    root: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The round, its links and their audit records commit together: when the second link's
    audit record fails, nothing of the round is left."""
    competing(root, store)
    original = audit.record
    calls: list[str] = []

    def failing(session: object, **fields: object) -> object:
        calls.append(str(fields["action"]))
        if calls.count("proposal.round") == 2:
            raise RuntimeError("disk full")
        return original(session, **fields)  # type: ignore[arg-type]

    monkeypatch.setattr(audit, "record", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        to_round(root, store, "analyst")
    monkeypatch.setattr(audit, "record", original)
    assert calls == ["round.create", "proposal.round", "proposal.round"]
    assert list_stored_rounds(store) == []
    with store.transaction() as session:
        assert session.scalar(select(func.count()).select_from(ProposalRoundLink)) == 0
        assert not [e for e in read(session) if e.action in ("round.create", "proposal.round")]


def test_options_override_the_defaults(root: Path, store: Store) -> None:
    competing(root, store)
    with pytest.raises(KpibridgeError, match="select is 3 but the round has only 2"):
        to_round(root, store, "ceo", select_count=3)
    with pytest.raises(KpibridgeError, match=r"unknown stakeholder 'cfoo'\. Did you mean 'cfo'"):
        to_round(root, store, "ceo", participants=["cfoo"])
    with pytest.raises(KpibridgeError, match="deadline 2020-01-01 has passed"):
        to_round(root, store, "ceo", deadline="2020-01-01")
    assert list_stored_rounds(store) == []
    created = to_round(
        root,
        store,
        "analyst",
        name="cac-showdown",
        participants=["cfo", "cmo", "ceo"],
        deadline="2099-12-31",
        select_count=2,
        question="Which CAC target?",
    )
    spec = created.round.round
    assert (spec.id, spec.participants, spec.deadline, spec.select, spec.question) == (
        "cac-showdown",
        ("cfo", "cmo", "ceo"),
        "2099-12-31",
        2,
        "Which CAC target?",
    )


@pytest.mark.parametrize(
    ("username", "allowed"),
    [
        ("watcher", False),  # viewer
        ("cmo", False),  # member, author of one proposal
        ("cfo", False),  # member, author of the other
        ("growth", False),  # member holding two seats
        ("sales", False),  # member without a seat
        ("analyst", True),  # facilitator
        ("ceo", True),  # admin with a stakeholder
        ("admin", True),  # admin without one
    ],
)
def test_who_may_put_proposals_to_a_round(
    root: Path, store: Store, username: str, allowed: bool
) -> None:
    competing(root, store)
    if not allowed:
        with pytest.raises(ProposalPermissionError, match="only facilitators and admins"):
            to_round(root, store, username)
        assert list_stored_rounds(store) == []
        return
    created = to_round(root, store, username)
    assert created.round.created_by == username
    assert len(created.links) == 2


def test_fewer_than_two_open_proposals_is_refused(root: Path, store: Store) -> None:
    with pytest.raises(GovernanceError, match="'cac' has 0 open proposal"):
        to_round(root, store, "analyst")
    marketing, finance = competing(root, store)
    act(root, store, "growth", finance, Decision.REJECT, "too lax")
    with pytest.raises(GovernanceError, match=rf"1 open proposal\(s\) \(#{marketing}\)"):
        to_round(root, store, "analyst")
    assert list_stored_rounds(store) == []
    with store.transaction() as session:
        assert not [e for e in read(session) if e.action in ("round.create", "proposal.round")]


def test_a_proposal_in_an_open_round_is_not_put_to_another(root: Path, store: Store) -> None:
    competing(root, store)
    first = to_round(root, store, "analyst")
    with pytest.raises(ProposalStateError, match=f"already in the open round '{first.round.name}'"):
        to_round(root, store, "analyst", name="again")
    close_round(store, first.round.name, actor="analyst")
    assert to_round(root, store, "analyst", name="again").round.name == "again"


def test_adopting_comments_on_the_winner_and_approves_nothing(root: Path, store: Store) -> None:
    marketing, finance = competing(root, store)
    created = to_round(root, store, "analyst")
    name = created.round.name
    m, f = f"proposal-{marketing}", f"proposal-{finance}"
    # three of four participants put finance's target first: it wins under every method
    rankings = {"head-of-growth": [f, m], "analytics-lead": [f, m], "cmo": [m, f], "cfo": [f, m]}
    for participant, ranking in rankings.items():
        ballot = Ballot(participant=participant, ranking=tuple((c,) for c in ranking))
        submit_ballot(store, name, ballot, actor=participant, participant=participant)
    stored = get_round(store, name)
    with Workspace.open(root) as ws:
        analysis = stored_round_analysis(ws, stored, anonymous=False)
    leading = round_winner(stored, analysis, round_proposals(store, name))
    assert leading is not None
    assert (leading.link.proposal_id, leading.adopted) == (finance, False)

    adopted = adopt_round(
        store,
        name,
        [f],
        actor="analyst",
        unanswered_reason="the dissent is answered in the meeting",
    )
    after = round_winner(adopted, analysis, round_proposals(store, name))
    assert after is not None
    assert (after.link.proposal_id, after.adopted) == (finance, True)

    winner = show(root, store, finance)
    assert winner.status is ProposalStatus.OPEN  # adoption is no approval
    assert all(not state.approved_by for state in winner.seats)
    assert winner.missing == ("owner", "goal_owner", "role:analytics")
    (comment,) = winner.decisions
    assert (comment.username, comment.stakeholder, comment.decision) == (
        "analyst",
        "analytics-lead",
        Decision.COMMENT,
    )
    assert f"Alignment round '{name}' adopted this proposal as its winner" in comment.comment
    assert "approvals of its decision rights are still needed" in comment.comment
    assert [(r.round, r.adopted) for r in winner.rounds] == [(name, True)]
    loser = show(root, store, marketing)
    assert loser.decisions == ()
    assert [(r.round, r.adopted) for r in loser.rounds] == [(name, False)]
    with store.transaction() as session:
        assert latest_targets(session)["cac"].version == 1  # nothing written
        actions = [(e.action, e.detail.get("proposal")) for e in read(session)[-2:]]
        assert actions == [("round.adopt", None), ("proposal.round_adopted", finance)]
        assert verify(session).ok
    # the seats still decide, four eyes included
    assert act(root, store, "growth", finance, Decision.APPROVE).status is ProposalStatus.OPEN
    done = act(root, store, "analyst", finance, Decision.APPROVE)
    assert done.status is ProposalStatus.APPROVED
    with store.transaction() as session:
        assert latest_targets(session)["cac"].targets[0]["value"] == 55


def test_frozen_seats_survive_a_governance_change(root: Path, store: Store) -> None:
    number = propose_target(root, store, "cmo", 45, "tighter")
    frozen = [("owner", ("head-of-growth",)), ("goal_owner", ("head-of-growth",))]
    frozen.append(("role:analytics", ("analytics-lead",)))
    assert [(s.seat.name, s.seat.holders) for s in show(root, store, number).seats] == frozen
    (root / "governance.yaml").write_text("decision_rights:\n  kpis:\n    cac: [cfo]\n")
    view = show(root, store, number)
    assert view.seats_frozen
    assert [(s.seat.name, s.seat.holders) for s in view.seats] == frozen
    with pytest.raises(ProposalPermissionError, match="holds none of this proposal's seats"):
        act(root, store, "cfo", number, Decision.APPROVE)
    act(root, store, "growth", number, Decision.APPROVE)
    # a revision is a new proposal to judge: its seats are those of governance.yaml now
    act(root, store, "analyst", number, Decision.REQUEST_CHANGES, "47 rather")
    assert propose_target(root, store, "cmo", 47, "47 then") == number
    revised = show(root, store, number)
    assert (revised.revision, [(s.seat.name, s.seat.holders) for s in revised.seats]) == (
        2,
        [("cfo", ("cfo",))],
    )
    assert act(root, store, "cfo", number, Decision.APPROVE).status is ProposalStatus.APPROVED


def test_a_proposal_from_before_frozen_seats_freezes_at_its_first_action(
    root: Path, store: Store
) -> None:
    number = propose_target(root, store, "cmo", 45, "tighter")
    with store.engine.begin() as connection:  # as migration 0005 leaves an older proposal
        connection.execute(text("UPDATE proposals SET seats = NULL WHERE id = :id"), {"id": number})
    (root / "governance.yaml").write_text("decision_rights:\n  kpis:\n    cac: [cfo]\n")
    legacy = show(root, store, number)
    assert not legacy.seats_frozen
    assert [s.seat.name for s in legacy.seats] == ["cfo"]  # governance.yaml as it is now
    act(root, store, "sales", number, Decision.COMMENT, "why 45?")
    (root / "governance.yaml").write_text("decision_rights:\n  kpis:\n    cac: [owner]\n")
    after = show(root, store, number)
    assert after.seats_frozen
    assert [s.seat.name for s in after.seats] == ["cfo"]
    with store.transaction() as session:
        entry = [e for e in read(session) if e.action == "proposal.seats_frozen"][-1]
        assert entry.actor == "sales"
        assert entry.detail["seats"] == [{"seat": "cfo", "holders": ["cfo"]}]


def test_two_facilitators_at_once_open_one_round(app_store: Store, tmp_path: Path) -> None:
    """Two facilitators press the button at the same moment: one round is opened, the other
    gets a clear refusal (the open proposals are locked while a round is made)."""
    root = tmp_path / "ws"
    write_template(root, app_store)
    competing(root, app_store)
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def press(username: str) -> None:
        start.wait()
        try:
            outcomes[username] = to_round(
                root, app_store, username, name=f"by-{username}"
            ).round.name
        except ProposalStateError as error:
            outcomes[username] = f"refused: {error}"

    threads = [threading.Thread(target=press, args=(user,)) for user in ("analyst", "ceo")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    opened = [value for value in outcomes.values() if not value.startswith("refused")]
    refused = [value for value in outcomes.values() if value.startswith("refused")]
    assert (len(opened), len(refused)) == (1, 1), outcomes
    assert "already in the open round" in refused[0]
    assert [stored.name for stored in list_stored_rounds(app_store)] == opened
