"""Whether a round's ballots are enough to decide anything.

A result must never outrun its evidence. Three states:

* **no ballots** — no ballot ranks the candidates (and none reacts to them): there is no
  consensus, no recommendation, and nothing to adopt. The candidates' order would only be
  the order they were listed in.
* **below quorum** — the round set a quorum (``quorum:`` in its YAML, or on the web form)
  and fewer ballots count than it asks for: the result is shown as provisional, first, and
  adopting it needs the facilitator's explicit confirmation with a reason (audited).
* **quorate** — enough ballots (or no quorum set and at least one ballot).

The ballots that count are the ones the consensus is computed from: those with a ranking;
in a round where no one ranked, those with reactions (the analysis then ranks by the
reactions). A ballot with scores or weights only does not count: it says nothing about the
order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from kpibridge.model.rounds import Ballot

State = Literal["no ballots", "below quorum", "quorate"]


@dataclass(frozen=True)
class Standing:
    counted: int
    """Ballots the consensus is computed from."""
    basis: Literal["rankings", "reactions"]
    quorum: int | None
    """The round's quorum (None: the round set none)."""

    @property
    def state(self) -> State:
        if self.counted == 0:
            return "no ballots"
        if self.quorum is not None and self.counted < self.quorum:
            return "below quorum"
        return "quorate"

    @property
    def decides(self) -> bool:
        """Whether there is any result to recommend (at least one ballot counts)."""
        return self.counted > 0

    @property
    def below_quorum(self) -> bool:
        return self.state == "below quorum"

    def sentence(self) -> str | None:
        """What a reader must know before the result (None when the result stands)."""
        if self.state == "no ballots":
            return "No ballots yet: no recommendation, no consensus, nothing to adopt."
        if self.state == "below quorum":
            return (
                f"Below quorum: only {_ballots(self.counted, self.basis)} the candidates; the "
                f"round asks for {self.quorum}. The result is provisional: adopting it needs "
                "the facilitator's confirmation."
            )
        return None

    def to_json(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "counted": self.counted,
            "basis": self.basis,
            "quorum": self.quorum,
            "sentence": self.sentence(),
        }


def round_standing(ballots: Sequence[Ballot], quorum: int | None) -> Standing:
    """The standing of a round with these (live) ballots and this quorum."""
    ranked = sum(1 for b in ballots if b.ranking)
    if ranked:
        return Standing(ranked, "rankings", quorum)
    return Standing(sum(1 for b in ballots if b.reactions), "reactions", quorum)


def _ballots(count: int, basis: str) -> str:
    verb = "rank" if basis == "rankings" else "react"
    return f"{count} ballot{'s' if count != 1 else ''} {verb}{'s' if count == 1 else ''}"
