"""Property-based requests over the whole OpenAPI description (Schemathesis): every API
operation gets generated bodies, paths and queries — valid ones and edge cases such as
huge integers, empty objects and odd strings — sent as an admin (who reaches every
operation's logic). The bar: no answer is a server error (5xx). Bounded: a few examples per
operation, a fixed seed (derandomized), no deadline, so that it runs in a minute or two and
the same way every time."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings

EXAMPLES_PER_OPERATION = 8


@pytest.fixture(scope="module")
def fuzzed_app(make_app: Any) -> FastAPI:
    app: FastAPI = make_app(login_attempts_per_ip=100_000)
    return app


def test_no_operation_answers_with_a_server_error(fuzzed_app: FastAPI) -> None:
    token = fuzzed_app.state.tokens["admin"]
    auth = {"Authorization": f"Bearer {token}"}
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzzed_app, headers=auth)
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def send(case: Any) -> None:
            response = case.call(headers=auth)
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path} → {response.status_code}: "
                    f"{response.text[:200]}"
                )

        send()
    assert operations >= 25  # the whole API was walked
    assert failures == []
