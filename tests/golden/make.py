"""Writes the golden summary cases: ``python -m tests.golden.make`` (``--check`` compares instead).

Each case holds the inputs as the PWA keeps them (tests/golden/cases.py) and, under ``expected``,
the answers of the Python rules (tests/golden/expected.py). pytest checks the file against the
rules and the server (tests/golden/test_summary_cases.py); ``node --test`` checks the PWA's module
against it (tests/web/summary_rules.test.mjs).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from tests.golden.edge_cases import EDGE_CASES
from tests.golden.expected import expected
from tests.golden.random_cases import random_cases

GOLDEN = Path(__file__).with_name("summary_cases.json")
RANDOM_CASES = 180


def all_cases() -> list[dict[str, Any]]:
    cases = [build() for build in EDGE_CASES] + random_cases(RANDOM_CASES)
    return [{**case, "expected": expected(case)} for case in cases]


def render(cases: list[dict[str, Any]]) -> str:
    """A case a block, each part on a line, each entry, pause, goal and streak on its own: diffs stay readable."""
    blocks = [",\n".join(f" {json.dumps(key)}: {_part(value)}" for key, value in case.items()) for case in cases]
    return '{"cases": [\n{\n' + "\n},\n{\n".join(blocks) + "\n}\n]}\n"


def _part(value: Any) -> str:
    compact = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        return "[\n  " + ",\n  ".join(_part(item) for item in value) + "\n ]"
    if isinstance(value, dict) and any(isinstance(item, (dict, list)) and _nested(item) for item in value.values()):
        items = ",\n  ".join(f"{json.dumps(key)}: {_part(item)}" for key, item in value.items())
        return "{\n  " + items + "\n }"
    return compact


def _nested(value: Any) -> bool:
    items = value.values() if isinstance(value, dict) else value
    return any(isinstance(item, (dict, list)) for item in items)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the file differs from a fresh generation")
    arguments = parser.parse_args(argv)
    text = render(all_cases())
    if arguments.check:
        same = GOLDEN.exists() and GOLDEN.read_text(encoding="utf-8") == text
        print("golden cases are up to date" if same else f"{GOLDEN} differs: run python -m tests.golden.make")
        return 0 if same else 1
    GOLDEN.write_text(text, encoding="utf-8")
    print(f"wrote {GOLDEN}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
