"""Customer voice for a workspace: score feedback into the warehouse (reading it back is in
:mod:`kpibridge.services.voice.reports`).

``score_voice`` reads ``surveys`` (comments) and ``reviews`` (texts), scores every text's
sentiment once (a cache table keyed by text hash: a text already scored is never scored
again), discovers themes, names them after the pins in ``voice.yaml``, and writes:

* ``voice_texts`` — one row per scored text: ``text_id``, ``source``, ``posted_at``,
  ``customer_id``, ``product``, ``sentiment`` (VADER compound), ``theme`` (id),
  ``theme_strength``, ``text_hash``; the ``voice_texts`` semantic model and the
  ``sentiment_index`` and ``theme_share_*`` KPIs read it;
* ``voice_themes`` — the themes of the run (id, label, terms, phrases, pinned);
* ``voice_sentiment_cache`` — text hash and lexicon fingerprint → compound score (with the
  domain lexicon extension of ``voice.yaml``, ``kpibridge.voice.lexicon``);
* ``voice_quarantine`` — texts that could not be scored, with the reason.

The report functions (``themes_report``, ``nps_trend``, ``verbatims``, ``sentiment_trend``,
``themes_moving_with``) read those tables and return JSON-ready results for the CLI and the
web app.
"""

from __future__ import annotations

import logging
import math
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from ibis.backends import BaseBackend
from ruamel.yaml import YAML

from kpibridge.errors import KpibridgeError
from kpibridge.metrics.backends import write_tables
from kpibridge.model.choices import VOICE_SOURCES
from kpibridge.services.metrics.workspace import Workspace
from kpibridge.voice.inputs import CSAT_RANGE, NPS_RANGE, RATING_RANGE, check_scores, prepare_texts
from kpibridge.voice.lexicon import LexiconExtension, parse_lexicon
from kpibridge.voice.pins import NamedTheme, Pin, name_themes, parse_pins
from kpibridge.voice.sentiment import start_scoring
from kpibridge.voice.themes import NO_THEME, ThemeOptions, discover_themes
from kpibridge.workspace.yaml_limits import read_yaml_file

logger = logging.getLogger(__name__)

VOICE_FILE = "voice.yaml"
TEXTS_TABLE = "voice_texts"
THEMES_TABLE = "voice_themes"
CACHE_TABLE = "voice_sentiment_cache"
QUARANTINE_TABLE = "voice_quarantine"
SOURCES = VOICE_SOURCES
UNTHEMED = "unthemed"


@dataclass(frozen=True)
class ScoreReport:
    """What one scoring run did."""

    texts: int
    newly_scored: int
    from_cache: int
    quarantined: dict[str, int]
    cleaned: dict[str, int]
    themes: list[dict[str, Any]]
    stability: dict[int, float]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


# -- reading the feedback ---------------------------------------------------------------


def read_table(backend: BaseBackend, name: str) -> pd.DataFrame:
    if name not in backend.list_tables():
        raise KpibridgeError(f"the warehouse has no table {name!r}")
    return backend.table(name).to_pandas()


def _feedback(backend: BaseBackend) -> pd.DataFrame:
    """Survey comments and review texts in one frame (``source``, ``row_id``, ``text`` …)."""
    surveys = read_table(backend, "surveys")
    reviews = read_table(backend, "reviews")
    check_scores(surveys["nps"], surveys["response_id"], NPS_RANGE, "surveys")
    check_scores(surveys["csat"], surveys["response_id"], CSAT_RANGE, "surveys")
    check_scores(reviews["rating"], reviews["review_id"], RATING_RANGE, "reviews")
    # a survey without a comment is no feedback text; an empty review text is quarantined
    comments = surveys[surveys["comment"].notna()]
    frames = [
        pd.DataFrame(
            {
                "source": "surveys",
                "row_id": comments["response_id"].astype("int64"),
                "posted_at": pd.to_datetime(comments["responded_at"]),
                "customer_id": comments["customer_id"].astype("Int64"),
                "product": pd.Series(pd.NA, index=comments.index, dtype="string"),
                "text": comments["comment"],
            }
        ),
        pd.DataFrame(
            {
                "source": "reviews",
                "row_id": reviews["review_id"].astype("int64"),
                "posted_at": pd.to_datetime(reviews["posted_at"]),
                "customer_id": reviews["customer_id"].astype("Int64"),
                "product": reviews["product"].astype("string"),
                "text": reviews["text"],
            }
        ),
    ]
    return pd.concat(frames, ignore_index=True)


def read_lexicon(root: Path) -> LexiconExtension:
    """The domain lexicon extension: the default, edited by ``voice.yaml``'s
    ``sentiment_lexicon`` (``kpibridge.voice.lexicon``)."""
    path = root / VOICE_FILE
    if not path.exists():
        return parse_lexicon(None)
    return parse_lexicon(YAML(typ="safe").load(path.read_text(encoding="utf-8")), str(path))


def read_pins(root: Path) -> tuple[Pin, ...]:
    path = root / VOICE_FILE
    if not path.exists():
        return ()
    return parse_pins(read_yaml_file(path, VOICE_FILE, typ="safe"), str(path))


# -- scoring ----------------------------------------------------------------------------


def _cached_scores(backend: BaseBackend) -> pd.Series:
    if CACHE_TABLE not in backend.list_tables():
        return pd.Series(dtype="float64")
    cache = backend.table(CACHE_TABLE).to_pandas()
    return pd.Series(cache["sentiment"].to_numpy(), index=cache["text_hash"].to_numpy())


def score_voice(
    ws: Workspace, *, seed: int = 0, workers: int | None = None, k: int | None = None
) -> ScoreReport:
    """Score the workspace's feedback and (re)write the voice tables (module docstring)."""
    backend = ws.backend
    feedback = _feedback(backend)
    row_keys = (feedback["source"] + ":" + feedback["row_id"].astype(str)).to_numpy()
    prepared = prepare_texts(row_keys, feedback["text"].tolist())
    position = pd.Series(np.arange(len(feedback)), index=row_keys)
    kept = feedback.iloc[position.loc[prepared.row_ids].to_numpy()].reset_index(drop=True)

    cache = _cached_scores(backend)
    lexicon = read_lexicon(ws.root)
    # a score is reused only if made with the same lexicon: the key is text hash + lexicon's
    hashes = pd.Series(prepared.hashes) + f":{lexicon.fingerprint}"
    new = ~hashes.isin(cache.index)
    new_hashes = hashes[new].drop_duplicates()
    texts = pd.Series(prepared.texts)
    # VADER in worker processes while this process finds and assigns the themes
    pending = start_scoring(texts[new_hashes.index].tolist(), workers=workers, extension=lexicon)

    try:
        names = {*kept["product"].dropna().unique(), ws.settings.name, ws.settings.name.split()[0]}
        options = ThemeOptions(seed=seed, k=k)
        if len(prepared.texts) >= options.min_texts:
            model = discover_themes(prepared.texts, names, options)
            named = name_themes(model.themes, read_pins(ws.root))
            assigned = model.assign(prepared.texts)
            theme_index, strength, stability = assigned.theme, assigned.strength, model.stability
        else:  # too few texts to find themes: every text is unthemed, sentiment still scored
            named = ()
            theme_index = np.full(len(prepared.texts), NO_THEME)
            strength, stability = np.zeros(len(prepared.texts)), {}
    except BaseException:
        pending()  # end the workers before the error goes up
        raise
    fresh = pending()
    new_cache = pd.DataFrame({"text_hash": new_hashes.to_numpy(), "sentiment": fresh})
    scores = pd.concat([cache, pd.Series(fresh, index=new_hashes.to_numpy())])
    ids = np.array([theme.id for theme in named] + [UNTHEMED], dtype=object)
    voice_texts = pd.DataFrame(
        {
            "text_id": prepared.row_ids.astype(str),
            "source": kept["source"].astype(str),
            "posted_at": kept["posted_at"],
            "customer_id": kept["customer_id"],
            "product": kept["product"],
            "sentiment": scores.loc[hashes].to_numpy(dtype=np.float64),
            "theme": ids[np.where(theme_index == NO_THEME, len(named), theme_index)],
            "theme_strength": strength,
            "text": prepared.texts,
            "text_hash": prepared.hashes,  # the text's own hash, without the lexicon's
        }
    )
    themes = _theme_table(named)
    quarantine = prepared.quarantine.assign(row_id=lambda f: f["row_id"].astype(str))
    current = scores[scores.index.str.endswith(f":{lexicon.fingerprint}")]  # drop stale
    full_cache = pd.DataFrame(
        {"text_hash": current.index.to_numpy(), "sentiment": current.to_numpy()}
    )
    _write(ws, voice_texts, themes, full_cache, quarantine)
    quarantined = {
        str(reason): int(count) for reason, count in quarantine["reason"].value_counts().items()
    }
    return ScoreReport(
        texts=len(voice_texts),
        newly_scored=len(new_cache),
        from_cache=int((~new).sum()),
        quarantined=quarantined,
        cleaned={key: prepared.counts.get(key, 0) for key in ("html", "truncated")},
        themes=[_theme_json(theme) for theme in named],
        stability=stability,
    )


def _theme_table(named: tuple[NamedTheme, ...]) -> pd.DataFrame:
    """One row per theme id; the terms of themes sharing a pin are merged, best first."""
    rows: dict[str, dict[str, Any]] = {}
    for theme in named:
        row = rows.setdefault(
            theme.id,
            {
                "theme": theme.id,
                "label": theme.label,
                "terms": [],
                "phrases": [],
                "pinned": theme.pinned,
            },
        )
        row["terms"] += [t for t in theme.theme.terms if t not in row["terms"]]
        row["phrases"] += [p for p in theme.theme.phrases if p not in row["phrases"]]
    return pd.DataFrame(
        [
            {**row, "terms": ", ".join(row["terms"]), "phrases": ", ".join(row["phrases"])}
            for row in rows.values()
        ],
        columns=["theme", "label", "terms", "phrases", "pinned"],
    )


def _theme_json(theme: NamedTheme) -> dict[str, Any]:
    return {
        "id": theme.id,
        "label": theme.label,
        "terms": list(theme.theme.terms),
        "phrases": list(theme.theme.phrases),
        "pinned": theme.pinned,
    }


def _write(
    ws: Workspace,
    voice_texts: pd.DataFrame,
    themes: pd.DataFrame,
    cache: pd.DataFrame,
    quarantine: pd.DataFrame,
) -> None:
    """Replace the voice tables (the cache with old and new scores) — in one transaction
    where the backend allows it, so a failure leaves the previous run's tables."""
    arrow = {
        TEXTS_TABLE: _arrow(voice_texts, _TEXTS_SCHEMA),
        THEMES_TABLE: _arrow(themes, _THEMES_SCHEMA),
        QUARANTINE_TABLE: _arrow(quarantine, _QUARANTINE_SCHEMA),
        CACHE_TABLE: _arrow(cache, _CACHE_SCHEMA),
    }
    write_tables(
        ws.backend,
        ws.settings.warehouse,
        ws.root,
        {
            name: partial(pa.RecordBatchReader.from_batches, t.schema, t.to_batches())
            for name, t in arrow.items()
        },
    )


_TEXTS_SCHEMA = pa.schema(
    [
        ("text_id", pa.string()),
        ("source", pa.string()),
        ("posted_at", pa.timestamp("us")),
        ("customer_id", pa.int64()),
        ("product", pa.string()),
        ("sentiment", pa.float64()),
        ("theme", pa.string()),
        ("theme_strength", pa.float64()),
        ("text", pa.string()),
        ("text_hash", pa.string()),
    ]
)
_THEMES_SCHEMA = pa.schema(
    [
        ("theme", pa.string()),
        ("label", pa.string()),
        ("terms", pa.string()),
        ("phrases", pa.string()),
        ("pinned", pa.bool_()),
    ]
)
_QUARANTINE_SCHEMA = pa.schema(
    [("row_id", pa.string()), ("reason", pa.string()), ("text", pa.string())]
)
_CACHE_SCHEMA = pa.schema([("text_hash", pa.string()), ("sentiment", pa.float64())])


def _arrow(frame: pd.DataFrame, schema: pa.Schema) -> pa.Table:
    """``frame`` as an Arrow table of exactly ``schema`` (NA → null)."""
    if frame.empty:
        return schema.empty_table()
    columns = {
        name: pa.array(
            [None if pd.isna(value) else value for value in frame[name]]
            if frame[name].dtype == object or str(frame[name].dtype) in ("string", "Int64")
            else frame[name].to_numpy(),
            type=schema.field(name).type,
        )
        for name in schema.names
    }
    return pa.table(columns, schema=schema)


# -- reports ----------------------------------------------------------------------------


def clean_value(value: Any) -> Any:
    return None if isinstance(value, float) and not math.isfinite(value) else value


# -- pinned themes as KPIs ---------------------------------------------------------------


def write_theme_kpis(root: Path, pins: tuple[Pin, ...] | None = None) -> list[str]:
    """For each pinned theme, a ``theme_share_ID`` KPI and its measure in the voice model.

    The measure ``theme_ID`` (texts of the theme) is added to ``models/voice_texts.yaml``,
    keeping its comments; the KPI is the ratio of that measure to all scored texts.
    Returns the KPI ids written.
    """
    pins = read_pins(root) if pins is None else pins
    yaml = YAML(typ="rt")
    model_path = root / "models" / "voice_texts.yaml"
    if not model_path.exists():
        raise KpibridgeError(f"{model_path} is missing: the voice KPIs need the voice_texts model")
    model = read_yaml_file(model_path, "models/voice_texts.yaml")
    written = []
    for pin in pins:
        model["measures"][f"theme_{pin.id}"] = {
            "agg": "count",
            "filter": f"theme = '{pin.id}'",
            "description": f"Texts about {pin.label}.",
        }
        kpi_id = f"theme_share_{pin.id}"
        document: dict[str, Any] = {
            "id": kpi_id,
            "name": f"Theme share: {pin.label}",
            "description": f"Share of customer texts (survey comments, reviews) about {pin.label}.",
            "type": "ratio",
            "numerator": f"voice_texts.theme_{pin.id}",
            "denominator": "voice_texts.voice_texts",
            "format": "percent",
            "direction": "lower_is_better",
            "goal": "customer-loyalty",
            "owner": "cx-lead",
            "nature": "qualitative",
            "caveats": "Themes are found by TF-IDF + NMF (docs/voice.md); a text has one theme.",
        }
        if pin.target is not None:
            document["targets"] = [{"value": pin.target}]
        with (root / "kpis" / f"{kpi_id}.yaml").open("w", encoding="utf-8") as handle:
            handle.write(
                f"# Written by kpibridge from the pinned theme {pin.id!r} in voice.yaml.\n"
            )
            yaml.dump(document, handle)
        written.append(kpi_id)
    with model_path.open("w", encoding="utf-8") as handle:
        yaml.dump(model, handle)
    return written


# -- themes that move with a KPI ---------------------------------------------------------
