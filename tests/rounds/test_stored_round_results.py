"""Results of a stored round: the same analysis as the round's YAML file, names replaced
before the analysis when anonymous, and a clear error when the workspace lost a reference."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

import kpibridge
from fixtures_demo import build_small_demo
from kpibridge.errors import KpibridgeError
from kpibridge.services.rounds.round_results import stored_round_analysis
from kpibridge.services.rounds.stored_rounds import get_round, import_workspace_rounds
from kpibridge.services.rounds.workspace_rounds import analyze_round
from kpibridge.store import Store


@pytest.fixture(scope="module")
def demo_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_small_demo(tmp_path_factory, "stored-rounds")


def test_stored_round_gives_the_yaml_analysis_and_hides_names(
    demo_root: Path, tmp_path: Path
) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'app.db'}")
    with kpibridge.Workspace.open(demo_root) as ws:
        assert import_workspace_rounds(store, ws) == ["kpis-2027"]
        stored = get_round(store, "kpis-2027")
        named = stored_round_analysis(ws, stored, anonymous=False)
        assert named.to_json() == analyze_round(ws, "kpis-2027").to_json()
        anonymous = stored_round_analysis(ws, stored, anonymous=True)
        text = json.dumps(anonymous.to_json())
        people = [*stored.round.participants, *(m.id for m in stored.round.audience)]
        assert [p for p in people if f'"{p}"' in text] == []
        # the same numbers: only the names differ
        assert anonymous.order == named.order
        assert anonymous.recommendation.selected == named.recommendation.selected
        gone = stored.round.model_copy(update={"candidates": (*stored.round.candidates, "gone")})
        with pytest.raises(KpibridgeError, match="no longer defines: KPI 'gone'"):
            stored_round_analysis(ws, replace(stored, round=gone), anonymous=False)
    store.close()
