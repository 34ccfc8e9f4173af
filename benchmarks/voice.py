"""Benchmark: customer voice on 1M review texts — end to end, incremental, and the plain loop.

Texts are synthetic reviews from the demo company's sentence templates (``kpibridge.demo``):

* ``templated`` — one template per review, as the demo writes them: many reviews repeat word
  for word (about 3% are distinct), as short reviews do ("Great product!");
* ``varied`` — two or three sentences from random templates, each with its own product and
  number: almost every review is distinct, the hard case for a per-text scorer.

For each, three timings in one process:

1. **full run**: clean and check every text (``prepare_texts``: HTML, length, language),
   hash it, VADER on each distinct text in two worker processes (``start_scoring``) while
   this process fits themes on a seeded sample of 50,000 texts (k by stability) and assigns
   a theme to every text, then waits for the scores; CPU time (this process and its
   workers) is printed beside the wall time;
2. **incremental run** with 1% new texts: hash them, score only the hashes not in the cache,
   assign their themes with the fitted model;
3. **the plain loop**: for each text, VADER's ``polarity_scores`` and the fitted vectorizer +
   NMF ``transform`` of that one text — measured on 2,000 texts (the first ones: none is
   cleaned or quarantined) and extrapolated to the full count (said so in the output).

The fast path's scores are checked equal to the loop's on those 2,000 texts. Goals (issue 6):
full ≤ 60 s on 2 cores, incremental ≤ 3 s.

    .venv/bin/python benchmarks/voice.py [--n 1000000] [--only templated|varied] [--repeat 3]
    .venv/bin/python benchmarks/voice.py --quick     # 2,000 varied texts, loop on 100, one round

``--repeat`` rounds alternate the two kinds of text; the full run's median and range are printed
at the end. Scores that differ from the plain loop end the run with exit 1.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from kpibridge.demo.catalog import PRODUCTS
from kpibridge.demo.templates import COMMENT_TEMPLATES, REVIEW_TEMPLATES, THEMES
from kpibridge.demo.text import compile_bank
from kpibridge.voice.inputs import prepare_texts
from kpibridge.voice.sentiment import score_texts, start_scoring
from kpibridge.voice.themes import ThemeOptions, discover_themes

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import fail, load, spread

NAMES = [product.name for product in PRODUCTS] + ["Acme Outdoor", "Acme"]
LOOP_SAMPLE = 2_000
FIT_SAMPLE = 50_000


def templated(n: int, seed: int) -> list[str]:
    """One template per review, as in the demo."""
    rng = np.random.default_rng(seed)
    bank = compile_bank(REVIEW_TEMPLATES)
    template = bank.choose_templates(rng, rng.integers(0, len(THEMES), n))
    return bank.compose(rng, template, rng.integers(0, len(PRODUCTS), n)).to_pylist()


def varied(n: int, seed: int) -> list[str]:
    """Two or three sentences from random review and comment templates."""
    rng = np.random.default_rng(seed)
    parts = []
    for bank in (compile_bank(REVIEW_TEMPLATES), compile_bank(COMMENT_TEMPLATES)):
        template = bank.choose_templates(rng, rng.integers(0, len(THEMES), n))
        parts.append(bank.compose(rng, template, rng.integers(0, len(PRODUCTS), n)))
    third = compile_bank(REVIEW_TEMPLATES)
    template = third.choose_templates(rng, rng.integers(0, len(THEMES), n))
    extra = third.compose(rng, template, rng.integers(0, len(PRODUCTS), n))
    extra = pc.if_else(pa.array(rng.random(n) < 0.5), extra, pa.scalar(""))
    return pc.binary_join_element_wise(*parts, extra, " ").to_pylist()


def cpu_seconds() -> float:
    """CPU time of this process and its finished worker processes (user + system)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def run(name: str, texts: list[str], new: list[str], loop_sample: int = LOOP_SAMPLE) -> float:
    """One full run, incremental run and plain loop; returns the full run's wall time."""
    n = len(texts)
    print(f"\n== {name}: {n:,} texts, {len(set(texts)):,} distinct")

    start, cpu = time.perf_counter(), cpu_seconds()
    prepared = prepare_texts(np.arange(n), texts)
    cleaned = time.perf_counter()
    pending = start_scoring(prepared.texts, workers=2)  # VADER in 2 workers, in the background
    scoring = time.perf_counter()
    rng = np.random.default_rng(0)
    sample = [prepared.texts[i] for i in np.sort(rng.choice(n, min(n, FIT_SAMPLE), replace=False))]
    model = discover_themes(sample, NAMES, ThemeOptions(seed=0))
    fitted = time.perf_counter()
    themes = model.assign(prepared.texts)
    assigned = time.perf_counter()
    scores = pending()
    done = time.perf_counter()
    full, full_cpu = done - start, cpu_seconds() - cpu
    cache = dict(zip(prepared.hashes, scores, strict=True))
    print(
        f"full run: {done - start:.1f} s = clean+hash {cleaned - start:.1f} + start VADER "
        f"{scoring - cleaned:.1f} + themes fit on {len(sample):,} (k={model.k}) "
        f"{fitted - scoring:.1f} + assign {assigned - fitted:.1f} (VADER in 2 worker processes "
        f"meanwhile) + waiting for VADER {done - assigned:.1f}; "
        f"{int((themes.theme >= 0).sum()):,} texts with a theme; CPU time {full_cpu:.1f} s"
    )

    start, cpu = time.perf_counter(), cpu_seconds()
    fresh = prepare_texts(np.arange(len(new)), new)
    unseen = [i for i, key in enumerate(fresh.hashes) if key not in cache]
    new_scores = score_texts([fresh.texts[i] for i in unseen], workers=2)
    cache.update(zip((fresh.hashes[i] for i in unseen), new_scores, strict=True))
    model.assign(fresh.texts)
    incremental, incremental_cpu = time.perf_counter() - start, cpu_seconds() - cpu
    print(
        f"incremental: {incremental:.2f} s for {len(new):,} new texts "
        f"({len(unseen):,} not in the cache); CPU time {incremental_cpu:.2f} s"
    )

    # the straightforward loop: per text, VADER and the fitted model's transform of the text
    loop_texts = texts[:loop_sample]
    analyzer = SentimentIntensityAnalyzer()
    start = time.perf_counter()
    loop_scores = []
    for text in loop_texts:
        loop_scores.append(analyzer.polarity_scores(text)["compound"])
        model.nmf.transform(model.vectorizer.transform([text])).argmax()
    per_text = (time.perf_counter() - start) / len(loop_texts)
    start = time.perf_counter()
    for text in loop_texts:
        analyzer.polarity_scores(text)
    vader_per_text = (time.perf_counter() - start) / len(loop_texts)
    if not np.array_equal(np.array(loop_scores), scores[:loop_sample]):
        fail(f"{name}: the fast path's VADER scores differ from the plain loop's")
    print(
        f"plain loop (VADER + theme transform, one text at a time): {per_text * 1e3:.2f} ms/text "
        f"→ {per_text * n:.0f} s for {n:,}, VADER alone {vader_per_text * n:.0f} s "
        f"(extrapolated from {loop_sample:,} texts); the full run is "
        f"{per_text * n / full:.1f}× faster"
    )
    return full


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--only", choices=("templated", "varied"))
    parser.add_argument("--repeat", type=int, default=1, help="rounds (each about a minute)")
    parser.add_argument("--quick", action="store_true", help="2,000 varied texts, one round")
    args = parser.parse_args()
    loop_sample = LOOP_SAMPLE
    if args.quick:
        args.n, args.repeat, args.only, loop_sample = 2_000, 1, "varied", 100
    print(f"Python {platform.python_version()}, {os.cpu_count()} cores, {load()} at start")
    kinds = [(name, make) for name, make in (("templated", templated), ("varied", varied))
             if args.only in (None, name)]  # fmt: skip
    times: dict[str, list[float]] = {name: [] for name, _ in kinds}
    for round_number in range(args.repeat):
        order = kinds if round_number % 2 == 0 else kinds[::-1]
        for name, make in order:
            times[name].append(run(name, make(args.n, 1), make(args.n // 100, 2), loop_sample))
    print()
    for name, runs in times.items():
        print(f"full run, {name}: {spread(runs, digits=1)} over {len(runs)} round(s)")
    print(f"{load()} at the end (2 cores shared with others)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
