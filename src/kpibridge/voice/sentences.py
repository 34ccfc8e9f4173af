"""Texts into sentences, with known names masked, for theme discovery.

Themes should be about *what* customers talk about — delivery, fit, price — not *which*
product or brand they name, so product and brand names (known from the data) are masked
before modelling. Themes are fitted on the distinct sentences of the corpus: a stock phrase
that thousands of customers add ("Long-time customer.", "Would buy again.") counts once and
cannot crowd out the topics; when texts are assigned, each sentence weighs by how rare it is
among the texts (an inverse document frequency at the sentence level), and a sentence found
word for word in at least 5% of the texts (of 100 or more) is a stock phrase and weighs
nothing. Numbers are masked as well, so "arrived 3 days late" and "arrived 9 days late" are
one sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Share of texts a sentence must appear in, word for word, to count as a stock phrase.
STOCK_PHRASE_SHARE = 0.05
_STOCK_PHRASE_MIN_TEXTS = 100
_NUMBER = re.compile(r"\d+")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")


def name_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """A pattern matching any of ``names`` (longest first, case-insensitive), or None."""
    distinct = sorted({name.strip() for name in names if name and name.strip()}, key=len)
    if not distinct:
        return None
    alternatives = "|".join(re.escape(name) for name in reversed(distinct))
    return re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE)


@dataclass(frozen=True)
class SentenceTable:
    """Every text's sentences: ``text`` (position of the text) and ``sentence`` (index into
    ``distinct``), one row per sentence occurrence; ``rarity`` per distinct sentence."""

    text: np.ndarray
    sentence: np.ndarray
    distinct: list[str]
    rarity: np.ndarray


def split_sentences(texts: Sequence[str], names: re.Pattern[str] | None = None) -> SentenceTable:
    """Split ``texts`` into lower-cased sentences with ``names`` and numbers masked."""
    series = pd.Series(list(texts), dtype=object).str.lower()
    if names is not None:
        series = series.str.replace(names, " ", regex=True)
    # then numbers: "arrived 3 days late" and "arrived 9 days late" are one sentence
    series = series.str.replace(_NUMBER, "0", regex=True)
    exploded = series.str.split(_SENTENCE_END).explode()
    exploded = exploded.str.strip()
    exploded = exploded[exploded.notna() & (exploded != "")]
    codes, distinct = pd.factorize(exploded, sort=True)
    text_index = exploded.index.to_numpy(dtype=np.int64)
    # sentence-level inverse document frequency: in how many texts does each sentence occur?
    pairs = pd.DataFrame({"text": text_index, "sentence": codes}).drop_duplicates()
    in_texts = np.bincount(pairs["sentence"].to_numpy(), minlength=len(distinct))
    rarity = np.log((1.0 + len(texts)) / (1.0 + in_texts)) + 1.0
    if len(texts) >= _STOCK_PHRASE_MIN_TEXTS:
        # a sentence written word for word in 5% of all texts is a stock phrase, not a topic
        rarity[in_texts >= STOCK_PHRASE_SHARE * len(texts)] = 0.0
    return SentenceTable(
        text=pairs["text"].to_numpy(),
        sentence=pairs["sentence"].to_numpy(),
        distinct=[str(sentence) for sentence in distinct],
        rarity=rarity,
    )
