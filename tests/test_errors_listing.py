"""``UnknownNameError`` is never a dead end (issue 21 item 9): the closest names when some
are close, else the valid ones (cut at ``MAX_LISTED`` with a count), with labels if given."""

from __future__ import annotations

from kpibridge.errors import MAX_LISTED, UnknownNameError


def test_close_names_are_suggested() -> None:
    error = UnknownNameError("KPI", "cca", ["cac", "revenue"])
    assert str(error) == "unknown KPI 'cca'. Did you mean 'cac'?"


def test_without_a_close_name_the_valid_ones_are_listed_with_labels() -> None:
    error = UnknownNameError("theme", "shipping", ["theme_7", "delivery"], {"delivery": "late"})
    assert str(error) == "unknown theme 'shipping'. Valid: delivery (late), theme_7."


def test_long_lists_are_cut_with_a_count_and_empty_ones_say_so() -> None:
    names = [f"kpi_{number:02d}" for number in range(30)]
    text = str(UnknownNameError("KPI", "revenue", names))
    assert text.endswith(f"kpi_{MAX_LISTED - 1:02d} … (30 in all).")
    assert str(UnknownNameError("KPI in the app store", "cac", [])) == (
        "unknown KPI in the app store 'cac'. There is no KPI in the app store yet."
    )
