"""The PWA's code keeps its shape: no import cycles, pure merge rules, no function over ~80 lines,
IndexedDB written from web/js/db.js alone, and the vendored idb equal to the pinned npm package.

The outline of each file comes from TypeScript's parser (tests/web/js_outline.mjs), installed
by ``npm ci``; without it these tests skip, except in CI (``SYNCLOG_REQUIRE_BROWSER=1``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import NODE_MODULES, REPO, WEB, required_tool

MAX_FUNCTION_LINES = 80
OUTLINE = Path(__file__).with_name("js_outline.mjs")
OWN_CODE = sorted([WEB / "sw.js", *(WEB / "js").rglob("*.js")])
DATABASE_MODULE = WEB / "js" / "db.js"
# The timeline's page reads, on db.js's connection; loaded with the timeline to keep the shell small. Reads only.
PAGE_READS_MODULE = WEB / "js" / "db-pages.js"
# Writes in transactions they ask db.js's write() for, loaded when needed rather than with the shell:
# a pulled page (with the pull), the account's data as a whole (on sign-in, sign-out and a 401) and the
# entries per day rebuilt once after the upgrade that added them (with the screens that summarise).
WRITES_THROUGH_DB = {
    WEB / "js" / "db-derived.js": [DATABASE_MODULE, WEB / "js" / "derived.js"],
    WEB / "js" / "db-pull.js": [DATABASE_MODULE, WEB / "js" / "merge.js"],
    WEB / "js" / "db-account.js": [DATABASE_MODULE, WEB / "js" / "events.js"],
}
IDB = WEB / "vendor" / "idb"


@pytest.fixture(scope="module")
def outline() -> dict[Path, dict[str, Any]]:
    node = required_tool(Path(found) if (found := shutil.which("node")) else None, "Node.js")
    required_tool(NODE_MODULES / "typescript", "TypeScript")
    result = subprocess.run(  # noqa: S603 - node on our own script and files
        [str(node), str(OUTLINE), *map(str, OWN_CODE)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return {Path(item["file"]): item for item in json.loads(result.stdout)}


def cycle_from(start: Path, imports: dict[Path, list[Path]]) -> list[Path] | None:
    """The first import cycle reachable from ``start``, as the modules along it."""
    path: list[Path] = []
    done: set[Path] = set()

    def visit(module: Path) -> list[Path] | None:
        if module in path:
            return [*path[path.index(module) :], module]
        if module in done:
            return None
        path.append(module)
        for imported in imports.get(module, []):
            if found := visit(imported):
                return found
        path.pop()
        done.add(module)
        return None

    return visit(start)


def test_no_module_imports_itself_through_others(outline: dict[Path, dict[str, Any]]) -> None:
    imports = {file: [Path(imported) for imported in item["imports"]] for file, item in outline.items()}
    cycles = [cycle for file in imports if (cycle := cycle_from(file, imports))]
    assert cycles == [], " → ".join(str(module.relative_to(WEB)) for module in cycles[0])


def test_the_merge_rules_import_nothing(outline: dict[Path, dict[str, Any]]) -> None:
    assert outline[WEB / "js" / "merge.js"]["imports"] == []


def test_no_function_is_longer_than_a_screen(outline: dict[Path, dict[str, Any]]) -> None:
    long = [
        f"{file.relative_to(WEB)}:{function['line']} {function['name']} ({function['lines']} lines)"
        for file, item in outline.items()
        for function in item["functions"]
        if function["lines"] > MAX_FUNCTION_LINES
    ]
    assert long == []


def test_indexeddb_is_reached_through_db_js_alone_and_its_page_reads(outline: dict[Path, dict[str, Any]]) -> None:
    importers = sorted(
        str(file.relative_to(WEB))
        for file, item in outline.items()
        if any(Path(imported).is_relative_to(IDB) for imported in item["imports"])
    )
    assert importers == ["js/db.js"]
    direct = sorted(
        str(file.relative_to(WEB))
        for file in OWN_CODE
        if file not in (DATABASE_MODULE, PAGE_READS_MODULE)
        and any(word in file.read_text() for word in ("indexedDB", "IDBKeyRange", ".transaction("))
    )
    assert direct == []
    # db-pages.js only reads, and only through the connection db.js opens.
    reads = PAGE_READS_MODULE.read_text()
    assert "readwrite" not in reads and "indexedDB" not in reads
    assert outline[PAGE_READS_MODULE]["imports"] == [str(DATABASE_MODULE)]
    # db-pull.js and db-account.js open no transaction of their own: they write in the one db.js's write() opens.
    for module, imports in WRITES_THROUGH_DB.items():
        text = module.read_text()
        assert "readwrite" not in text and "indexedDB" not in text and "write(" in text, module.name
        assert sorted(outline[module]["imports"]) == sorted(str(imported) for imported in imports), module.name


def test_vendored_idb_is_the_pinned_package() -> None:
    package = required_tool(NODE_MODULES / "idb" / "package.json", "idb (the npm package behind web/vendor/idb)")
    pinned = json.loads((REPO / "package.json").read_text())["devDependencies"]["idb"]
    assert json.loads(package.read_text())["version"] == pinned
    assert f"idb {pinned}" in (WEB / "vendor" / "README.md").read_text()
    build = package.parent / "build"
    assert (IDB / "index.js").read_bytes() == (build / "index.js").read_bytes()
    for declaration in build.glob("*.d.ts"):
        assert (IDB / declaration.name).read_bytes() == declaration.read_bytes(), declaration.name
    assert (IDB / "LICENSE").read_bytes() == (package.parent / "LICENSE").read_bytes()
