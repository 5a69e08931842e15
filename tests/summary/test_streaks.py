"""Streak rules of SPEC §6: hand-worked cases and a property test against a naive reference."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.summary.paused_days import PausedDays
from app.summary.streaks import (
    NO_STREAK,
    CurrentPeriod,
    Run,
    Streak,
    StreakPeriod,
    StreakRule,
    compute_streaks,
    period_requirement,
    week_of,
)
from tests.summary.naive import naive_streaks

TODAY = date(2026, 11, 25)  # a Wednesday


def d(day: int, month: int = 11) -> date:
    return date(2026, month, day)


def days(*numbers: int) -> dict[date, int]:
    return {d(n): 1 for n in numbers}


DAILY = StreakRule()


def test_empty_history_has_no_streak() -> None:
    result = compute_streaks({}, DAILY, TODAY)
    assert result.runs == ()
    assert result.current == NO_STREAK
    assert result.longest == NO_STREAK
    assert result.current_periods == ()


def test_one_entry_today_is_an_active_streak_of_one() -> None:
    result = compute_streaks(days(25), DAILY, TODAY)
    today = Streak(length=1, start=TODAY, end=TODAY, status="active", grace_used=0)
    assert result.current == today
    assert result.longest == today
    assert result.current_periods == (StreakPeriod(TODAY, 1, "met"),)


def test_a_run_ending_yesterday_is_at_risk_and_counted_to_yesterday() -> None:
    result = compute_streaks(days(20, 21, 22, 23, 24), DAILY, TODAY)
    assert result.current == Streak(5, d(20), d(24), "at_risk", 0)
    assert result.longest == Streak(5, d(20), d(24), "at_risk", 0)


def test_a_run_ending_two_days_ago_without_grace_is_over() -> None:
    result = compute_streaks(days(20, 21, 22, 23), DAILY, TODAY)
    assert result.current == NO_STREAK
    assert result.longest == Streak(4, d(20), d(23), "ended", 0)
    assert result.current_periods == ()


def test_a_gap_bridged_by_grace_days_counts_calendar_days_and_grace_used() -> None:
    rule = StreakRule(grace_days=1)
    result = compute_streaks(days(18, 19, 21, 23, 24, 25), rule, TODAY)
    assert result.runs == (Run(d(18), d(25), 8, 2),)
    assert result.current == Streak(8, d(18), d(25), "active", 2)
    states = [(p.start.day, p.count, p.state) for p in result.current_periods]
    assert states == [
        (18, 1, "met"),
        (19, 1, "met"),
        (20, 0, "bridged"),
        (21, 1, "met"),
        (22, 0, "bridged"),
        (23, 1, "met"),
        (24, 1, "met"),
        (25, 1, "met"),
    ]


def test_a_gap_longer_than_grace_splits_runs() -> None:
    rule = StreakRule(grace_days=1)
    result = compute_streaks(days(10, 11, 14, 15), rule, TODAY)
    assert result.runs == (Run(d(10), d(11), 2, 0), Run(d(14), d(15), 2, 0))
    two_day_grace = compute_streaks(days(10, 11, 14, 15), StreakRule(grace_days=2), TODAY)
    assert two_day_grace.runs == (Run(d(10), d(15), 6, 2),)


def test_grace_keeps_a_streak_at_risk_for_grace_plus_one_days() -> None:
    rule = StreakRule(grace_days=1)
    at_risk = compute_streaks(days(22, 23), rule, TODAY)
    assert at_risk.current == Streak(2, d(22), d(23), "at_risk", 0)
    over = compute_streaks(days(22, 23), rule, d(26))
    assert over.current == NO_STREAK
    assert over.longest.status == "ended"


def test_weekly_goal_met_this_week_and_last_is_active_for_two_weeks() -> None:
    rule = StreakRule(cadence="weekly")
    result = compute_streaks(days(17, 24), rule, TODAY)
    assert result.current == Streak(2, d(16), d(23), "active", 0)
    assert result.current_periods == (
        StreakPeriod(d(16), 1, "met"),
        StreakPeriod(d(23), 1, "met"),
    )


def test_weekly_goal_met_last_week_only_is_at_risk() -> None:
    rule = StreakRule(cadence="weekly")
    result = compute_streaks(days(3, 10, 17), rule, TODAY)
    assert result.current == Streak(3, d(2), d(16), "at_risk", 0)
    two_weeks_ago = compute_streaks(days(3, 10), rule, TODAY)
    assert two_weeks_ago.current == NO_STREAK
    assert two_weeks_ago.longest == Streak(2, d(2), d(9), "ended", 0)


def test_weekly_cadence_ignores_grace_days() -> None:
    rule = StreakRule(cadence="weekly", grace_days=3)
    result = compute_streaks(days(3, 17), rule, TODAY)
    assert result.runs == (Run(d(2), d(2), 1, 0), Run(d(16), d(16), 1, 0))
    assert result.current.status == "at_risk"


def test_daily_target_above_one_needs_that_many_entries_a_day() -> None:
    rule = StreakRule(target=3)
    counts = {d(21): 3, d(22): 2, d(23): 4, d(24): 3, d(25): 5}
    result = compute_streaks(counts, rule, TODAY)
    assert result.runs == (Run(d(21), d(21), 1, 0), Run(d(23), d(25), 3, 0))
    assert result.current == Streak(3, d(23), d(25), "active", 0)


def test_a_grace_day_may_hold_entries_below_target() -> None:
    rule = StreakRule(target=2, grace_days=1)
    result = compute_streaks({d(23): 2, d(24): 1, d(25): 2}, rule, TODAY)
    assert result.current == Streak(3, d(23), d(25), "active", 1)
    assert [p.state for p in result.current_periods] == ["met", "bridged", "met"]
    assert result.current_periods[1].count == 1


def test_weekly_target_above_one_sums_the_week() -> None:
    rule = StreakRule(cadence="weekly", target=3)
    counts = {d(9): 1, d(11): 1, d(15): 1, d(16): 2, d(22): 1, d(23): 3}
    result = compute_streaks(counts, rule, TODAY)
    # Week of 9 Nov: 3 (met); week of 16 Nov: 2 + 1 (met); week of 23 Nov: 3 (met).
    assert result.current == Streak(3, d(9), d(23), "active", 0)
    short = compute_streaks({d(16): 2, d(23): 3}, rule, TODAY)
    assert short.current == Streak(1, d(23), d(23), "active", 0)


def test_entries_after_as_of_are_ignored() -> None:
    result = compute_streaks(days(23, 24, 26), DAILY, TODAY)
    assert result.current == Streak(2, d(23), d(24), "at_risk", 0)
    weekly = compute_streaks({d(24): 1, d(26): 1}, StreakRule(cadence="weekly", target=2), TODAY)
    assert weekly.current == NO_STREAK
    assert weekly.runs == ()


def test_a_tie_for_longest_goes_to_the_latest_run() -> None:
    result = compute_streaks(days(1, 2, 3, 10, 11, 12, 20), DAILY, TODAY)
    assert result.current == NO_STREAK
    assert result.longest == Streak(3, d(10), d(12), "ended", 0)


def test_a_current_run_tying_the_longest_is_the_longest() -> None:
    result = compute_streaks(days(1, 2, 3, 23, 24, 25), DAILY, TODAY)
    assert result.longest == Streak(3, d(23), d(25), "active", 0)


def test_a_longer_past_run_is_the_longest_and_ended() -> None:
    result = compute_streaks(days(1, 2, 3, 4, 24, 25), DAILY, TODAY)
    assert result.current == Streak(2, d(24), d(25), "active", 0)
    assert result.longest == Streak(4, d(1), d(4), "ended", 0)


def test_week_starting_sunday_moves_the_week_boundary() -> None:
    saturday_and_sunday = days(21, 22)
    monday_weeks = compute_streaks(saturday_and_sunday, StreakRule(cadence="weekly"), TODAY)
    # Both days fall in the Monday week of 16 Nov, which is over: at risk for one week.
    assert monday_weeks.current == Streak(1, d(16), d(16), "at_risk", 0)
    sunday_rule = StreakRule(cadence="weekly", week_start="sunday")
    sunday_weeks = compute_streaks(saturday_and_sunday, sunday_rule, TODAY)
    assert sunday_weeks.current == Streak(2, d(15), d(22), "active", 0)


def test_week_of_respects_week_start() -> None:
    assert week_of(d(22), "monday") == d(16)
    assert week_of(d(22), "sunday") == d(22)
    assert week_of(d(21), "sunday") == d(15)
    assert week_of(d(23), "monday") == d(23)


def test_counts_may_come_as_sorted_pairs() -> None:
    pairs = [(d(23), 1), (d(24), 1), (d(25), 1)]
    assert compute_streaks(pairs, DAILY, TODAY).current == Streak(3, d(23), d(25), "active", 0)


@pytest.mark.parametrize(
    "rule_args",
    [
        {"target": 0},
        {"grace_days": -1},
        {"cadence": "monthly"},
        {"week_start": "friday"},
    ],
)
def test_invalid_rules_are_rejected(rule_args: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        StreakRule(**rule_args)  # type: ignore[arg-type]


def paused(*ranges: tuple[int, int]) -> PausedDays:
    """November 2026 days, ``(first, last)`` inclusive."""
    return PausedDays.from_ranges((d(first), d(last)) for first, last in ranges)


def test_paused_days_are_neither_met_nor_missed() -> None:
    result = compute_streaks(days(10, 11, 15, 16), DAILY, d(16), paused=paused((12, 14)))
    assert result.runs == (Run(d(10), d(16), 7, 0, 3),)
    assert result.current == Streak(7, d(10), d(16), "active", 0, 3)
    states = [p.state for p in result.current_periods]
    assert states == ["met", "met", "paused", "paused", "paused", "met", "met"]


def test_grace_counts_only_days_that_are_not_paused() -> None:
    rule = StreakRule(grace_days=1)
    result = compute_streaks(days(10, 15), rule, d(15), paused=paused((11, 13)))
    assert result.runs == (Run(d(10), d(15), 6, 1, 3),)
    states = [p.state for p in result.current_periods]
    assert states == ["met", "paused", "paused", "paused", "bridged", "met"]
    two_unpaused = compute_streaks(days(10, 15), rule, d(15), paused=paused((11, 12)))
    assert len(two_unpaused.runs) == 2


def test_a_logged_day_is_never_paused() -> None:
    # 12 Nov has an entry below the target: it is a missed day inside the pause, not a paused one.
    rule = StreakRule(target=2)
    result = compute_streaks({d(10): 2, d(12): 1, d(14): 2}, rule, d(14), paused=paused((11, 13)))
    assert [(r.start, r.end) for r in result.runs] == [(d(10), d(10)), (d(14), d(14))]
    with_grace = compute_streaks(
        {d(10): 2, d(12): 1, d(14): 2}, StreakRule(target=2, grace_days=1), d(14), paused=paused((11, 13))
    )
    assert with_grace.runs == (Run(d(10), d(14), 5, 1, 2),)


def test_a_paused_today_keeps_the_streak_active() -> None:
    result = compute_streaks(days(20, 21, 22), DAILY, TODAY, paused=paused((23, 30)))
    assert result.current == Streak(3, d(20), d(22), "active", 0, 0)
    assert result.period == CurrentPeriod(TODAY, TODAY, 0, 0)


def test_pauses_stretch_the_days_a_streak_stays_at_risk() -> None:
    rule = StreakRule(grace_days=1)
    # Two unpaused days since the run: 23 Nov and today; the run may still go on today.
    result = compute_streaks(days(18, 19), rule, TODAY, paused=paused((20, 22), (24, 24)))
    assert result.current == Streak(2, d(18), d(19), "at_risk", 0, 0)
    over = compute_streaks(days(18, 19), rule, TODAY, paused=paused((20, 22)))
    assert over.current == NO_STREAK


def test_a_weekly_requirement_scales_with_unpaused_days() -> None:
    assert [period_requirement(3, 7, paused_days) for paused_days in range(8)] == [3, 3, 3, 2, 2, 1, 1, 0]
    assert period_requirement(4, 1, 0) == 4 and period_requirement(4, 1, 1) == 0
    rule = StreakRule(cadence="weekly", target=3)
    # Week of 16 Nov: 5 days paused, so one entry is enough; week of 9 Nov needs all 3.
    result = compute_streaks({d(9): 3, d(17): 1}, rule, TODAY, paused=paused((18, 22)))
    assert result.runs == (Run(d(9), d(16), 2, 0, 5),)
    four_paused = compute_streaks({d(9): 3, d(17): 1}, rule, TODAY, paused=paused((18, 21)))
    assert four_paused.runs == (Run(d(9), d(9), 1, 0, 0),)


def test_planned_pauses_later_this_week_count_for_its_requirement() -> None:
    rule = StreakRule(cadence="weekly", target=7)
    planned = paused((27, 29))  # Friday to Sunday, after as_of
    result = compute_streaks({d(23): 2, d(24): 2}, rule, TODAY, paused=planned)
    assert result.period == CurrentPeriod(d(23), d(29), 4, 4)
    assert result.current == Streak(1, d(23), d(23), "active", 0, 3)
    assert compute_streaks({d(23): 2, d(24): 2}, rule, TODAY).period == CurrentPeriod(d(23), d(29), 4, 7)


def test_skipped_weeks_join_met_weeks_and_keep_a_streak_alive() -> None:
    rule = StreakRule(cadence="weekly")
    result = compute_streaks(days(3, 24), rule, TODAY, paused=paused((9, 22)))
    assert result.runs == (Run(d(2), d(23), 4, 0, 14),)
    states = [(p.start, p.state) for p in result.current_periods]
    assert states == [(d(2), "met"), (d(9), "paused"), (d(16), "paused"), (d(23), "met")]
    # A week with one unpaused day that has no entry breaks the run.
    broken = compute_streaks(days(3, 24), rule, TODAY, paused=paused((9, 21)))
    assert len(broken.runs) == 2


def test_a_weekly_streak_is_at_risk_across_skipped_weeks_and_active_in_a_skipped_week() -> None:
    rule = StreakRule(cadence="weekly")
    at_risk = compute_streaks(days(3), rule, TODAY, paused=paused((9, 22)))
    assert at_risk.current == Streak(1, d(2), d(2), "at_risk", 0, 0)
    skipped_now = compute_streaks(days(3), rule, TODAY, paused=paused((9, 29)))
    assert skipped_now.current == Streak(1, d(2), d(2), "active", 0, 0)
    assert skipped_now.period == CurrentPeriod(d(23), d(29), 0, 0)


def test_best_lists_the_five_longest_runs_longest_first_ties_latest_first() -> None:
    counts = days(1, 3, 4, 6, 7, 9, 10, 12, 13, 14, 16, 18, 20, 21, 22, 25)
    result = compute_streaks(counts, DAILY, TODAY)
    assert [(s.length, s.start) for s in result.best] == [
        (3, d(20)),
        (3, d(12)),
        (2, d(9)),
        (2, d(6)),
        (2, d(3)),
    ]
    assert all(s.status == "ended" for s in result.best)
    assert result.longest == result.best[0]
    assert result.current == Streak(1, d(25), d(25), "active", 0)
    assert compute_streaks(counts, DAILY, d(22)).best[0] == Streak(3, d(20), d(22), "active", 0)


def test_the_current_period_counts_entries_so_far_against_the_requirement() -> None:
    assert compute_streaks({TODAY: 1}, StreakRule(target=3), TODAY).period == CurrentPeriod(TODAY, TODAY, 1, 3)
    weekly = StreakRule(cadence="weekly", target=2, week_start="sunday")
    assert compute_streaks({d(22): 1, d(26): 4}, weekly, TODAY).period == CurrentPeriod(d(22), d(28), 1, 2)
    assert compute_streaks({}, weekly, TODAY).period == CurrentPeriod(d(22), d(28), 0, 2)


histories = st.lists(st.integers(min_value=-70, max_value=10), max_size=40)
pause_ranges = st.lists(
    st.tuples(st.integers(min_value=-80, max_value=10), st.integers(min_value=0, max_value=20)), max_size=4
)


@settings(deadline=None)  # examples: the profile's (tests/conftest.py)
@given(
    offsets=histories,
    ranges=pause_ranges,
    as_of=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    cadence=st.sampled_from(["daily", "weekly"]),
    target=st.integers(min_value=1, max_value=50),
    grace_days=st.integers(min_value=0, max_value=3),
    week_start=st.sampled_from(["monday", "sunday"]),
)
def test_streaks_match_the_naive_reference(
    offsets: list[int],
    ranges: list[tuple[int, int]],
    as_of: date,
    cadence: str,
    target: int,
    grace_days: int,
    week_start: str,
) -> None:
    rule = StreakRule(cadence, target, grace_days, week_start)  # type: ignore[arg-type]
    # Small targets get many entries a day, so that large ones are met now and then.
    entry_days = [as_of + timedelta(days=offset) for offset in offsets for _ in range(1 + target // 4)]
    pauses = [(as_of + timedelta(days=start), as_of + timedelta(days=start + length)) for start, length in ranges]
    counts: dict[date, int] = {}
    for day in entry_days:
        counts[day] = counts.get(day, 0) + 1

    result = compute_streaks(counts, rule, as_of, paused=PausedDays.from_ranges(pauses))
    runs, current, longest, best, period = naive_streaks(entry_days, rule, as_of, pauses)

    assert [(r.start, r.end, r.length, r.grace_used, r.paused_days) for r in result.runs] == runs
    assert result.current == current
    assert result.longest == longest
    assert list(result.best) == best
    assert result.period == CurrentPeriod(*period)
    if current.status == "none":
        assert result.current_periods == ()
    else:
        step = 1 if cadence == "daily" else 7
        assert len(result.current_periods) == current.length
        assert result.current_periods[0].start == current.start
        assert result.current_periods[-1].start == current.end
        bridged = [p for p in result.current_periods if p.state == "bridged"]
        assert len(bridged) == current.grace_used
        assert all(p.count < target for p in bridged)
        paused_periods = [p for p in result.current_periods if p.state == "paused"]
        assert len(paused_periods) * step <= current.paused_days
