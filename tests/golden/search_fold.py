"""Writes the golden search-fold cases: ``python -m tests.golden.search_fold`` (``--check`` compares instead).

Each case is a text and what ``q`` compares it as (``app.entries.columns.searchable``: lower-cased, NFKD,
nonspacing marks dropped). pytest checks the file against the server's function
(tests/golden/test_search_fold.py); ``node --test`` checks the PWA's ``searchable`` (web/js/derived.js)
against it (tests/web/search_fold.test.mjs), so that a search on the phone finds what the server's does.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from app.entries.columns import searchable

GOLDEN = Path(__file__).with_name("search_fold_cases.json")
TEXTS = [
    "",
    "plain words",
    "Zoë at the CAFÉ",
    "ZOE",
    "Kraków, Łódź, Gdańsk",
    "Señal, niño, São Paulo",
    "Straße STRASSE ẞ",
    "İstanbul, ıı, I",
    "ΟΔΟΣ Σίσυφος",
    "Ｆｕｌｌ ｗｉｄｔｈ １２３",
    "ﬁnal ﬂow Ⅻ ½ ㎞",
    "e\u0301 (e and a combining acute)",
    "Å Ω K (angstrom, ohm, kelvin signs)",
    "Ǆ ǅ ǆ",
    "Χαῖρε",
    "Привет, Ёлка",
    "שָׁלוֹם (pointed Hebrew)",
    "مَرْحَبًا (Arabic with harakat)",
    "हिन्दी, कि कु",
    "한국어 낱말",
    "日本語のテキスト、ガギグ",
    "emoji 🌊🏳️‍🌈 👋🏽",
    "Tab\tand\nnewline\r\nand \u2028 line separator",
    "Vietnamese: Tiếng Việt",
    "100% _under_score_",
]


def cases() -> list[dict[str, str]]:
    return [{"text": text, "searchable": searchable(text)} for text in TEXTS]


def render(found: list[dict[str, str]]) -> str:
    return '{"cases": [\n' + ",\n".join(json.dumps(case, ensure_ascii=False) for case in found) + "\n]}\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare the file with the server's function")
    text = render(cases())
    if parser.parse_args().check:
        same = GOLDEN.read_text(encoding="utf-8") == text
        print("search_fold_cases.json is current" if same else "search_fold_cases.json differs: run without --check")
        return 0 if same else 1
    GOLDEN.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
