"""Customer voice: NPS and CSAT with their uncertainty, sentiment, themes, emerging themes.

A plain library (texts and scores in, results out), usable from a notebook::

    from kpibridge.voice import nps, score_texts, discover_themes
    nps(scores)                       # Estimate(value, low, high, n, …)
    score_texts(["Arrived late."])    # VADER compound scores
    model = discover_themes(texts, names=["Acme"])
    model.assign(texts).theme         # theme index per text (−1: none)

``kpibridge.services.voice.scoring`` runs it on a workspace (see docs/voice.md).
"""

from kpibridge.errors import VoiceInputError
from kpibridge.voice.emerging import EmergingTheme, emerging_themes
from kpibridge.voice.inputs import check_scores, prepare_texts
from kpibridge.voice.nps import Change, Estimate, csat, csat_change, nps, nps_change
from kpibridge.voice.pins import Pin, name_themes, parse_pins
from kpibridge.voice.sentiment import compound_score, score_texts, sentiment_index
from kpibridge.voice.themes import Theme, ThemeModel, ThemeOptions, discover_themes

__all__ = [
    "Change",
    "EmergingTheme",
    "Estimate",
    "Pin",
    "Theme",
    "ThemeModel",
    "ThemeOptions",
    "VoiceInputError",
    "check_scores",
    "compound_score",
    "csat",
    "csat_change",
    "discover_themes",
    "emerging_themes",
    "name_themes",
    "nps",
    "nps_change",
    "parse_pins",
    "prepare_texts",
    "score_texts",
    "sentiment_index",
]
