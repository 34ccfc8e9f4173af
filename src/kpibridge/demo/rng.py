"""Independent random streams, one per named part of the demo data.

Every part of the company (ad spend, sessions, orders …) draws from its own
``numpy.random.Generator``, derived from the user's seed and the part's name. Parts therefore
do not disturb each other: changing how reviews are drawn leaves the orders byte-identical.
The name is hashed with CRC-32 (stable across processes, unlike ``hash``).
"""

from __future__ import annotations

import zlib

import numpy as np


def stream(seed: int, name: str) -> np.random.Generator:
    """Return the generator for part ``name`` of the data made from ``seed``."""
    key = zlib.crc32(name.encode("utf-8"))
    return np.random.default_rng(np.random.SeedSequence(entropy=seed, spawn_key=(key,)))
