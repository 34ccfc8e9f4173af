"""Sentence splitting with names and numbers masked, against a plain Python ``re`` version of
the rule (lower-case, mask names, mask numbers, then split after ``.!?…`` and white space) —
including texts where a name follows a sentence end directly, which the column code must
send the slow way."""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kpibridge.demo.catalog import PRODUCTS
from kpibridge.demo.templates import COMMENT_TEMPLATES, REVIEW_TEMPLATES, THEMES
from kpibridge.demo.text import compile_bank
from kpibridge.voice.sentences import name_pattern, split_sentences

NAMES = [product.name for product in PRODUCTS] + ["Acme Outdoor", "Acme"]
EDGE_CASES = [
    "great.Acme rocks",
    "Acme. Acme! x",
    "ACME",
    "",
    "  ",
    "Arrived 3 days late!!! Really… bad.\n\nNew line here?Yes",
    "x…Acme Outdoor rules. ok",
    "end. Acme. Next",
    "The 12 acme 34. 56 Acme?",
    "great!acme and more",
    "x.acmeish is not a name. acme-outdoor is",
]


def _reference(texts: list[str], names: list[str] | None) -> set[tuple[int, str]]:
    """(text position, sentence) pairs by the rule, text by text with Python's ``re``."""
    alternatives = sorted({name.lower() for name in names or []}, key=len, reverse=True)
    pattern = re.compile(rf"\b(?:{'|'.join(map(re.escape, alternatives))})\b", re.ASCII)
    pairs = set()
    for position, text in enumerate(texts):
        text = text.lower()
        if alternatives:
            text = pattern.sub(" ", text)
        text = re.sub(r"([.!?…])\s+", "\\1\n", re.sub(r"\d+", "0", text))
        pairs |= {(position, s.strip()) for s in re.split(r"\n+", text) if s.strip()}
    return pairs


def _reviews(count: int, seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    parts = []
    for templates in (REVIEW_TEMPLATES, COMMENT_TEMPLATES):
        bank = compile_bank(templates)
        template = bank.choose_templates(rng, rng.integers(0, len(THEMES), count))
        parts.append(bank.compose(rng, template, rng.integers(0, len(PRODUCTS), count)))
    return pc.binary_join_element_wise(*parts, pa.scalar(" "), " ").to_pylist()


def test_sentences_follow_the_rule_text_by_text() -> None:
    texts = [*EDGE_CASES, *_reviews(2_000, 8)]
    for names in (NAMES, None, ["Acme Inc.", "Acme"]):  # the last holds a sentence end
        table = split_sentences(texts, name_pattern(names or []))
        found = {
            (int(t), table.distinct[s]) for t, s in zip(table.text, table.sentence, strict=True)
        }
        assert found == _reference(texts, names), names
    # the edge cases meet the case the fast path cannot take
    assert (0, "great. rocks") not in _reference(EDGE_CASES, NAMES)
    assert {(0, "great."), (0, "rocks")} <= _reference(EDGE_CASES, NAMES)
