"""Customer texts and scores in, checked: what can be scored, what goes to quarantine, why.

Feedback tables hold everything customers typed. Before anything is scored each text is
cleaned and checked, and nothing is dropped silently: a text that cannot be scored is put in
quarantine with its row id and a reason, and the counts are part of every result.

* HTML is stripped and entities unescaped (``<b>late</b> &amp; lost`` → ``late & lost``);
* a text longer than ``MAX_CHARACTERS`` is cut at a word boundary for scoring (counted);
* an empty text (also one empty after removing HTML) is quarantined as ``empty``;
* a text that does not read as English (mostly non-Latin letters, or few English words) is
  quarantined as ``not English``: VADER and the theme vocabulary are English-only, so its
  score would be noise;
* emoji are kept: VADER scores the common ones (``😡`` is negative).

Scores (NPS 0–10, CSAT 1–5, star ratings 1–5) are checked by :func:`check_scores`: a null
score is counted and left out; a score out of range is an error naming the row.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from kpibridge.errors import VoiceInputError
from kpibridge.voice.parallel import map_chunks
from kpibridge.voice.screen import screen_texts, whole_words
from kpibridge.voice.sentiment import analyzer

#: Longest text scored as is; longer ones are cut (at a word boundary) and counted.
MAX_CHARACTERS = 5_000
_TAG = re.compile(r"<[^>]{0,200}>")
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_LETTER = re.compile(r"[^\W\d_]")
_NON_LATIN_LETTER = re.compile(r"[^\W\d_\x00-\u024f]")
_MIN_WORDS_FOR_LANGUAGE = 4
#: Frequent function words of other languages written in Latin letters.
_FOREIGN = frozenset(
    [
        "el",
        "la",
        "los",
        "las",
        "y",
        "que",
        "de",
        "del",
        "en",
        "un",
        "una",
        "muy",
        "pero",
        "por",
        "para",
        "con",
        "es",
        "está",
        "le",
        "les",
        "et",
        "est",
        "très",
        "pas",
        "une",
        "des",
        "du",
        "au",
        "avec",
        "pour",
        "sur",
        "der",
        "die",
        "das",
        "und",
        "ist",
        "nicht",
        "sehr",
        "zu",
        "mit",
        "ein",
        "eine",
        "auf",
        "für",
        "war",
        "il",
        "è",
        "e",
        "non",
        "molto",
        "di",
        "che",
        "gli",
        "della",
        "o",
        "os",
        "não",
        "muito",
        "com",
        "uma",
    ]
)


_STOP_WORDS_PATTERN = whole_words(ENGLISH_STOP_WORDS)
_FOREIGN_PATTERN = whole_words(_FOREIGN)


@lru_cache(maxsize=1)
def _english_words() -> frozenset[str]:
    lexicon = (word for word in analyzer().lexicon if word.isalpha())
    return frozenset(ENGLISH_STOP_WORDS | set(lexicon))


@dataclass(frozen=True)
class PreparedTexts:
    """Texts ready to score, aligned with ``row_ids``; the rest quarantined with reasons."""

    row_ids: np.ndarray
    texts: list[str]
    hashes: list[str]
    quarantine: pd.DataFrame
    """Columns ``row_id``, ``reason``, ``text`` (the original text, cut to 500 characters)."""
    counts: dict[str, int] = field(default_factory=dict)
    """How many texts were cleaned (``html``, ``truncated``) or quarantined (by reason)."""

    def to_json(self) -> dict[str, object]:
        return {"scored": len(self.texts), **self.counts}


def text_hash(text: str) -> str:
    """The cache key of a cleaned text: SHA-256 of its UTF-8 bytes, hex (first 32 digits)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def clean_text(text: str) -> tuple[str, bool, bool]:
    """``text`` without HTML and with single spaces, cut to ``MAX_CHARACTERS``.

    Returns the cleaned text, whether HTML was removed and whether it was cut.
    """
    markup = "&" in text or bool(_TAG.search(text))
    cleaned = html.unescape(_TAG.sub(" ", text)) if markup else text
    cleaned = _SPACE.sub(" ", cleaned).strip()
    cut = len(cleaned) > MAX_CHARACTERS
    if cut:
        head = cleaned[:MAX_CHARACTERS]
        space = head.rfind(" ")
        cleaned = head[:space] if space > MAX_CHARACTERS // 2 else head
    return cleaned, markup and cleaned != _SPACE.sub(" ", text).strip()[: len(cleaned)], cut


def is_english(text: str) -> bool:
    """Whether a text reads as English: mostly Latin letters, and from four words on, more
    distinct English stop words than distinct common Spanish, French, German, Italian or
    Portuguese function words, and at least one English or sentiment word. Short texts
    ("Love it 😍") get the benefit of the doubt."""
    if not text.isascii():
        letters = len(_LETTER.findall(text))
        if letters and len(_NON_LATIN_LETTER.findall(text)) > letters / 2:
            return False
    words = _WORD.findall(text.lower())
    if len(words) < _MIN_WORDS_FOR_LANGUAGE:
        return True
    distinct = set(words)
    english = len(distinct & ENGLISH_STOP_WORDS)
    foreign = len(distinct & _FOREIGN)
    return foreign <= english and not _english_words().isdisjoint(distinct)


def _check_chunk(texts: Sequence[str]) -> list[tuple[str, bool, bool, str, str]]:
    """Cleaned text, HTML removed, cut, verdict ("" or the quarantine reason) and hash."""
    checked = []
    for raw in texts:
        text, had_html, cut = clean_text(raw)
        verdict = "empty" if not text else "" if is_english(text) else "not English"
        checked.append((text, had_html, cut, verdict, "" if verdict else text_hash(text)))
    return checked


def _check_distinct(
    texts: list[str], workers: int
) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Per text: cleaned text, HTML removed, cut, verdict ("" = keep, else the reason).

    Plain ASCII texts are checked over the whole column (``screen.py``: the same verdicts);
    the rest one by one with ``clean_text`` and ``is_english``.
    """
    screened = screen_texts(
        pa.array(texts, type=pa.large_string()),
        _STOP_WORDS_PATTERN,
        _FOREIGN_PATTERN,
        MAX_CHARACTERS,
        workers=os.cpu_count() or 1,
    )
    cleaned: list[str] = screened.cleaned.to_pylist()
    had_html = np.zeros(len(texts), dtype=bool)
    cut = np.zeros(len(texts), dtype=bool)
    verdict = np.where(screened.empty, "empty", np.where(screened.english, "", "not English"))
    verdict = verdict.astype(object)
    undecided = np.flatnonzero(~screened.decided)
    rest = map_chunks(
        _check_chunk, [texts[i] for i in undecided], workers, initializer=_english_words
    )
    for i, (text, html_removed, was_cut, reason, _) in zip(undecided, rest, strict=True):
        cleaned[i], had_html[i], cut[i], verdict[i] = text, html_removed, was_cut, reason
    return cleaned, had_html, cut, verdict


def prepare_texts(
    row_ids: Sequence[object] | np.ndarray, texts: Sequence[object], workers: int = 1
) -> PreparedTexts:
    """Clean and check ``texts`` (one per row id); ``None`` counts as empty.

    Each distinct text is cleaned and checked once (feedback repeats itself a lot). Plain
    ASCII texts are checked over the whole column in threads (``screen.py``); ``workers``
    processes check the rest one by one (one by default: moving texts to workers and back
    costs about as much as it saves).
    """
    if len(row_ids) != len(texts):
        raise VoiceInputError(f"{len(row_ids)} row ids for {len(texts)} texts")
    codes, distinct = pd.factorize(pd.Series(list(texts), dtype=object), use_na_sentinel=True)
    ids = np.asarray(row_ids, dtype=object)
    for code, raw in enumerate(distinct):
        if not isinstance(raw, str):
            first = int(np.flatnonzero(codes == code)[0])
            raise VoiceInputError(f"row {ids[first]}: text must be a string, got {raw!r}")
    cleaned, had_html, cut, verdict = _check_distinct(list(distinct), workers)
    distinct_hashes = [
        text_hash(text) if not reason else "" for text, reason in zip(cleaned, verdict, strict=True)
    ]
    verdicts = np.append(verdict, "empty")[codes]  # code −1 (null) → empty
    keep = verdicts == ""
    kept_codes = codes[keep]
    dropped = codes[~keep]
    raw_text = [str(distinct[code])[:500] if code >= 0 else "" for code in dropped]
    quarantine = pd.DataFrame(
        {"row_id": ids[~keep], "reason": verdicts[~keep], "text": raw_text},
        columns=["row_id", "reason", "text"],
    )
    valid = codes >= 0
    counts = {
        "html": int(had_html[codes[valid]].sum()),
        "truncated": int(cut[codes[valid]].sum()),
        **{str(k): int(v) for k, v in quarantine["reason"].value_counts().items()},
    }
    return PreparedTexts(
        row_ids=ids[keep],
        texts=[cleaned[code] for code in kept_codes],
        hashes=[distinct_hashes[code] for code in kept_codes],
        quarantine=quarantine,
        counts={key: value for key, value in sorted(counts.items()) if value},
    )


@dataclass(frozen=True)
class ScoreRange:
    """The valid integer scores of one kind of question."""

    name: str
    low: int
    high: int


NPS_RANGE = ScoreRange("nps", 0, 10)
CSAT_RANGE = ScoreRange("csat", 1, 5)
RATING_RANGE = ScoreRange("rating", 1, 5)


def check_scores(
    scores: pd.Series, row_ids: pd.Series, valid: ScoreRange, table: str
) -> tuple[np.ndarray, int]:
    """The non-null scores as integers, and how many were null.

    Raises:
        VoiceInputError: a score is out of range or not a whole number; the message names
            the first such row and how many there are.
    """
    values = pd.to_numeric(scores, errors="coerce")
    non_numeric = scores.notna() & values.isna()
    missing = int(values.isna().sum() - non_numeric.sum())
    present = values.notna()
    bad = non_numeric | (
        present & ((values < valid.low) | (values > valid.high) | (values % 1 != 0))
    )
    if bad.any():
        first = int(np.flatnonzero(bad.to_numpy())[0])
        raise VoiceInputError(
            f"{table}: {valid.name} must be a whole number from {valid.low} to {valid.high}, "
            f"but row {row_ids.iloc[first]} has {_show(scores.iloc[first])}"
            + (f" ({int(bad.sum())} rows are out of range)" if bad.sum() > 1 else "")
        )
    return values[present].to_numpy(dtype=np.int64), missing


def _show(value: object) -> str:
    """A score as a reader wrote it: ``11`` rather than ``np.float64(11.0)``."""
    if isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value)
        return str(int(number)) if number.is_integer() else repr(number)
    return repr(value)
