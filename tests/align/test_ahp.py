from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from kpibridge.align.ahp import ahp_weights, combine_judgments

DRINKS = ("coffee", "wine", "tea", "beer", "soda", "milk", "water")
# Saaty's "which drink is consumed more in the U.S.?" matrix (Saaty 1980, §2; Saaty 1990,
# "How to make a decision: the AHP", EJOR 48, table 1), row over column. The upper triangle
# is the published judgments; the test checks it against the published priorities and λmax.
DRINK_MATRIX = (
    (1, 9, 5, 2, 1, 1, 1 / 2),
    (1 / 9, 1, 1 / 3, 1 / 9, 1 / 9, 1 / 9, 1 / 9),
    (1 / 5, 3, 1, 1 / 3, 1 / 4, 1 / 3, 1 / 9),
    (1 / 2, 9, 3, 1, 1 / 2, 1, 1 / 3),
    (1, 9, 4, 2, 1, 2, 1 / 2),
    (1, 9, 3, 1, 1 / 2, 1, 1 / 3),
    (2, 9, 9, 3, 2, 3, 1),
)
PUBLISHED = {
    "water": 0.327,
    "soda": 0.190,
    "coffee": 0.177,
    "milk": 0.129,
    "beer": 0.116,
    "tea": 0.042,
    "wine": 0.019,
}


def upper_triangle(names: tuple[str, ...], matrix: object) -> list[tuple[str, str, float]]:
    rows = np.asarray(matrix, dtype=float)
    return [
        (names[i], names[j], float(rows[i, j]))
        for i, j in itertools.combinations(range(len(names)), 2)
    ]


def test_saaty_drinks_example_reproduces_the_published_priorities() -> None:
    result = ahp_weights(DRINKS, upper_triangle(DRINKS, DRINK_MATRIX))
    assert {c: round(w, 3) for c, w in result.weights.items()} == PUBLISHED
    assert round(result.lambda_max, 3) == 7.177
    # CI = 0.177 / 6, RI(7) = 1.32: CR ≈ 0.022, well within Saaty's 0.10
    assert result.consistency_ratio == pytest.approx((result.lambda_max - 7) / 6 / 1.32)
    assert result.consistent
    assert result.missing == ()


def test_a_consistent_matrix_has_zero_inconsistency() -> None:
    true = np.array([0.4, 0.3, 0.2, 0.1])
    names = ("a", "b", "c", "d")
    result = ahp_weights(names, upper_triangle(names, true[:, None] / true[None, :]))
    assert list(result.weights.values()) == pytest.approx(true.tolist())
    assert result.lambda_max == pytest.approx(4.0)
    assert result.consistency_ratio == pytest.approx(0.0, abs=1e-9)
    assert "fit together" in result.explanation


def test_incomplete_connected_judgments_give_the_weights_of_the_complete_matrix() -> None:
    # Harker (1987): missing entries act as w_i / w_j, so a spanning tree of a consistent
    # matrix determines the weights exactly.
    true = np.array([0.35, 0.25, 0.2, 0.12, 0.08])
    names = ("a", "b", "c", "d", "e")
    tree = [("a", "b"), ("b", "c"), ("a", "d"), ("d", "e")]
    index = {c: i for i, c in enumerate(names)}
    result = ahp_weights(names, [(x, y, true[index[x]] / true[index[y]]) for x, y in tree])
    assert list(result.weights.values()) == pytest.approx(true.tolist())
    assert result.consistency_ratio == pytest.approx(0.0, abs=1e-9)
    assert len(result.missing) == 10 - 4


def test_the_most_inconsistent_judgment_is_named() -> None:
    # a consistent 5 × 5 matrix with one judgment turned round: "e is 5 times as important
    # as a" where every other judgment says a is 5 times as important as e
    true = np.array([0.4, 0.25, 0.15, 0.12, 0.08])
    names = ("a", "b", "c", "d", "e")
    comparisons = [
        (x, y, 1 / v if (x, y) == ("a", "e") else v)
        for x, y, v in upper_triangle(names, true[:, None] / true[None, :])
    ]
    result = ahp_weights(names, comparisons)
    assert not result.consistent
    worst = result.most_inconsistent
    assert worst is not None
    assert (worst.a, worst.b, worst.given) == ("e", "a", pytest.approx(5.0))
    assert worst.factor > 4  # the other judgments imply e and a are about equal
    assert "'e' was said to be 5 times as important as 'a'" in result.explanation


def test_two_criteria_are_always_consistent() -> None:
    result = ahp_weights(["a", "b"], [("a", "b", 3)])
    assert result.weights == pytest.approx({"a": 0.75, "b": 0.25})
    assert result.consistency_ratio == 0.0
    assert result.consistent


@pytest.mark.parametrize(
    ("comparisons", "message"),
    [
        ([("a", "b", 2), ("c", "d", 3)], "a, b; c, d"),
        ([("a", "b", 2), ("a", "c", 3)], "d"),
    ],
)
def test_disconnected_judgments_are_refused_naming_the_groups(
    comparisons: list[tuple[str, str, float]], message: str
) -> None:
    with pytest.raises(ValueError, match="do not connect") as caught:
        ahp_weights(["a", "b", "c", "d"], comparisons)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("comparisons", "message"),
    [
        ([("a", "mesurability", 2)], "'mesurability'.*Did you mean 'measurability'"),
        ([("a", "a", 2)], "compared with itself"),
        ([("a", "measurability", 12)], "outside Saaty's scale"),
        ([("a", "measurability", 0.05)], "outside Saaty's scale"),
        ([("a", "measurability", 2), ("measurability", "a", 2)], "compared twice"),
    ],
)
def test_bad_judgments_are_refused_with_a_reason(
    comparisons: list[tuple[str, str, float]], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        ahp_weights(["a", "measurability"], comparisons)


def test_a_repeated_but_agreeing_judgment_is_accepted() -> None:
    result = ahp_weights(["a", "b"], [("a", "b", 4), ("b", "a", 0.25)])
    assert result.weights["a"] == pytest.approx(0.8)


def test_combine_judgments_takes_the_geometric_mean_of_those_who_judged() -> None:
    combined = combine_judgments(
        [
            [("a", "b", 4), ("a", "c", 2)],
            [("b", "a", 1)],  # a over b: 1
            [("a", "b", 1 / 4), ("b", "c", 3)],
        ]
    )
    as_dict = {(a, b): v for a, b, v in combined}
    assert as_dict[("a", "b")] == pytest.approx((4 * 1 * 0.25) ** (1 / 3))
    assert as_dict[("a", "c")] == pytest.approx(2.0)  # only the first person judged it
    assert as_dict[("b", "c")] == pytest.approx(3.0)


def test_combined_consistent_judgments_give_the_geometric_mean_of_the_weights() -> None:
    # For consistent individuals AIJ equals the normalised geometric mean of priorities.
    names = ("a", "b", "c")
    first, second = np.array([0.6, 0.3, 0.1]), np.array([0.2, 0.3, 0.5])
    combined = combine_judgments(
        [upper_triangle(names, w[:, None] / w[None, :]) for w in (first, second)],
        weights=[3, 1],
    )
    expected = first**0.75 * second**0.25
    result = ahp_weights(names, combined)
    assert list(result.weights.values()) == pytest.approx((expected / expected.sum()).tolist())
    assert math.isclose(result.consistency_ratio, 0.0, abs_tol=1e-9)
