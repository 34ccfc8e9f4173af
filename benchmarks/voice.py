"""Benchmark: customer voice on N synthetic review texts (default 1M) — sentiment + theme
assignment end to end with both cores, an incremental run with 1% new texts, and the plain
one-text-at-a-time VADER loop on a subsample (extrapolated, and said so).

    .venv/bin/python benchmarks/voice.py [--n 1000000]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from kpibridge.demo.catalog import PRODUCTS
from kpibridge.demo.templates import REVIEW_TEMPLATES, THEMES
from kpibridge.demo.text import compile_bank
from kpibridge.voice.sentiment import compound_score, score_texts
from kpibridge.voice.themes import ThemeOptions, discover_themes


def reviews(n: int, seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    bank = compile_bank(REVIEW_TEMPLATES)
    theme = rng.integers(0, len(THEMES), n)
    template = bank.choose_templates(rng, theme)
    product = rng.integers(0, len(PRODUCTS), n)
    return bank.compose(rng, template, product).to_pylist()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1_000_000)
    args = parser.parse_args()
    texts = reviews(args.n, 1)
    names = [product.name for product in PRODUCTS] + ["Acme Outdoor", "Acme"]
    start = time.perf_counter()
    scores = score_texts(texts, workers=2)
    model = discover_themes(texts[:50_000], names, ThemeOptions(seed=0))
    themes = model.assign(texts)
    full = time.perf_counter() - start
    new = reviews(args.n // 100, 2)
    start = time.perf_counter()
    seen = set(texts)
    fresh = [text for text in new if text not in seen]
    score_texts(fresh, workers=2)
    model.assign(new)
    incremental = time.perf_counter() - start
    sample = texts[:5_000]
    start = time.perf_counter()
    for text in sample:
        compound_score(text)
    loop = (time.perf_counter() - start) / len(sample) * args.n
    distinct = len(set(texts))
    print(
        f"n={args.n:,} distinct={distinct:,} k={model.k} assigned={int((themes.theme >= 0).sum()):,}"
    )
    print(f"full run (sentiment on 2 cores + themes fit on 50k + assign all): {full:.1f} s")
    print(f"incremental (1% new, {len(fresh):,} not seen): {incremental:.1f} s")
    print(f"one-at-a-time VADER loop: {loop:.1f} s (extrapolated from 5,000 texts)")
    assert len(scores) == args.n


if __name__ == "__main__":
    main()
