"""Approval rules of change proposals, for every access role, on the template workspace.

The template's decision rights are the default seats: the KPI's owner, its goal's owner and
an analytics sign-off. ``cac`` is owned by head-of-growth (user ``growth``), its goal
acquisition-efficiency too; the analytics lead is user ``analyst``; ``cmo``, ``cfo`` and
``sales`` are members without a seat on cac; ``watcher`` is a viewer, ``admin`` an admin with
no stakeholder. cac gets a standing target of 50 before the library is applied.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from gov_helpers import account, apply_as, build_template, copy_template, open_template_store

from kpibridge.errors import GovernanceError, WorkspaceError
from kpibridge.model.governance import Decision, ProposalKind, ProposalStatus
from kpibridge.services.governance.proposal_views import ProposalView
from kpibridge.services.governance.proposals import decide, show_proposal
from kpibridge.services.governance.versions import latest_definitions, latest_targets
from kpibridge.services.metrics.workspace import Workspace
from kpibridge.store import Store
from kpibridge.store.audit import read, verify
from kpibridge.workspace.governance_file import load_governance


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The template workspace, and beside it an app store with the users and the library
    applied as version 1 (built once; Argon2 hashing is slow on purpose)."""
    return build_template(tmp_path_factory.mktemp("template"))


@pytest.fixture
def root(template: Path, tmp_path: Path) -> Path:
    return copy_template(template, tmp_path)


@pytest.fixture
def store(template: Path, tmp_path: Path) -> Iterator[Store]:
    with open_template_store(template, tmp_path) as opened:
        yield opened


def edit(root: Path, kpi: str, old: str, new: str) -> None:
    path = root / "kpis" / f"{kpi}.yaml"
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new))


def propose(root: Path, store: Store, username: str, **options: object) -> int:
    with Workspace.open(root) as ws:
        result = apply_as(ws, store, username, **options)  # type: ignore[arg-type]
    assert len(result.applied) == 1
    assert not result.direct
    return int(result.applied[0].outcome.split()[1])


def act(
    root: Path, store: Store, username: str, proposal: int, decision: Decision, comment: str = ""
) -> ProposalView:
    with Workspace.open(root) as ws:
        return decide(
            store,
            proposal,
            account(store, username),
            decision,
            comment,
            ws.definition,
            load_governance(ws.definition),
        )


def show(root: Path, store: Store, proposal: int) -> ProposalView:
    with Workspace.open(root) as ws:
        return show_proposal(store, proposal, ws.definition, load_governance(ws.definition))


def test_a_proposal_needs_every_seat(root: Path, store: Store) -> None:
    edit(root, "cac", "value: 50", "value: 45")
    number = propose(root, store, "cmo", message="tighter target")
    view = show(root, store, number)
    assert view.kind is ProposalKind.NEW_TARGET
    assert view.words == [
        "standing target: 50 (at_risk 0.05, off_track 0.15) → 45 (at_risk 0.05, off_track 0.15)"
    ]
    assert [(s.seat.name, s.seat.holders) for s in view.seats] == [
        ("owner", ("head-of-growth",)),
        ("goal_owner", ("head-of-growth",)),
        ("role:analytics", ("analytics-lead",)),
    ]
    with pytest.raises(GovernanceError, match="holds none of this proposal's seats"):
        act(root, store, "cfo", number, Decision.APPROVE)
    after_owner = act(root, store, "growth", number, Decision.APPROVE)
    assert after_owner.status is ProposalStatus.OPEN
    assert after_owner.missing == ("role:analytics",)
    with store.transaction() as session:
        assert latest_targets(session)["cac"].version == 1  # nothing changes before approval
    done = act(root, store, "analyst", number, Decision.APPROVE)
    assert done.status is ProposalStatus.APPROVED
    with store.transaction() as session:
        targets = latest_targets(session)["cac"]
        assert (targets.version, targets.targets, targets.proposal_id) == (
            2,
            [{"value": 45, "at_risk": 0.05, "off_track": 0.15}],
            number,
        )
        assert targets.author == "cmo"
        actions = [e.action for e in read(session, entity="kpi", entity_id="cac")]
        assert actions[-5:] == [
            "proposal.open",
            "proposal.approve",
            "proposal.approve",
            "kpi.targets",
            "proposal.approved",
        ]
        assert verify(session).ok
    with pytest.raises(GovernanceError, match="is approved"):
        act(root, store, "growth", number, Decision.APPROVE)


def test_viewers_read_only_and_admins_act_directly(root: Path, store: Store) -> None:
    edit(root, "cac", "value: 50", "value: 40")
    with Workspace.open(root) as ws, pytest.raises(GovernanceError, match="viewers may not"):
        apply_as(ws, store, "watcher")
    number = propose(root, store, "cmo", message="cheaper")
    for decision in Decision:
        with pytest.raises(GovernanceError, match="viewers may not"):
            act(root, store, "watcher", number, decision, "x")
    with pytest.raises(GovernanceError, match=r"admin \(stakeholder none\) holds none"):
        act(root, store, "admin", number, Decision.APPROVE)
    commented = act(root, store, "sales", number, Decision.COMMENT, "why 40?")
    assert commented.decisions[-1].comment == "why 40?"
    with Workspace.open(root) as ws:
        direct = apply_as(ws, store, "ceo", "board decision")
    assert direct.direct
    assert direct.applied[0].outcome == "targets v2"


def test_the_author_alone_cannot_approve(root: Path, store: Store) -> None:
    (root / "governance.yaml").write_text("decision_rights:\n  kpis:\n    cac: [owner]\n")
    edit(root, "cac", "value: 50", "value: 48")
    number = propose(root, store, "growth", message="my own KPI")
    view = act(root, store, "growth", number, Decision.APPROVE)
    assert view.status is ProposalStatus.OPEN
    assert view.missing == ("someone besides the author",)


def test_request_changes_then_revise_then_reject(root: Path, store: Store) -> None:
    edit(root, "cac", "value: 50", "value: 30")
    number = propose(root, store, "cmo", message="much cheaper")
    act(root, store, "growth", number, Decision.APPROVE)
    with pytest.raises(GovernanceError, match="needs --comment"):
        act(root, store, "analyst", number, Decision.REQUEST_CHANGES)
    sent_back = act(root, store, "analyst", number, Decision.REQUEST_CHANGES, "30 is unreachable")
    assert sent_back.status is ProposalStatus.CHANGES_REQUESTED
    with pytest.raises(GovernanceError, match="changes requested"):
        act(root, store, "analyst", number, Decision.APPROVE)
    edit(root, "cac", "value: 30", "value: 42")
    assert propose(root, store, "cmo", message="42 then") == number  # same proposal, revised
    revised = show(root, store, number)
    assert (revised.status, revised.revision) == (ProposalStatus.OPEN, 2)
    assert "owner" in revised.missing  # growth's approval was for revision 1
    with pytest.raises(GovernanceError, match="say why"):
        act(root, store, "growth", number, Decision.REJECT)
    rejected = act(root, store, "growth", number, Decision.REJECT, "not this quarter")
    assert rejected.status is ProposalStatus.REJECTED
    with store.transaction() as session:
        assert latest_targets(session)["cac"].version == 1


def test_competing_proposals_the_second_goes_stale(root: Path, store: Store) -> None:
    edit(root, "cac", "value: 50", "value: 45")
    first = propose(root, store, "cmo", message="marketing's CAC target")
    edit(root, "cac", "value: 45", "value: 55")
    second = propose(root, store, "cfo", message="finance's CAC target")
    assert first != second
    for proposal in (first, second):
        act(root, store, "growth", proposal, Decision.APPROVE)
    assert act(root, store, "analyst", first, Decision.APPROVE).status is ProposalStatus.APPROVED
    with pytest.raises(GovernanceError, match="changed since"):
        act(root, store, "analyst", second, Decision.APPROVE)
    stale = show(root, store, second)
    assert stale.status is ProposalStatus.OPEN
    assert [d.username for d in stale.decisions] == ["growth"]  # the failed approval rolled back


def test_new_kpi_and_retirement(root: Path, store: Store) -> None:
    text = (root / "kpis" / "aov.yaml").read_text()
    (root / "kpis" / "aov_gross.yaml").write_text(
        text.replace("id: aov", "id: aov_gross").replace("name: Average order value", "name: AOV")
    )
    number = propose(root, store, "cmo", message="a second view of order value")
    view = show(root, store, number)
    assert view.kind is ProposalKind.NEW_KPI
    assert view.before is None
    assert [s.seat.holders for s in view.seats][:2] == [("sales-director",), ("sales-director",)]
    act(root, store, "sales", number, Decision.APPROVE)
    assert act(root, store, "analyst", number, Decision.APPROVE).status.value == "approved"
    retire = propose(
        root, store, "cmo", message="duplicate", only="aov_gross", retire=True, force_proposal=True
    )
    assert show(root, store, retire).words == [
        "retire KPI 'aov_gross': off the scorecard, kept in history"
    ]
    act(root, store, "sales", retire, Decision.APPROVE)
    act(root, store, "analyst", retire, Decision.APPROVE)
    with store.transaction() as session:
        row = latest_definitions(session)["aov_gross"]
        assert (row.version, row.retired) == (2, True)


def test_decision_rights_from_governance_yaml(root: Path, store: Store) -> None:
    (root / "governance.yaml").write_text(
        "decision_rights:\n"
        "  default: [owner]\n"
        "  goals:\n"
        "    profitable-growth: [cfo, role:analytics]\n"
        "  kpis:\n"
        "    aov: [goal_owner]\n"
    )
    edit(
        root, "cac", "value: 50", "value: 45"
    )  # acquisition-efficiency: child of profitable-growth
    number = propose(root, store, "cmo", message="x")
    assert [s.seat.name for s in show(root, store, number).seats] == ["cfo", "role:analytics"]
    (root / "governance.yaml").write_text(
        "decision_rights:\n  default: [owner, cfoo]\n  kpis:\n    acv: [owner]\n"
    )
    with Workspace.open(root) as ws, pytest.raises(WorkspaceError) as error:
        load_governance(ws.definition)
    message = str(error.value)
    assert "governance.yaml:2: decision_rights.default.1: unknown seat 'cfoo'" in message
    assert "(did you mean 'cfo'?)" in message
    assert "governance.yaml:4: decision_rights.kpis.acv: unknown kpi 'acv'" in message


def test_a_proposal_without_rationale_is_refused(root: Path, store: Store) -> None:
    edit(root, "cac", "value: 50", "value: 45")
    with Workspace.open(root) as ws, pytest.raises(GovernanceError, match="rationale"):
        apply_as(ws, store, "cmo", None)
