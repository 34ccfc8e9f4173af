"""Integer ids in paths are checked at the edge: a number no stored row can have (beyond the
32-bit range of the store's ids, zero, negative) is 422 on every route that takes one, for
pages and the API alike, never a database overflow answered with 500."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from kpibridge.web.deps import MAX_RECORD_ID

OUT_OF_RANGE = ("99999999999999999999", str(2**63), str(MAX_RECORD_ID + 1), "0", "-1")


def int_id_routes(routes: Any, prefix: str = "") -> Iterator[tuple[str, str, list[str]]]:
    """(method, path, names of its integer path parameters) of every route that has one."""
    for route in routes:
        if isinstance(route, APIRoute):
            names = [p.name for p in route.dependant.path_params if p.field_info.annotation is int]
            if names:
                for method in sorted(route.methods):
                    yield method, prefix + route.path, names
        elif hasattr(route, "original_router"):
            yield from int_id_routes(
                route.original_router.routes, prefix + route.include_context.prefix
            )


def test_the_routes_with_integer_ids_are_found(web_app: FastAPI) -> None:
    found = {(method, path) for method, path, _ in int_id_routes(web_app.routes)}
    assert ("GET", "/api/v1/proposals/{proposal_id}") in found
    assert ("GET", "/proposals/{proposal_id}") in found
    assert ("POST", "/proposals/{proposal_id}/decisions") in found
    assert ("POST", "/api/v1/proposals/{proposal_id}/decisions") in found


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_an_id_out_of_range_is_422_on_every_route(
    web_app: FastAPI, signed_in: Callable[[str], TestClient], value: str
) -> None:
    client = signed_in("admin")
    for method, path, names in int_id_routes(web_app.routes):
        concrete = path
        for name in names:
            concrete = concrete.replace("{" + name + "}", value)
        headers = {"X-CSRF-Token": client.cookies.get("kpibridge_csrf") or ""}
        response = client.request(
            method,
            concrete,
            headers=headers,
            json={"decision": "comment", "comment": "x"},
            follow_redirects=False,
        )
        assert response.status_code == 422, (method, concrete, response.text[:200])


def test_an_id_in_range_that_names_nothing_is_404(signed_in: Callable[[str], TestClient]) -> None:
    client = signed_in("admin")
    assert client.get(f"/api/v1/proposals/{MAX_RECORD_ID}").status_code == 404
    assert client.get(f"/proposals/{MAX_RECORD_ID}").status_code == 404
