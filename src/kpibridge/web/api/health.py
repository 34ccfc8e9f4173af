"""Liveness: answers without touching the workspace (and the baseline of benchmarks)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["health"])


@router.get("/healthz")
def health() -> dict[str, str]:
    return {"status": "ok"}
