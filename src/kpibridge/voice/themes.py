"""Themes: what customers talk about, found by TF-IDF + NMF over the corpus's sentences.

Fitting (``discover_themes``):

1. texts are split into sentences with product and brand names masked (``sentences.py``);
2. the distinct sentences (at most ``max_sentences``, a seeded sample beyond) become TF-IDF
   vectors of words and word pairs; English stop words and VADER's sentiment words are left
   out, so that themes say *what* (delivery, fit) and sentiment says *how* (great, awful);
3. the number of themes is the most stable k (``stability.py``); NMF with that k gives each
   theme a weight per term;
4. each theme is labelled by its top terms, with its top word pairs as key phrases.

Assigning (``ThemeModel.assign``): every sentence gets theme weights from the fitted NMF;
a text's weights are the sum over its sentences, each weighted by its rarity, and its theme
is the heaviest one. A sentence counts for a theme only if it uses one of that theme's ten
top terms, so a sentence that merely shares a stray word does not pull a text into a theme;
a text with no such sentence (pure praise, "Thanks!") has no theme (−1).
Everything is seeded: the same data and seed give the same themes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from kpibridge.errors import KpibridgeError
from kpibridge.voice.sentences import name_pattern, split_sentences
from kpibridge.voice.sentiment import analyzer
from kpibridge.voice.stability import StabilityOptions, choose_k, fit_nmf, stability_by_k

NO_THEME = -1
#: A sentence belongs to a theme only if it uses one of the theme's this many top terms.
TOP_TERMS = 10
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

    @property
    def label(self) -> str:
        return " / ".join(self.terms[:3])


def _stop_words() -> list[str]:
    lexicon = (word for word in analyzer().lexicon if re.fullmatch(r"[a-z]+", word))
    return sorted(ENGLISH_STOP_WORDS | set(lexicon))


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

    @property
    def top_term_index(self) -> np.ndarray:
        """(themes, TOP_TERMS) vocabulary indices of each theme's heaviest terms."""
        return np.argsort(-self.nmf.components_, axis=1, kind="stable")[:, :TOP_TERMS]

    def assign(self, texts: Sequence[str]) -> TextThemes:
        """The theme of each text (see the module docstring)."""
        table = split_sentences(texts, name_pattern(self.names))
        weights = np.zeros((len(texts), self.k))
        if len(table.distinct):
            vectors = csr_matrix(self.vectorizer.transform(table.distinct))
            sentence_weights = self.nmf.transform(vectors)
            # a sentence counts for a theme only if it uses one of the theme's top terms
            uses = (vectors[:, self.top_term_index.ravel()] > 0).toarray()
            sentence_weights *= uses.reshape(len(table.distinct), self.k, -1).any(axis=2)
            contribution = sentence_weights[table.sentence] * table.rarity[table.sentence, None]
            np.add.at(weights, table.text, contribution)
        total = weights.sum(axis=1)
        theme = np.where(total > 0, weights.argmax(axis=1), NO_THEME)
        strength = np.divide(
            weights.max(axis=1, initial=0.0), total, out=np.zeros(len(texts)), where=total > 0
        )
        return TextThemes(theme=theme, strength=strength, weights=weights)


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
    order = np.argsort(-weights, kind="stable")
    ranked = [str(terms[i]) for i in order if weights[i] > 0]
    words = [term for term in ranked if " " not in term]
    phrases = [term for term in ranked if " " in term]
    return Theme(index=index, terms=tuple(words[:10]), phrases=tuple(phrases[:5]))
