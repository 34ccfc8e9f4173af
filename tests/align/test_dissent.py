from __future__ import annotations

from kpibridge.align.dissent import dissent


def test_dissent_measures_overlap_and_keeps_the_reasons() -> None:
    rankings = {
        "cfo": [["cac"], ["roas"], ["marketing_roi"]],
        "cmo": [["brand_awareness", "nps"], ["cac"]],
        "ceo": [["cac"], ["nps"], ["roas"]],
    }
    rationale = {
        "cfo": {"brand_awareness": "Not measurable.", "marketing_roi": "Must pay back."},
        "cmo": {"brand_awareness": "Brand makes channels cheaper."},
    }
    result = {d.participant: d for d in dissent(rankings, rationale, ["cac", "nps", "roas"])}
    assert result["ceo"].distance == 0.0
    assert result["cfo"].left_out == ("marketing_roi",)
    assert result["cfo"].rationale_left_out == {"marketing_roi": "Must pay back."}
    # a tie at the boundary is kept whole: cmo wanted brand_awareness, nps and cac
    assert result["cmo"].wanted == ("brand_awareness", "nps", "cac")
    assert result["cmo"].left_out == ("brand_awareness",)
    assert result["cmo"].rationale_left_out == {"brand_awareness": "Brand makes channels cheaper."}
    # most dissenting first: cfo and cmo both lost one of three; ceo lost none
    order = [d.participant for d in dissent(rankings, rationale, ["cac", "nps", "roas"])]
    assert order == ["cfo", "cmo", "ceo"]


def test_objections_to_selected_kpis_are_recorded() -> None:
    result = dissent({"cfo": [["cac"]]}, {"cfo": {"nps": "Too noisy."}}, ["nps"])
    assert result[0].objections == {"nps": "Too noisy."}
    assert result[0].distance == 1.0
