"""VADER with exactly the same scores and less repeated work.

vaderSentiment 3.3.2 (MIT, C.J. Hutto) lower-cases the whole token list again inside every
negation and idiom check — once per preceding word of every sentiment word — and copies every
text character by character to replace emoji. This subclass keeps each method's logic as
published and changes only that work:

* an ASCII text has no emoji (every emoji key is non-ASCII), so the copy — which would return
  the text unchanged — is skipped;
* the lower-cased token list is built once per text and shared by the checks (and by the
  word loop, which lower-cased each neighbour again);
* a word outside the lexicon gets valence 0 without the call that would give it 0.

The scores are checked equal to ``SentimentIntensityAnalyzer``'s on the authors' 4,200 gold
tweets and on generated reviews (``tests/voice/test_voice_sentiment.py``).
"""

from __future__ import annotations

from typing import Any

from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    C_INCR,
    N_SCALAR,
    SPECIAL_CASES,
    SentimentIntensityAnalyzer,
    SentiText,
    negated,
    scalar_inc_dec,
)


class FastSentimentIntensityAnalyzer(SentimentIntensityAnalyzer):  # type: ignore[misc]
    """``SentimentIntensityAnalyzer`` with the same results (see the module docstring)."""

    def __init__(self) -> None:
        super().__init__()
        self._lowered: tuple[list[str], list[str]] | None = None

    def _lower(self, words: list[str]) -> list[str]:
        cached = self._lowered
        if cached is not None and cached[0] is words:
            return cached[1]
        lowered = [str(w).lower() for w in words]
        self._lowered = (words, lowered)
        return lowered

    def polarity_scores(self, text: str) -> dict[str, float]:
        if text.isascii():
            text = text.strip()
        else:  # verbatim from vaderSentiment 3.3.2
            text_no_emoji = ""
            prev_space = True
            for chr in text:
                if chr in self.emojis:
                    description = self.emojis[chr]
                    if not prev_space:
                        text_no_emoji += " "
                    text_no_emoji += description
                    prev_space = False
                else:
                    text_no_emoji += chr
                    prev_space = chr == " "
            text = text_no_emoji.strip()

        sentitext = SentiText(text)
        sentiments: list[Any] = []
        words_and_emoticons = sentitext.words_and_emoticons
        lower = self._lower(words_and_emoticons)
        lexicon = self.lexicon
        for i, item in enumerate(words_and_emoticons):
            valence = 0
            if lower[i] in BOOSTER_DICT:
                sentiments.append(valence)
                continue
            if i < len(words_and_emoticons) - 1 and lower[i] == "kind" and lower[i + 1] == "of":
                sentiments.append(valence)
                continue
            if lower[i] not in lexicon:  # sentiment_valence would append the 0 unchanged
                sentiments.append(valence)
                continue
            sentiments = self.sentiment_valence(valence, sentitext, item, i, sentiments)
        sentiments = self._but_check(words_and_emoticons, sentiments)
        self._lowered = None
        return dict(self.score_valence(sentiments, text))

    def sentiment_valence(
        self, valence: float, sentitext: Any, item: str, i: int, sentiments: list[Any]
    ) -> list[Any]:
        is_cap_diff = sentitext.is_cap_diff
        words_and_emoticons = sentitext.words_and_emoticons
        lower = self._lower(words_and_emoticons)
        lexicon = self.lexicon
        item_lowercase = lower[i]
        if item_lowercase in lexicon:
            valence = lexicon[item_lowercase]
            if (
                item_lowercase == "no"
                and i != len(words_and_emoticons) - 1
                and lower[i + 1] in lexicon
            ):
                valence = 0.0
            if (
                (i > 0 and lower[i - 1] == "no")
                or (i > 1 and lower[i - 2] == "no")
                or (i > 2 and lower[i - 3] == "no" and lower[i - 1] in ["or", "nor"])
            ):
                valence = lexicon[item_lowercase] * N_SCALAR
            if item.isupper() and is_cap_diff:
                if valence > 0:
                    valence += C_INCR
                else:
                    valence -= C_INCR
            for start_i in range(0, 3):
                if i > start_i and lower[i - (start_i + 1)] not in lexicon:
                    s = scalar_inc_dec(words_and_emoticons[i - (start_i + 1)], valence, is_cap_diff)
                    if start_i == 1 and s != 0:
                        s = s * 0.95
                    if start_i == 2 and s != 0:
                        s = s * 0.9
                    valence = valence + s
                    valence = self._negation_check(valence, words_and_emoticons, start_i, i)
                    if start_i == 2:
                        valence = self._special_idioms_check(valence, words_and_emoticons, i)
            valence = self._least_check(valence, words_and_emoticons, i)
        sentiments.append(valence)
        return sentiments

    def _least_check(self, valence: float, words_and_emoticons: list[str], i: int) -> float:
        lower = self._lower(words_and_emoticons)
        if i > 1 and lower[i - 1] not in self.lexicon and lower[i - 1] == "least":
            if lower[i - 2] != "at" and lower[i - 2] != "very":
                valence = valence * N_SCALAR
        elif i > 0 and lower[i - 1] not in self.lexicon and lower[i - 1] == "least":
            valence = valence * N_SCALAR
        return valence

    def _special_idioms_check(
        self, valence: float, words_and_emoticons: list[str], i: int
    ) -> float:
        words_and_emoticons_lower = self._lower(words_and_emoticons)
        onezero = f"{words_and_emoticons_lower[i - 1]} {words_and_emoticons_lower[i]}"
        twoonezero = (
            f"{words_and_emoticons_lower[i - 2]} {words_and_emoticons_lower[i - 1]} "
            f"{words_and_emoticons_lower[i]}"
        )
        twoone = f"{words_and_emoticons_lower[i - 2]} {words_and_emoticons_lower[i - 1]}"
        threetwoone = (
            f"{words_and_emoticons_lower[i - 3]} {words_and_emoticons_lower[i - 2]} "
            f"{words_and_emoticons_lower[i - 1]}"
        )
        threetwo = f"{words_and_emoticons_lower[i - 3]} {words_and_emoticons_lower[i - 2]}"
        for seq in (onezero, twoonezero, twoone, threetwoone, threetwo):
            if seq in SPECIAL_CASES:
                valence = SPECIAL_CASES[seq]
                break
        if len(words_and_emoticons_lower) - 1 > i:
            zeroone = f"{words_and_emoticons_lower[i]} {words_and_emoticons_lower[i + 1]}"
            if zeroone in SPECIAL_CASES:
                valence = SPECIAL_CASES[zeroone]
        if len(words_and_emoticons_lower) - 1 > i + 1:
            zeroonetwo = (
                f"{words_and_emoticons_lower[i]} {words_and_emoticons_lower[i + 1]} "
                f"{words_and_emoticons_lower[i + 2]}"
            )
            if zeroonetwo in SPECIAL_CASES:
                valence = SPECIAL_CASES[zeroonetwo]
        for n_gram in (threetwoone, threetwo, twoone):
            if n_gram in BOOSTER_DICT:
                valence = valence + BOOSTER_DICT[n_gram]
        return valence

    def _negation_check(
        self, valence: float, words_and_emoticons: list[str], start_i: int, i: int
    ) -> float:
        lower = self._lower(words_and_emoticons)
        if start_i == 0 and negated([lower[i - (start_i + 1)]]):
            valence = valence * N_SCALAR
        if start_i == 1:
            if lower[i - 2] == "never" and (lower[i - 1] == "so" or lower[i - 1] == "this"):
                valence = valence * 1.25
            elif lower[i - 2] == "without" and lower[i - 1] == "doubt":
                valence = valence
            elif negated([lower[i - (start_i + 1)]]):
                valence = valence * N_SCALAR
        if start_i == 2:
            if (lower[i - 3] == "never" and (lower[i - 2] == "so" or lower[i - 2] == "this")) or (
                lower[i - 1] == "so" or lower[i - 1] == "this"
            ):
                valence = valence * 1.25
            elif lower[i - 3] == "without" and (lower[i - 2] == "doubt" or lower[i - 1] == "doubt"):
                valence = valence
            elif negated([lower[i - (start_i + 1)]]):
                valence = valence * N_SCALAR
        return valence
