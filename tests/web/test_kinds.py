"""One wording for the kinds: web/js/kinds.js is generated from app/entries/kinds.py.

``SYNCLOG_UPDATE_GOLDEN=1`` rewrites web/js/kinds.js (then bump VERSION in web/sw.js).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from app.entries.kinds import KIND_LABELS
from app.entries.models import KINDS

KINDS_JS = Path(__file__).resolve().parents[2] / "web" / "js" / "kinds.js"


def kinds_module() -> str:
    """The PWA module for ``KIND_LABELS``: the same kinds, order and words."""
    rows = "".join(
        f"  [{json.dumps(kind)}, {json.dumps(label, ensure_ascii=False)}],\n" for kind, label in KIND_LABELS.items()
    )
    return (
        "// @ts-check\n"
        "// Generated from app/entries/kinds.py by tests/web/test_kinds.py (SYNCLOG_UPDATE_GOLDEN=1); do not edit.\n"
        "\n"
        "/** The kinds of synchronicity in the order the screens offer them, each with its label. */\n"
        f"export const KINDS = /** @type {{const}} */ ([\n{rows}]);\n"
        "\n"
        "/** The label of a kind; an unknown kind is shown as it is. @param {string} kind */\n"
        "export function kindLabel(kind) {\n"
        "  const found = KINDS.find(([value]) => value === kind);\n"
        "  return found ? found[1] : kind;\n"
        "}\n"
    )


def test_every_kind_has_one_label() -> None:
    assert sorted(KIND_LABELS) == sorted(KINDS)
    assert len(set(KIND_LABELS.values())) == len(KIND_LABELS)


def test_the_pwa_kinds_are_generated_from_the_python_labels() -> None:
    expected = kinds_module()
    if os.environ.get("SYNCLOG_UPDATE_GOLDEN") == "1":
        KINDS_JS.write_text(expected, encoding="utf-8")
    assert KINDS_JS.read_text(encoding="utf-8") == expected, (
        "run with SYNCLOG_UPDATE_GOLDEN=1 to regenerate web/js/kinds.js"
    )
