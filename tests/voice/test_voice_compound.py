"""The compound-only VADER scorer against the published ``SentimentIntensityAnalyzer``: the
same float for every text (gold tweets, edge cases, generated reviews, memo look-alikes)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow.compute as pc
import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from kpibridge.demo.catalog import PRODUCTS
from kpibridge.demo.templates import COMMENT_TEMPLATES, REVIEW_TEMPLATES, THEMES
from kpibridge.demo.text import compile_bank
from kpibridge.voice.sentiment import score_texts
from kpibridge.voice.vader_compound import CompoundScorer

GOLD = Path(__file__).resolve().parents[1] / "data" / "vader" / "tweets_GroundTruth.txt"

# each exercises one rule of VADER: negation, "but", idioms, boosters, caps, "least", "no",
# "kind of", emoji, punctuation emphasis — and pairs whose words agree but context differs
# (the valence memo must key on the neighbours, capitals and position)
EDGE_CASES = [
    "",
    "   ",
    "!!!",
    "I hate this 😡 so much!!",
    "NOT good at all",
    "not good at all",
    "kind of okay, but never so bad",
    "it is kind of good",
    "kind",
    "the bomb!!! 💯",
    "this is the bomb",
    "the shit",
    "that movie was the shit but the ending was bad ass",
    "a kiss of death for the brand",
    "yeah right, great service",
    "to die for, but pricey",
    "no no no",
    "no good",
    "no",
    "good no",
    "not bad or no fun",
    "without doubt the best",
    "without a doubt the best",
    "never so happy",
    "never this good",
    "at least it works",
    "very least useful",
    "the least helpful support",
    "least good",
    "NO GOOD",
    "GOOD",
    "good GOOD good",
    "EXTREMELY good and VERY bad",
    "extremely good and very bad",
    "not the WORST, but SO slow???",
    "so slow????",
    "good?? bad?",
    "isn't great, wasn't terrible, can't complain",
    "but but but good",
    "good good good but bad bad bad",
    "great but great but great",
    "   spaced   out   ",
    ":) :( :-D <3",
    "Love it 😍😍 and the 👍",
    "café très bon, but awful",
    "sort of nice, just enough, kind of meh",
    "I LOVE IT",
    "I love IT",
    "The Driftwood Hammock is GREAT. Not impressed with the courier.",
]


def _gold() -> list[str]:
    rows = [line.split("\t") for line in GOLD.read_text(encoding="latin-1").splitlines()]
    return [row[2] for row in rows]


def _reviews(count: int, seed: int) -> list[str]:
    """Two or three sentences from the demo's review and comment templates."""
    rng = np.random.default_rng(seed)
    parts = []
    for templates in (REVIEW_TEMPLATES, COMMENT_TEMPLATES, REVIEW_TEMPLATES):
        bank = compile_bank(templates)
        template = bank.choose_templates(rng, rng.integers(0, len(THEMES), count))
        parts.append(bank.compose(rng, template, rng.integers(0, len(PRODUCTS), count)))
    texts = pc.binary_join_element_wise(*parts, " ").to_pylist()
    # some in capitals and with "but", so that the caps and "but" rules meet generated words
    return [
        text.upper() if i % 7 == 0 else text.replace(". ", ", but ", 1) if i % 5 == 0 else text
        for i, text in enumerate(texts)
    ]


@pytest.mark.parametrize("source", ["gold", "edge", "reviews"])
def test_compound_equals_the_published_analyzer(source: str) -> None:
    texts = {"gold": _gold, "edge": lambda: EDGE_CASES, "reviews": lambda: _reviews(3_000, 5)}[
        source
    ]()
    published = SentimentIntensityAnalyzer()
    scorer = CompoundScorer()  # one scorer for all texts: its memos are shared between texts
    for text in [*texts, *texts]:  # the second pass hits the memos
        assert scorer.compound(text) == published.polarity_scores(text)["compound"], text


def test_score_texts_equals_the_published_analyzer_in_workers() -> None:
    texts = [*_reviews(2_500, 11), *EDGE_CASES]
    published = SentimentIntensityAnalyzer()
    expected = np.array([published.polarity_scores(text)["compound"] for text in texts])
    assert np.array_equal(score_texts(texts, workers=2), expected)
