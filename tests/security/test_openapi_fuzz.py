"""Schemathesis against the app's own OpenAPI, as a signed-in user: every check, valid and invalid data.

Finding nothing means: no 5xx, every status and body the API answers is documented, invalid input
is refused with 4xx, and a request without credentials is refused.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.generation import GenerationMode

from tests.factories import bearer, make_entry, make_goal, make_token, register

# Modest by default (two cores, the whole suite in minutes); raise it for a deeper run.
MAX_EXAMPLES = int(os.environ.get("SYNCLOG_FUZZ_EXAMPLES", "12"))


@pytest.fixture
def fuzz_token(app: FastAPI) -> str:
    """A user with a goal and an entry, and a token holding every scope."""
    with TestClient(app) as client:
        register(client)
        goal = make_goal(client)
        make_entry(client, goal_ids=[goal["id"]])
        return make_token(client)


@pytest.fixture
def api_schema(app: FastAPI, fuzz_token: str) -> schemathesis.schemas.BaseSchema:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    schema.config.update(headers=bearer(fuzz_token))
    schema.config.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=MAX_EXAMPLES, database="none"
    )
    schema.config.checks.update(included_check_names=["all"])
    # Schema-valid yet refused: rules an OpenAPI schema cannot state (IANA zone names, a cursor this server
    # issued, goals of this user, an entry at most a day ahead) and the state of the data (409, 410, 412).
    schema.config.checks.positive_data_acceptance.expected_statuses = [
        "2xx",
        "304",
        "400",
        "401",
        "403",
        "404",
        "409",
        "410",
        "412",
        "422",
        "429",
    ]
    return schema


@pytest.fixture(autouse=True)
def _subtest_node_ids(request: pytest.FixtureRequest) -> None:
    # Schemathesis' lazy schemas rename the test node per operation through ``_nodeid``, which pytest 9 no longer has.
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_conforms_to_its_openapi(case: schemathesis.Case[Any]) -> None:
    case.call_and_validate()


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/summary/heatmap?to=0001-01-01",
        "/api/v1/summary/heatmap?from=9999-12-31",
        "/api/v1/summary?as_of=0001-01-01",
        "/api/v1/summary?as_of=9999-12-31",
        "/api/v1/summary/explain?as_of=0001-01-01",
        "/api/v1/summary/explain?as_of=9999-12-31",
        "/api/v1/entries?from=0001-01-01&to=9999-12-31",
    ],
)
def test_dates_at_the_ends_of_the_calendar_are_answered(client: TestClient, path: str) -> None:
    """Found by fuzzing: a heatmap ending in year 1 overflowed into a 500."""
    register(client)
    make_entry(client)
    response = client.get(path)
    assert response.status_code in (200, 422), response.text
