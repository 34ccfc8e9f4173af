"""The fitted model of a workspace: one NetCDF file, replaced only by a completed fit.

``.kpibridge/mmm/model.nc`` holds PyMC-Marketing's inference data (the posterior and the
model's configuration) with kpibridge's record (the weekly data, settings, diagnostics) in its
attributes. A new fit is written to a temporary file in the same folder and renamed over the
old one (``os.replace``, atomic on one file system), so an interrupted fit — Ctrl-C, a crash,
a full disk — leaves the previous model as it was.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kpibridge.errors import ModelNotFittedError
from kpibridge.mmm.diagnostics import Diagnostics
from kpibridge.mmm.fit import FitRecord

RECORD_ATTR = "kpibridge_record"
DIAGNOSTICS_ATTR = "kpibridge_diagnostics"


def model_path(root: Path) -> Path:
    return root / ".kpibridge" / "mmm" / "model.nc"


@dataclass(frozen=True)
class StoredModel:
    """The inference data of a fit with kpibridge's record and diagnostics."""

    idata: Any
    record: FitRecord
    diagnostics: Diagnostics


def save_model(root: Path, mmm: Any, record: FitRecord, diagnostics: Diagnostics) -> Path:
    """Write the fitted model; the previous one stays until the new file is complete."""
    path = model_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    mmm.idata.attrs[RECORD_ATTR] = record.to_json()
    mmm.idata.attrs[DIAGNOSTICS_ATTR] = json.dumps(diagnostics.to_dict())
    handle, temporary = tempfile.mkstemp(prefix=".model-", suffix=".nc.tmp", dir=path.parent)
    os.close(handle)
    try:
        mmm.save(temporary)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return path


def load_model(root: Path) -> StoredModel:
    """The stored fit, or ``ModelNotFittedError`` saying how to make one."""
    path = model_path(root)
    if not path.exists():
        raise ModelNotFittedError(
            f"no marketing mix model in {root} yet; run `kpibridge mmm fit` first"
        )
    import arviz as az

    idata = az.from_netcdf(str(path))
    record = FitRecord.from_json(idata.attrs[RECORD_ATTR])
    fields = json.loads(idata.attrs[DIAGNOSTICS_ATTR])
    diagnostics = Diagnostics(
        max_rhat=fields["max_rhat"],
        min_ess=fields["min_ess"],
        divergences=fields["divergences"],
        draws=fields["draws"],
        holdout_mape=fields["holdout_mape"],
    )
    return StoredModel(idata, record, diagnostics)
