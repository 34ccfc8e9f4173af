"""Themes: what customers talk about, found by TF-IDF + NMF over the corpus's sentences.

Fitting (``discover_themes``):

1. texts are split into sentences with product and brand names masked (``sentences.py``);
2. the distinct sentences (at most ``max_sentences``, a seeded sample beyond) become TF-IDF
   vectors of words and word pairs; English stop words and VADER's strongly evaluative words
   are left out, so that themes say *what* (delivery, fit) and sentiment says *how* (great,
   awful);
3. the number of themes is the most stable k (``stability.py``); NMF with that k gives each
   theme a weight per term;
4. each theme is labelled by its top terms, with its top word pairs as key phrases.

Assigning (``ThemeModel.assign``): every sentence gets theme weights from the fitted NMF;
a text's weights are the sum over its sentences, each weighted by its rarity (among the
distinct texts), and its theme is the heaviest one. A sentence counts for a theme only if
the theme explains enough of it (cosine of its TF-IDF vector with the theme's term weights
≥ ``MIN_COSINE``), so a sentence that merely shares a stray word ("Long-time customer." and
a service theme) adds little; a text with no such sentence (pure praise, "Thanks!") has no
theme (−1).
Everything is seeded: the same data and seed give the same themes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from kpibridge.errors import KpibridgeError
from kpibridge.voice.sentences import name_pattern, split_sentences
from kpibridge.voice.sentiment import analyzer
from kpibridge.voice.stability import StabilityOptions, choose_k, fit_nmf, stability_by_k

NO_THEME = -1
#: Words of VADER's lexicon this strongly valenced (−4 … 4) say how, not what: left out.
EVALUATIVE_VALENCE = 2.0
#: A sentence belongs to a theme only if its TF-IDF vector has at least this cosine with
#: the theme's term weights: the theme explains a good part of what the sentence says.
MIN_COSINE = 0.1
_TOKEN = r"(?u)\b[^\W\d_][^\W\d_]+\b"


@dataclass(frozen=True)
class ThemeOptions:
    """How themes are discovered; the defaults suit a few hundred to millions of texts."""

    seed: int = 0
    stability: StabilityOptions = field(default_factory=StabilityOptions)
    k: int | None = None
    """A fixed number of themes instead of the most stable one."""
    max_sentences: int = 20_000
    label_terms: int = 3
    min_texts: int = 30


@dataclass(frozen=True)
class Theme:
    """One discovered theme: its terms and key phrases, best first."""

    index: int
    terms: tuple[str, ...]
    phrases: tuple[str, ...]
    weights: tuple[float, ...] = ()
    """NMF weight of each of ``terms``."""

    @property
    def label(self) -> str:
        return " / ".join(self.terms[:3])


def _stop_words() -> list[str]:
    """English stop words and VADER's strongly evaluative words (|valence| ≥ 2: great, love,
    terrible …). Milder lexicon words often name the topic (damaged, lost, broke, support)."""
    lexicon = analyzer().lexicon
    evaluative = (
        word
        for word, valence in lexicon.items()
        if abs(valence) >= EVALUATIVE_VALENCE and re.fullmatch(r"[a-z]+", word)
    )
    return sorted(ENGLISH_STOP_WORDS | set(evaluative))


@dataclass(frozen=True)
class TextThemes:
    """Each text's theme (``NO_THEME`` if none) and its share of the text's theme weight."""

    theme: np.ndarray
    strength: np.ndarray
    weights: np.ndarray
    """(texts, themes) rarity-weighted theme weights."""


@dataclass(frozen=True)
class ThemeModel:
    """A fitted theme model: vocabulary, NMF, the themes and how k was chosen."""

    vectorizer: TfidfVectorizer
    nmf: NMF
    themes: tuple[Theme, ...]
    stability: dict[int, float]
    names: tuple[str, ...]
    seed: int

    @property
    def k(self) -> int:
        return len(self.themes)

    def assign(self, texts: Sequence[str]) -> TextThemes:
        """The theme of each text (see the module docstring); each distinct text is
        worked out once."""
        codes, distinct_texts = pd.factorize(pd.Series(list(texts), dtype=object))
        table = split_sentences(list(distinct_texts), name_pattern(self.names))
        weights = np.zeros((len(distinct_texts), self.k))
        if len(table.distinct):
            vectors = csr_matrix(self.vectorizer.transform(table.distinct))
            sentence_weights = self.nmf.transform(vectors)
            # a sentence counts for a theme only if the theme's terms explain enough of it
            directions = self.nmf.components_ / np.linalg.norm(
                self.nmf.components_, axis=1, keepdims=True
            )
            cosine = np.asarray(vectors @ directions.T)
            sentence_weights *= cosine >= MIN_COSINE
            contribution = sentence_weights[table.sentence] * table.rarity[table.sentence, None]
            np.add.at(weights, table.text, contribution)
        total = weights.sum(axis=1)
        theme = np.where(total > 0, weights.argmax(axis=1), NO_THEME)
        strength = np.divide(
            weights.max(axis=1, initial=0.0), total, out=np.zeros(len(total)), where=total > 0
        )
        return TextThemes(theme=theme[codes], strength=strength[codes], weights=weights[codes])


def discover_themes(
    texts: Sequence[str], names: Iterable[str] = (), options: ThemeOptions | None = None
) -> ThemeModel:
    """Fit themes on ``texts``; ``names`` (products, brand) are masked first.

    Raises:
        KpibridgeError: fewer than ``min_texts`` texts, or too few distinct words to model.
    """
    options = options or ThemeOptions()
    if len(texts) < options.min_texts:
        raise KpibridgeError(f"themes need at least {options.min_texts} texts, got {len(texts)}")
    name_list = tuple(sorted({name for name in names if name}))
    table = split_sentences(texts, name_pattern(name_list))
    distinct = table.distinct
    if len(distinct) > options.max_sentences:
        rng = np.random.default_rng(options.seed)
        keep = np.sort(rng.choice(len(distinct), options.max_sentences, replace=False))
        distinct = [distinct[i] for i in keep]
    vectorizer = TfidfVectorizer(
        stop_words=_stop_words(),
        token_pattern=_TOKEN,
        ngram_range=(1, 2),
        min_df=2 if len(distinct) >= 2_000 else 1,
        max_df=0.3,
        sublinear_tf=True,
        dtype=np.float64,
    )
    try:
        matrix = csr_matrix(vectorizer.fit_transform(distinct))
    except ValueError as error:  # empty vocabulary
        raise KpibridgeError(f"themes: the texts have too few distinct words ({error})") from None
    if options.k is not None:
        stability: dict[int, float] = {}
        k = options.k
    else:
        stability = stability_by_k(matrix, options.seed, options.stability)
        if not stability:
            raise KpibridgeError(
                f"themes: {matrix.shape[0]} distinct sentences and {matrix.shape[1]} terms "
                f"are too few for {options.stability.k_min} or more themes"
            )
        k = choose_k(stability)
    nmf = fit_nmf(matrix, k, options.seed)
    terms = vectorizer.get_feature_names_out()
    themes = tuple(
        _describe(index, row, terms, options.label_terms)
        for index, row in enumerate(nmf.components_)
    )
    return ThemeModel(vectorizer, nmf, themes, stability, name_list, options.seed)


def _describe(index: int, weights: np.ndarray, terms: np.ndarray, count: int) -> Theme:
    order = [i for i in np.argsort(-weights, kind="stable") if weights[i] > 0]
    words = [i for i in order if " " not in terms[i]][:10]
    phrases = [str(terms[i]) for i in order if " " in terms[i]][:5]
    return Theme(
        index=index,
        terms=tuple(str(terms[i]) for i in words),
        phrases=tuple(phrases),
        weights=tuple(float(weights[i]) for i in words),
    )
