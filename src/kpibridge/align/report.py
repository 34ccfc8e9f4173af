"""A round's result as Markdown: for a wiki page, a pull request or the review pack.

Built from :meth:`RoundAnalysis.to_json`, so it shows exactly what the JSON output and the
web API show.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kpibridge.align.round_analysis import RoundAnalysis

METHOD_TITLES = {
    "kemeny": "Kemeny-Young",
    "schulze": "Schulze",
    "ranked_pairs": "Ranked Pairs",
    "copeland": "Copeland",
    "borda": "Borda",
}


def to_markdown(analysis: RoundAnalysis) -> str:
    data = analysis.to_json()
    names = analysis.names
    out: list[str] = [f"# {data['question']}", "", f"Round `{data['round']}`.", ""]
    out += ["## In one minute", ""] + [f"* {line}" for line in data["summary"]] + [""]
    if data["summary_details"]:
        out += ["## In more detail", ""] + [f"* {line}" for line in data["summary_details"]]
        out.append("")
    if not analysis.standing.decides:  # no ballots: no set, no ranking to show
        return "\n".join(out)

    out += ["## Recommended set", ""]
    for number, kpi in enumerate(data["recommendation"]["selected"], 1):
        out.append(f"{number}. **{names[kpi]}** (`{kpi}`)")
    out += [""] + [f"* {r}" for r in data["recommendation"]["reasons"]] + [""]

    out += ["## Consensus ranking", ""]
    methods = list(data["consensus"])
    rows = [
        [str(place + 1), *(names[data["consensus"][m]["order"][place]] for m in methods)]
        for place in range(len(names))
    ]
    out += _table(["#", *(METHOD_TITLES.get(m, m) for m in methods)], rows)
    out += ["", data["methods"]["note"], ""]
    if data["unweighted"]:
        order = data["unweighted"]["kemeny"]["order"]
        out += [
            "Without stakeholder weights (Kemeny-Young): "
            + ", ".join(names[c] for c in order)
            + ".",
            "",
        ]
    ties = [t for m in methods for t in data["consensus"][m]["tie_breaks"]]
    if ties:
        out += ["Ties broken:", ""] + [f"* {t}" for t in ties] + [""]
    if data["reasons"]:
        out += ["Why this order (head to head):", ""] + [f"* {r}" for r in data["reasons"]] + [""]
    if data["sensitivity"]:
        out += [f"Sensitivity: {data['sensitivity']['sentence']}", ""]

    if data["agreement"]:
        out += ["## Agreement", "", data["agreement"]["kendall_w"]["interpretation"], ""]
        distances = sorted(data["agreement"]["to_consensus"].items(), key=lambda i: i[1])
        out += _table(
            ["Participant", "Distance to consensus"], [[p, f"{d:.2f}"] for p, d in distances]
        )
        out.append("")

    flagged = [c for c in data["contested"] if c["contested"]]
    if flagged:
        out += ["## Contested KPIs", ""] + [f"* {c['sentence']}" for c in flagged] + [""]

    for groups in data["groups"]:
        out += [f"## Opinion groups ({groups['source']})", ""]
        out += [f"* {g['sentence']}" for g in groups["groups"]]
        alignment = groups["roles_alignment"].get("sentence")
        if alignment:
            out.append(f"* {alignment}")
        out += [f"* {n}" for n in groups["notes"]]
        out += ["", f"Common ground: {groups['common_ground']['sentence']}", ""]

    if data["departments"]:
        out += ["## By department", ""]
        out += _table(
            ["Role", "People", "Top priorities"],
            [
                [
                    v["role"],
                    str(len(v["participants"])),
                    ", ".join(names[c] for c in v["priorities"]),
                ]
                for v in data["departments"]
            ],
        )
        out.append("")

    out += _criteria(data["criteria"], names)

    dissent = [d for d in data["dissent"] if d["left_out"]]
    if dissent:
        out += ["## Dissent", ""]
        for entry in dissent:
            out.append(f"* {entry['sentence']}")
            for kpi, text in entry["rationale_left_out"].items():
                out.append(f"  * {names[kpi]}: “{text}”")
        out.append("")
    if data["notes"]:
        out += ["## Notes", ""] + [f"* {n}" for n in data["notes"]] + [""]
    return "\n".join(out)


def _criteria(criteria: dict[str, Any], names: dict[str, str]) -> list[str]:
    if not criteria["participants"] and not any(
        c["score"] is not None for c in criteria["candidates"]
    ):
        return []
    out = ["## Criteria", "", criteria["method"], ""]
    out += _table(
        ["Criterion", "Weight"], [[c, f"{w:.2f}"] for c, w in criteria["weights"].items()]
    )
    out.append("")
    for entry in criteria["inconsistent"]:
        out.append(f"* {entry['participant']}: {entry['explanation']}")
    scored = [c for c in criteria["candidates"] if c["score"] is not None]
    if scored:
        out += ["", "Multi-criteria scores (0 = all 1s, 1 = all 5s):", ""]
        out += _table(
            ["KPI", "Score", "Scored by"],
            [
                [names[c["candidate"]], f"{c['score']:.2f}", str(c["scored_by"])]
                for c in sorted(scored, key=lambda c: -c["score"])
            ],
        )
    out += [f"* {n}" for n in criteria["notes"]]
    out.append("")
    return out


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return lines
