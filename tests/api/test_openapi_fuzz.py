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
from schemathesis.checks import negative_data_rejection
from schemathesis.generation import GenerationMode

from app.api.deps import SESSION_COOKIE
from tests.factories import make_entry, make_goal, make_token, register

# Modest by default (two cores, the whole suite in minutes); raise it for a deeper run.
MAX_EXAMPLES = int(os.environ.get("SYNCLOG_FUZZ_EXAMPLES", "8"))
# The count is given to Hypothesis too: a profile's count (tests/conftest.py) would otherwise win over the schema's.
FUZZING = settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)


@pytest.fixture
def fuzz_token(app: FastAPI) -> str:
    """A user with a goal and an entry, and a token holding every scope."""
    with TestClient(app) as client:
        register(client)
        goal = make_goal(client)
        make_entry(client, goal_ids=[goal["id"]])
        return make_token(client)


@pytest.fixture
def fuzz_session(app: FastAPI) -> str:
    """The session cookie of a signed-in user with a token, for the account routes tokens may not use."""
    with TestClient(app) as client:
        register(client)
        make_token(client)
        return str(client.cookies[SESSION_COOKIE])


def _configured(
    schema: schemathesis.schemas.BaseSchema, scheme: str, credential: dict[str, str], app: FastAPI
) -> schemathesis.schemas.BaseSchema:
    # Credentials given for their security scheme, so the ignored_auth check can take them away and expect a 401.
    schema.config.auth = type(schema.config.auth)(openapi={scheme: credential}, auto_signup=False)
    schema.config.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=MAX_EXAMPLES, database="none"
    )
    schema.config.checks.update(included_check_names=["all"])
    # The coverage phase (every boundary and near-miss value the schema defines, every unexpected method: half the
    # run's time) runs on PostgreSQL, whose types refuse the most (NUL in text, integer ranges); the examples and the
    # random fuzzing run on both engines.
    schema.config.phases.coverage.enabled = app.state.database.dialect == "postgresql"
    # Schema-valid yet refused: rules an OpenAPI schema cannot state (IANA zone names, a cursor this server
    # issued, goals of this user, an entry at most a day ahead) and the state of the data (409, 410, 412).
    accepted = ["2xx", "304", "400", "401", "403", "404", "409", "410", "412", "422", "429"]
    schema.config.checks.positive_data_acceptance.expected_statuses = accepted
    return schema


@pytest.fixture
def api_schema(app: FastAPI, fuzz_token: str) -> schemathesis.schemas.BaseSchema:
    return _configured(
        schemathesis.openapi.from_asgi("/openapi.json", app), "personalAccessToken", {"bearer": fuzz_token}, app
    )


@pytest.fixture
def account_schema(app: FastAPI, fuzz_session: str) -> schemathesis.schemas.BaseSchema:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    return _configured(schema, "session", {"api_key": fuzz_session}, app)


@pytest.fixture(autouse=True)
def _subtest_node_ids(request: pytest.FixtureRequest) -> None:
    # Schemathesis' lazy schemas rename the test node per operation through ``_nodeid``, which pytest 9 no longer has.
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


api = schemathesis.pytest.from_fixture("api_schema")
# Signed in with the cookie, only the routes a token is refused: signing out would end the run's session.
account = schemathesis.pytest.from_fixture("account_schema").include(path_regex=r"^/api/v1/(me|tokens)")


@api.parametrize()
@pytest.mark.slow
@FUZZING
def test_api_conforms_to_its_openapi(case: schemathesis.Case[Any]) -> None:
    if case.operation.path == "/api/v1/sync/push":
        # SPEC §5: an op whose data its single request would refuse fails alone, in its result of a 200.
        case.call_and_validate(excluded_checks=[negative_data_rejection])
    else:
        case.call_and_validate()


@account.parametrize()
@pytest.mark.slow
@FUZZING
def test_account_routes_conform_to_the_openapi(case: schemathesis.Case[Any]) -> None:
    case.call_and_validate()


@pytest.mark.parametrize(
    ("path", "status"),
    [
        # A range ending (or starting) at the calendar's end is clipped to one day there.
        ("/api/v1/summary/heatmap?to=0001-01-01", 200),
        ("/api/v1/summary/heatmap?from=9999-12-31", 200),
        # A summary's day lies between 1970-01-01 and a year after today.
        ("/api/v1/summary?as_of=0001-01-01", 422),
        ("/api/v1/summary?as_of=9999-12-31", 422),
        ("/api/v1/summary/explain?as_of=0001-01-01", 422),
        ("/api/v1/summary/explain?as_of=9999-12-31", 422),
        ("/api/v1/entries?from=0001-01-01&to=9999-12-31", 200),
    ],
)
def test_dates_at_the_ends_of_the_calendar_are_answered(client: TestClient, path: str, status: int) -> None:
    """Found by fuzzing: a heatmap ending in year 1 overflowed into a 500."""
    register(client)
    make_entry(client)
    response = client.get(path)
    assert response.status_code == status, response.text
    if status == 422:
        assert response.json()["code"] == "validation_error"


NUL = "\u0000"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/api/v1/entries", {"note": NUL}),
        ("POST", "/api/v1/entries", {"people": [NUL]}),
        ("POST", "/api/v1/goals", {"title": NUL}),
        ("PATCH", "/api/v1/me", {"display_name": NUL}),
        ("POST", "/api/v1/tokens", {"name": NUL, "scopes": ["export"]}),
        ("POST", "/api/v1/auth/login", {"email": NUL, "password": "correct horse battery"}),
        ("GET", "/api/v1/entries?q=%00", None),
    ],
)
def test_nul_is_refused_naming_the_field(client: TestClient, method: str, path: str, body: Any) -> None:
    register(client)
    response = client.request(method, path, json=body)
    assert (response.status_code, response.json()["code"]) == (422, "validation_error"), response.text
    field = next(iter(body)) if body else "q"
    assert field in response.json()["detail"]


def test_booleans_are_not_numbers(client: TestClient) -> None:
    """Found by fuzzing: pydantic's lax mode read ``false`` as 0 in ``PATCH /me`` (and every other number field)."""
    register(client)
    goal = make_goal(client)
    for method, path, body in (
        ("PATCH", "/api/v1/me", {"day_start_hour": False}),
        ("POST", "/api/v1/tokens", {"name": "x", "scopes": ["export"], "expires_in_days": True}),
        ("POST", "/api/v1/goals", {"title": "Swim", "target": True}),
        ("PATCH", f"/api/v1/goals/{goal['id']}", {"target": True}),
        ("POST", "/api/v1/entries", {"intensity": True}),
        ("POST", "/api/v1/entries", {"lat": False}),
    ):
        response = client.request(method, path, json=body)
        assert response.status_code == 422, (method, path, body)
        assert response.json()["code"] == "validation_error"
    assert client.patch("/api/v1/me", json={"day_start_hour": 5}).status_code == 200
    assert client.post("/api/v1/entries", json={"intensity": 5, "lat": 0, "lon": 1.5}).status_code == 201
