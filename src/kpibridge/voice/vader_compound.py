"""VADER's compound score alone, exactly as published, with a fraction of the work per text.

``score_texts`` needs only the compound score, and on a million distinct reviews VADER was the
bulk of the run. ``CompoundScorer.compound(text)`` returns
``round(SentimentIntensityAnalyzer().polarity_scores(text)["compound"], 4)`` — the same
float, bit for bit — but

* builds the same word list (``SentiText``: split, strip punctuation unless that leaves two
  characters or fewer) through a memo of raw token → (word, lower-cased word, all caps), so a
  token seen before costs one dictionary look-up instead of three string operations;
* computes the valence only of words in the lexicon (every other word adds the int 0, as in
  ``sentiment_valence``), with ``negated([word])`` memoised per word and ``scalar_inc_dec``
  inlined — each step the published arithmetic, in the published order;
* calls the published ``_but_check`` only when the text has a "but" (it changes nothing
  otherwise), and skips the positive/negative/neutral proportions, which the compound score
  does not use.

The list of per-word sentiments is the published one (ints 0 included), summed with the same
``sum`` and normalised by the same ``normalize``, so the result is identical — checked
against ``SentimentIntensityAnalyzer`` on the authors' 4,200 gold tweets, edge cases and
generated reviews (``tests/voice/test_voice_compound.py``). vaderSentiment 3.3.2 (MIT,
C.J. Hutto).
"""

from __future__ import annotations

import string
from typing import Any

from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    C_INCR,
    N_SCALAR,
    SPECIAL_CASES,
    SentimentIntensityAnalyzer,
    negated,
    normalize,
)

from kpibridge.voice.lexicon import LexiconExtension

_PUNCTUATION = string.punctuation
#: Every word of a multi-word idiom or booster: a word sequence can be one of them only if
#: each of its words is one of these.
_IDIOM_WORDS = frozenset(
    word for key in (*SPECIAL_CASES, *BOOSTER_DICT) if " " in key for word in key.split(" ")
)
#: The words of a text (``SentiText.words_and_emoticons``) or their lower case.
Words = tuple[str, ...]
#: The token memo is cleared when it grows past this many entries (bounded memory).
_MAX_MEMO = 1_000_000


class CompoundScorer:
    """VADER's compound score of a text (see the module docstring), for one process."""

    def __init__(
        self,
        analyzer: SentimentIntensityAnalyzer | None = None,
        extension: LexiconExtension | None = None,
    ) -> None:
        """Without ``extension`` the published scores, bit for bit; with one, its words and
        joined phrases are added to a copy of the lexicon (``kpibridge.voice.lexicon``)."""
        self._analyzer = analyzer or SentimentIntensityAnalyzer()
        self._lexicon: dict[str, float] = self._analyzer.lexicon
        self._extension = extension if extension is not None and extension.entries else None
        if self._extension is not None:
            self._lexicon = {
                **self._lexicon,
                **self._extension.words,
                **self._extension.phrases,
            }
        self._emojis: dict[str, str] = self._analyzer.emojis
        self._tokens: dict[str, tuple[str, str, bool]] = {}
        self._negated: dict[str, bool] = {}
        self._valences: dict[tuple[tuple[str, ...], int, bool], float] = {}

    def _without_emoji(self, text: str) -> str:
        """Verbatim from vaderSentiment 3.3.2 ``polarity_scores``: emoji → their names."""
        if self._emojis.keys().isdisjoint(text):  # the loop below would copy it unchanged
            return text.strip()
        text_no_emoji = ""
        prev_space = True
        for chr in text:
            if chr in self._emojis:
                description = self._emojis[chr]
                if not prev_space:
                    text_no_emoji += " "
                text_no_emoji += description
                prev_space = False
            else:
                text_no_emoji += chr
                prev_space = chr == " "
        return text_no_emoji.strip()

    def _token(self, token: str) -> tuple[str, str, bool]:
        """``SentiText._strip_punc_if_word`` of a raw token, its lower case and ``isupper``."""
        stripped = token.strip(_PUNCTUATION)
        word = token if len(stripped) <= 2 else stripped
        if len(self._tokens) >= _MAX_MEMO:
            self._tokens.clear()
        entry = (word, word.lower(), word.isupper())
        self._tokens[token] = entry
        return entry

    def _is_negation(self, word: str) -> bool:
        known = self._negated.get(word)
        if known is None:
            known = self._negated[word] = bool(negated([word]))
        return known

    def compound(self, text: str) -> float:
        """``polarity_scores(text)["compound"]`` of the published analyzer (with the
        extension's phrases joined first, when there is one)."""
        if self._extension is not None:
            text = self._extension.join_phrases(text)
        text = text.strip() if text.isascii() else self._without_emoji(text)
        memo = self._tokens
        entries = [memo.get(token) or self._token(token) for token in text.split()]
        if not entries:
            return 0.0  # no words: no sentiments, compound 0.0
        words, lower, upper = zip(*entries, strict=True)
        count = len(words)
        capitals = sum(upper)
        is_cap_diff = 0 < count - capitals < count  # allcap_differential
        lexicon = self._lexicon
        valences = self._valences
        if len(valences) >= _MAX_MEMO:
            valences.clear()
        # every word outside the lexicon, every booster and "kind" before "of" add the int 0
        sentiments: list[Any] = [0] * count
        for i in [i for i, word in enumerate(lower) if word in lexicon]:
            word = lower[i]
            if word in BOOSTER_DICT or (i < count - 1 and word == "kind" and lower[i + 1] == "of"):
                continue
            # the valence reads the words from i − 3 to i + 2 (and whether i > 0, 1, 2)
            key = (words[max(0, i - 3) : i + 3], min(i, 3), is_cap_diff)
            valence = valences.get(key)
            if valence is None:
                valence = self._valence(i, words, lower, upper[i], is_cap_diff)
                valences[key] = valence
            sentiments[i] = valence
        if "but" in lower:
            sentiments = SentimentIntensityAnalyzer._but_check(words, sentiments)
        sum_s = float(sum(sentiments))
        punct_emph_amplifier = self._analyzer._punctuation_emphasis(text)
        if sum_s > 0:
            sum_s += punct_emph_amplifier
        elif sum_s < 0:
            sum_s -= punct_emph_amplifier
        return float(round(normalize(sum_s), 4))

    def _valence(
        self, i: int, words: Words, lower: Words, is_upper: bool, is_cap_diff: bool
    ) -> float:
        """``sentiment_valence`` of the lexicon word at ``i``, step by step as published."""
        lexicon = self._lexicon
        item_lowercase = lower[i]
        valence = lexicon[item_lowercase]
        if item_lowercase == "no" and i != len(words) - 1 and lower[i + 1] in lexicon:
            valence = 0.0
        if (
            (i > 0 and lower[i - 1] == "no")
            or (i > 1 and lower[i - 2] == "no")
            or (i > 2 and lower[i - 3] == "no" and lower[i - 1] in ["or", "nor"])
        ):
            valence = lexicon[item_lowercase] * N_SCALAR
        if is_upper and is_cap_diff:
            if valence > 0:
                valence += C_INCR
            else:
                valence -= C_INCR
        for start_i in range(0, 3):
            before = i - (start_i + 1)
            if i > start_i and lower[before] not in lexicon:
                # scalar_inc_dec(words[before], valence, is_cap_diff)
                s = 0.0
                if lower[before] in BOOSTER_DICT:
                    s = BOOSTER_DICT[lower[before]]
                    if valence < 0:
                        s *= -1
                    if words[before].isupper() and is_cap_diff:
                        if valence > 0:
                            s += C_INCR
                        else:
                            s -= C_INCR
                if start_i == 1 and s != 0:
                    s = s * 0.95
                if start_i == 2 and s != 0:
                    s = s * 0.9
                valence = valence + s
                valence = self._negation_check(valence, lower, start_i, i)
                if start_i == 2:
                    valence = _special_idioms_check(valence, lower, i)
        # _least_check
        if i > 1 and lower[i - 1] not in lexicon and lower[i - 1] == "least":
            if lower[i - 2] != "at" and lower[i - 2] != "very":
                valence = valence * N_SCALAR
        elif i > 0 and lower[i - 1] not in lexicon and lower[i - 1] == "least":
            valence = valence * N_SCALAR
        return valence

    def _negation_check(self, valence: float, lower: Words, start_i: int, i: int) -> float:
        if start_i == 0 and self._is_negation(lower[i - 1]):
            valence = valence * N_SCALAR
        if start_i == 1:
            if lower[i - 2] == "never" and (lower[i - 1] == "so" or lower[i - 1] == "this"):
                valence = valence * 1.25
            elif lower[i - 2] == "without" and lower[i - 1] == "doubt":
                valence = valence
            elif self._is_negation(lower[i - 2]):
                valence = valence * N_SCALAR
        if start_i == 2:
            if (lower[i - 3] == "never" and (lower[i - 2] == "so" or lower[i - 2] == "this")) or (
                lower[i - 1] == "so" or lower[i - 1] == "this"
            ):
                valence = valence * 1.25
            elif lower[i - 3] == "without" and (lower[i - 2] == "doubt" or lower[i - 1] == "doubt"):
                valence = valence
            elif self._is_negation(lower[i - 3]):
                valence = valence * N_SCALAR
        return valence


def _special_idioms_check(valence: float, lower: Words, i: int) -> float:
    """``SentimentIntensityAnalyzer._special_idioms_check`` on the lower-cased words (called
    with ``i`` ≥ 3)."""
    # each sequence looked up below holds one of these neighbouring pairs: if no pair is made
    # of idiom words, nothing matches and the valence is returned unchanged
    idiom = [word in _IDIOM_WORDS for word in lower[i - 3 : i + 2]]
    if not any(idiom[j] and idiom[j + 1] for j in range(len(idiom) - 1)):
        return valence
    onezero = f"{lower[i - 1]} {lower[i]}"
    twoonezero = f"{lower[i - 2]} {lower[i - 1]} {lower[i]}"
    twoone = f"{lower[i - 2]} {lower[i - 1]}"
    threetwoone = f"{lower[i - 3]} {lower[i - 2]} {lower[i - 1]}"
    threetwo = f"{lower[i - 3]} {lower[i - 2]}"
    for seq in (onezero, twoonezero, twoone, threetwoone, threetwo):
        if seq in SPECIAL_CASES:
            valence = SPECIAL_CASES[seq]
            break
    if len(lower) - 1 > i:
        zeroone = f"{lower[i]} {lower[i + 1]}"
        if zeroone in SPECIAL_CASES:
            valence = SPECIAL_CASES[zeroone]
    if len(lower) - 1 > i + 1:
        zeroonetwo = f"{lower[i]} {lower[i + 1]} {lower[i + 2]}"
        if zeroonetwo in SPECIAL_CASES:
            valence = SPECIAL_CASES[zeroonetwo]
    for n_gram in (threetwoone, threetwo, twoone):
        if n_gram in BOOSTER_DICT:
            valence = valence + BOOSTER_DICT[n_gram]
    return valence
