"""Review and survey texts composed from templates for millions of rows without a row loop.

The templates (``templates.py``) are compiled once into a ``TextBank``: every literal piece
and every filler lives once in a vocabulary, and each template becomes rows of vocabulary
indices. Per data row, numpy computes which vocabulary entry fills each of seven positions
(opener, three literals, two slots, closer) and pyarrow joins them in one C++ call.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from kpibridge.demo.calendar import IntArray
from kpibridge.demo.catalog import PRODUCT_NAMES
from kpibridge.demo.templates import CLOSERS, DAYS, OPENERS, THEMES, Template

_SLOT = re.compile(r"\{(product|detail|days)\}")


@dataclass(frozen=True)
class TextBank:
    """Templates compiled into index arrays over one vocabulary (see the module docstring)."""

    vocabulary: pa.Array
    theme_start: IntArray
    theme_size: IntArray
    polarity: IntArray
    literals: IntArray  # (templates, 3) vocabulary index of the literal pieces
    slot_kind: npt.NDArray[np.str_]  # (templates, 2) "product" | "detail" | "days" | ""
    detail_start: IntArray
    detail_size: IntArray
    product_start: int
    days_start: int
    opener_start: int
    closer_start: IntArray  # by polarity + 1
    closer_size: IntArray

    def choose_templates(self, rng: np.random.Generator, theme: IntArray) -> IntArray:
        """A random template of each row's theme."""
        size = self.theme_size[theme]
        return self.theme_start[theme] + np.floor(rng.random(len(theme)) * size).astype(np.int64)

    def compose(self, rng: np.random.Generator, template: IntArray, product: IntArray) -> pa.Array:
        """The text of each row from its template and product (indices into ``PRODUCT_NAMES``)."""
        n = len(template)
        fillers = {
            "product": self.product_start + product,
            "detail": self.detail_start[template]
            + np.floor(rng.random(n) * np.maximum(self.detail_size[template], 1)).astype(np.int64),
            "days": self.days_start + rng.integers(0, len(DAYS), n),
        }
        slots = []
        for position in range(2):
            kind = self.slot_kind[template, position]
            index = np.zeros(n, dtype=np.int64)
            for name, values in fillers.items():
                index = np.where(kind == name, values, index)
            slots.append(index)
        opener = self.opener_start + rng.integers(0, len(OPENERS), n)
        polarity = self.polarity[template] + 1
        closer = self.closer_start[polarity] + np.floor(
            rng.random(n) * self.closer_size[polarity]
        ).astype(np.int64)
        pieces = [
            opener,
            self.literals[template, 0],
            slots[0],
            self.literals[template, 1],
            slots[1],
            self.literals[template, 2],
            closer,
        ]
        return pc.binary_join_element_wise(
            *(self.vocabulary.take(pa.array(piece)) for piece in pieces), ""
        )


def compile_bank(templates: dict[str, tuple[Template, ...]]) -> TextBank:
    """Compile a theme → templates mapping (all of ``THEMES``) into a ``TextBank``."""
    vocabulary: list[str] = [""]

    def add(words: tuple[str, ...] | list[str]) -> int:
        start = len(vocabulary)
        vocabulary.extend(words)
        return start

    ordered = [template for theme in THEMES for template in templates[theme]]
    sizes = np.array([len(templates[theme]) for theme in THEMES], dtype=np.int64)
    literals = np.zeros((len(ordered), 3), dtype=np.int64)
    slot_kind = np.full((len(ordered), 2), "", dtype="<U7")
    detail_start = np.zeros(len(ordered), dtype=np.int64)
    for row, template in enumerate(ordered):  # a loop over templates, not over data rows
        parts = _SLOT.split(template.text)
        texts, kinds = parts[0::2], parts[1::2]
        if len(kinds) > 2:
            raise ValueError(f"template has more than two slots: {template.text!r}")
        if ("detail" in kinds) != bool(template.details):
            raise ValueError(
                f"template needs details exactly when it has {{detail}}: {template.text!r}"
            )
        texts += [""] * (3 - len(texts))
        literals[row] = [add([text]) if text else 0 for text in texts]
        slot_kind[row, : len(kinds)] = kinds
        detail_start[row] = add(list(template.details))
    closer_start = np.array([add(CLOSERS[p]) for p in (-1, 0, 1)], dtype=np.int64)
    product_start, days_start = add(list(PRODUCT_NAMES)), add(list(DAYS))
    opener_start = add(list(OPENERS))
    return TextBank(
        vocabulary=pa.array(vocabulary),
        theme_start=np.cumsum(sizes) - sizes,
        theme_size=sizes,
        polarity=np.array([template.polarity for template in ordered], dtype=np.int64),
        literals=literals,
        slot_kind=slot_kind,
        detail_start=detail_start,
        detail_size=np.array([len(template.details) for template in ordered], dtype=np.int64),
        product_start=product_start,
        days_start=days_start,
        opener_start=opener_start,
        closer_start=closer_start,
        closer_size=np.array([len(CLOSERS[p]) for p in (-1, 0, 1)], dtype=np.int64),
    )
