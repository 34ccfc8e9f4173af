"""Customer voice on a fresh workspace: clear messages before scoring, and with too few
texts for themes the sentiment is still scored."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

import kpibridge
from kpibridge.errors import KpibridgeError
from kpibridge.services.metrics.setup import create_workspace
from kpibridge.services.voice.reports import sentiment_trend, themes_report
from kpibridge.services.voice.scoring import read_lexicon, score_voice
from kpibridge.voice.sentiment import compound_score
from kpibridge.voice.vader_compound import CompoundScorer


@pytest.fixture
def fresh(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    create_workspace(root)
    return root


def test_reports_before_scoring_say_what_to_do(fresh: Path) -> None:
    with (
        kpibridge.Workspace.open(fresh) as ws,
        pytest.raises(KpibridgeError, match="run `kpibridge voice score` first"),
    ):
        themes_report(ws)


def test_few_texts_are_scored_without_themes(fresh: Path) -> None:
    with kpibridge.Workspace.open(fresh) as ws:
        empty = score_voice(ws)
        assert (empty.texts, empty.themes) == (0, [])
    texts = ["Arrived late and damaged.", "Love it, great fit!", "It is okay."]
    connection = duckdb.connect(str(fresh / "data" / "warehouse.duckdb"))
    for number, text in enumerate(texts, start=1):
        connection.execute(
            "INSERT INTO reviews VALUES (?, TIMESTAMP '2026-01-05 10:00', 1, 'Tent', 3, ?)",
            [number, text],
        )
    connection.close()
    with kpibridge.Workspace.open(fresh) as ws:
        report = score_voice(ws)
        assert (report.texts, report.newly_scored, report.themes) == (3, 3, [])
        trend = sentiment_trend(ws)
        assert themes_report(ws).unthemed_share == 1.0
    # VADER with the workspace's domain lexicon ("arrived late" is one of its phrases)
    scorer = CompoundScorer(extension=read_lexicon(fresh))
    scores = sorted(scorer.compound(text) for text in texts)
    assert scorer.compound(texts[0]) < compound_score(texts[0])
    index = 100 * (sum(s >= 0.05 for s in scores) - sum(s <= -0.05 for s in scores)) / 3
    assert trend == [
        {
            "period": "2026-01",
            "texts": 3,
            "sentiment_index": pytest.approx(index),
            "mean_compound": pytest.approx(sum(scores) / 3),
        }
    ]
