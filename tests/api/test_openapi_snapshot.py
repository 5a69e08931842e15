"""The OpenAPI document keeps its paths, methods and schemas: third-party clients are generated from it.

``tests/api/openapi-v1.json`` is the document as published; a change to the code that changes
the contract must change the snapshot too, on purpose.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import FastAPI

SNAPSHOT = Path(__file__).with_name("openapi-v1.json")
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


def _operations(document: dict[str, Any]) -> set[tuple[str, str]]:
    return {(path, method) for path, item in document["paths"].items() for method in METHODS if method in item}


def test_paths_methods_and_schemas_are_the_published_ones(app: FastAPI) -> None:
    published = json.loads(SNAPSHOT.read_text())
    current = json.loads(json.dumps(app.openapi()))
    assert _operations(current) == _operations(published)
    assert current["components"]["schemas"] == published["components"]["schemas"]
    for path, method in _operations(published):
        now, then = current["paths"][path][method], published["paths"][path][method]
        assert now.get("parameters") == then.get("parameters"), (method, path)
        assert now.get("requestBody") == then.get("requestBody"), (method, path)
        assert sorted(now["responses"]) == sorted(then["responses"]), (method, path)
