"""Sentiment of customer texts with VADER (Hutto & Gilbert 2014), one score per distinct text.

VADER is a rule-based model with a human-rated lexicon: no download, no GPU, and on the
authors' 4,200 human-rated tweets its compound score correlates r = 0.87 with the mean human
rating (checked by ``tests/voice/test_voice_sentiment.py``). It is English-only. Batches are
scored by ``vader_compound.CompoundScorer`` (the compound score alone, with memos), checked
equal to the published analyzer; ``compound_score`` of one text is the published analyzer
itself, the reference the batches are tested against.

The compound score runs from −1 (most negative) to +1; by the authors' convention a text is
positive at ≥ 0.05 and negative at ≤ −0.05. Scoring is pure Python (roughly 10–40k short
texts per second per core), so texts are scored once per distinct text and, for large
batches, in worker processes; the scores are exactly those of a one-at-a-time loop.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache, partial

import numpy as np
import pandas as pd
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from kpibridge.voice.lexicon import LexiconExtension
from kpibridge.voice.parallel import start_map_chunks
from kpibridge.voice.vader_compound import CompoundScorer

POSITIVE_AT = 0.05
NEGATIVE_AT = -0.05


@lru_cache(maxsize=1)
def analyzer() -> SentimentIntensityAnalyzer:
    """One published analyzer per process (loading the lexicon takes ~0.1 s)."""
    return SentimentIntensityAnalyzer()


@lru_cache(maxsize=4)
def scorer(extension: LexiconExtension | None = None) -> CompoundScorer:
    """One compound-only scorer per process and lexicon extension (``vader_compound.py``: the
    published compound score with a fraction of the work; ``lexicon.py``: domain phrases)."""
    return CompoundScorer(analyzer(), extension)


def compound_score(text: str) -> float:
    """VADER's compound score of one text, in [−1, 1]."""
    return float(analyzer().polarity_scores(text)["compound"])


def _score_chunk(texts: Sequence[str], extension: LexiconExtension | None = None) -> list[float]:
    compound = scorer(extension).compound
    return [compound(text) for text in texts]


def score_texts(
    texts: Sequence[str], workers: int | None = None, extension: LexiconExtension | None = None
) -> np.ndarray:
    """Compound scores of ``texts`` (in order), each distinct text scored once.

    ``workers`` processes share the work (default: every core when there are at least
    20,000 distinct texts, else one). ``extension`` adds domain words and phrases to VADER's
    lexicon (``kpibridge.voice.lexicon``); without it the scores are the published ones.
    """
    return start_scoring(texts, workers, extension)()


def start_scoring(
    texts: Sequence[str], workers: int | None = None, extension: LexiconExtension | None = None
) -> Callable[[], np.ndarray]:
    """``score_texts`` started in worker processes; returns a function that waits for the
    scores. Meanwhile the caller can fit and assign themes: with two cores, VADER and the
    themes then run side by side instead of one after the other."""
    inverse, unique = pd.factorize(pd.Series(list(texts), dtype=object))
    distinct = [str(text) for text in unique]
    wait = start_map_chunks(
        partial(_score_chunk, extension=extension),
        distinct,
        workers,
        initializer=partial(scorer, extension),
    )

    def scores() -> np.ndarray:
        found = wait()
        if not len(texts):
            return np.zeros(0)
        return np.asarray(found, dtype=np.float64)[inverse.reshape(-1)]

    return scores


def sentiment_index(compound: np.ndarray) -> float:
    """Net sentiment, −100 … 100: share of positive texts minus share of negative ones."""
    if len(compound) == 0:
        return float("nan")
    positive = np.count_nonzero(compound >= POSITIVE_AT)
    negative = np.count_nonzero(compound <= NEGATIVE_AT)
    return 100.0 * (positive - negative) / len(compound)
