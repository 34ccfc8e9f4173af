"""The one-minute summary of a round, in plain sentences a CMO can read.

Every sentence is built from figures of the analysis; nothing here decides anything.
Most important first: what is recommended, how solid it is, where people differ, who lost.
"""

from __future__ import annotations

from kpibridge.align.profile import join_names
from kpibridge.align.round_analysis import Groups, RoundAnalysis

MAX_DISSENT_LINES = 3


def summarize(analysis: RoundAnalysis) -> list[str]:
    names = analysis.names
    lines = [_participation(analysis)]
    selected = [names[c] for c in analysis.recommendation.selected]
    lines.append(f"Recommended ({len(selected)}): {join_names(selected)}.")
    lines += list(analysis.recommendation.reasons)
    primary = analysis.consensus["kemeny"]
    lines.append(
        f"Consensus (Kemeny-Young) ranks {names[primary.order[0]]} first. "
        + analysis.comparison.note
    )
    if analysis.sensitivity is not None:
        lines.append(analysis.sensitivity.sentence)
    if analysis.agreement is not None:
        lines.append(analysis.agreement.kendall_w.interpretation)
    contested = [c for c in analysis.contested if c.contested]
    if contested:
        lines.append("Most contested: " + contested[0].sentence)
    for groups in analysis.groups:
        lines.append(_groups(groups, names))
    if analysis.role_disagreements:
        top = analysis.role_disagreements[0]
        lines.append(
            f"Departments differ most on {names[top.candidate]}: {top.most} ranks it highest, "
            f"{top.least} lowest."
        )
    lines += _criteria(analysis)
    dissenting = [d for d in analysis.dissent if d.left_out][:MAX_DISSENT_LINES]
    for entry in dissenting:
        line = entry.sentence(names)
        reasons = [f"{names[c]}: “{text}”" for c, text in entry.rationale_left_out.items()]
        if reasons:
            line += " They wrote — " + "; ".join(reasons)
        lines.append(line)
    return lines


def _participation(analysis: RoundAnalysis) -> str:
    taking = analysis.participation
    parts = [f"{len(taking.rankers)} of {len(taking.participants)} participants ranked"]
    if taking.audience:
        parts.append(f"{taking.reactors} people reacted")
    if taking.missing:
        parts.append(f"no ballot from {join_names(list(taking.missing))}")
    return f"“{analysis.question}” — " + "; ".join(parts) + "."


def _groups(groups: Groups, names: dict[str, str]) -> str:
    who = "participants' rankings" if groups.source == "rankings" else "reactions"
    if groups.k <= 1:
        head = f"No distinct opinion groups in the {who}."
    else:
        strength = groups.separation.get("sentence") if groups.separation else None
        said = f" (separation {strength.rstrip('.')})" if strength else ""
        head = f"{groups.k} opinion groups in the {who}{said}. " + " ".join(
            d.sentence for d in groups.descriptions
        )
    alignment = groups.roles_alignment.get("sentence") if groups.k > 1 else None
    ground = groups.common_ground.sentence
    return " ".join(part for part in (head, alignment, ground) if part)


def _criteria(analysis: RoundAnalysis) -> list[str]:
    criteria = analysis.criteria
    if not criteria.participants:
        return []
    heaviest = max(criteria.weights, key=lambda c: criteria.weights[c])
    lines = [
        f"Criteria: {len(criteria.participants)} participants weighed them; "
        f"{heaviest.replace('_', ' ')} weighs most ({criteria.weights[heaviest]:.0%})."
    ]
    for person in criteria.inconsistent:
        if person.ahp is not None:
            lines.append(
                f"{person.participant}'s judgments are inconsistent: {person.ahp.explanation}"
            )
    return lines
