"""Vega-Lite specs to SVG, offline, with vl-convert (the Vega renderer compiled into a Python
wheel: no browser, no network). The review pack inlines the SVG so its HTML stands alone.

Specs made for the web use ``width: "container"`` (the page sets the width); a file has no
container, so such a spec gets a fixed width first.
"""

from __future__ import annotations

from typing import Any

from kpibridge.errors import KpibridgeError

DEFAULT_WIDTH = 640
"""Width in pixels given to specs that ask for their container's width."""


def vega_lite_to_svg(spec: dict[str, Any], width: int = DEFAULT_WIDTH) -> str:
    """The chart as an ``<svg>`` document (text). Raises KpibridgeError when vl-convert is
    not installed or cannot render the spec."""
    try:
        import vl_convert
    except ImportError:
        raise KpibridgeError(
            "charts need vl-convert-python: pip install 'vl-convert-python>=1.6'"
        ) from None
    fixed = _fixed_width(spec, width)
    try:
        svg: str = vl_convert.vegalite_to_svg(fixed)
    except ValueError as error:
        raise KpibridgeError(f"vl-convert could not render a chart: {error}") from None
    return svg


def _fixed_width(spec: dict[str, Any], width: int) -> dict[str, Any]:
    """A copy of ``spec`` whose ``"container"`` widths (top level and layers) are ``width``."""
    copy = dict(spec)
    if copy.get("width") == "container":
        copy["width"] = width
    if "layer" in copy:
        copy["layer"] = [_fixed_width(layer, width) for layer in copy["layer"]]
    return copy
