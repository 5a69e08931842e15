"""The golden search-fold cases (tests/golden/search_fold_cases.json) are what the server's ``searchable`` makes."""

from __future__ import annotations

from tests.golden.search_fold import GOLDEN, cases, render


def test_the_golden_file_is_the_servers_fold() -> None:
    assert GOLDEN.read_text(encoding="utf-8") == render(cases())


def test_the_cases_fold_accents_and_case() -> None:
    folded = {case["text"]: case["searchable"] for case in cases()}
    assert folded["Zoë at the CAFÉ"] == "zoe at the cafe"
    assert folded["Kraków, Łódź, Gdańsk"] == "krakow, łodz, gdansk"  # Ł is a letter of its own, not L with a mark
    assert folded["Ｆｕｌｌ ｗｉｄｔｈ １２３"] == "full width 123"
