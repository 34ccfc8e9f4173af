"""The package's public surface, and the examples in its docstrings."""

from __future__ import annotations

import doctest
import importlib

import pytest

import kpibridge.metrics.formula as formula

MODULES = ["nodes", "tokens", "parser", "printer", "references", "compile"]


def test_public_names_exist() -> None:
    assert sorted(formula.__all__) == sorted(set(formula.__all__))
    for name in formula.__all__:
        assert getattr(formula, name) is not None


@pytest.mark.parametrize("module", MODULES)
def test_docstring_examples(module: str) -> None:
    # importlib, because ``formula.references`` is the function, not the module.
    loaded = importlib.import_module(f"kpibridge.metrics.formula.{module}")
    result = doctest.testmod(loaded)
    assert result.failed == 0
