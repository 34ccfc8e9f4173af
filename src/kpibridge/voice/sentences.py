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

import os
import re
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

#: Share of texts a sentence must appear in, word for word, to count as a stock phrase.
STOCK_PHRASE_SHARE = 0.05
_STOCK_PHRASE_MIN_TEXTS = 100
# RE2 patterns (Arrow's string kernels run them in C++ over the whole column)
_NUMBER = r"\d+"
_SENTENCE_END = r"([.!?…])\s+"
_LINES = r"\n+"
#: What ``name_pattern`` makes of names: the alternatives inside.
_NAMES_INNER = re.compile(r"\\b\(\?:(.*)\)\\b", re.DOTALL)
#: Texts per slice split in a thread.
_SLICE = 50_000


def name_pattern(names: Iterable[str]) -> str | None:
    """An RE2 pattern matching any of ``names`` as whole words in lower-cased text (longest
    first), or None."""
    distinct = sorted({name.strip().lower() for name in names if name and name.strip()}, key=len)
    if not distinct:
        return None
    alternatives = "|".join(re.escape(name) for name in reversed(distinct))
    return rf"\b(?:{alternatives})\b"


@dataclass(frozen=True)
class SentenceTable:
    """Every text's sentences: ``text`` (position of the text) and ``sentence`` (index into
    ``distinct``), one row per sentence occurrence; ``rarity`` per distinct sentence."""

    text: np.ndarray
    sentence: np.ndarray
    distinct: list[str]
    rarity: np.ndarray


def _split(column: pa.Array, names: str | None) -> tuple[pa.Array, np.ndarray]:
    """Lower-cased, masked sentences of ``column`` and the position of each one's text."""
    column = _mask(column, names)
    column = pc.replace_substring_regex(column, pattern=_SENTENCE_END, replacement="\\1\n")
    pieces = pc.split_pattern_regex(column, pattern=_LINES)
    sentences = pc.utf8_trim_whitespace(pc.list_flatten(pieces))
    return sentences, pc.list_parent_indices(pieces).to_numpy().astype(np.int64)


def _mask(column: pa.Array, names: str | None) -> pa.Array:
    column = pc.utf8_lower(column)
    if names is not None:
        column = pc.replace_substring_regex(column, pattern=names, replacement=" ")
    # then numbers: "arrived 3 days late" and "arrived 9 days late" are one sentence
    return pc.replace_substring_regex(column, pattern=_NUMBER, replacement="0")


def _split_then_mask(column: pa.Array, names: str | None) -> tuple[pa.Array, np.ndarray]:
    """``_split``, but each distinct raw sentence lower-cased and masked once.

    The same sentences as ``_split`` when masking cannot move a sentence end: lower-casing
    and numbers never touch ``.!?…`` or white space, and a name (without those characters)
    changes a sentence end only if it follows one directly ("great.Acme" becomes "great. ",
    a new end) — the caller sends such texts to ``_split``. A name's word boundaries are the
    same in its sentence as in its text (a sentence starts and ends at white space).
    """
    column = pc.replace_substring_regex(column, pattern=_SENTENCE_END, replacement="\\1\n")
    pieces = pc.split_pattern_regex(column, pattern=_LINES)
    encoded = pc.dictionary_encode(pc.list_flatten(pieces))
    masked = pc.utf8_trim_whitespace(_mask(encoded.dictionary, names))
    return masked.take(encoded.indices), pc.list_parent_indices(pieces).to_numpy()


def _split_slice(column: pa.Array, names: str | None) -> tuple[pa.Array, np.ndarray]:
    """``_split`` of ``column``; most texts the faster way (``_split_then_mask``)."""
    inner = _NAMES_INNER.fullmatch(names or "")
    if names is not None and (inner is None or any(c in inner[1] for c in ".!?…\n")):
        return _split(column, names)  # names that could hold a sentence end
    if names is None:
        risky = np.zeros(len(column), dtype=bool)
    else:
        after_end = pc.match_substring_regex(pc.utf8_lower(column), pattern=f"[.!?…]{names}")
        risky = np.asarray(pc.fill_null(after_end, False).to_numpy(zero_copy_only=False))
    parts = []
    for rows, split in (
        (np.flatnonzero(~risky), _split_then_mask),
        (np.flatnonzero(risky), _split),
    ):
        if len(rows):
            sentences, parents = split(column.take(pa.array(rows)), names)
            parts.append((sentences, rows[parents]))
    if not parts:
        return _split(column, names)
    return (
        pa.concat_arrays([sentences for sentences, _ in parts]),
        np.concatenate([parents for _, parents in parts]).astype(np.int64),
    )


def split_sentences(texts: Sequence[str], names: str | None = None) -> SentenceTable:
    """Split ``texts`` into lower-cased sentences with ``names`` and numbers masked."""
    column = pa.array(list(texts), type=pa.large_string())
    # text by text, so slices of the column are split in threads (Arrow releases the GIL)
    starts = range(0, max(1, len(column)), _SLICE)
    with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
        split = list(
            pool.map(lambda start: _split_slice(column.slice(start, _SLICE), names), starts)
        )
    sentences = pa.concat_arrays([part for part, _ in split])
    parents = np.concatenate(
        [indices + start for (_, indices), start in zip(split, starts, strict=True)]
    )
    keep = pc.not_equal(sentences, "").to_numpy(zero_copy_only=False)
    encoded = pc.dictionary_encode(sentences.filter(pa.array(keep)))
    dictionary = encoded.dictionary
    # distinct sentences in sorted order, so the result does not depend on the text order
    order = pc.array_sort_indices(dictionary).to_numpy()
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    codes = rank[encoded.indices.to_numpy()]
    distinct = dictionary.take(pa.array(order)).to_pylist()
    text_index = parents[keep].astype(np.int64)
    # sentence-level inverse document frequency: in how many texts does each sentence occur?
    pair_keys = np.sort(text_index * max(1, len(distinct)) + codes)  # np.unique, faster:
    pair_keys = (
        pair_keys[np.r_[True, pair_keys[1:] != pair_keys[:-1]]] if len(pair_keys) else pair_keys
    )
    pair_text, pair_sentence = np.divmod(pair_keys, max(1, len(distinct)))
    in_texts = np.bincount(pair_sentence, minlength=len(distinct))
    rarity = np.log((1.0 + len(texts)) / (1.0 + in_texts)) + 1.0
    if len(texts) >= _STOCK_PHRASE_MIN_TEXTS:
        # a sentence written word for word in 5% of all texts is a stock phrase, not a topic
        rarity[in_texts >= STOCK_PHRASE_SHARE * len(texts)] = 0.0
    return SentenceTable(
        text=pair_text, sentence=pair_sentence, distinct=[str(s) for s in distinct], rarity=rarity
    )
