"""No page of the demo prints "inf" or "nan" as a number (issue 21, item 6): the review pack
and every KPI page (with its monitor and drivers panel). Before the fix the review pack printed
``$inf`` cost per lead for channels without leads, and drivers split a cents-large change into
opposite tens-of-dollars mix and rate parts because of a channel with almost no customers."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from kpibridge.services.metrics.workspace import Workspace
from kpibridge.services.monitoring.drivers import last_change_drivers
from kpibridge.services.reviews.review_pack import build_review_pack
from kpibridge.services.reviews.review_render import render_review_html

NOT_A_NUMBER = re.compile(r"(?<![A-Za-z])[-+−]?[$€£]?(inf|nan|infinity)(?![A-Za-z])", re.I)


def numbers_that_are_not(html: str) -> list[str]:
    """Every "inf", "nan", "$inf", "-Infinity" … standing as a word, with its surroundings."""
    return [html[max(m.start() - 60, 0) : m.end() + 20] for m in NOT_A_NUMBER.finditer(html)]


def test_the_pattern() -> None:
    assert numbers_that_are_not("CPL $inf; share nan%; −inf; -Infinity") != []
    assert len(numbers_that_are_not("CPL $inf; share nan%; −inf; -Infinity")) == 4
    assert numbers_that_are_not("information, infinite, nanny, finance") == []


def test_the_review_pack_prints_only_numbers(demo_root: Path) -> None:
    with Workspace.open(demo_root) as ws:
        pack = build_review_pack(ws, None)
        html = render_review_html(ws, pack)
        drivers = last_change_drivers(ws, "cost_per_lead")
    assert numbers_that_are_not(html) == []
    # the channels without leads are there, in words
    leadless = [s for s in drivers.result.segments if s.thin]
    assert leadless, "the demo has channels that spend without leads"
    assert all(drivers.rate_text(s, "after") == "no leads" for s in leadless)
    total = (drivers.result.mix or 0) + (drivers.result.rate or 0) + (drivers.result.unsplit or 0)
    assert abs(total - drivers.result.change) < 1e-9


def test_every_kpi_page_prints_only_numbers(
    signed_in: Callable[[str], TestClient], demo_root: Path
) -> None:
    viewer = signed_in("viewer")
    with Workspace.open(demo_root) as ws:
        kpis = list(ws.kpis)
    found = {}
    for kpi in kpis:
        for path in (f"/kpis/{kpi}", f"/kpis/{kpi}/monitor"):
            response = viewer.get(path)
            assert response.status_code == 200, (path, response.text[:200])
            bad = numbers_that_are_not(response.text)
            if bad:
                found[path] = bad
    assert found == {}
