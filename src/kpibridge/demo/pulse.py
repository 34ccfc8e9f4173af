"""The demo round's audience: staff from four departments react to the candidate KPIs.

A Pol.is-style pulse beside the leadership's rankings. Two camps are planted — brand and
customer people for brand and loyalty KPIs, sales and finance people for acquisition
efficiency — and everyone leans towards the KPIs that join the two (CLV:CAC, repeat
purchase rate), so the round has opinion groups that line up with departments *and*
common ground. Each member sees only some candidates, passes on some and sometimes votes
against their camp, so the analysis has noise to see through.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kpibridge.demo.rng import stream

AUDIENCE = (("marketing", 14), ("brand", 8), ("customer-voice", 6), ("sales", 12), ("finance", 8))
"""Departments and how many of their people react."""

CAMP = {
    "marketing": "brand",
    "brand": "brand",
    "customer-voice": "brand",
    "sales": "efficiency",
    "finance": "efficiency",
}

LEANINGS: dict[str, dict[str, float]] = {
    # probability of agreeing (the rest disagree), by camp; unlisted candidates are 0.5
    "brand": {
        "brand_awareness": 0.9,
        "share_of_voice": 0.85,
        "engagement_rate": 0.8,
        "nps": 0.9,
        "historical_clv": 0.8,
        "cac": 0.2,
        "roas": 0.15,
        "mql_to_sql": 0.25,
        "clv_to_cac": 0.8,
        "repeat_purchase_rate": 0.85,
    },
    "efficiency": {
        "brand_awareness": 0.1,
        "share_of_voice": 0.15,
        "engagement_rate": 0.2,
        "nps": 0.4,
        "cac": 0.9,
        "roas": 0.85,
        "marketing_roi": 0.9,
        "conversion_rate": 0.85,
        "mql_to_sql": 0.85,
        "clv_to_cac": 0.85,
        "repeat_purchase_rate": 0.75,
    },
}
SEEN = 0.8
"""Share of candidates each member is shown."""
PASS = 0.1
"""Share of shown candidates a member passes on."""


@dataclass(frozen=True)
class Audience:
    members: list[dict[str, str]]
    ballots: list[dict[str, Any]]


def audience(candidates: list[str], seed: int) -> Audience:
    """Audience members (``id``, ``role``) and their reaction ballots, reproducible by seed."""
    rng = stream(seed, "pulse")
    members: list[dict[str, str]] = []
    ballots: list[dict[str, Any]] = []
    for role, count in AUDIENCE:
        leaning = LEANINGS[CAMP[role]]
        for number in range(1, count + 1):
            member = f"{role}-{number:02d}"
            reactions: dict[str, str] = {}
            for candidate in candidates:
                if rng.random() >= SEEN:
                    continue
                if rng.random() < PASS:
                    reactions[candidate] = "pass"
                    continue
                agree = rng.random() < leaning.get(candidate, 0.5)
                reactions[candidate] = "agree" if agree else "disagree"
            members.append({"id": member, "role": role})
            ballots.append({"participant": member, "reactions": reactions})
    return Audience(members, ballots)
