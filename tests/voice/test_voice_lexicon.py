"""The domain lexicon extension (issue 21 item 7): delivery complaints read negative.

The demo labels what it writes: every template has a polarity (−1 complaint) and a theme
(``kpibridge.demo.templates``). Plain VADER scored "The courier left the parcel in the rain and
the tent got soaked." 0.00 and the demo's "delivery problems" theme +0.19. The lexicon was
written with these complaints in view, so these tests show that the mechanism works and is
wired in, not an independent accuracy figure (docs/voice.md says so).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

import kpibridge
from fixtures_demo import build_small_demo, warehouse_path
from kpibridge.demo.templates import COMMENT_TEMPLATES, REVIEW_TEMPLATES
from kpibridge.errors import KpibridgeError
from kpibridge.services.voice.reports import themes_report
from kpibridge.services.voice.scoring import read_lexicon, score_voice
from kpibridge.voice.lexicon import DEFAULT_EXTENSION, parse_lexicon
from kpibridge.voice.sentiment import NEGATIVE_AT, compound_score, score_texts
from kpibridge.voice.vader_compound import CompoundScorer


def _labelled(theme: str | None = None) -> list[tuple[str, int, str]]:
    """(theme, polarity, text) of every template with each of its details filled in."""
    rows = []
    for templates in (REVIEW_TEMPLATES, COMMENT_TEMPLATES):
        for name, items in templates.items():
            for template in items:
                for detail in template.details or ("",):
                    text = template.text.format(product="tent", days="5", detail=detail)
                    if theme is None or name == theme:
                        rows.append((name, template.polarity, text))
    return rows


def test_every_labelled_delivery_complaint_reads_negative() -> None:
    complaints = [text for _, polarity, text in _labelled("delivery") if polarity < 0]
    plain = score_texts(complaints)
    extended = score_texts(complaints, extension=DEFAULT_EXTENSION)
    assert (plain > NEGATIVE_AT).sum() >= 5  # what VADER alone missed
    assert (extended <= NEGATIVE_AT).all(), [
        (text, score) for text, score in zip(complaints, extended, strict=True) if score > -0.05
    ]
    soaked = "The courier left the parcel in the rain and the tent got soaked."
    assert compound_score(soaked) == 0.0
    assert CompoundScorer(extension=DEFAULT_EXTENSION).compound(soaked) < -0.5


def test_the_extension_leaves_other_texts_alone_and_negation_still_flips() -> None:
    others = [text for theme, _, text in _labelled() if theme != "delivery"]
    assert list(score_texts(others, extension=DEFAULT_EXTENSION)) == list(score_texts(others))
    scorer = CompoundScorer(extension=DEFAULT_EXTENSION)
    assert scorer.compound("It never got soaked.") > 0
    assert scorer.compound("GOT SOAKED!") < scorer.compound("got soaked") < 0


def test_workspace_entries_override_and_bad_ones_are_named(tmp_path: Path) -> None:
    edited = parse_lexicon({"sentiment_lexicon": {"Arrived  Broken": -2.5, "soaked": 0}})
    scorer = CompoundScorer(extension=edited)
    assert scorer.compound("It arrived broken.") < -0.4
    assert scorer.compound("soaked") == 0.0  # 0 switches a default entry off
    assert edited.fingerprint != DEFAULT_EXTENSION.fingerprint
    for bad, message in (
        ({"sentiment_lexicon": {"late": 9}}, "valence must be a number from −4 to 4"),
        ({"sentiment_lexicon": ["late"]}, "sentiment_lexicon must be a mapping"),
    ):
        with pytest.raises(KpibridgeError, match=message) as caught:
            parse_lexicon(bad, "ws/voice.yaml")
        assert "ws/voice.yaml" in str(caught.value)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_small_demo(tmp_path_factory, "voice-lexicon", scale=0.2)


def test_the_demos_delivery_theme_reads_negative_and_an_edit_rescores(
    demo: Path, tmp_path: Path
) -> None:
    with kpibridge.Workspace.open(demo) as ws:
        report = themes_report(ws)
    delivery = next(theme for theme in report.themes if theme.id == "delivery")
    assert delivery.sentiment is not None
    assert delivery.sentiment < -0.1, delivery.sentiment
    # an edit of voice.yaml re-scores: the cached scores were made with the other lexicon
    root = tmp_path / "ws"
    shutil.copytree(demo, root)
    voice = root / "voice.yaml"
    voice.write_text(
        voice.read_text(encoding="utf-8") + "sentiment_lexicon:\n  got soaked: 0\n  soaked: 0\n"
        "  in the rain: 0\n",
        encoding="utf-8",
    )
    assert read_lexicon(root) != read_lexicon(demo)
    with kpibridge.Workspace.open(root) as ws:
        rescored = score_voice(ws)
    assert rescored.newly_scored > 0
    assert rescored.from_cache == 0
    connection = duckdb.connect(str(warehouse_path(root)), read_only=True)
    try:
        rows = connection.execute(
            "SELECT text, sentiment FROM voice_texts WHERE text LIKE '%got soaked%'"
        ).fetchall()
    finally:
        connection.close()
    assert rows
    edited, default = (
        CompoundScorer(extension=read_lexicon(root)),
        CompoundScorer(extension=DEFAULT_EXTENSION),
    )
    assert all(score == edited.compound(text) for text, score in rows)
    assert all(score > default.compound(text) for text, score in rows)
