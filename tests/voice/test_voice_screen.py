"""The column-wise text checks (``screen.py``) against the per-text ``clean_text`` and
``is_english``: the same cleaned text and the same verdict for every text."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kpibridge.demo.catalog import PRODUCTS
from kpibridge.demo.templates import COMMENT_TEMPLATES, REVIEW_TEMPLATES, THEMES
from kpibridge.demo.text import compile_bank
from kpibridge.voice.inputs import MAX_CHARACTERS, clean_text, is_english, prepare_texts

EDGE_CASES = [
    "",
    "  ",
    "\t\n",
    "a\x1cb c d e",
    " Hello\x0bworld  the end ",
    "one\ttwo\nthree\r\nfour the",
    "<b>late</b> &amp; lost",
    "x < y and the z is here",
    "Tom & Jerry were the best",
    "el producto es muy bueno y la entrega",
    "the el la de y and",
    "die hard war movie is the best",
    "e-mail me o y e",
    "la la la la",
    "de2 la3 the4 el5 and more",
    "Это очень хороший продукт",
    "Love it 😍",
    "café is great and the service",
    "a\u00a0b the c d",
    "word " * 1200,
    "w" * 6000,
    "a b c",
    "one two three four",
    "one, two; three: four!",
    "zzz qqq www eee",
    "NO STOP WORDS HERE FRIEND",
    "THE BEST THING EVER!!",
    "It's OK, but the the",
    "Great product!",
    "   trailing   spaces   here   ok  ",
    "12 34 56 78 90",
    "x1y2z3w4",
]


def _reviews(count: int, seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    parts = []
    for templates in (REVIEW_TEMPLATES, COMMENT_TEMPLATES):
        bank = compile_bank(templates)
        template = bank.choose_templates(rng, rng.integers(0, len(THEMES), count))
        parts.append(bank.compose(rng, template, rng.integers(0, len(PRODUCTS), count)))
    return pc.binary_join_element_wise(*parts, pa.scalar(" "), " ").to_pylist()


def test_prepared_texts_equal_the_per_text_checks() -> None:
    texts = [*EDGE_CASES, *_reviews(3_000, 4), None]
    prepared = prepare_texts(np.arange(len(texts)), texts)
    kept: list[str] = []
    reasons: dict[int, str] = {}
    for row, raw in enumerate(texts):
        cleaned, _, _ = clean_text(raw or "")
        if not cleaned:
            reasons[row] = "empty"
        elif not is_english(cleaned):
            reasons[row] = "not English"
        else:
            kept.append(cleaned)
    assert prepared.texts == kept
    quarantine = prepared.quarantine
    assert dict(zip(quarantine["row_id"], quarantine["reason"], strict=True)) == reasons
    # the cases are there: every verdict and cleaning occurs at least once
    assert set(reasons.values()) == {"empty", "not English"}
    assert {"html", "truncated"} <= set(prepared.counts)
    assert max(len(text) for text in prepared.texts) <= MAX_CHARACTERS
    assert len(set(prepared.hashes)) == len(set(kept))
