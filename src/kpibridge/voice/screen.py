"""The text checks of ``inputs.py`` for plain ASCII texts, over a whole column at once.

``prepare_texts`` cleans and checks each distinct text (``clean_text``, ``is_english``); in
Python that cost about 19 µs a text, 17 s for a million reviews. Most feedback is plain
ASCII without markup, and for such a text both checks reduce to a few regular-expression
tests that Arrow runs in C++ (RE2) over the column, in threads over slices of it:

* cleaning: no ``&`` or ``<`` means no HTML (``clean_text`` looks for ``&`` or a tag), so the
  cleaned text is the text with each run of whitespace made one space and the ends trimmed —
  for ASCII, Python's ``\\s`` and ``str.strip`` mean exactly ``[\\t\\n\\v\\f\\r\\x1c-\\x1f ]``;
* English: the words of ``is_english`` are the runs of ``[a-z]`` in the lower-cased text. A
  text of fewer than four words is English; a text with no foreign function word and at least
  one English stop word is English (no foreign word ≤ some stop word, and a stop word is an
  English word). Every other text — a foreign word, or no stop word — is left to
  ``is_english`` itself.

Texts that are not ASCII, have ``&`` or ``<``, or would be cut are left undecided too; the
caller checks them one by one. So every verdict is the one ``is_english`` and ``clean_text``
give (tested on generated and edge-case texts).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

#: Python's ``\\s`` (and ``str.isspace``) restricted to ASCII.
_ASCII_SPACE = r"[\t\n\x0b\x0c\r\x1c-\x1f ]+"
_ASCII_SPACE_CHARACTERS = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f "
#: Whitespace that cleaning changes inside a text: any but a space, or two in a row.
_SPACE_TO_COLLAPSE = r"[\t\n\x0b\x0c\r\x1c-\x1f]|  "
#: At least four runs of letters: ``is_english`` gives shorter texts the benefit of the doubt.
_FOUR_WORDS = "[a-z][^a-z]+[a-z]+[^a-z]+[a-z]+[^a-z]+[a-z]"
#: Rows per slice handed to a thread (Arrow's kernels release the GIL).
_SLICE = 50_000


@dataclass(frozen=True)
class Screened:
    """Per text: ``decided`` (the checks below are final), and for decided texts the cleaned
    text, ``empty`` and ``english``."""

    decided: np.ndarray
    cleaned: pa.Array
    empty: np.ndarray
    english: np.ndarray


def whole_words(words: Iterable[str]) -> str:
    """An RE2 pattern that matches a lower-cased ASCII text holding one of ``words`` (ASCII
    letters only) as a whole run of letters."""
    letters = sorted(word for word in set(words) if re.fullmatch("[a-z]+", word))
    return f"(?:^|[^a-z])(?:{'|'.join(letters)})(?:[^a-z]|$)"


def screen_texts(
    texts: pa.Array, stop_words: str, foreign_words: str, max_characters: int, workers: int = 2
) -> Screened:
    """Clean and check the plain ASCII texts of ``texts`` (module docstring); ``stop_words``
    and ``foreign_words`` are ``whole_words`` patterns."""

    def screen(part: pa.Array) -> tuple[pa.Array, np.ndarray, np.ndarray, np.ndarray]:
        plain = pc.and_(
            pc.string_is_ascii(part),
            pc.invert(pc.or_(pc.match_substring(part, "&"), pc.match_substring(part, "<"))),
        )
        # runs of whitespace made one space (only where there is such a run: replacing is
        # slow), then the ends trimmed
        runs = _numpy(pc.match_substring_regex(part, pattern=_SPACE_TO_COLLAPSE))
        if runs.any():
            collapsed = pc.replace_substring_regex(
                part.filter(pa.array(runs)), pattern=_ASCII_SPACE, replacement=" "
            )
            part = pc.replace_with_mask(part, pa.array(runs), collapsed)
        cleaned = pc.utf8_trim(part, _ASCII_SPACE_CHARACTERS)
        length = pc.utf8_length(cleaned)
        lowered = pc.ascii_lower(cleaned)
        short = pc.invert(pc.match_substring_regex(lowered, pattern=_FOUR_WORDS))
        stop = pc.match_substring_regex(lowered, pattern=stop_words)
        foreign = pc.match_substring_regex(lowered, pattern=foreign_words)
        english = pc.or_(short, pc.and_(stop, pc.invert(foreign)))
        empty = pc.equal(length, 0)
        decided = pc.and_(
            pc.and_(plain, pc.less_equal(length, max_characters)), pc.or_(empty, english)
        )
        return cleaned, *(_numpy(array) for array in (decided, empty, english))

    parts = [texts.slice(start, _SLICE) for start in range(0, len(texts), _SLICE)] or [texts]
    with ThreadPoolExecutor(max(1, workers)) as pool:
        results = list(pool.map(screen, parts))
    return Screened(
        decided=np.concatenate([result[1] for result in results]),
        cleaned=pa.concat_arrays([result[0] for result in results]),
        empty=np.concatenate([result[2] for result in results]),
        english=np.concatenate([result[3] for result in results]),
    )


def _numpy(array: pa.Array) -> np.ndarray:
    """A boolean Arrow array as numpy, nulls (from null texts) as False."""
    return np.asarray(pc.fill_null(array, False).to_numpy(zero_copy_only=False), dtype=bool)
