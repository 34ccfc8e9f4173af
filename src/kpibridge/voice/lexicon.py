"""Domain phrases VADER misses: a lexicon extension for complaints about orders and delivery.

VADER's lexicon rates general English. "The courier left the parcel in the rain and the tent
got soaked" holds no word it knows, so it scores 0.00; "Delivery was 5 days late" too. The
extension gives such words and phrases a valence on VADER's own scale (−4 most negative …
+4, where "bad" is −2.5 and "terrible" −2.5, "lost" −1.3): a single word is added to the
lexicon; a phrase of several words is joined into one token before scoring ("got soaked" →
"got_soaked"), so it counts once, and a negation before it ("never got soaked") still flips it.

``DOMAIN_LEXICON`` is the default, for retail and e-commerce feedback. A workspace edits it in
``voice.yaml`` under ``sentiment_lexicon`` (``phrase: valence``; a valence replaces the
default's, ``0`` switches a default entry off). Changing it re-scores every text on the next
``kpibridge voice score`` (the score cache is keyed by the lexicon too). docs/voice.md has the
list and how to check an edit.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

from kpibridge.errors import KpibridgeError

LIMIT = 4.0
DOMAIN_LEXICON: dict[str, float] = {
    # late, slow
    "days late": -1.8,
    "weeks late": -2.0,
    "arrived late": -1.8,
    "late delivery": -1.8,
    "late again": -1.8,
    "took forever": -1.8,
    "still waiting": -1.5,
    "no updates": -1.5,
    # never arrived, lost
    "never arrived": -2.3,
    "never came": -2.3,
    "nothing came": -2.0,
    "did not arrive": -2.0,
    "didn't arrive": -2.0,
    "never received": -2.3,
    "not delivered": -2.0,
    "lost for": -1.8,
    "had to chase": -1.5,
    "had to send a replacement": -1.5,
    # damaged
    "arrived damaged": -2.3,
    "showed up damaged": -2.3,
    "dropped in transit": -1.8,
    "box was crushed": -1.8,
    "torn open": -1.5,
    "got soaked": -2.0,
    "soaked": -1.5,
    "in the rain": -1.0,
    "left outside": -1.2,
    # wrong or missing
    "wrong item": -2.0,
    "missing item": -2.0,
    "wrong size": -1.5,
}


@dataclass(frozen=True)
class LexiconExtension:
    """Words and phrases (lower case) with their VADER valence; see the module docstring."""

    entries: tuple[tuple[str, float], ...]

    @classmethod
    def of(cls, entries: Mapping[str, float]) -> LexiconExtension:
        kept = {" ".join(key.lower().split()): float(v) for key, v in entries.items() if v != 0}
        return cls(tuple(sorted(kept.items())))

    @property
    def words(self) -> dict[str, float]:
        """Single words, added to the lexicon as they are."""
        return {key: value for key, value in self.entries if " " not in key}

    @property
    def phrases(self) -> dict[str, float]:
        """Phrases, keyed by the token they are joined into ("got_soaked")."""
        return {token(key): value for key, value in self.entries if " " in key}

    @cached_property
    def pattern(self) -> re.Pattern[str] | None:
        """The phrases, longest first, as whole words in any case."""
        phrases = sorted((key for key, _ in self.entries if " " in key), key=len, reverse=True)
        if not phrases:
            return None
        alternatives = "|".join(r"\s+".join(map(re.escape, p.split())) for p in phrases)
        return re.compile(rf"(?<![\w'])(?:{alternatives})(?![\w'])", re.IGNORECASE)

    def join_phrases(self, text: str) -> str:
        """``text`` with each phrase joined into its token (its letters' case kept)."""
        if self.pattern is None:
            return text
        return self.pattern.sub(lambda match: "_".join(match.group(0).split()), text)

    @property
    def fingerprint(self) -> str:
        """Short hash of the entries: scores made with another lexicon are not reused."""
        text = "\n".join(f"{key}\t{value!r}" for key, value in self.entries)
        return hashlib.sha256(text.encode()).hexdigest()[:12]


def token(phrase: str) -> str:
    return "_".join(phrase.lower().split())


def parse_lexicon(document: object, where: str = "voice.yaml") -> LexiconExtension:
    """The default domain lexicon with a parsed ``voice.yaml``'s ``sentiment_lexicon`` on top."""
    merged = dict(DOMAIN_LEXICON)
    section = document.get("sentiment_lexicon") if isinstance(document, dict) else None
    if section is None:
        return LexiconExtension.of(merged)
    if not isinstance(section, dict):
        raise KpibridgeError(
            f"{where}: sentiment_lexicon must be a mapping of phrase: valence, e.g. "
            "'arrived broken: -2.0'"
        )
    for key, value in section.items():
        if not isinstance(key, str) or not key.split():
            raise KpibridgeError(f"{where}: sentiment_lexicon: {key!r} is not a word or phrase")
        if isinstance(value, bool) or not isinstance(value, int | float) or abs(value) > LIMIT:
            raise KpibridgeError(
                f"{where}: sentiment_lexicon: {key!r}: valence must be a number from −4 to 4 "
                f"(VADER's scale: 'bad' is −2.5), not {value!r}"
            )
        merged[" ".join(key.lower().split())] = float(value)
    return LexiconExtension.of(merged)


DEFAULT_EXTENSION = LexiconExtension.of(DOMAIN_LEXICON)
