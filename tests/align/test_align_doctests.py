"""The runnable examples in the docstrings of the consensus modules (STYLE.md §10)."""

from __future__ import annotations

import doctest
import importlib
from types import ModuleType

import pytest

MODULES = (
    "kpibridge.align.profile",
    "kpibridge.align.borda",
    "kpibridge.align.copeland",
    "kpibridge.align.schulze",
    "kpibridge.align.ranked_pairs",
    "kpibridge.align.kemeny",
    "kpibridge.align.consensus",
)


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    module: ModuleType = importlib.import_module(name)
    failures, tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert tried > 0, f"{name} has no runnable example"
    assert failures == 0
