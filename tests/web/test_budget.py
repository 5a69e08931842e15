"""The shell stays within its size budget (timings are measured in bench/pwa_budget.py, not here)."""

from __future__ import annotations

from bench.pwa_budget import SHELL_BUDGET_BYTES, measure_shell, shell_files


def test_shell_is_under_100_kb_and_loads_no_screen_it_does_not_need() -> None:
    raw, _compressed, _count, everything = measure_shell()
    assert raw < SHELL_BUDGET_BYTES, f"the shell is {raw / 1024:.1f} KB"
    names = {path.name for path in shell_files()}
    assert {"index.html", "app.css", "app.js", "quicklog.js", "outbox.js", "db.js"} <= names
    assert not names & {"timeline.js", "goals.js", "currents.js", "settings.js"}
    assert everything > raw
