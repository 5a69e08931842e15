"""The insights bench's log: entries seeded with words of their own and marked as the entry service marks them."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from bench import insights_bench, summary_bench


def test_the_seeded_log_is_marked_as_the_write_path_marks_it(tmp_path: Path) -> None:
    path = tmp_path / "heavy.db"
    insights_bench.prepare(path, summary_bench.Heavy(entries=300, years=1, goals=2, pauses=2))
    with closing(sqlite3.connect(path)) as lite:
        live = lite.execute("SELECT count(*) FROM entries WHERE deleted_at IS NULL").fetchone()[0]
        marked = lite.execute(
            "SELECT count(DISTINCT m.entry_id) FROM entry_marks m JOIN entries e ON e.id = m.entry_id"
            " WHERE e.deleted_at IS NULL AND m.local_date = e.local_date AND m.kind = e.kind"
        ).fetchone()[0]
        of_tombstones = lite.execute(
            "SELECT count(*) FROM entry_marks m JOIN entries e ON e.id = m.entry_id WHERE e.deleted_at IS NOT NULL"
        ).fetchone()[0]
        per_mark = dict(lite.execute("SELECT mark, count(*) FROM entry_marks GROUP BY mark").fetchall())
        clock = lite.execute(
            "SELECT count(*) FROM entries WHERE deleted_at IS NULL AND note LIKE '%11:11%'"
        ).fetchone()[0]
        motif_1111 = lite.execute("SELECT count(*) FROM entry_marks WHERE mark = 'motif' AND key = '1111'").fetchone()[
            0
        ]
    # Every live entry has at least one tag, so a mark; a tombstone keeps none.
    assert (marked, of_tombstones) == (live, 0)
    assert set(per_mark) == {"person", "tag", "motif"}
    assert motif_1111 == clock > 0
    assert insights_bench.echo_entry(path).count("-") == 4


def test_the_report_sets_each_run_after_its_earlier_figures() -> None:
    run = {"name": "people", "connections": 1, "requests": 9, "rate": 1.1, "p50_ms": 9.0, "p99_ms": 12.0}
    before = [{**run, "cpu_ms_per_request": 260.0}]
    text = insights_bench.markdown([{**run, "cpu_ms_per_request": 17.5}], {"load_average": (1.0, 2.0, 3.0)}, before)
    assert text.splitlines()[-2:] == [
        "| people | 1 | before | 9 | 1.1 | 9.0 | 12.0 | 260.00 |",
        "| people | 1 | after | 9 | 1.1 | 9.0 | 12.0 | 17.50 |",
    ]
    assert "load average at the start 1.0, 2.0, 3.0" in text
