"""Pinned themes: names that survive re-runs, matched to newly found themes by their terms.

A workspace's ``voice.yaml`` pins themes it cares about::

    themes:
      - id: delivery                # a KPI-safe identifier (theme_share_delivery)
        label: Delivery problems
        terms: [late, delivery, days, tracking]
        target: 0.05                # optional: target share for theme_share_delivery

Each run discovers its themes afresh; a discovered theme takes the id and label of the pin
whose terms carry the largest share of the weight of its ten top terms, if that share is at
least ``MIN_SHARE``. Other themes get ``theme_N`` ids from their position.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from kpibridge.errors import KpibridgeError
from kpibridge.voice.themes import Theme

#: Share of a theme's top-term weight a pin's terms must carry to name it.
MIN_SHARE = 0.3
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Pin:
    id: str
    label: str
    terms: tuple[str, ...]
    target: float | None = None
    """Target share (0 … 1) for the theme's KPI, if any."""


@dataclass(frozen=True)
class NamedTheme:
    """A discovered theme with the id and label it is reported under."""

    theme: Theme
    id: str
    label: str
    pinned: bool
    share: float | None = None
    """Share of the theme's top-term weight in the pin's terms (pinned themes)."""


def parse_pins(document: object, where: str = "voice.yaml") -> tuple[Pin, ...]:
    """Pins from a parsed ``voice.yaml`` (``None`` or ``{}`` → none)."""
    if document is None:
        return ()
    if not isinstance(document, dict):
        raise KpibridgeError(f"{where}: expected a mapping with 'themes', got {document!r}")
    items = document.get("themes") or []
    if not isinstance(items, list):
        raise KpibridgeError(f"{where}: themes must be a list")
    pins: list[Pin] = []
    for position, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise KpibridgeError(f"{where}: themes[{position}] needs an id")
        pin_id = item["id"]
        if not _ID.match(pin_id):
            raise KpibridgeError(
                f"{where}: themes[{position}].id {pin_id!r} must be lower-case letters, digits "
                "and underscores, starting with a letter"
            )
        terms = item.get("terms")
        if not isinstance(terms, list) or not terms or not all(isinstance(t, str) for t in terms):
            raise KpibridgeError(f"{where}: themes[{position}] ({pin_id}) needs a list of terms")
        if pin_id in {pin.id for pin in pins}:
            raise KpibridgeError(f"{where}: themes[{position}]: id {pin_id!r} is pinned twice")
        target = item.get("target")
        if target is not None and (
            isinstance(target, bool) or not isinstance(target, int | float) or not 0 <= target <= 1
        ):
            raise KpibridgeError(
                f"{where}: themes[{position}] ({pin_id}): target must be a share from 0 to 1, "
                f"got {target!r}"
            )
        pins.append(
            Pin(
                pin_id,
                str(item.get("label") or pin_id),
                tuple(t.lower() for t in terms),
                None if target is None else float(target),
            )
        )
    return tuple(pins)


def pin_share(pin: Pin, theme: Theme) -> float:
    """Share of the theme's top-term weight carried by the pin's terms (0 … 1)."""
    weights = theme.weights or tuple(1.0 for _ in theme.terms)
    total = sum(weights)
    pinned = set(pin.terms)
    return (
        sum(w for t, w in zip(theme.terms, weights, strict=True) if t in pinned) / total
        if total
        else 0.0
    )


def name_themes(themes: Sequence[Theme], pins: Sequence[Pin]) -> tuple[NamedTheme, ...]:
    """Every theme with its id and label: a theme whose top terms carry at least
    ``MIN_SHARE`` of their weight in a pin's terms takes the id of the pin with the largest
    share (several themes may take the same pin: NMF often splits one topic, e.g. late
    parcels and damaged parcels); the others are numbered ``theme_N``."""
    named = []
    for i, theme in enumerate(themes):
        shares = [pin_share(pin, theme) for pin in pins]
        best = int(np.argmax(shares)) if shares else -1
        if best >= 0 and shares[best] >= MIN_SHARE:
            pin = pins[best]
            named.append(NamedTheme(theme, pin.id, pin.label, True, shares[best]))
        else:
            named.append(NamedTheme(theme, f"theme_{i + 1}", theme.label, False))
    return tuple(named)
