"""The shell stays within its size budget (timings are measured in bench/pwa_budget.py, not here)."""

from __future__ import annotations

from bench.pwa_budget import SHELL_BUDGET_BYTES, measure_shell, precached_files, shell_files

# Screens load when opened (pauses with Currents); the sign-in screen, the details form, the pull and the timeline's
# reads on first use.
LAZY = {
    "timeline.js",
    "goals.js",
    "currents.js",
    "settings.js",
    "signin.js",
    "entryform.js",
    "pull.js",
    "logcurrents.js",
    "summary.js",
    "words.js",
    "account.js",
    "noticing.js",
    "insights.js",
    "printsummary.js",
    "entry.js",
    "insights.css",
    "pauses.js",
    "db-pages.js",
    "db-pull.js",
    "db-account.js",
    "db-derived.js",
    "derived.js",
    "searching.js",
}


def test_shell_is_under_100_kb_and_loads_no_screen_it_does_not_need() -> None:
    raw, _compressed, _count, _everything = measure_shell()
    assert raw < SHELL_BUDGET_BYTES, f"the shell is {raw / 1024:.1f} KB"
    shell = {path.name for path in shell_files()}
    # Every file of the PWA is in the shell except those loaded later.
    assert {path.name for path in precached_files()} - shell == LAZY
