"""Numbers as people read them, by a KPI's ``format`` (number, percent, currency, ratio)."""

from __future__ import annotations

import math


def format_value(value: float | None, kind: str = "number", unit: str | None = None) -> str:
    """
    >>> format_value(0.1234, "percent"), format_value(1234.5, "currency"), format_value(None)
    ('12.3%', '$1,234', '—')
    """
    if value is None or not math.isfinite(value):  # never "inf" or "nan" on a page
        return "—"
    if kind == "percent":
        return f"{value * 100:.1f}%"
    if kind == "currency":
        text = f"${value:,.0f}" if abs(value) >= 1000 else f"${value:,.2f}"
        return text if unit in (None, "USD") else f"{text[1:]} {unit}"
    if kind == "ratio":
        return f"{value:.2f}"
    text = f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.4g}"
    return f"{text} {unit}" if unit and unit not in ("USD",) else text


def format_change(change: float | None) -> str:
    """Relative change with its sign: ``+4.2%``, ``−1.0%``, ``—``."""
    if change is None or not math.isfinite(change):
        return "—"
    arrow = "▲" if change > 0 else "▼" if change < 0 else "■"
    return f"{arrow} {abs(change) * 100:.1f}%"


def format_difference(value: float | None, kind: str = "number", unit: str | None = None) -> str:
    """A difference of two KPI values, signed; rates in percentage points.

    >>> format_difference(0.00043, "percent"), format_difference(-598.2, "currency")
    ('+0.04 pp', '−$598.20')
    """
    if value is None or not math.isfinite(value):
        return "—"
    sign = "+" if value > 0 else "−" if value < 0 else "±"
    if kind == "percent":
        return f"{sign}{abs(value) * 100:.2f} pp"
    return f"{sign}{format_value(abs(value), kind, unit)}"
