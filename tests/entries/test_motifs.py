"""Motifs (SPEC §6): which number patterns are found, how they are named, and their base rates."""

from __future__ import annotations

import pytest

from app.entries.motifs import Motif, base_rate, find_motifs


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("11:11", [Motif("1111", clock=True)]),
        ("saw 333 twice", [Motif("333")]),
        ("1234", [Motif("1234")]),
        ("10:01 on the oven", [Motif("1001", clock=True)]),
        ("12:12 and 12:34", [Motif("1212", clock=True), Motif("1234", clock=True)]),
        ("at 3:33", [Motif("333", clock=True)]),
        ("22:22", [Motif("2222", clock=True)]),
        ("0123", [Motif("0123")]),
        ("1111 then 11:11", [Motif("1111", clock=True)]),
        ("77777", [Motif("77777")]),
    ],
)
def test_motifs_found(text: str, found: list[Motif]) -> None:
    assert find_motifs([text]) == found


@pytest.mark.parametrize(
    "text",
    ["2026", "12", "in 2000", "€1000", "11:11:11", "25:25", "12:60", "13:14", "v1.11:11", "4321", "1" * 13, "٣٣٣"],
)
def test_no_motif(text: str) -> None:
    assert find_motifs([text]) == []


def test_motifs_across_inner_note_and_tags_each_once() -> None:
    assert find_motifs(["thinking of 444", "444 on a plate", "555"]) == [Motif("444"), Motif("555")]


def test_base_rates_of_clock_times() -> None:
    assert base_rate("11:11") == 1 / 720 and base_rate("3:33") == 1 / 720 and base_rate("12:21") == 1 / 720
    assert base_rate("22:22") == 1 / 1440 and base_rate("00:00") == 1 / 1440
    assert base_rate("1111") is None and base_rate("333") is None
    assert [motif.written for motif in find_motifs(["11:11", "9:09", "333"])] == ["11:11", "9:09", "333"]
