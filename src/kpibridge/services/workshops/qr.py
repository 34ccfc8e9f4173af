"""The join QR code as an SVG, made by segno (a kept, dependency-free QR library): the
projector and the facilitator's page show it, and ``kpibridge workshop open --qr FILE``
writes it."""

from __future__ import annotations

import io

import segno


def qr_svg(text: str, *, scale: int = 8) -> str:
    """An SVG QR code of ``text`` (error correction M: still reads when a corner is glared)."""
    code = segno.make(text, error="m", micro=False)
    buffer = io.BytesIO()
    code.save(
        buffer,
        kind="svg",
        scale=scale,
        border=2,
        dark="#111",
        light="#fff",
        xmldecl=False,
        omitsize=True,  # a viewBox only: the page sizes it without cropping
    )
    return buffer.getvalue().decode("utf-8")


def join_url(base_url: str, code: str) -> str:
    """The link people open to join: ``BASE/w/CODE``."""
    return f"{base_url.rstrip('/')}/w/{code}"
