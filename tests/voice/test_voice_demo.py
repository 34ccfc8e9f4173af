"""Customer voice on the demo company: the planted delivery surge found as an emerging theme
in 2025-Q4, the voice KPIs against hand-written SQL, incremental scoring, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

import kpibridge
from fixtures_demo import build_small_demo, warehouse_path
from kpibridge.cli.app import app
from kpibridge.demo.templates import DELIVERY_WORDS
from kpibridge.errors import VoiceInputError
from kpibridge.services.voice.reports import nps_trend, themes_moving_with, themes_report
from kpibridge.services.voice.scoring import score_voice

# Scale 0.2: ≈1,500 reviews and ≈1,000 comments, enough for a theme of a few per cent.
SCALE = 0.2


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_small_demo(tmp_path_factory, "voice", scale=SCALE)


def _sql(root: Path, query: str) -> pd.DataFrame:
    connection = duckdb.connect(str(warehouse_path(root)), read_only=True)
    try:
        return connection.execute(query).df()
    finally:
        connection.close()


def test_delivery_surge_is_an_emerging_theme_from_2025_q4(demo: Path) -> None:
    with kpibridge.Workspace.open(demo) as ws:
        report = themes_report(ws, source="reviews")
    delivery = [
        item
        for item in report.emerging
        if any(term in DELIVERY_WORDS for term in _terms(report, item.theme)[:5])
    ]
    assert delivery, [(e.theme, e.start) for e in report.emerging]
    assert delivery[0].start == "2025-Q4"
    # nothing else emerges: the demo plants one surge only
    assert {item.theme for item in report.emerging} == {item.theme for item in delivery}


def _terms(report: object, theme_id: str) -> list[str]:
    return next(t.terms for t in report.themes if t.id == theme_id)  # type: ignore[attr-defined]


def _delivery_agreement(root: Path) -> tuple[float, float]:
    """Precision and recall of the pinned delivery theme against the generator's truth: only
    delivery texts use ``DELIVERY_WORDS`` (templates.py), matched as whole words."""
    texts = _sql(root, "SELECT text, theme FROM voice_texts")
    words = r"\b(?:" + "|".join(DELIVERY_WORDS) + r")\b"
    about_delivery = texts["text"].str.lower().str.contains(words, regex=True)
    in_theme = texts["theme"] == "delivery"
    both = (about_delivery & in_theme).sum()
    return both / max(in_theme.sum(), 1), both / about_delivery.sum()


def test_pinned_delivery_theme_is_mostly_delivery_texts(demo: Path) -> None:
    precision, recall = _delivery_agreement(demo)
    # measured: precision 0.71, recall 0.66 (seed 3, scale 0.2; docs/voice.md); "prices are
    # too high these days" shares "days" with late deliveries
    assert precision >= 0.65
    assert recall >= 0.6


@pytest.mark.xfail(
    strict=True,
    reason="known gap: at the most stable k (9 here) 'took two weeks' and 'shipping took "
    "forever' share a theme with slow customer service, so the pinned theme finds about two "
    "thirds of the delivery texts, not 70% (docs/voice.md)",
)
def test_pinned_delivery_theme_finds_most_delivery_texts(demo: Path) -> None:
    _, recall = _delivery_agreement(demo)
    assert recall >= 0.7


def test_voice_kpis_equal_hand_written_sql(demo: Path) -> None:
    with kpibridge.Workspace.open(demo) as ws:
        index = ws.compute("sentiment_index", grain="quarter").set_index("period")["value"]
        share = ws.compute("theme_share_delivery", grain="quarter").set_index("period")["value"]
    expected = _sql(
        demo,
        """
        SELECT date_trunc('quarter', posted_at) AS period,
               100.0 * (count(*) FILTER (WHERE sentiment >= 0.05)
                        - count(*) FILTER (WHERE sentiment <= -0.05)) / count(*) AS sentiment,
               count(*) FILTER (WHERE theme = 'delivery') / count(*) AS delivery
        FROM voice_texts GROUP BY 1 ORDER BY 1
        """,
    ).set_index("period")
    expected.index = pd.to_datetime(expected.index).astype("datetime64[ns]")
    index.index = pd.to_datetime(index.index).astype("datetime64[ns]")
    share.index = pd.to_datetime(share.index).astype("datetime64[ns]")
    pd.testing.assert_series_equal(index, expected["sentiment"], check_names=False)
    pd.testing.assert_series_equal(
        share.reindex(expected.index).fillna(0.0), expected["delivery"], check_names=False
    )


def test_texts_are_scored_once_and_themes_are_deterministic(demo: Path) -> None:
    before = _sql(demo, "SELECT * FROM voice_themes")
    with kpibridge.Workspace.open(demo) as ws:
        again = score_voice(ws, seed=3)  # the fixture's demo seed
    assert again.newly_scored == 0
    assert again.from_cache == again.texts
    pd.testing.assert_frame_equal(_sql(demo, "SELECT * FROM voice_themes"), before)


def test_bad_input_is_quarantined_or_named(tmp_path_factory: pytest.TempPathFactory) -> None:
    root = build_small_demo(tmp_path_factory, "voicebad", scale=SCALE)
    connection = duckdb.connect(str(warehouse_path(root)))
    connection.execute(
        """
        INSERT INTO reviews VALUES
          (900001, TIMESTAMP '2026-01-05 10:00', 1, 'Northwind Fleece', 1,
           '<p>My parcel arrived <b>late</b> &amp; damaged 😡</p>'),
          (900002, TIMESTAMP '2026-01-05 11:00', 1, 'Northwind Fleece', 2,
           'El paquete llegó tarde y la caja estaba rota.'),
          (900003, TIMESTAMP '2026-01-05 12:00', 1, 'Northwind Fleece', 3, '   '),
          (900004, TIMESTAMP '2026-01-05 13:00', 1, 'Northwind Fleece', 4, repeat('Warm. ', 2000))
        """
    )
    connection.close()
    with kpibridge.Workspace.open(root) as ws:
        report = score_voice(ws, seed=3)
    assert report.newly_scored == 2  # only the two new English texts
    assert report.quarantined["not English"] == 1
    assert report.cleaned == {"html": 1, "truncated": 1}
    quarantine = _sql(root, "SELECT row_id, reason FROM voice_quarantine")
    assert {"reviews:900002", "reviews:900003"} <= set(quarantine["row_id"])
    html = _sql(root, "SELECT text, sentiment FROM voice_texts WHERE text_id = 'reviews:900001'")
    assert html["text"][0] == "My parcel arrived late & damaged 😡"
    assert html["sentiment"][0] < -0.05

    connection = duckdb.connect(str(warehouse_path(root)))
    connection.execute("UPDATE reviews SET rating = 7 WHERE review_id = 900002")
    connection.close()
    with (
        kpibridge.Workspace.open(root) as ws,
        pytest.raises(VoiceInputError, match=r"reviews: rating .* row 900002 has 7"),
    ):
        score_voice(ws)


def test_cli_voice_commands_give_json(demo: Path) -> None:
    runner = CliRunner()
    themes = runner.invoke(
        app, ["voice", "themes", "--source", "reviews", "-w", str(demo), "-f", "json"]
    )
    assert themes.exit_code == 0, themes.output
    assert json.loads(themes.output)["emerging"]
    nps = runner.invoke(app, ["voice", "nps", "-g", "quarter", "-w", str(demo), "-f", "json"])
    rows = json.loads(nps.output)
    assert rows[0]["nps"]["n"] > 0
    assert "nps_change" in rows[1]
    wrong = runner.invoke(app, ["voice", "verbatims", "delivry", "-w", str(demo)])
    assert wrong.exit_code == 1
    assert "Did you mean 'delivery'" in wrong.output


def test_theme_share_kpi_moves_with_its_own_theme(demo: Path) -> None:
    # the KPI engine's theme_share_delivery and the report's pandas shares are two paths to
    # the same numbers: their month-over-month changes must correlate perfectly
    with kpibridge.Workspace.open(demo) as ws:
        moving = themes_moving_with(ws, "theme_share_delivery")
    assert moving[0].theme == "delivery"
    assert moving[0].correlation == pytest.approx(1.0)
    assert all(abs(item.correlation) < 0.9 for item in moving[1:])


def test_nps_by_segment_equals_hand_written_sql(demo: Path) -> None:
    with kpibridge.Workspace.open(demo) as ws:
        rows = nps_trend(ws, grain="year", by="region")
    expected = _sql(
        demo,
        """
        SELECT CAST(year(s.responded_at) AS VARCHAR) AS period, c.region,
               count(s.nps) AS n,
               100.0 * (count(*) FILTER (WHERE s.nps >= 9) - count(*) FILTER (WHERE s.nps <= 6))
                   / count(s.nps) AS nps,
               count(*) FILTER (WHERE s.csat >= 4) / count(s.csat) AS csat
        FROM surveys AS s JOIN customers AS c USING (customer_id)
        GROUP BY ALL HAVING count(s.nps) > 0
        """,
    ).set_index(["period", "region"])
    got = {(row["period"], row["region"]): row for row in rows if row["region"] is not None}
    assert set(got) == set(expected.index)
    for key, want in expected.iterrows():
        assert got[key]["nps"]["n"] == want["n"]
        assert got[key]["nps"]["value"] == pytest.approx(want["nps"])
        assert got[key]["csat"]["value"] == pytest.approx(want["csat"])
        assert got[key]["nps"]["low"] < got[key]["nps"]["value"] < got[key]["nps"]["high"]
