"""Themes, pins and emerging themes on small corpora with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kpibridge.errors import KpibridgeError
from kpibridge.voice.emerging import emerging_themes
from kpibridge.voice.pins import name_themes, parse_pins
from kpibridge.voice.themes import ThemeOptions, discover_themes

TOPICS = {
    "delivery": [
        "The parcel arrived {n} days late.",
        "Courier lost the package for {n} days.",
        "Tracking showed the parcel stuck for {n} days.",
    ],
    "sizing": [
        "The boots run {n} sizes small.",
        "Jacket sleeves are {n} inches too short, sizing chart is off.",
        "Ordered size {n} and the fit was too tight.",
    ],
    "price": [
        "Price went up {n} dollars since last month.",
        "Costs {n} dollars more than in the shop, price too high.",
        "Paid {n} dollars for shipping fees on a cheap price item.",
    ],
}


def corpus(seed: int = 0, size: int = 300) -> tuple[list[str], list[str]]:
    rng = np.random.default_rng(seed)
    topics = list(TOPICS)
    texts, truth = [], []
    for _ in range(size):
        topic = topics[rng.integers(len(topics))]
        template = TOPICS[topic][rng.integers(3)]
        texts.append(template.format(n=int(rng.integers(2, 9))) + " Thanks Acme!")
        truth.append(topic)
    return texts, truth


def test_themes_recover_planted_topics_and_are_deterministic() -> None:
    texts, truth = corpus()
    options = ThemeOptions(seed=1, k=3)
    model = discover_themes(texts, names=["Acme"], options=options)
    assigned = model.assign(texts).theme
    # each discovered theme is (almost) one planted topic: purity over texts
    table = pd.crosstab(pd.Series(assigned, name="theme"), pd.Series(truth, name="topic"))
    purity = table.max(axis=1).sum() / table.to_numpy().sum()
    assert purity >= 0.95, table
    again = discover_themes(texts, names=["Acme"], options=options)
    assert [t.terms for t in again.themes] == [t.terms for t in model.themes]
    assert np.array_equal(again.assign(texts).theme, assigned)
    assert all("acme" not in " ".join(t.terms) for t in model.themes)


def test_k_is_chosen_by_stability_when_not_given() -> None:
    texts, _ = corpus(size=400)
    model = discover_themes(texts, options=ThemeOptions(seed=0))
    best = max(model.stability.values())
    # the smallest k within 0.005 of the best stability (stability.choose_k)
    assert model.k == min(k for k, score in model.stability.items() if score >= best - 0.005)
    assert len(model.themes) == model.k


def test_pins_name_the_matching_theme_across_seeds() -> None:
    texts, _ = corpus()
    pins = parse_pins(
        {
            "themes": [
                {
                    "id": "delivery",
                    "label": "Delivery",
                    "terms": ["parcel", "courier", "late", "tracking"],
                }
            ]
        }
    )
    for seed in (0, 1, 2):
        model = discover_themes(texts, options=ThemeOptions(seed=seed, k=3))
        named = name_themes(model.themes, pins)
        delivery = [n for n in named if n.id == "delivery"]
        assert len(delivery) == 1
        assert "parcel" in delivery[0].theme.terms[:5]
        assert {n.id for n in named} - {"delivery"} <= {"theme_1", "theme_2", "theme_3"}


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"themes": [{"id": "Bad Id", "terms": ["x"]}]}, "lower-case"),
        ({"themes": [{"id": "a"}]}, "needs a list of terms"),
        ({"themes": [{"id": "a", "terms": ["x"]}, {"id": "a", "terms": ["y"]}]}, "pinned twice"),
        ([1, 2], "expected a mapping"),
        ({"themes": [{"id": "a", "terms": ["x"], "target": 5}]}, "share from 0 to 1"),
    ],
)
def test_bad_pins_are_named(document: object, message: str) -> None:
    with pytest.raises(KpibridgeError, match=message):
        parse_pins(document)


def test_too_few_texts_is_a_clear_error() -> None:
    with pytest.raises(KpibridgeError, match="at least 30 texts"):
        discover_themes(["Late parcel."] * 5)


def test_emerging_theme_found_with_its_start_and_nothing_else() -> None:
    periods = [f"2025-Q{q}" for q in (1, 2, 3, 4)] + ["2026-Q1"]
    totals = pd.Series([1000, 1000, 1000, 1000, 1000], index=periods)
    counts = pd.DataFrame(
        {
            "delivery": [50, 48, 52, 150, 160],  # rises in 2025-Q4 and stays up
            "price": [100, 104, 97, 101, 99],  # flat
            "tiny": [0, 0, 0, 4, 5],  # from nothing, but too few texts to call
        },
        index=periods,
    )
    found = emerging_themes(counts, totals)
    assert [(item.theme, item.start) for item in found] == [("delivery", "2025-Q4")]
    assert found[0].periods == ("2025-Q4", "2026-Q1")
    assert found[0].share == pytest.approx(0.15)
    assert found[0].history_share == pytest.approx(150 / 3000)
