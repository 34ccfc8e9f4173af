"""An interrupted fit leaves the previous model in place; a missing model says what to run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kpibridge.errors import ModelNotFittedError
from kpibridge.mmm.diagnostics import Diagnostics
from kpibridge.mmm.fit import FitRecord
from kpibridge.services.allocation.stored import load_model, model_path, save_model


class _Idata:
    def __init__(self) -> None:
        self.attrs: dict[str, Any] = {}


class _Model:
    """Stands in for a fitted PyMC-Marketing model: ``save`` writes ``payload`` and then,
    when asked to, is interrupted half-way (as Ctrl-C during a write would)."""

    def __init__(self, payload: bytes, interrupt: bool = False) -> None:
        self.idata = _Idata()
        self.payload, self.interrupt = payload, interrupt

    def save(self, path: str) -> None:
        with open(path, "wb") as handle:
            handle.write(self.payload[: len(self.payload) // 2])
            if self.interrupt:
                raise KeyboardInterrupt
            handle.write(self.payload[len(self.payload) // 2 :])


def _record() -> FitRecord:
    return FitRecord("revenue", ["a"], [], ["2024-01-01"], [[1.0]], [1.0], {}, 0.05, 0)


def _diagnostics() -> Diagnostics:
    return Diagnostics(1.0, 500, 0, 1000, 0.05)


def test_an_interrupted_save_leaves_the_previous_model(tmp_path: Path) -> None:
    save_model(tmp_path, _Model(b"the first model"), _record(), _diagnostics())
    path = model_path(tmp_path)
    assert path.read_bytes() == b"the first model"
    with pytest.raises(KeyboardInterrupt):
        save_model(
            tmp_path, _Model(b"a second, better model", interrupt=True), _record(), _diagnostics()
        )
    assert path.read_bytes() == b"the first model"
    assert [p.name for p in path.parent.iterdir()] == ["model.nc"]  # no temporary left
    save_model(tmp_path, _Model(b"a second, better model"), _record(), _diagnostics())
    assert path.read_bytes() == b"a second, better model"


def test_no_model_yet_says_what_to_run(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFittedError, match="run `kpibridge mmm fit` first"):
        load_model(tmp_path)
