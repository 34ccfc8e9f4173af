"""Read and check alignment rounds (``rounds/NAME.yaml``)."""

from __future__ import annotations

from pathlib import Path

from kpibridge.errors import Issue, UnknownNameError, closest_names
from kpibridge.model.rounds import Round
from kpibridge.workspace.definition import WorkspaceDefinition
from kpibridge.workspace.loader import parse_source
from kpibridge.workspace.source import Source, read_yaml

ROUNDS_DIR = "rounds"


def round_names(root: Path) -> list[str]:
    folder = root / ROUNDS_DIR
    return sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []


def load_round(ws: WorkspaceDefinition, name: str) -> tuple[Round | None, list[Issue]]:
    """The round ``name`` and every problem in it (schema and references)."""
    path = ws.root / ROUNDS_DIR / f"{name}.yaml"
    if not path.is_file():
        raise UnknownNameError("round", name, round_names(ws.root))
    source, issues = read_yaml(path, ws.root)
    if source is None:
        return None, issues
    round_ = parse_source(source, Round.model_validate, issues)
    if round_ is None:
        return None, issues
    return round_, issues + check_round(round_, ws, source)


def check_round(round_: Round, ws: WorkspaceDefinition, source: Source) -> list[Issue]:
    """References: candidates are KPIs or proposals, people are stakeholders and
    participants, criteria and candidates in ballots exist, the selection fits."""
    issues: list[Issue] = []
    candidates = round_.all_candidates()
    for index, candidate in enumerate(round_.candidates):
        if candidate not in ws.kpis:
            issues.append(source.issue(["candidates", index], _unknown("KPI", candidate, ws.kpis)))
    people = [*ws.stakeholders]
    for index, person in enumerate(round_.participants):
        if person not in ws.stakeholders:
            issues.append(
                source.issue(["participants", index], _unknown("stakeholder", person, people))
            )
    if round_.facilitator and round_.facilitator not in ws.stakeholders:
        issues.append(
            source.issue(["facilitator"], _unknown("stakeholder", round_.facilitator, people))
        )
    if round_.select > len(candidates):
        issues.append(
            source.issue(
                ["select"],
                f"select is {round_.select} but the round has only {len(candidates)} candidates",
            )
        )
    voting = len(round_.participants) + len(round_.audience)
    if round_.quorum is not None and round_.quorum > voting:
        issues.append(
            source.issue(
                ["quorum"],
                f"quorum is {round_.quorum} but the round has only {voting} people who can vote",
            )
        )
    audience = [member.id for member in round_.audience]
    for index, member in enumerate(round_.audience):
        if member.id in ws.stakeholders or member.id in round_.participants:
            issues.append(
                source.issue(
                    ["audience", index, "id"],
                    f"{member.id!r} is a stakeholder: list stakeholders under participants",
                )
            )
    voters = [*round_.participants, *audience]
    seen: set[str] = set()
    for index, ballot in enumerate(round_.ballots):
        where: list[str | int] = ["ballots", index]
        if ballot.participant not in voters:
            issues.append(
                source.issue(
                    [*where, "participant"],
                    _unknown("participant", ballot.participant, voters),
                )
            )
        if ballot.participant in audience and (
            ballot.ranking or ballot.scores or ballot.comparisons or ballot.criteria_weights
        ):
            issues.append(
                source.issue(
                    [*where, "participant"],
                    f"{ballot.participant!r} is in the audience: audience ballots hold "
                    "reactions and rationale only (rank, score and weigh as a participant)",
                )
            )
        if ballot.participant in seen:
            issues.append(
                source.issue([*where, "participant"], f"a second ballot for {ballot.participant!r}")
            )
        seen.add(ballot.participant)
        ranked = ballot.ranked()
        for candidate in ranked:
            if candidate not in candidates:
                issues.append(
                    source.issue([*where, "ranking"], _unknown("candidate", candidate, candidates))
                )
        repeated = sorted({c for c in ranked if ranked.count(c) > 1})
        if repeated:
            issues.append(
                source.issue([*where, "ranking"], f"ranked more than once: {', '.join(repeated)}")
            )
        for field in ("scores", "reactions", "rationale"):
            for candidate in getattr(ballot, field):
                if candidate not in candidates:
                    issues.append(
                        source.issue(
                            [*where, field, candidate], _unknown("candidate", candidate, candidates)
                        )
                    )
        for candidate, marks in ballot.scores.items():
            for criterion, mark in marks.items():
                if criterion not in round_.criteria:
                    issues.append(
                        source.issue(
                            [*where, "scores", candidate, criterion],
                            _unknown("criterion", criterion, round_.criteria),
                        )
                    )
                elif not 1 <= mark <= 5:
                    issues.append(
                        source.issue(
                            [*where, "scores", candidate, criterion], f"score {mark} is outside 1-5"
                        )
                    )
        named = [c.a for c in ballot.comparisons] + [c.b for c in ballot.comparisons]
        named += list(ballot.criteria_weights or {})
        for criterion in dict.fromkeys(named):
            if criterion not in round_.criteria:
                issues.append(
                    source.issue([*where], _unknown("criterion", criterion, round_.criteria))
                )
    return sorted(issues)


def _unknown(kind: str, name: str, known: object) -> str:
    close = closest_names(name, known)  # type: ignore[arg-type]
    hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    return f"unknown {kind} {name!r}.{hint}"
