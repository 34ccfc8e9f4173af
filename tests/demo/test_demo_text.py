"""Templates: only delivery texts mention delivery, and every template compiles."""

from __future__ import annotations

import re

import numpy as np
import pytest

from kpibridge.demo.catalog import PRODUCT_NAMES
from kpibridge.demo.templates import (
    CLOSERS,
    COMMENT_TEMPLATES,
    DELIVERY_WORDS,
    OPENERS,
    REVIEW_TEMPLATES,
    THEMES,
    Template,
)
from kpibridge.demo.text import compile_bank

WORDS = re.compile(r"\b(" + "|".join(DELIVERY_WORDS) + r")\b", re.IGNORECASE)
TEMPLATES = [
    (kind, theme, template)
    for kind, bank in (("review", REVIEW_TEMPLATES), ("comment", COMMENT_TEMPLATES))
    for theme in THEMES
    for template in bank[theme]
]


@pytest.mark.parametrize(
    ("theme", "template"),
    [(theme, template) for _, theme, template in TEMPLATES],
    ids=[f"{kind}:{template.text[:30]}" for kind, _, template in TEMPLATES],
)
def test_only_delivery_templates_mention_delivery(theme: str, template: Template) -> None:
    texts = [template.text, *template.details]
    if theme == "delivery":
        assert WORDS.search(template.text)
    else:
        assert not any(WORDS.search(text) for text in texts)


def test_fillers_never_mention_delivery() -> None:
    fillers = [*OPENERS, *PRODUCT_NAMES, *(c for closers in CLOSERS.values() for c in closers)]
    assert not any(WORDS.search(text) for text in fillers)


def test_a_template_with_three_slots_is_refused() -> None:
    bank = {theme: REVIEW_TEMPLATES[theme] for theme in THEMES}
    bank["praise"] = (Template("{product} {days} {product}", 1),)
    with pytest.raises(ValueError, match="more than two slots"):
        compile_bank(bank)


def test_composed_texts_fill_every_slot() -> None:
    bank = compile_bank(REVIEW_TEMPLATES)
    rng = np.random.default_rng(0)
    template = np.arange(len(bank.polarity))
    texts = bank.compose(rng, template, rng.integers(0, len(PRODUCT_NAMES), len(template)))
    assert all("{" not in text and "}" not in text for text in texts.to_pylist())
    assert all(text == text.strip() and "  " not in text for text in texts.to_pylist())
