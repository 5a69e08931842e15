"""Property: any text, list and empty string comes back from JSON and CSV export → import unchanged."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.exchange.test_import_fidelity import CONTENT_TYPES, export
from tests.factories import make_entry, register

# Any Unicode a text column can store: no NUL (refused with 422) and no lone surrogates (not UTF-8).
text = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=40)
label = text.filter(lambda value: len(value) >= 1)
labels = st.lists(label, max_size=4, unique_by=str.casefold)
entry_values = st.fixed_dictionaries(
    {"inner": text, "note": text, "meaning": text, "tags": labels, "people": labels, "place": st.none() | text}
)
COMPARED = (
    "inner",
    "note",
    "meaning",
    "tags",
    "people",
    "place",
    "occurred_at",
    "timezone",
    "local_date",
    "kind",
    "source",
)


def entries(client: TestClient) -> list[dict[str, Any]]:
    document: dict[str, Any] = json.loads(export(client, "json"))
    return sorted(document["entries"], key=lambda entry: entry["occurred_at"])


@pytest.mark.parametrize("export_format", ["json", "csv"])
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(entry_values, min_size=1, max_size=3))
def test_any_text_round_trips(client: TestClient, export_format: str, values: list[dict[str, Any]]) -> None:
    register(client, timezone="Europe/Berlin")
    client.patch("/api/v1/me", json={"day_start_hour": 4}).raise_for_status()
    for day, fields in enumerate(values, start=1):
        make_entry(client, occurred_at=f"2026-11-{day:02}T01:30:00Z", **fields)
    before = entries(client)
    content = export(client, export_format)
    headers = {"Content-Type": CONTENT_TYPES[export_format]}
    same = client.post("/api/v1/import", content=content, headers=headers)
    assert same.status_code == 200, same.text
    assert same.json()["entries"] == {"created": 0, "updated": 0, "skipped": len(values)}
    assert entries(client) == before
    register(client, timezone="UTC")
    fresh = client.post("/api/v1/import", content=content, headers=headers)
    assert fresh.status_code == 200, fresh.text
    copies = entries(client)
    assert [{name: copy[name] for name in COMPARED} for copy in copies] == [
        {name: entry[name] for name in COMPARED} for entry in before
    ]
